#include "ics/serialise.hpp"

#include <string_view>
#include <utility>
#include <vector>

#include "ics/ical_ptr.hpp"
#include "ics/text.hpp"

namespace eventd::ics::detail {

namespace {

// "NAME=value" pairs of a property's parameters, repeated names merged into one
// comma-separated list (RFC 5545 §3.2: a multi-valued parameter is one parameter).
std::string parameters_of(icalproperty* p) {
  std::vector<std::pair<std::string, std::string>> params;
  for (icalparameter* q = icalproperty_get_first_parameter(p, ICAL_ANY_PARAMETER); q != nullptr;
       q = icalproperty_get_next_parameter(p, ICAL_ANY_PARAMETER)) {
    const std::string text = take_string(icalparameter_as_ical_string_r(q));
    const auto eq = text.find('=');
    if (eq == std::string::npos) continue;
    std::string name = text.substr(0, eq);
    std::string value = text.substr(eq + 1);
    bool merged = false;
    for (auto& [n, v] : params) {
      if (n == name) {
        v += ',';
        v += value;
        merged = true;
        break;
      }
    }
    if (!merged) params.emplace_back(std::move(name), std::move(value));
  }
  std::string out;
  for (const auto& [n, v] : params) {
    out += ';';
    out += n;
    out += '=';
    out += v;
  }
  return out;
}

bool is_x_property(icalproperty* p) { return icalproperty_isa(p) == ICAL_X_PROPERTY; }
bool is_categories(icalproperty* p) { return icalproperty_isa(p) == ICAL_CATEGORIES_PROPERTY; }

std::string raw_text(icalproperty* p) {
  const char* raw = is_x_property(p) ? icalproperty_get_x(p) : icalproperty_get_categories(p);
  return escape_text(clean_text(raw == nullptr ? "" : raw));
}

void write_component(icalcomponent* c, std::string& out) {
  const icalcomponent_kind kind = icalcomponent_isa(c);
  const std::string name = icalcomponent_kind_to_string(kind);
  out += fold_line("BEGIN:" + name);

  std::vector<icalproperty*> props;
  for (icalproperty* p = icalcomponent_get_first_property(c, ICAL_ANY_PROPERTY); p != nullptr;
       p = icalcomponent_get_next_property(c, ICAL_ANY_PROPERTY)) {
    props.push_back(p);
  }
  for (std::size_t i = 0; i < props.size(); ++i) {
    icalproperty* p = props[i];
    std::string line = icalproperty_get_property_name(p);
    const std::string params = parameters_of(p);
    line += params;
    line += ':';
    if (is_categories(p)) {
      line += raw_text(p);
      while (i + 1 < props.size() && is_categories(props[i + 1]) && parameters_of(props[i + 1]) == params) {
        line += ',';
        line += raw_text(props[++i]);
      }
    } else if (is_x_property(p)) {
      line += raw_text(p);
    } else {
      line += take_string(icalproperty_get_value_as_string_r(p));
    }
    out += fold_line(line);
  }

  for (icalcomponent* sub = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT); sub != nullptr;
       sub = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT)) {
    write_component(sub, out);
  }
  out += fold_line("END:" + name);
}

}  // namespace

std::string serialise(icalcomponent* component) {
  std::string out;
  write_component(component, out);
  return out;
}

}  // namespace eventd::ics::detail
