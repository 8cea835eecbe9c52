#pragma once
// Use cases of speakers: /v1/speakers and /v1/events/{id}/speakers.
#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "db/speaker_repository.hpp"
#include "domain/api_key.hpp"
#include "domain/speaker.hpp"

namespace eventd::services {

class Database;

// A speaker as the client sent it, read and type-checked (http/dto): organisation_id as
// given (id or slug), slug possibly empty (then made from the name).
struct SpeakerDraft {
  domain::Speaker speaker;
  // What reading found (wrong types, unknown members): reported together with the
  // service's own findings in one 422.
  std::vector<domain::FieldError> errors;
};

struct SpeakerPage {
  std::vector<domain::Speaker> items;
  bool has_more = false;
};

// Called inside the PATCH transaction with the locked current speaker: checks If-Match,
// merges the patch and reads the result like a create.
using SpeakerPatcher = std::function<SpeakerDraft(const domain::Speaker& current)>;
using SpeakerPrecondition = std::function<void(const domain::Speaker& current)>;

// Who sees what of a speaker: the organisers of the owning organisation and admins manage
// the record and see its private fields; everyone sees the public profile of a speaker who
// appears in a public event; nobody else learns the record exists (404).
bool may_manage(const domain::Caller& caller, const domain::Speaker& speaker);

// Organiser or admin; the handler checks the caller is one. The owner is the organiser's
// own organisation (422 for another); an admin names it. 422 for invalid fields or an
// unknown organisation, 409 for a taken slug.
boost::asio::awaitable<domain::Speaker> create_speaker(Database& db, const domain::Caller& caller, SpeakerDraft draft);
// The caller's own speakers (all of them for an admin) and the public ones.
boost::asio::awaitable<SpeakerPage> list_speakers(Database& db, const domain::Caller& caller, db::SpeakerFilter filter);
boost::asio::awaitable<domain::Speaker> get_speaker(Database& db, const domain::Caller& caller, std::string ref);
// 403 for a public speaker of another organisation, 404 for one the caller cannot see.
boost::asio::awaitable<domain::Speaker> patch_speaker(Database& db, const domain::Caller& caller, std::string ref,
                                                      SpeakerPatcher patch);
// As patch; 409 while the speaker is in a session.
boost::asio::awaitable<void> delete_speaker(Database& db, const domain::Caller& caller, std::string ref,
                                            SpeakerPrecondition precondition);
// The speakers of an event through its sessions; 404 when the caller may not see the event.
boost::asio::awaitable<SpeakerPage> list_event_speakers(Database& db, const domain::Caller& caller,
                                                        std::string event_ref, std::optional<db::SpeakerCursor> after,
                                                        std::size_t limit);

}  // namespace eventd::services
