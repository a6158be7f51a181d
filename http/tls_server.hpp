#pragma once
// The HTTPS side of the API server: builds httplib's SSLServer from UseSSL, SSLCertFile,
// SSLPrivateKeyFile, UseMutualTLS and SSLCAFile, reporting which file failed and why, so a bad
// certificate stops the node at start instead of failing every handshake later.

#include <httplib.h>

#include <memory>
#include <string>

#include "model/config.hpp"

namespace orc::http {

/// A plain or TLS server per `config.UseSSL`; nullptr with `error` naming the failing key.
std::unique_ptr<httplib::Server> make_http_server(const model::Config& config, std::string& error);

}  // namespace orc::http
