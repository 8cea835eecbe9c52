#include "domain/links.hpp"

namespace eventd::domain {

PageLinks::PageLinks(std::string public_url, std::string frontend_url)
    : public_url_(std::move(public_url)), frontend_url_(std::move(frontend_url)) {
  base_ = frontend_url_.empty() ? public_url_ : frontend_url_;
}

PageLinks PageLinks::for_organisation(const std::optional<std::string>& organisation_frontend_url) const {
  PageLinks out = *this;
  if (organisation_frontend_url && !organisation_frontend_url->empty()) {
    out.base_ = *organisation_frontend_url;
    out.organisation_site_ = true;
  }
  return out;
}

std::string PageLinks::event(std::string_view slug) const { return base_ + "/events/" + std::string(slug); }

std::string PageLinks::registration(std::string_view id, std::string_view code) const {
  return with_code(base_ + "/registrations/" + std::string(id), code);
}

std::string PageLinks::media_request(std::string_view id, std::string_view code) const {
  return with_code(base_ + "/media-requests/" + std::string(id), code);
}

std::string PageLinks::person(std::string_view code) const { return with_code(base_ + "/me", code); }

std::string PageLinks::with_code(std::string url, std::string_view code) const {
  if (code.empty()) return url;
  // A fragment never reaches a server (or its log); eventd's own pages need to see the code.
  return url + (built_in() ? "?code=" : "#code=") + std::string(code);
}

}  // namespace eventd::domain
