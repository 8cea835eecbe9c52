// The pages that explain each kind of problem: the `type` URI of a problem+json answer
// resolves here (openapi.yaml, "Problems").
#include "domain/error.hpp"
#include "http/backend.hpp"
#include "http/context.hpp"
#include "http/handlers/page_support.hpp"
#include "http/handlers/pages.hpp"
#include "http/problem.hpp"

namespace eventd::http::handlers {

namespace {

mail::TemplateData texts(std::initializer_list<std::string> paragraphs) {
  mail::TemplateData list(mail::TemplateData::type::list);
  for (const auto& paragraph : paragraphs) list.push_back(mail::TemplateData(paragraph));
  return list;
}

}  // namespace

boost::asio::awaitable<Response> problem_page(RequestContext& context) {
  const pages::Language language = page_language(context);
  const auto kind = domain::problem_of_slug(context.param("kind"));
  if (!kind) co_return error_page(domain::not_found("problem_type"), language);
  const auto& catalogue = pages::catalogue(language);
  const auto& info = domain::info_of(*kind);
  const std::string title = pages::problem_title(*kind, language);
  mail::TemplateData data;
  data.set("heading", title);
  data.set(
      "paragraphs",
      texts({pages::problem_about(*kind, language),
             catalogue.message("problem_page_status", {{"status", std::to_string(info.status)}}),
             catalogue.message("problem_page_type", {{"type", problem_type(context.backend.public_url, *kind)}})}));
  data.set("link", false);
  co_return page_response(200, language, "message", title, std::move(data));
}

}  // namespace eventd::http::handlers
