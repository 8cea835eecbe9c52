#pragma once
// /v1/registrations/{id}/travel-document: a traveller's passport details
// (services/travel_document_service.hpp).
#include <boost/asio/awaitable.hpp>

#include "http/message.hpp"

namespace eventd::http {
struct RequestContext;
}

namespace eventd::http::handlers {

boost::asio::awaitable<Response> put_travel_document(RequestContext& context);
boost::asio::awaitable<Response> get_travel_document(RequestContext& context);
boost::asio::awaitable<Response> delete_travel_document(RequestContext& context);

}  // namespace eventd::http::handlers
