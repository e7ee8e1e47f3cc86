#pragma once
// Case-sensitive terms ({Next}, {"Bank of America"}): whether a post's text, with its original
// case and accents, holds the words as whole words, in order, with only spaces, punctuation,
// symbols or emoji between them. Pure; any thread.
#include <string>
#include <string_view>
#include <vector>

namespace spreekbuis::rules {

// The runs of letters, digits and marks of a written term, case kept: what a case-sensitive
// term compares ("Marks & Spencer" -> Marks, Spencer; "@KLM" -> KLM). The folded term, matched
// as well, takes care of the rest (the '@' of a mention, a hashtag's '#').
std::vector<std::string> word_runs(std::string_view written);

// `words` (from word_runs) occur in `text` as whole words, in order, separated by anything
// but letters, digits and marks.
bool exact_case_occurs(const std::vector<std::string>& words, std::string_view text);

}  // namespace spreekbuis::rules
