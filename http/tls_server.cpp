#include "http/tls_server.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

namespace orc::http {

namespace {

/// OpenSSL's queued errors as one line (and clears the queue).
std::string openssl_errors() {
  std::string text;
  while (unsigned long code = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    if (!text.empty()) text += "; ";
    text += buf;
  }
  return text.empty() ? "unknown error" : text;
}

/// Refuses to prompt for a key's passphrase (a daemon has no terminal): encrypted keys fail to
/// load with a clear message instead of hanging.
int no_passphrase(char*, int, int, void*) {
  return 0;
}

bool setup_context(SSL_CTX& ctx, const model::Config& c, std::string& error) {
  SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION);
  SSL_CTX_set_default_passwd_cb(&ctx, no_passphrase);
  if (SSL_CTX_use_certificate_chain_file(&ctx, c.SSLCertFile.c_str()) != 1) {
    error = "SSLCertFile \"" + c.SSLCertFile + "\": " + openssl_errors();
    return false;
  }
  if (SSL_CTX_use_PrivateKey_file(&ctx, c.SSLPrivateKeyFile.c_str(), SSL_FILETYPE_PEM) != 1) {
    error = "SSLPrivateKeyFile \"" + c.SSLPrivateKeyFile +
            "\" (encrypted keys are not supported): " + openssl_errors();
    return false;
  }
  if (SSL_CTX_check_private_key(&ctx) != 1) {
    error = "SSLPrivateKeyFile does not match SSLCertFile: " + openssl_errors();
    return false;
  }
  if (!c.UseMutualTLS) return true;
  if (SSL_CTX_load_verify_locations(&ctx, c.SSLCAFile.c_str(), nullptr) != 1) {
    error = "SSLCAFile \"" + c.SSLCAFile + "\": " + openssl_errors();
    return false;
  }
  // Like upstream (VerifyClientCertIfGiven): a client without a certificate still connects, so
  // a proxy can health-check; the OU check then refuses it on every other route.
  SSL_CTX_set_verify(&ctx, SSL_VERIFY_PEER, nullptr);
  return true;
}

}  // namespace

std::unique_ptr<httplib::Server> make_http_server(const model::Config& config, std::string& error) {
  if (!config.UseSSL) return std::make_unique<httplib::Server>();
  std::string why;
  auto srv = std::make_unique<httplib::SSLServer>(
      [&config, &why](SSL_CTX& ctx) { return setup_context(ctx, config, why); });
  if (!srv->is_valid()) {
    error = why.empty() ? "cannot create the TLS context: " + openssl_errors() : why;
    return nullptr;
  }
  return srv;
}

}  // namespace orc::http
