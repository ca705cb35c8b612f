#pragma once
// CSV as RFC 4180 writes it (what spreadsheets and pandas read): fields separated by commas,
// a field holding a comma, a double quote or a line break enclosed in double quotes with its
// quotes doubled, lines ended by "\n".
#include <string>
#include <string_view>
#include <vector>

namespace partedit {

std::string csv_field(std::string_view text);
std::string csv_line(const std::vector<std::string>& fields);  // ends with "\n"

}  // namespace partedit
