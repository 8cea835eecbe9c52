#pragma once
// JSON ↔ domain::Event (openapi.yaml: EventCreate, EventPatch, Event).
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "domain/event.hpp"
#include "services/event_service.hpp"

namespace eventd::http::dto {

// Reads a create body, or a merged PATCH document, into an Event with the defaults of
// EventCreate applied (status draft, language sv, access public, ...). `organiser_id` and
// `partner_ids` are kept as given (ids or slugs): the service resolves them. The slug is
// left empty when not given (the service makes it from the title).
//
// Event times and zones: instants may be written with 'Z' or with an offset, but an offset
// must be the one the event's `timezone` has at that instant
// (domain::is_consistent_with_zone). 2020-11-26T09:00:00+02:00 is refused for
// Europe/Stockholm (it is +01:00 in November), and so is 2021-03-28T02:30:00+01:00: 02:30
// does not exist in Stockholm that night (clocks jump from 02:00 to 03:00), and reading it
// as 01:30Z would silently show 03:30+02:00. An ambiguous autumn time stays expressible: its
// two readings differ by their offsets (2021-10-31T02:30:00+02:00 and ...+01:00), and each
// is the zone's real offset at its own instant. The rule applies to starts_at, ends_at and
// the registration window.
//
// Every type error, unknown member and inconsistent offset is returned in `errors` (the
// service adds the rules' findings, domain::check_event, and answers one 422 with all of
// them); throws only when the body is not an object.
services::EventDraft read_event_draft(const nlohmann::json& body);

// The same, throwing domain::validation when reading found anything (for callers that do
// not go on to the rules with a faulty event: the fuzz harness).
domain::Event read_event(const nlohmann::json& body);

// The writable members of `e` as a client would send them: the document a JSON Merge Patch
// is applied to. Instants are written in UTC ('Z'), so a patch that changes only the
// `timezone` keeps the instants (and is not refused for offsets of the old zone).
nlohmann::json event_request_json(const domain::Event& e);

// The representation (openapi `Event`): every member present, null when not set; times in
// the zone's offset at that instant, created_at/updated_at in UTC. `show_stream_url` says
// whether the caller is entitled to `online.stream_url` (otherwise it is null).
// `for_organiser`: the caller manages the event, so `partner_ids` lists every partner it
// named and `partners` says how each answered; anyone else sees accepted partners only.
nlohmann::json event_json(const domain::Event& e, bool show_stream_url, bool for_organiser, std::string_view public_url,
                          std::string_view frontend_url = {});

// The same representation written straight to JSON text, byte for byte what
// event_json(...).dump() gives, without building the document (the list of events writes 50
// of them per answer). `included`, when not empty, is the JSON text of an `included` member.
// Unit test "event_json_text" holds the two forms equal: a member added to event_json must
// be added here, at its place in the byte order of the names (the order dump() writes).
void append_event_json(std::string& out, const domain::Event& e, bool show_stream_url, bool for_organiser,
                       std::string_view public_url, std::string_view frontend_url, std::string_view included = {});

// The event's contacts (e.g. its press officer), shown to everybody.
nlohmann::json contacts_json(const std::vector<domain::Contact>& contacts);

}  // namespace eventd::http::dto
