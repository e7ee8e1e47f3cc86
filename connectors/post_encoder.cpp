#include "connectors/post_encoder.hpp"

#include "connectors/json_writer.hpp"

namespace spreekbuis::connectors {

std::string encode_post(const rules::Post& post) {
    JsonWriter out;
    out.begin_object();
    out.field("id", post.id);
    if (!post.source.empty()) out.field("source", post.source);
    out.field("text", post.text);
    if (!post.lang.empty()) out.field("lang", post.lang);
    if (!post.created_at.empty()) out.field("created_at", post.created_at);
    const auto& author = post.author;
    if (!author.handle.empty() || !author.name.empty() || author.followers || author.verified) {
        out.key("author").begin_object();
        if (!author.handle.empty()) out.field("handle", author.handle);
        if (!author.name.empty()) out.field("name", author.name);
        if (author.followers) out.field("followers", *author.followers);
        if (author.verified) out.field("verified", *author.verified);
        out.end_object();
    }
    if (!post.url.empty()) out.field("url", post.url);
    if (!post.in_reply_to.empty()) out.field("in_reply_to", post.in_reply_to);
    if (!post.conversation.empty()) out.field("conversation", post.conversation);
    if (post.reposts) out.field("reposts", *post.reposts);
    if (post.replies) out.field("replies", *post.replies);
    out.end_object();
    return out.take();
}

}  // namespace spreekbuis::connectors
