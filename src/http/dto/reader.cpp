#include "http/dto/reader.hpp"

#include <cmath>

#include "domain/error.hpp"

namespace eventd::http::dto {

using domain::FieldCode;

ObjectReader::ObjectReader(const nlohmann::json& object, domain::Validator& errors, std::string path)
    : object_(object), errors_(errors), path_(std::move(path)) {}

std::string ObjectReader::field(std::string_view name) const {
  return path_.empty() ? std::string(name) : path_ + "." + std::string(name);
}

const nlohmann::json* ObjectReader::value(std::string_view name) {
  read_.emplace(name);
  auto it = object_.find(name);
  if (it == object_.end() || it->is_null()) return nullptr;
  return &*it;
}

bool ObjectReader::present(std::string_view name) const { return object_.contains(name); }

void ObjectReader::required(std::string_view name) {
  read_.emplace(name);
  auto it = object_.find(name);
  if (it == object_.end() || it->is_null()) errors_.add(field(name), FieldCode("required"));
}

std::optional<std::string> ObjectReader::string(std::string_view name) {
  auto* v = value(name);
  if (!v) return std::nullopt;
  if (!v->is_string()) {
    errors_.add(field(name), FieldCode("wrong_type"), {{"expected", "string"}});
    return std::nullopt;
  }
  return v->get<std::string>();
}

std::optional<bool> ObjectReader::boolean(std::string_view name) {
  auto* v = value(name);
  if (!v) return std::nullopt;
  if (!v->is_boolean()) {
    errors_.add(field(name), FieldCode("wrong_type"), {{"expected", "boolean"}});
    return std::nullopt;
  }
  return v->get<bool>();
}

std::optional<long long> ObjectReader::integer(std::string_view name) {
  auto* v = value(name);
  if (!v) return std::nullopt;
  // Beyond what any field holds; a field's own range is checked by its resource.
  const auto out_of_range = [&] {
    errors_.add(field(name), FieldCode("out_of_range"), {{"min", "-1000000000"}, {"max", "1000000000"}});
    return std::nullopt;
  };
  if (v->is_number_unsigned() && v->get<unsigned long long>() > 1'000'000'000ULL) return out_of_range();
  if (!v->is_number_integer()) {
    errors_.add(field(name), FieldCode("wrong_type"), {{"expected", "integer"}});
    return std::nullopt;
  }
  long long n = v->get<long long>();
  if (n > 1'000'000'000LL || n < -1'000'000'000LL) return out_of_range();
  return n;
}

std::optional<double> ObjectReader::number(std::string_view name) {
  auto* v = value(name);
  if (!v) return std::nullopt;
  if (!v->is_number() || !std::isfinite(v->get<double>())) {
    errors_.add(field(name), FieldCode("wrong_type"), {{"expected", "number"}});
    return std::nullopt;
  }
  return v->get<double>();
}

std::optional<domain::Instant> ObjectReader::instant(std::string_view name) {
  auto text = string(name);
  if (!text) return std::nullopt;
  auto parsed = domain::parse_rfc3339(*text);
  if (!parsed) {
    errors_.add(field(name), FieldCode("invalid_date_time"));
  }
  return parsed;
}

std::optional<domain::Date> ObjectReader::date(std::string_view name) {
  auto text = string(name);
  if (!text) return std::nullopt;
  auto parsed = domain::parse_date(*text);
  if (!parsed) errors_.add(field(name), FieldCode("invalid_date"));
  return parsed;
}

std::optional<std::vector<std::string>> ObjectReader::strings(std::string_view name, std::size_t max_items) {
  auto* v = value(name);
  if (!v) return std::nullopt;
  if (!v->is_array()) {
    errors_.add(field(name), FieldCode("wrong_type"), {{"expected", "array"}});
    return std::nullopt;
  }
  if (v->size() > max_items) {
    errors_.add(field(name), FieldCode("too_many"), {{"max", std::to_string(max_items)}});
    return std::nullopt;
  }
  std::vector<std::string> values;
  bool all_strings = true;
  for (std::size_t i = 0; i < v->size(); ++i) {
    const auto& item = (*v)[i];
    if (!item.is_string()) {
      errors_.add(domain::indexed_field(field(name), i), FieldCode("wrong_type"), {{"expected", "string"}});
      all_strings = false;
      continue;
    }
    values.push_back(item.get<std::string>());
  }
  // Not a list with holes: later errors name elements by index, and those would be off.
  if (!all_strings) return std::nullopt;
  return values;
}

bool ObjectReader::object(std::string_view name, const std::function<void(ObjectReader&)>& read) {
  auto* v = value(name);
  if (!v) return false;
  if (!v->is_object()) {
    errors_.add(field(name), FieldCode("wrong_type"), {{"expected", "object"}});
    return false;
  }
  ObjectReader nested(*v, errors_, field(name));
  read(nested);
  nested.reject_unknown();
  return true;
}

bool ObjectReader::objects(std::string_view name, const std::function<void(ObjectReader&, std::size_t)>& read) {
  auto* v = value(name);
  if (!v) return false;
  if (!v->is_array()) {
    errors_.add(field(name), FieldCode("wrong_type"), {{"expected", "array"}});
    return false;
  }
  for (std::size_t i = 0; i < v->size(); ++i) {
    const auto& item = (*v)[i];
    std::string item_path = domain::indexed_field(field(name), i);
    if (!item.is_object()) {
      errors_.add(item_path, FieldCode("wrong_type"), {{"expected", "object"}});
      continue;
    }
    ObjectReader nested(item, errors_, item_path);
    read(nested, i);
    nested.reject_unknown();
  }
  return true;
}

void ObjectReader::reject_unknown() {
  for (auto it = object_.begin(); it != object_.end(); ++it) {
    if (!read_.contains(it.key())) errors_.add(field(it.key()), FieldCode("unknown_member"));
  }
}

void require_object(const nlohmann::json& body) {
  // The field "" is the body itself.
  if (!body.is_object()) throw domain::validation({{"", FieldCode("wrong_type"), {{"expected", "object"}}}});
}

std::vector<domain::FieldError> drop_read_only(nlohmann::json& patch, const nlohmann::json& current,
                                               std::initializer_list<std::string_view> read_only,
                                               std::initializer_list<std::string_view> moving) {
  domain::Validator errors;
  if (!patch.is_object()) return errors.take();
  for (const std::string_view name : moving) patch.erase(std::string(name));
  for (const std::string_view name : read_only) {
    const std::string key(name);
    auto sent = patch.find(key);
    if (sent == patch.end()) continue;
    auto now = current.find(key);
    if (now == current.end() || *sent != *now) errors.add(key, FieldCode("read_only"));
    patch.erase(sent);
  }
  return errors.take();
}

}  // namespace eventd::http::dto
