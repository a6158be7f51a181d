#pragma once
// How statements sent to managed servers report failure: a SOCI error becomes an
// OperationError that says what was attempted, for the operator's message and the recovery
// audit. Shared by instance_operations.cpp and topology_actions.cpp.

#include <soci/soci.h>

#include <string>

#include "storage/instance_operations.hpp"

namespace orc::storage {

/// Runs `fn`, turning any non-OperationError exception into OperationError("what: error").
/// `what` must not contain a password (CHANGE MASTER texts are never passed here).
template <typename Fn>
auto guarded(const std::string& what, Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const OperationError&) {
    throw;
  } catch (const std::exception& e) {
    throw OperationError(what + ": " + e.what());
  }
}

/// Executes one statement under guarded(sql, ...).
inline void exec(soci::session& s, const std::string& sql) {
  guarded(sql, [&] { s << sql; });
}

}  // namespace orc::storage
