#pragma once
// Reading integers out of dynamically typed SOCI rows.

#include <soci/soci.h>

namespace orc::storage {

/// An integer column of a row. MariaDB types CAST(x AS SIGNED) as INT or BIGINT depending on
/// the width of x, and soci::row::get needs the exact type.
inline long long int_at(const soci::row& r, std::size_t i) {
  switch (r.get_properties(i).get_data_type()) {
    case soci::dt_integer:
      return r.get<int>(i);
    case soci::dt_unsigned_long_long:
      return static_cast<long long>(r.get<unsigned long long>(i));
    default:
      return r.get<long long>(i);
  }
}

}  // namespace orc::storage
