#pragma once
// CSV for spreadsheets (the registrations' export, the rooming list).
#include <string>

namespace eventd::http::dto {

// A cell as a spreadsheet should show it, never as a formula to run: one starting with
// = + - @, a tab or a carriage return is led by ', and one holding the delimiter, a quote or a
// line break is quoted.
std::string csv_cell(std::string text, char delimiter = ',');

}  // namespace eventd::http::dto
