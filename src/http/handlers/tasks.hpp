#pragma once
// /v1/events/{id}/tasks (the organiser) and /v1/registrations/{id}/tasks (the participant):
// the tasks of a study trip (services/task_service.hpp).
#include <boost/asio/awaitable.hpp>

#include "http/message.hpp"

namespace eventd::http {
struct RequestContext;
}

namespace eventd::http::handlers {

boost::asio::awaitable<Response> create_task(RequestContext& context);
boost::asio::awaitable<Response> list_tasks(RequestContext& context);
boost::asio::awaitable<Response> get_task(RequestContext& context);
boost::asio::awaitable<Response> patch_task(RequestContext& context);
boost::asio::awaitable<Response> delete_task(RequestContext& context);
boost::asio::awaitable<Response> task_progress(RequestContext& context);
boost::asio::awaitable<Response> list_registration_tasks(RequestContext& context);
boost::asio::awaitable<Response> set_registration_task(RequestContext& context);

}  // namespace eventd::http::handlers
