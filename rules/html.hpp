#pragma once
// HTML to plain text for post bodies: tags stripped (block tags become line breaks, link text
// kept), character references decoded, broken UTF-8 replaced by U+FFFD. Pure; any thread.
#include <string>
#include <string_view>

namespace spreekbuis::rules {

// Appends the plain text of `raw` to `out`. Total: any byte sequence is accepted.
void decode_markup(std::string_view raw, std::string& out);

}  // namespace spreekbuis::rules
