#pragma once
// Everything a handler may use besides its request: the database, the services, settings.
// Built once by app/ and shared by every request.
#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "db/migrations.hpp"
#include "http/client_address.hpp"
#include "webhook/address_policy.hpp"

namespace eventd::services {
class Database;
class Authenticator;
class FeedCache;
class SharedRateLimiter;
class RegistrationDesk;
}  // namespace eventd::services

namespace eventd::http {

class Metrics;

struct Backend {
  services::Database& db;
  const services::Authenticator& auth;
  services::FeedCache& feeds;
  Metrics& metrics;
  std::vector<db::Migration> migrations;
  std::string_view openapi_yaml;
  std::string_view reference_page;    // GET /docs
  std::string_view reference_script;  // GET /docs/redoc.standalone.js
  std::string public_url;             // e.g. http://127.0.0.1:8080, no trailing slash
  std::function<std::size_t()> open_connections;
  services::SharedRateLimiter& public_writes;  // registrations and media requests, per client address
  TrustedProxies trusted_proxies;
  services::RegistrationDesk& registrations;    // sign-ups of one event decided together
  std::chrono::seconds change_notice_delay{0};  // EVENTD_CHANGE_NOTICE_DELAY_S
  // The address of EVENTD_MAIL_FROM (empty when none is set): invitations name it as their
  // ORGANIZER's SENT-BY, or as the ORGANIZER when the organisation has no address.
  std::string mail_from_address{};
  std::string frontend_url{};  // EVENTD_FRONTEND_URL: where people's links lead (empty: eventd's pages)
  std::string data_key{};      // EVENTD_DATA_KEY: seals passport details and webhook secrets (empty: none kept)
  webhook::AddressPolicy webhook_policy{};            // EVENTD_WEBHOOK_ALLOWED_NETWORKS
  std::string default_timezone = "Europe/Stockholm";  // EVENTD_DEFAULT_TIMEZONE: plain dates in queries
  int feed_past_days = 90;                            // EVENTD_FEED_PAST_DAYS (list feeds)
  std::size_t feed_max_events = 1000;                 // EVENTD_FEED_MAX_EVENTS (list feeds)
};

}  // namespace eventd::http
