#include "services/speaker_service.hpp"

#include <soci/soci.h>

#include "db/session_repository.hpp"
#include "db/speaker_repository.hpp"
#include "domain/error.hpp"
#include "domain/event_rules.hpp"
#include "domain/validation.hpp"
#include "services/database.hpp"

namespace eventd::services {

namespace {

bool reported(const std::vector<domain::FieldError>& errors, const std::string& field) {
  for (const auto& e : errors) {
    if (e.field == field) return true;
  }
  return false;
}

// Defaults and rules: a slug made from the name, organisation_id and owner_organisation_id
// (id or slug) → id; an organiser's speakers are its own organisation's.
domain::Speaker validated(soci::session& s, const domain::Caller& caller, SpeakerDraft draft) {
  domain::Speaker speaker = std::move(draft.speaker);
  domain::Validator v;
  v.append(draft.errors);
  bool slug_missing = false;
  if (speaker.slug.empty()) {
    speaker.slug = domain::slugify(speaker.name);
    slug_missing = speaker.slug.empty();
    if (slug_missing && !speaker.name.empty()) v.add("slug", domain::FieldCode("no_usable_slug"), {{"source", "name"}});
  }
  if (speaker.organisation_id) {
    if (auto id = db::speaker_organisation_id(s, *speaker.organisation_id)) {
      speaker.organisation_id = *id;
    } else {
      v.add("organisation_id", domain::FieldCode("unknown_organisation"));
    }
  }
  if (!speaker.owner_organisation_id && caller.is_organiser()) speaker.owner_organisation_id = caller.organisation_id();
  if (!speaker.owner_organisation_id) {
    v.add("owner_organisation_id", domain::FieldCode("required_owner_organisation"));
  } else if (auto id = db::speaker_organisation_id(s, *speaker.owner_organisation_id)) {
    speaker.owner_organisation_id = *id;
    if (!caller.can_manage(*id)) v.add("owner_organisation_id", domain::FieldCode("not_your_organisation"));
  } else {
    v.add("owner_organisation_id", domain::FieldCode("unknown_organisation"));
  }
  for (auto& e : domain::check_speaker(speaker)) {
    if (e.field == "slug" && slug_missing) continue;  // reported above, or follows from the name's error
    if (reported(draft.errors, e.field)) continue;    // e.g. a name that is required is also too short
    v.add(std::move(e.field), e.code, std::move(e.params));
  }
  v.throw_if_any();
  return speaker;
}

bool same_fields(const domain::Speaker& a, const domain::Speaker& b) {
  return a.slug == b.slug && a.name == b.name && a.title == b.title && a.affiliation == b.affiliation &&
         a.organisation_id == b.organisation_id && a.owner_organisation_id == b.owner_organisation_id &&
         a.bio == b.bio && a.photo_url == b.photo_url && a.email == b.email && a.phone == b.phone;
}

// The speaker, locked, for a change by the caller: 404 when the caller may not even see it,
// 403 when it may see but not manage it.
domain::Speaker speaker_to_change(soci::session& s, const domain::Caller& caller, const std::string& ref) {
  auto current = db::find_speaker(s, ref, true);
  if (!current) throw domain::not_found("speaker");
  if (may_manage(caller, *current)) return *current;
  if (db::speaker_is_public(s, current->id)) {
    throw domain::Error(domain::Problem::forbidden, domain::detail("speaker_of_another_organisation"));
  }
  throw domain::not_found("speaker");
}

template <class T>
void trim_page(std::vector<T>& items, std::size_t limit, bool& has_more) {
  if (items.size() > limit) {
    items.resize(limit);
    has_more = true;
  }
}

}  // namespace

bool may_manage(const domain::Caller& caller, const domain::Speaker& speaker) {
  return caller.can_manage(speaker.owner_organisation_id.value_or(""));
}

boost::asio::awaitable<domain::Speaker> create_speaker(Database& db, const domain::Caller& caller, SpeakerDraft draft) {
  co_return co_await db.run([&](soci::session& s) {
    soci::transaction tx(s);
    auto speaker = db::insert_speaker(s, validated(s, caller, std::move(draft)));
    tx.commit();
    return speaker;
  });
}

boost::asio::awaitable<SpeakerPage> list_speakers(Database& db, const domain::Caller& caller,
                                                  db::SpeakerFilter filter) {
  filter.all_records = caller.is_admin();
  filter.owner = caller.is_organiser() ? caller.organisation_id() : std::nullopt;
  co_return co_await db.run([&](soci::session& s) {
    const std::size_t limit = filter.limit;
    filter.limit = limit + 1;
    SpeakerPage page;
    page.items = db::list_speakers(s, filter);
    trim_page(page.items, limit, page.has_more);
    return page;
  });
}

boost::asio::awaitable<domain::Speaker> get_speaker(Database& db, const domain::Caller& caller, std::string ref) {
  auto speaker = co_await db.run([&](soci::session& s) {
    auto found = db::find_speaker(s, ref);
    if (found && !may_manage(caller, *found) && !db::speaker_is_public(s, found->id)) found.reset();
    return found;
  });
  if (!speaker) throw domain::not_found("speaker");
  co_return *speaker;
}

boost::asio::awaitable<domain::Speaker> patch_speaker(Database& db, const domain::Caller& caller, std::string ref,
                                                      SpeakerPatcher patch) {
  co_return co_await db.run([&](soci::session& s) {
    soci::transaction tx(s);
    auto current = speaker_to_change(s, caller, ref);
    domain::Speaker speaker = validated(s, caller, patch(current));
    speaker.id = current.id;
    if (same_fields(speaker, current)) {
      tx.commit();
      return current;
    }
    auto stored = db::update_speaker(s, speaker);
    tx.commit();
    return stored;
  });
}

boost::asio::awaitable<void> delete_speaker(Database& db, const domain::Caller& caller, std::string ref,
                                            SpeakerPrecondition precondition) {
  co_await db.run([&](soci::session& s) {
    soci::transaction tx(s);
    auto current = speaker_to_change(s, caller, ref);
    precondition(current);
    db::delete_speaker(s, current);  // 409 via session_speakers_speaker_id_fkey (RESTRICT)
    tx.commit();
    return 0;
  });
}

boost::asio::awaitable<SpeakerPage> list_event_speakers(Database& db, const domain::Caller& caller,
                                                        std::string event_ref, std::optional<db::SpeakerCursor> after,
                                                        std::size_t limit) {
  co_return co_await db.run([&](soci::session& s) {
    soci::transaction tx(s);
    auto event = db::find_event_for_sessions(s, event_ref);
    if (!event || !domain::is_visible_to(*event, caller)) throw domain::not_found("event");
    SpeakerPage page;
    page.items = db::list_event_speakers(s, event->id, after, limit + 1);
    trim_page(page.items, limit, page.has_more);
    tx.commit();
    return page;
  });
}

}  // namespace eventd::services
