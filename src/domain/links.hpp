#pragma once
// Where a person is sent (docs/PARTICIPANTS.md): every link meant for a person (e-mails, the
// URL and "more information" of calendar entries, `links.page` in JSON) leads to a page. The
// pages are the frontend's when one is configured (the organisation's own `frontend_url`,
// else EVENTD_FRONTEND_URL), else eventd's own (under EVENTD_PUBLIC_URL). A private page's
// link carries a single-use code: in the fragment for a frontend (never sent to a server, so
// never in a log), in the query for eventd's own pages, which exchange it on the first open.
//
//   event          {base}/events/{slug}
//   registration   {base}/registrations/{id}      #code=…  (built-in: ?code=…)
//   media request  {base}/media-requests/{id}     #code=…  (built-in: ?code=…)
//   person         {base}/me                      #code=…  (built-in: ?code=…)
#include <optional>
#include <string>
#include <string_view>

namespace eventd::domain {

class PageLinks {
 public:
  // `public_url`: eventd's base URL; `frontend_url`: EVENTD_FRONTEND_URL (empty: none). Both
  // without a trailing slash.
  PageLinks(std::string public_url, std::string frontend_url);

  // The links about one organisation's records: its own website when it has one.
  PageLinks for_organisation(const std::optional<std::string>& organisation_frontend_url) const;

  // Whether the links lead to eventd's own pages (no frontend configured).
  bool built_in() const { return base_ == public_url_; }
  // Whether they lead to an organisation's own website rather than the instance's pages.
  bool organisation_site() const { return organisation_site_; }
  const std::string& base() const { return base_; }

  std::string event(std::string_view slug) const;
  std::string registration(std::string_view id, std::string_view code = {}) const;
  std::string media_request(std::string_view id, std::string_view code = {}) const;
  std::string person(std::string_view code = {}) const;

 private:
  std::string with_code(std::string url, std::string_view code) const;

  std::string public_url_;
  std::string frontend_url_;
  std::string base_;
  bool organisation_site_ = false;
};

}  // namespace eventd::domain
