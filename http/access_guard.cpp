#include "http/access_guard.hpp"

#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "http/api_context.hpp"
#include "http/connection_pool.hpp"

namespace orc::http {

std::shared_ptr<void> SlotGate::acquire(std::chrono::milliseconds wait) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (!cv_.wait_for(lock, wait, [&] { return free_ > 0; })) return nullptr;
  --free_;
  return std::shared_ptr<void>(static_cast<void*>(this), [this](void*) {
    {
      std::lock_guard<std::mutex> l(mutex_);
      ++free_;
    }
    cv_.notify_one();
  });
}

AccessGuard::AccessGuard(const model::Config& config)
    : config_(config), auth_(config), mutations_(std::max(1, config.HTTPThreads)) {}

std::vector<std::string> peer_certificate_ous(const httplib::Request& req) {
  std::vector<std::string> ous;
  if (!req.ssl) return ous;
  auto* ssl = const_cast<SSL*>(req.ssl);
  if (SSL_get_verify_result(ssl) != X509_V_OK) return ous;
  X509* cert = SSL_get1_peer_certificate(ssl);
  if (!cert) return ous;
  X509_NAME* subject = X509_get_subject_name(cert);
  for (int i = X509_NAME_get_index_by_NID(subject, NID_organizationalUnitName, -1); i >= 0;
       i = X509_NAME_get_index_by_NID(subject, NID_organizationalUnitName, i)) {
    ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, i));
    unsigned char* utf8 = nullptr;
    int len = ASN1_STRING_to_UTF8(&utf8, data);
    if (len >= 0) ous.emplace_back(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(len));
    OPENSSL_free(utf8);
  }
  X509_free(cert);
  // A verified certificate without any OU still proves the CA signed it: mark it present.
  if (ous.empty()) ous.emplace_back();
  return ous;
}

bool AccessGuard::client_certificate_ok(Access access, const httplib::Request& req) const {
  if (!config_.UseMutualTLS) return true;
  if (access == Access::Health && !config_.StatusOUVerify) return true;
  const auto ous = peer_certificate_ous(req);
  if (ous.empty()) return false;  // no verified client certificate
  if (config_.SSLValidOUs.empty()) return true;
  return std::any_of(ous.begin(), ous.end(), [&](const std::string& ou) {
    return std::find(config_.SSLValidOUs.begin(), config_.SSLValidOUs.end(), ou) !=
           config_.SSLValidOUs.end();
  });
}

std::shared_ptr<void> AccessGuard::admit(Access access, const httplib::Request& req,
                                         httplib::Response& res) {
  static const auto kPass = std::make_shared<int>(0);
  if (ConnectionPool::on_overflow_thread() && access != Access::Health) {
    res.set_header("Connection", "close");
    respond_error(res, "Too many connections: only health checks are answered", 503);
    return nullptr;
  }
  const auto who = auth_.authenticate(req);
  if (!who) {
    res.status = 401;
    res.set_header("WWW-Authenticate", kBasicChallenge);
    res.set_content("Not Authorized", "text/plain");
    return nullptr;
  }
  if (!client_certificate_ok(access, req)) {
    res.status = 401;
    res.set_content("Invalid client certificate OU", "text/plain");
    return nullptr;
  }
  if (access != Access::Mutation) return kPass;
  if (config_.ReadOnly || !auth_.may_write(*who)) {
    respond_error(res, "Unauthorized");
    return nullptr;
  }
  if (is_cross_site(req)) {
    spdlog::warn("refused cross-site {} from Origin \"{}\"", req.path,
                 req.get_header_value("Origin"));
    respond_error(res, "Unauthorized: cross-site request refused", 403);
    return nullptr;
  }
  auto slot = mutations_.acquire(kSlotWait);
  if (!slot) respond_error(res, "Too many operations in progress (HTTPThreads); retry later", 503);
  return slot;
}

}  // namespace orc::http
