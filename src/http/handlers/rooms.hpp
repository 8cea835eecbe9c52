#pragma once
// /v1/events/{id}/rooms and /v1/events/{id}/rooming-list: the rooms of a study trip, who
// sleeps in them which night, and the list the hotel gets (services/room_service.hpp).
#include <boost/asio/awaitable.hpp>

#include "http/message.hpp"

namespace eventd::http {
struct RequestContext;
}

namespace eventd::http::handlers {

boost::asio::awaitable<Response> create_room(RequestContext& context);
boost::asio::awaitable<Response> list_rooms(RequestContext& context);
boost::asio::awaitable<Response> get_room(RequestContext& context);
boost::asio::awaitable<Response> patch_room(RequestContext& context);
boost::asio::awaitable<Response> delete_room(RequestContext& context);
boost::asio::awaitable<Response> create_room_assignment(RequestContext& context);
boost::asio::awaitable<Response> delete_room_assignment(RequestContext& context);
boost::asio::awaitable<Response> get_rooming_list(RequestContext& context);

}  // namespace eventd::http::handlers
