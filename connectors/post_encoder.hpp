#pragma once
// One post as one line of post format v1 (JSON, without the newline): what PostDecoder reads
// back. For handing posts on to other daemons (`spreekbuis ingest`). Pure; any thread.
#include <string>

#include "rules/post.hpp"

namespace spreekbuis::connectors {

// `id` and `text` always; other fields only when the post has them. Invalid UTF-8 becomes
// U+FFFD (the decoder would repair it the same way), so the line is always valid JSON.
std::string encode_post(const rules::Post& post);

}  // namespace spreekbuis::connectors
