#pragma once
// Who is calling and what they may do, by upstream's rules (AuthenticationMethod "", basic,
// multi, proxy; ReadOnly). Authentication answers "who" (or 401); write permission is asked
// only for mutations.

#include <httplib.h>

#include <optional>
#include <string>
#include <string_view>

#include "model/config.hpp"

namespace orc::http {

/// An authenticated caller. `user` is "" when the method has no users.
struct Identity {
  std::string user;
};

class Authenticator {
 public:
  /// `config` must outlive the authenticator.
  explicit Authenticator(const model::Config& config);

  /// The caller, or nullopt when credentials are missing or wrong (answer 401 with
  /// kBasicChallenge).
  std::optional<Identity> authenticate(const httplib::Request& req) const;

  /// Whether `who` may run a mutation (upstream's isAuthorizedForAction). ReadOnly is checked
  /// by the caller, not here.
  bool may_write(const Identity& who) const;

 private:
  bool in_power_groups(const std::string& user) const;

  const model::Config& config_;
  std::string method_;
};

/// The WWW-Authenticate value upstream sends with a 401.
inline constexpr const char* kBasicChallenge = "Basic realm=\"Authorization Required\"";

/// Equality whose running time depends only on the longer input's length, not on where the
/// inputs differ: passwords and user names are compared with it.
bool constant_time_equals(std::string_view a, std::string_view b);

/// The user and password of an "Authorization: Basic ..." header; nullopt when absent or
/// malformed.
std::optional<std::pair<std::string, std::string>> basic_credentials(const httplib::Request& req);

/// RFC 4648 base64 decoding; nullopt on characters outside the alphabet.
std::optional<std::string> base64_decode(std::string_view text);

/// Who acknowledges or owns an action, as upstream's getUserId: the basic/multi user, the proxy
/// header's user, else "orchestrator".
std::string request_user(const model::Config& config, const httplib::Request& req);

/// True for a request a browser sent on behalf of another site: Sec-Fetch-Site other than
/// same-origin/none, or an Origin header whose host differs from the request's Host. Such
/// requests may read but never change anything (mutations stay GET for upstream's clients).
bool is_cross_site(const httplib::Request& req);

}  // namespace orc::http
