#include "app/app.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "app/embedded.hpp"
#include "common/log.hpp"
#include "domain/error.hpp"
#include "http/backend.hpp"
#include "http/cors.hpp"
#include "http/dispatch.hpp"
#include "http/mail_context.hpp"
#include "http/metrics.hpp"
#include "http/routes.hpp"
#include "http/server.hpp"
#include "http/webhook_payloads.hpp"
#include "ics/calendar_renderer.hpp"
#include "pages/catalogue.hpp"
#include "services/auth.hpp"
#include "services/database.hpp"
#include "services/feed_cache.hpp"
#include "services/mail_outbox.hpp"
#include "services/registration_desk.hpp"
#include "services/registration_service.hpp"
#include "services/shared_rate_limiter.hpp"
#include "services/task_service.hpp"
#include "services/webhook_service.hpp"

namespace eventd::app {

std::vector<db::Migration> bundled_migrations() {
  std::vector<db::Migration> migrations;
  for (const auto& file : embedded::migrations()) migrations.push_back({0, std::string(file.name), file.content});
  return db::order_migrations(std::move(migrations));
}

namespace {
std::string_view bundled_contract() {
  auto files = embedded::contract();
  return files.empty() ? std::string_view{} : files.front().content;
}

std::string_view bundled_reference(std::string_view name) {
  auto files = embedded::reference();
  for (const auto& file : files) {
    if (file.name == name) return file.content;
  }
  return {};
}
}  // namespace

struct App::Parts {
  explicit Parts(Config c)
      : config(std::move(c)),
        db(db::PoolOptions{config.database_url, config.db_pool, config.statement_timeout},
           /*max_waiting=*/config.db_pool * 64),
        auth(config.admin_key),
        feeds(config.feed_cache_bytes),
        feed_notifications(feeds, config.database_url),
        public_writes(db, {config.rate_limit_per_minute, config.rate_limit_burst}),
        registrations(db, config.signup_queue),
        backend{db,
                auth,
                feeds,
                metrics,
                bundled_migrations(),
                bundled_contract(),
                bundled_reference("index.html"),
                bundled_reference("redoc.standalone.js"),
                config.public_url,
                {},
                public_writes,
                http::TrustedProxies(config.trusted_proxies),
                registrations,
                config.change_notice_delay},
        router(http::make_router()),
        cors(config.cors_origins),
        server(server_options(config), router, backend, metrics) {
    backend.open_connections = [this] { return server.open_connections(); };
    backend.mail_from_address = config.mail_from.email;
    backend.frontend_url = config.frontend_url;
    backend.data_key = config.data_key;
    backend.webhook_policy = webhook::AddressPolicy::parse(config.webhook_allowed_networks);
    http::install_webhook_payloads(config.public_url, config.frontend_url);
    backend.default_timezone = config.default_timezone;
    backend.feed_past_days = config.feed_past_days;
    backend.feed_max_events = config.feed_max_events;
    // This instance's own changes reach its feed cache before their requests are answered
    // (the triggers' NOTICEs); other instances' through feed_notifications, within moments.
    db.capture_notices(services::kFeedNoticeSqlstate, [this](std::string_view detail) { feeds.invalidate(detail); });
  }

  static http::ServerOptions server_options(const Config& config) {
    http::ServerOptions options;
    options.host = config.host;
    options.port = config.port;
    options.threads = config.threads;
    options.max_body_bytes = config.max_body_bytes;
    options.max_connections = config.max_connections;
    options.cors_origins = config.cors_origins;
    options.shutdown_grace = config.shutdown_grace;
    return options;
  }

  Config config;
  http::Metrics metrics;
  services::Database db;
  services::Authenticator auth;
  services::FeedCache feeds;
  services::FeedNotifications feed_notifications;  // off until start(): the CLI commands need no cache
  services::SharedRateLimiter public_writes;
  services::RegistrationDesk registrations;
  http::Backend backend;
  http::Router router;
  http::CorsPolicy cors;
  http::Server server;
};

App::App(Config config) : parts_(std::make_unique<Parts>(std::move(config))) {
  // libical's and the tz database's lazily initialised state is not thread-safe on first
  // use: set it up once, here, before the server's I/O threads run (start()/run()); the
  // calendar feeds render on them.
  static std::once_flag once;
  std::call_once(once, [] { ics::initialise(); });
}

App::~App() = default;

services::Database& App::database() { return parts_->db; }

void App::start(std::chrono::seconds wait) {
  migrate(wait);
  parts_->feed_notifications.start();
  parts_->server.listen();
  log::info("listening", {{"address", parts_->config.host + ":" + std::to_string(port())},
                          {"public_url", parts_->config.public_url}});
}

void App::migrate(std::chrono::seconds wait) {
  auto deadline = std::chrono::steady_clock::now() + wait;
  for (;;) {
    try {
      int applied = parts_->db.run_blocking(
          [&](soci::session& session) { return db::apply_migrations(session, parts_->backend.migrations); });
      log::info("database migrated", {{"applied", std::to_string(applied)}});
      break;
    } catch (const domain::Error& error) {
      if (error.code() != domain::ErrorCode::unavailable || std::chrono::steady_clock::now() >= deadline) {
        throw std::runtime_error("cannot start: " + pages::problem_detail(error, pages::Language::en));
      }
      log::warn("waiting for the database", {{"reason", pages::problem_detail(error, pages::Language::en)}});
      std::this_thread::sleep_for(std::chrono::seconds(1));
    }
  }
}

unsigned short App::port() const { return parts_->server.port(); }

namespace {

// Anonymises registrations past their retention and writes the reminders of tasks falling
// due, every `interval`, on a thread of its own (the work is a few statements; several
// instances doing it at once is harmless: a reminder is claimed once, services/task_service.hpp).
class RetentionSweeper {
 public:
  RetentionSweeper(services::Database& db, int retention_days, int travel_data_days, std::chrono::seconds interval,
                   services::MailContext mail, std::chrono::seconds reminder_lead)
      : db_(db),
        retention_days_(retention_days),
        travel_data_days_(travel_data_days),
        interval_(interval),
        mail_(std::move(mail)),
        reminder_lead_(reminder_lead),
        thread_([this] { loop(); }) {}
  ~RetentionSweeper() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }

 private:
  void loop() {
    std::unique_lock lock(mutex_);
    do {
      lock.unlock();
      sweep();
      lock.lock();
    } while (!wake_.wait_for(lock, interval_, [this] { return stopping_; }));
  }
  void sweep() {
    try {
      auto report = services::apply_retention(db_, retention_days_, travel_data_days_);
      if (report.anonymised > 0 || report.media_requests_anonymised > 0 || report.session_tombstones_dropped > 0 ||
          report.person_secrets_dropped > 0 || report.travel_documents_erased > 0) {
        log::info("retention", {{"anonymised_registrations", std::to_string(report.anonymised)},
                                {"anonymised_media_requests", std::to_string(report.media_requests_anonymised)},
                                {"session_tombstones_dropped", std::to_string(report.session_tombstones_dropped)},
                                {"person_secrets_dropped", std::to_string(report.person_secrets_dropped)},
                                {"travel_documents_erased", std::to_string(report.travel_documents_erased)},
                                {"retention_days", std::to_string(retention_days_)}});
      }
    } catch (const std::exception& error) {
      log::warn("retention sweep failed", {{"reason", error.what()}});  // the next one retries
    }
    try {
      const std::size_t written = services::send_task_reminders(db_, mail_, reminder_lead_);
      if (written > 0) log::info("task reminders", {{"written", std::to_string(written)}});
    } catch (const std::exception& error) {
      log::warn("task reminders failed", {{"reason", error.what()}});  // the next sweep retries
    }
  }

  services::Database& db_;
  int retention_days_;
  int travel_data_days_;
  std::chrono::seconds interval_;
  services::MailContext mail_;
  std::chrono::seconds reminder_lead_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

// Runs an outbox's delivery rounds on a thread of its own (SMTP and HTTP exchanges block;
// they must never hold an I/O thread or a database thread). Rounds follow each other at once
// while there is work, and every `poll` otherwise. Any number of instances may run one each:
// the outboxes' claims keep them apart. `round` says whether there may be more due at once.
class OutboxWorker {
 public:
  OutboxWorker(std::function<bool()> round, std::chrono::milliseconds poll)
      : round_(std::move(round)), poll_(poll), thread_([this] { loop(); }) {}
  ~OutboxWorker() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }

 private:
  void loop() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      lock.unlock();
      const bool busy = round_();
      lock.lock();
      if (!busy) wake_.wait_for(lock, poll_, [this] { return stopping_; });
    }
  }

  std::function<bool()> round_;
  std::chrono::milliseconds poll_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

// One round of the mail outbox: true when a full batch went out (there may be more due).
std::function<bool()> mail_round(services::Database& db, services::SenderSettings settings) {
  return [&db, settings = std::move(settings)] {
    try {
      auto report = services::deliver_due_mail(db, settings);
      return report.sent + report.failed >= settings.batch && report.failed == 0;
    } catch (const std::exception& error) {
      log::warn("mail round failed", {{"reason", error.what()}});  // the next one retries
      return false;
    }
  };
}

// One round of the webhook deliveries, likewise.
std::function<bool()> webhook_round(services::Database& db, services::WebhookSenderSettings settings) {
  return [&db, settings = std::move(settings)] {
    try {
      auto report = services::deliver_due_webhooks(db, settings);
      return report.delivered + report.failed + report.refused >= settings.batch && report.failed == 0;
    } catch (const std::exception& error) {
      log::warn("webhook round failed", {{"reason", error.what()}});  // the next one retries
      return false;
    }
  };
}

services::WebhookSenderSettings webhook_sender_settings(const Config& config) {
  services::WebhookSenderSettings settings;
  settings.client.policy = webhook::AddressPolicy::parse(config.webhook_allowed_networks);
  settings.client.timeout = config.webhook_timeout;
  settings.data_key = config.data_key;
  settings.retry_unit = config.webhook_retry_unit;
  return settings;
}

std::optional<services::SenderSettings> sender_settings(const Config& config) {
  if (!config.smtp) return std::nullopt;
  services::SenderSettings settings;
  settings.smtp = *config.smtp;
  settings.from = config.mail_from;
  settings.backoff_base = config.mail_retry;
  settings.max_backoff = config.mail_retry_max;
  settings.max_attempts = config.mail_max_attempts;
  return settings;
}

}  // namespace

void App::run(bool handle_signals) {
  {
    RetentionSweeper sweeper(parts_->db, parts_->config.retention_days, parts_->config.travel_data_days,
                             parts_->config.retention_sweep, http::mail_context_of(parts_->backend),
                             parts_->config.task_reminder_lead);
    std::optional<OutboxWorker> mail_sender;
    if (auto settings = sender_settings(parts_->config)) {
      mail::initialise_smtp();
      mail_sender.emplace(mail_round(parts_->db, std::move(*settings)), parts_->config.mail_poll);
      log::info("mail sender started", {{"from", parts_->config.mail_from.email}});
    } else {
      log::info("no EVENTD_SMTP_URL: messages stay in the outbox");
    }
    webhook::initialise_client();
    OutboxWorker webhook_sender(webhook_round(parts_->db, webhook_sender_settings(parts_->config)),
                                parts_->config.webhook_poll);
    parts_->server.run(handle_signals);
  }
  parts_->feed_notifications.stop();
  parts_->db.shutdown();
  log::info("stopped");
}

namespace {

struct DemoFile {
  std::string name;
  nlohmann::json body;
};

std::vector<DemoFile> demo_files() {
  std::vector<DemoFile> files;
  for (const auto& file : embedded::examples()) {
    files.push_back({std::string(file.name), nlohmann::json::parse(file.content)});
  }
  return files;
}

const nlohmann::json& demo_file(const std::vector<DemoFile>& files, std::string_view name) {
  for (const auto& file : files) {
    if (file.name == name) return file.body;
  }
  throw std::runtime_error("demo data file missing from the binary: " + std::string(name));
}

}  // namespace

namespace {

// The year after this one: a seed event copied there is still to come.
int next_year() {
  const auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  return static_cast<int>(std::chrono::year_month_day{today}.year()) + 1;
}

// "2019-09-04T09:00:00+02:00" in `year`, as a wall-clock time (offset dropped): read in the
// event's or the session's zone, it is right whatever that year's offset is. A date stays a date.
std::string moved_to(const std::string& time, int year) {
  std::string out = std::to_string(year) + time.substr(4);
  if (out.size() > 19) out.resize(19);
  return out;
}

// A seed event file copied to `year`: its slug and dates, its sessions' and tasks' times.
nlohmann::json future_copy(nlohmann::json file, int year) {
  auto& event = file["event"];
  const std::string slug = event.value("slug", "");
  event["slug"] = slug.substr(0, slug.rfind('-') + 1) + std::to_string(year);
  for (const char* day : {"starts_on", "ends_on"}) {
    if (event.contains(day)) event[day] = std::to_string(year) + event[day].get<std::string>().substr(4);
  }
  for (const char* time : {"starts_at", "ends_at"}) {
    if (event.contains(time)) event[time] = moved_to(event[time].get<std::string>(), year);
  }
  for (const char* part : {"sessions", "itinerary"}) {
    for (auto& session : file[part]) {
      session["starts_at"] = moved_to(session["starts_at"].get<std::string>(), year);
      session["ends_at"] = moved_to(session["ends_at"].get<std::string>(), year);
    }
  }
  for (auto& task : file["tasks"]) task["due_at"] = moved_to(task["due_at"].get<std::string>(), year);
  return file;
}

}  // namespace

DemoReport App::load_demo() {
  if (!parts_->config.admin_key) throw std::runtime_error("the demo needs an admin key");
  DemoReport report;
  auto files = demo_files();
  boost::asio::io_context io;
  auto call = [&](http::Method method, std::string path,
                  const nlohmann::json* body) -> boost::asio::awaitable<http::Response> {
    http::Request request;
    request.method = method;
    request.target = path;
    request.path = path;
    request.headers.set("Authorization", "Bearer " + *parts_->config.admin_key);
    if (body) {
      request.headers.set("Content-Type", "application/json");
      request.body = body->dump();
    }
    auto dispatched = co_await http::dispatch(parts_->router, parts_->cors, parts_->backend, request, "demo");
    co_return dispatched.response;
  };
  // Creates `body` at `collection` unless `collection/slug` exists; true when created.
  auto ensure = [&](std::string collection, const nlohmann::json& body) -> boost::asio::awaitable<bool> {
    std::string slug = body.value("slug", "");
    if (!slug.empty() && (co_await call(http::Method::get, collection + "/" + slug, nullptr)).status == 200) {
      ++report.existing;
      co_return false;
    }
    auto response = co_await call(http::Method::post, collection, &body);
    if (response.status != 201) {
      report.failures.push_back("POST " + collection + " " + slug + ": " + std::to_string(response.status) + " " +
                                response.body);
      co_return false;
    }
    ++report.created;
    co_return true;
  };
  // A trip's delegations (the files name them), then its sessions, itinerary and tasks, whose
  // delegation_ids name delegations: the ids the service gave are put in their place.
  auto load_programme = [&](const std::string& slug, const nlohmann::json& file) -> boost::asio::awaitable<void> {
    std::map<std::string, std::string> delegations;
    for (const auto& delegation : file.value("delegations", nlohmann::json::array())) {
      auto created = co_await call(http::Method::post, "/v1/events/" + slug + "/delegations", &delegation);
      if (created.status != 201) {
        report.failures.push_back("POST delegation " + slug + ": " + std::to_string(created.status) + " " +
                                  created.body);
        continue;
      }
      ++report.created;
      delegations[delegation.value("name", "")] = nlohmann::json::parse(created.body).value("id", "");
    }
    auto with_ids = [&delegations](nlohmann::json body) {
      if (body.contains("delegation_ids")) {
        for (auto& name : body["delegation_ids"]) name = delegations[name.get<std::string>()];
      }
      return body;
    };
    // The programme, then a trip's itinerary (legs, meals, nights: the demo's own, see
    // api/examples/README.md).
    for (const char* part : {"sessions", "itinerary"}) {
      for (const auto& session : file.value(part, nlohmann::json::array())) {
        co_await ensure("/v1/events/" + slug + "/sessions", with_ids(session));
      }
    }
    for (const auto& task : file.value("tasks", nlohmann::json::array())) {
      co_await ensure("/v1/events/" + slug + "/tasks", with_ids(task));
    }
  };
  auto load = [&]() -> boost::asio::awaitable<void> {
    for (const auto& organisation : demo_file(files, "organisations.json")) {
      co_await ensure("/v1/organisations", organisation);
    }
    for (const auto& speaker : demo_file(files, "speakers.json")) co_await ensure("/v1/speakers", speaker);
    for (const auto& file : files) {
      if (!file.body.is_object() || !file.body.contains("event")) continue;
      const auto& event = file.body["event"];
      if (!co_await ensure("/v1/events", event)) continue;
      // The seed events' partners took part (their announcements say so): the demo answers
      // their invitations for them, as an admin may.
      const std::string slug = event.value("slug", "");
      for (const auto& partner : event.value("partner_ids", nlohmann::json::array())) {
        const nlohmann::json accepted = {{"status", "accepted"}};
        const std::string path = "/v1/events/" + slug + "/partners/" + partner.get<std::string>();
        auto answered = co_await call(http::Method::patch, path, &accepted);
        if (answered.status != 200) {
          report.failures.push_back("PATCH " + path + ": " + std::to_string(answered.status) + " " + answered.body);
        }
      }
      co_await load_programme(slug, file.body);
    }
    // The study trip again, in the year to come, so that a visitor can register for it, join
    // a delegation and subscribe to a live itinerary.
    const nlohmann::json trip = future_copy(demo_file(files, "ostersund-2019.json"), next_year());
    if (co_await ensure("/v1/events", trip["event"])) co_await load_programme(trip["event"]["slug"], trip);
  };
  boost::asio::co_spawn(io, load(), [](std::exception_ptr error) {
    if (error) std::rethrow_exception(error);
  });
  io.run();
  return report;
}

void App::shutdown() { parts_->server.shutdown(); }

}  // namespace eventd::app
