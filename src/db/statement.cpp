#include "db/statement.hpp"

#include <libpq-fe.h>
#include <soci/postgresql/soci-postgresql.h>

#include <cctype>
#include <charconv>
#include <cstring>
#include <ctime>
#include <limits>
#include <list>
#include <mutex>
#include <stdexcept>
#include <string_view>
#include <unordered_map>
#include <vector>

// Exported by libsoci_core (how SOCI itself reads date and time columns), not declared in
// its public headers.
namespace soci::details {
void parse_std_tm(char const* buf, std::tm& t);
}

namespace eventd::db {

namespace {

// Prepared statements kept per connection; beyond this, the least recently used is
// deallocated (a query whose text embeds values would otherwise grow without end).
constexpr std::size_t kStatementsPerConnection = 256;

// The SQL with :p<n> placeholders turned into $1, $2, ... (in order of first appearance),
// and which :p<n> each $k is.
struct Rewritten {
  std::string sql;
  std::vector<std::size_t> numbers;
};

// Skips string literals, quoted identifiers, comments and `::` casts, as SOCI's own
// rewriting does (and a little more).
Rewritten rewrite(std::string_view sql) {
  Rewritten out;
  out.sql.reserve(sql.size());
  std::size_t i = 0;
  auto copy_until = [&](char end) {
    out.sql += sql[i++];
    while (i < sql.size()) {
      const char c = sql[i++];
      out.sql += c;
      if (c == end) {
        if (i < sql.size() && sql[i] == end) {  // '' or "" inside: still quoted
          out.sql += sql[i++];
          continue;
        }
        return;
      }
    }
  };
  while (i < sql.size()) {
    const char c = sql[i];
    if (c == '\'' || c == '"') {
      copy_until(c);
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      while (i < sql.size() && sql[i] != '\n') out.sql += sql[i++];
    } else if (c == ':' && i + 1 < sql.size() && (sql[i + 1] == ':' || sql[i + 1] == '=')) {
      out.sql += sql.substr(i, 2);
      i += 2;
    } else if (c == ':' && i + 1 < sql.size() &&
               (std::isalnum(static_cast<unsigned char>(sql[i + 1])) || sql[i + 1] == '_')) {
      std::size_t end = i + 1;
      while (end < sql.size() && (std::isalnum(static_cast<unsigned char>(sql[end])) || sql[end] == '_')) ++end;
      const std::string_view name = sql.substr(i + 1, end - i - 1);
      std::size_t number = 0;
      const auto [last, ec] = std::from_chars(name.data() + 1, name.data() + name.size(), number);
      if (name.size() < 2 || name[0] != 'p' || ec != std::errc{} || last != name.data() + name.size() || number == 0) {
        throw std::invalid_argument("db::for_each_row/execute: placeholders must be :p<n> from db::Params, not :" +
                                    std::string(name));
      }
      std::size_t position = 0;
      while (position < out.numbers.size() && out.numbers[position] != number) ++position;
      if (position == out.numbers.size()) out.numbers.push_back(number);
      out.sql += "$" + std::to_string(position + 1);
      i = end;
    } else {
      out.sql += c;
      ++i;
    }
  }
  return out;
}

struct Prepared {
  std::string name;
  std::vector<std::size_t> numbers;
  std::list<std::string>::iterator lru;
};

// One connection's prepared statements. Used only by the thread that holds the session.
struct ConnectionStatements {
  PGconn* connection = nullptr;
  int backend_pid = 0;
  std::unordered_map<std::string, Prepared> by_sql;
  std::list<std::string> lru;  // SQL texts, most recently used first
  unsigned long long next_name = 0;
};

std::mutex registry_mutex;
std::unordered_map<const soci::session*, std::unique_ptr<ConnectionStatements>> registry;

// The statements of the session's current connection: a new connection (another PGconn or
// another server process) starts with none.
ConnectionStatements& statements_of(const soci::session& session, PGconn* connection) {
  std::lock_guard lock(registry_mutex);
  auto& statements = registry[&session];
  if (!statements || statements->connection != connection || statements->backend_pid != PQbackendPID(connection)) {
    statements = std::make_unique<ConnectionStatements>();
    statements->connection = connection;
    statements->backend_pid = PQbackendPID(connection);
  }
  return *statements;
}

struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

// As SOCI reports a failed statement: postgresql_soci_error with the SQLSTATE, or a plain
// soci_error (taken for a lost connection) when there is none. The constraint's name is
// added to the message when PostgreSQL gave it only as a field (a trigger's RAISE ... USING
// CONSTRAINT), so that sql_error() finds it either way.
[[noreturn]] void throw_error(PGconn* connection, const PGresult* result, const char* what) {
  std::string message = what;
  const char* detail = result ? PQresultErrorMessage(result) : PQerrorMessage(connection);
  if (detail && *detail) message += std::string(" ") + detail;
  const char* constraint = result ? PQresultErrorField(result, PG_DIAG_CONSTRAINT_NAME) : nullptr;
  if (constraint && message.find("constraint \"") == std::string::npos) {
    message += std::string(" (constraint \"") + constraint + "\")";
  }
  const char* sqlstate = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  if (!sqlstate || std::strlen(sqlstate) != 5) throw soci::soci_error(message);
  throw soci::postgresql_soci_error(message, sqlstate);
}

bool succeeded(const PGresult* result) {
  const auto status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
}

const Prepared& prepare(ConnectionStatements& statements, const std::string& sql) {
  if (auto it = statements.by_sql.find(sql); it != statements.by_sql.end()) {
    statements.lru.splice(statements.lru.begin(), statements.lru, it->second.lru);
    return it->second;
  }
  PGconn* connection = statements.connection;
  if (statements.by_sql.size() >= kStatementsPerConnection) {
    auto victim = statements.by_sql.find(statements.lru.back());
    Result done(PQexec(connection, ("DEALLOCATE " + victim->second.name).c_str()));
    if (!succeeded(done.get())) throw_error(connection, done.get(), "Cannot deallocate a prepared statement.");
    statements.lru.pop_back();
    statements.by_sql.erase(victim);
  }
  Rewritten rewritten = rewrite(sql);
  std::string name = "eventd_" + std::to_string(++statements.next_name);
  Result result(
      PQprepare(connection, name.c_str(), rewritten.sql.c_str(), static_cast<int>(rewritten.numbers.size()), nullptr));
  if (!succeeded(result.get())) throw_error(connection, result.get(), "Cannot prepare statement.");
  statements.lru.push_front(sql);
  auto [it, inserted] =
      statements.by_sql.emplace(sql, Prepared{std::move(name), std::move(rewritten.numbers), statements.lru.begin()});
  return it->second;
}

// How SOCI's PostgreSQL backend types a column (postgresql_statement_backend::describe_column).
soci::data_type type_of(const PGresult* result, int column) {
  switch (PQftype(result, column)) {
    case 25:
    case 1043:
    case 2275:
    case 18:
    case 19:
    case 1042:
    case 142:
    case 114:
    case 17:
    case 2950:
      return soci::dt_string;
    case 702:
    case 703:
    case 1082:
    case 1083:
    case 1114:
    case 1184:
    case 1266:
      return soci::dt_date;
    case 700:
    case 701:
    case 1700:
      return soci::dt_double;
    case 16:
    case 21:
    case 23:
    case 26:
      return soci::dt_integer;
    case 20:
      return soci::dt_long_long;
    default:
      if (PQfformat(result, column) == 0 && PQfsize(result, column) == -1) return soci::dt_string;
      throw soci::soci_error("unknown data type " + std::to_string(PQftype(result, column)) + " of column " +
                             PQfname(result, column));
  }
}

template <class T>
T to_integer(const char* text) {
  T value{};
  const auto length = std::strlen(text);
  const auto [end, ec] = std::from_chars(text, text + length, value);
  if (ec == std::errc{} && end == text + length) return value;
  if (std::strcmp(text, "t") == 0) return 1;  // bool, as SOCI reads it
  if (std::strcmp(text, "f") == 0) return 0;
  throw soci::soci_error("Cannot convert data.");
}

double to_double(const char* text) {
  if (std::strcmp(text, "NaN") == 0) return std::numeric_limits<double>::quiet_NaN();
  if (std::strcmp(text, "Infinity") == 0) return std::numeric_limits<double>::infinity();
  if (std::strcmp(text, "-Infinity") == 0) return -std::numeric_limits<double>::infinity();
  double value = 0;
  const auto length = std::strlen(text);
  const auto [end, ec] = std::from_chars(text, text + length, value);
  if (ec != std::errc{} || end != text + length) throw soci::soci_error("Cannot convert data.");
  return value;
}

}  // namespace

// Where each column's value lives: the soci::row owns the storage, this keeps pointers to
// refill it for every row.
struct ResultRows::Columns {
  struct Column {
    soci::data_type type;
    void* value;
    soci::indicator* indicator;
  };
  std::vector<Column> columns;
};

ResultRows::ResultRows(void* result) : result_(result), columns_(std::make_unique<Columns>()) {
  auto* r = static_cast<PGresult*>(result_);
  rows_ = static_cast<std::size_t>(PQntuples(r));
  const int count = PQnfields(r);
  for (int c = 0; c < count; ++c) {
    soci::column_properties properties;
    properties.set_name(PQfname(r, c));
    const soci::data_type type = type_of(r, c);
    properties.set_data_type(type);
    row_.add_properties(properties);
    auto* indicator = new soci::indicator(soci::i_ok);
    void* value = nullptr;
    auto hold = [&]<class T>(T* storage) {
      row_.add_holder(storage, indicator);  // the row owns both from here on
      value = storage;
    };
    switch (type) {
      case soci::dt_integer:
        hold(new int(0));
        break;
      case soci::dt_long_long:
        hold(new long long(0));
        break;
      case soci::dt_double:
        hold(new double(0));
        break;
      case soci::dt_date:
        hold(new std::tm{});
        break;
      default:
        hold(new std::string());
        break;
    }
    columns_->columns.push_back({type, value, indicator});
  }
}

ResultRows::~ResultRows() { PQclear(static_cast<PGresult*>(result_)); }

const soci::row& ResultRows::row(std::size_t i) {
  auto* r = static_cast<PGresult*>(result_);
  const int row_number = static_cast<int>(i);
  for (std::size_t c = 0; c < columns_->columns.size(); ++c) {
    auto& column = columns_->columns[c];
    const int column_number = static_cast<int>(c);
    if (PQgetisnull(r, row_number, column_number)) {
      *column.indicator = soci::i_null;
      continue;
    }
    *column.indicator = soci::i_ok;
    const char* text = PQgetvalue(r, row_number, column_number);
    switch (column.type) {
      case soci::dt_integer:
        *static_cast<int*>(column.value) = to_integer<int>(text);
        break;
      case soci::dt_long_long:
        *static_cast<long long*>(column.value) = to_integer<long long>(text);
        break;
      case soci::dt_double:
        *static_cast<double*>(column.value) = to_double(text);
        break;
      case soci::dt_date:
        soci::details::parse_std_tm(text, *static_cast<std::tm*>(column.value));
        break;
      default:
        static_cast<std::string*>(column.value)
            ->assign(text, static_cast<std::size_t>(PQgetlength(r, row_number, column_number)));
        break;
    }
  }
  row_.reset_get_counter();
  return row_;
}

std::unique_ptr<ResultRows> run_prepared(soci::session& session, const std::string& sql, const Params& params) {
  auto* backend = static_cast<soci::postgresql_session_backend*>(session.get_backend());
  if (!backend || !backend->conn_) throw soci::soci_error("Session is not connected.");
  PGconn* connection = backend->conn_;
  ConnectionStatements& statements = statements_of(session, connection);
  const Prepared& prepared = prepare(statements, sql);
  std::vector<const char*> values;
  values.reserve(prepared.numbers.size());
  for (std::size_t number : prepared.numbers) {
    if (number > params.size()) {
      throw std::invalid_argument("db::for_each_row/execute: the SQL names :p" + std::to_string(number) + " but only " +
                                  std::to_string(params.size()) + " parameters were added");
    }
    values.push_back(params.value(number));
  }
  Result result(PQexecPrepared(connection, prepared.name.c_str(), static_cast<int>(values.size()), values.data(),
                               nullptr, nullptr, 0));
  if (!succeeded(result.get())) {
    const char* sqlstate = result ? PQresultErrorField(result.get(), PG_DIAG_SQLSTATE) : nullptr;
    // Someone dropped our statements (DEALLOCATE ALL, DISCARD ALL): prepare afresh next time.
    if (sqlstate && std::strcmp(sqlstate, "26000") == 0) forget_prepared(session);
    throw_error(connection, result.get(), "Cannot execute query.");
  }
  return std::make_unique<ResultRows>(result.release());
}

void forget_prepared(const soci::session& session) {
  std::lock_guard lock(registry_mutex);
  registry.erase(&session);
}

}  // namespace eventd::db
