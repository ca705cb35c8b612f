#pragma once
// Text taken from files or users, made fit for an error message: printable and bounded.
// A 100,000-character tensor name or 40,000 missing names must not flood the terminal, and
// raw bytes (NULs, escape sequences, invalid UTF-8) must not reach it.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace partedit {

// `text` with control characters and bytes that are not valid UTF-8 escaped (\n, \t, \xNN),
// cut after `max_chars` characters with "...(N characters)" appended when longer.
std::string printable_excerpt(std::string_view text, size_t max_chars);

// The first `max_items` items, each a printable_excerpt of at most 160 characters, joined
// by ", ", then " and N more" when the list is longer.
std::string capped_list(const std::vector<std::string>& items, size_t max_items);

}  // namespace partedit
