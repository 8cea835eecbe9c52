#pragma once
#include "http/router.hpp"

namespace eventd::http {

// Every route of the service, in one table (routes.cpp).
Router make_router();

}  // namespace eventd::http
