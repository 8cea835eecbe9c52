#pragma once
// SQL for speakers (api.md, "Speakers").
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "domain/speaker.hpp"

namespace soci {
class session;
}

namespace eventd::db {

// The speaker with this id or slug; `for_update` locks the row (PATCH, DELETE).
std::optional<domain::Speaker> find_speaker(soci::session& session, const std::string& id_or_slug,
                                            bool for_update = false);

// Throws domain::Error conflict (409, field slug) when the slug is taken.
domain::Speaker insert_speaker(soci::session& session, const domain::Speaker& speaker);
domain::Speaker update_speaker(soci::session& session, const domain::Speaker& speaker);
// Throws domain::Error conflict (409) while the speaker is still in a session.
bool delete_speaker(soci::session& session, const domain::Speaker& speaker);

// When a session last joined or left the speaker's programme (schema/012), if ever.
std::optional<domain::Instant> speaker_programme_changed_at(soci::session& session, const std::string& speaker_id);

// Keyset position in the (name, id) order.
struct SpeakerCursor {
  std::string name;
  std::string id;
};

// Whether the speaker appears in an event the public sees (any status but draft): only then
// is the profile public.
bool speaker_is_public(soci::session& session, const std::string& speaker_id);

struct SpeakerFilter {
  // Which records: every one (admins), an organisation's own and the public ones (an
  // organiser), or only the public ones (everyone else).
  bool all_records = false;
  std::optional<std::string> owner;         // organisation id
  std::optional<std::string> q;             // part of the name, or similar to it
  std::optional<std::string> organisation;  // id or slug; unknown → nothing matches
  std::optional<SpeakerCursor> after;
  std::size_t limit = 50;  // rows to fetch (callers ask for one extra)
};

// Ordered by (name, id).
std::vector<domain::Speaker> list_speakers(soci::session& session, const SpeakerFilter& filter);

// Everyone speaking in at least one session of the event, once each, ordered by (name, id).
std::vector<domain::Speaker> list_event_speakers(soci::session& session, const std::string& event_id,
                                                 const std::optional<SpeakerCursor>& after, std::size_t limit);

// ids or slugs → ids, in order; nullopt where no speaker of that organisation matches (one
// organisation's sessions name only its own speakers, schema/016).
std::vector<std::optional<std::string>> resolve_speaker_refs(soci::session& session,
                                                             const std::vector<std::string>& refs,
                                                             const std::string& owner_organisation_id);

// An organisation's id from its id or slug, for speakers' organisation_id.
// (Minimal lookup of our own; the organisations slice's repository may replace it.)
std::optional<std::string> speaker_organisation_id(soci::session& session, const std::string& id_or_slug);

}  // namespace eventd::db
