#pragma once
// RESP2, the Redis wire protocol: commands out as arrays of bulk strings, replies in through an
// incremental parser with limits, since the bytes come from the network. Pure; one parser per
// connection, used on that connection's thread.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace spreekbuis::connectors::redis {

// One reply as the server sent it.
struct Reply {
    enum class Kind { simple, error, integer, bulk, nil, array };
    Kind kind = Kind::nil;
    std::string text;             // simple, error and bulk
    std::int64_t integer = 0;     // integer
    std::vector<Reply> elements;  // array (a nil array, "*-1", is Kind::nil)

    bool is_error() const { return kind == Kind::error; }
    bool is_nil() const { return kind == Kind::nil; }
    bool is_array() const { return kind == Kind::array; }
    // simple or bulk: the text; otherwise empty.
    std::string_view string() const {
        return kind == Kind::simple || kind == Kind::bulk ? std::string_view(text)
                                                          : std::string_view();
    }
};

// A command as RESP: "*<n>\r\n" then "$<len>\r\n<arg>\r\n" per argument (binary-safe).
std::string encode_command(const std::vector<std::string_view>& args);

// What one reply may hold; anything larger is malformed (the connection is then closed).
struct ReplyLimits {
    std::size_t max_bulk = 64 * 1024 * 1024;  // bytes in one bulk string
    std::size_t max_line = 64 * 1024;         // bytes in one simple/error/integer line
    std::size_t max_elements = 1024 * 1024;   // elements of all arrays of one reply together
    std::size_t max_depth = 16;               // nesting of arrays
};

// Feed bytes as they arrive; take whole replies out with next(). After `malformed` the parser
// stays malformed: the stream has lost its framing.
class ReplyParser {
  public:
    enum class Status { complete, incomplete, malformed };

    explicit ReplyParser(ReplyLimits limits = {}) : limits_(limits) {}
    void feed(std::string_view bytes);
    // complete: `out` holds the next reply and its bytes are consumed. incomplete: more bytes
    // are needed (nothing consumed). malformed: error() says why.
    Status next(Reply& out);
    const std::string& error() const { return error_; }
    // Bytes fed and not yet consumed by a complete reply.
    std::size_t buffered() const { return buffer_.size() - consumed_; }

  private:
    ReplyLimits limits_;
    std::string buffer_;
    std::size_t consumed_ = 0;
    std::string error_;
    // The framing of the reply at consumed_ is checked first, without building anything, and
    // the check resumes where it stopped, so a large reply arriving in small pieces is scanned
    // once. The reply is built only when all of it is buffered.
    std::size_t scan_pos_ = 0;       // next element to check
    std::vector<std::size_t> open_;  // elements still to come, per array being checked
    std::size_t elements_ = 0;       // elements of the reply so far
    std::uint64_t discarded_ = 0;    // bytes dropped from buffer_'s front, for error offsets
};

}  // namespace spreekbuis::connectors::redis
