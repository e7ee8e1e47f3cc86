#pragma once
// The vendored lexicon files of rules/lexicons/*.txt, compiled into the library by
// rules/lexicons/embed.cmake. Immutable static data; any thread.
#include <cstddef>
#include <string_view>

namespace spreekbuis::rules {

// Bytes of the lexicon file with this name ("vader_en.txt"), or an empty view.
std::string_view embedded_lexicon(std::string_view name);

}  // namespace spreekbuis::rules
