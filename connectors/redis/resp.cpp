#include "connectors/redis/resp.hpp"

#include <charconv>
#include <system_error>
#include <utility>

namespace spreekbuis::connectors::redis {

namespace {

using Status = ReplyParser::Status;

void append_number(std::string& out, std::size_t value) {
    char digits[24];
    const auto result = std::to_chars(digits, digits + sizeof digits, value);
    out.append(digits, result.ptr);
}

std::string hex_byte(unsigned char byte) {
    constexpr char kHex[] = "0123456789abcdef";
    return {'0', 'x', kHex[byte >> 4], kHex[byte & 0xf]};
}

// Signed decimal as RESP writes it: an optional '-', then digits; no '+', no spaces.
bool parse_integer(std::string_view text, std::int64_t& value) {
    const char* end = text.data() + text.size();
    const auto result = std::from_chars(text.data(), end, value);
    return result.ec == std::errc() && result.ptr == end;
}

// One element as it appears on the wire: its type byte, its line and, for a bulk string, its
// data. An array's elements follow its header and are not part of it.
struct Element {
    char type = 0;
    std::int64_t value = 0;  // ':' the integer; '$' and '*' the declared length or count
    std::string_view text;   // '+' and '-' the line; '$' the data
    std::size_t end = 0;     // just past the element's own bytes
};

class Reader {
  public:
    Reader(std::string_view buffer, const ReplyLimits& limits, std::uint64_t discarded,
           std::string& error)
        : buffer_(buffer), limits_(limits), discarded_(discarded), error_(error) {}

    Status read(std::size_t pos, Element& element) const {
        if (pos >= buffer_.size()) return Status::incomplete;
        element.type = buffer_[pos];
        switch (element.type) {
            case '+':
            case '-':
            case ':':
            case '$':
            case '*':
                break;
            default:
                return fail("unexpected byte " +
                            hex_byte(static_cast<unsigned char>(buffer_[pos])) + " at offset " +
                            offset(pos));
        }
        std::string_view line;
        if (const Status status = read_line(pos + 1, line, element.end);
            status != Status::complete) {
            return status;
        }
        switch (element.type) {
            case '+':
            case '-':
                element.text = line;
                return Status::complete;
            case ':':
                if (!parse_integer(line, element.value)) {
                    return fail("invalid integer at offset " + offset(pos));
                }
                return Status::complete;
            case '*':
                if (!parse_integer(line, element.value)) {
                    return fail("invalid array count at offset " + offset(pos));
                }
                if (element.value < -1) {
                    return fail("negative array count " + std::string(line) + " at offset " +
                                offset(pos));
                }
                return Status::complete;
            default:
                return read_bulk(pos, line, element);
        }
    }

  private:
    // The line from `pos` to its CRLF, which must come within max_line bytes: a peer that
    // never sends it must not make us buffer forever.
    Status read_line(std::size_t pos, std::string_view& line, std::size_t& end) const {
        std::size_t window = buffer_.size() - pos;
        if (window > limits_.max_line) window = limits_.max_line + 1;
        const std::size_t length = buffer_.substr(pos, window).find_first_of("\r\n");
        if (length == std::string_view::npos) {
            if (window > limits_.max_line) {
                return fail("line over " + std::to_string(limits_.max_line) + " bytes at offset " +
                            offset(pos));
            }
            return Status::incomplete;
        }
        const std::size_t cr = pos + length;
        if (buffer_[cr] == '\n') return fail("LF without CR at offset " + offset(cr));
        if (cr + 1 == buffer_.size()) return Status::incomplete;
        if (buffer_[cr + 1] != '\n') return fail("CR without LF at offset " + offset(cr));
        line = buffer_.substr(pos, length);
        end = cr + 2;
        return Status::complete;
    }

    Status read_bulk(std::size_t pos, std::string_view line, Element& element) const {
        if (!parse_integer(line, element.value)) {
            return fail("invalid bulk length at offset " + offset(pos));
        }
        if (element.value < -1) {
            return fail("negative bulk length " + std::string(line) + " at offset " + offset(pos));
        }
        if (element.value == -1) return Status::complete;
        const auto length = static_cast<std::uint64_t>(element.value);
        if (length > limits_.max_bulk) {
            return fail("bulk length " + std::string(line) + " over the limit of " +
                        std::to_string(limits_.max_bulk));
        }
        const std::size_t start = element.end;
        const std::size_t available = buffer_.size() - start;
        // The terminator is checked as far as it has arrived, to fail early on a bad length.
        for (std::size_t i = 0; i < 2 && length + i < available; ++i) {
            if (buffer_[start + length + i] != "\r\n"[i]) {
                return fail("bulk string not followed by CRLF at offset " + offset(start + length));
            }
        }
        if (available < length + 2) return Status::incomplete;
        element.text = buffer_.substr(start, length);
        element.end = start + length + 2;
        return Status::complete;
    }

    std::string offset(std::size_t pos) const { return std::to_string(discarded_ + pos); }

    Status fail(std::string reason) const {
        error_ = std::move(reason);
        return Status::malformed;
    }

    std::string_view buffer_;
    const ReplyLimits& limits_;
    std::uint64_t discarded_;
    std::string& error_;
};

// Builds the reply at `pos`, whose framing the scan has already checked; recursion is bounded
// by max_depth and every count by the elements actually buffered.
void build(const Reader& reader, std::size_t& pos, Reply& out) {
    Element element;
    reader.read(pos, element);
    pos = element.end;
    out.text.clear();
    out.integer = 0;
    out.elements.clear();
    switch (element.type) {
        case '+':
            out.kind = Reply::Kind::simple;
            out.text.assign(element.text);
            break;
        case '-':
            out.kind = Reply::Kind::error;
            out.text.assign(element.text);
            break;
        case ':':
            out.kind = Reply::Kind::integer;
            out.integer = element.value;
            break;
        case '$':
            out.kind = element.value < 0 ? Reply::Kind::nil : Reply::Kind::bulk;
            out.text.assign(element.text);
            break;
        default:
            if (element.value < 0) {
                out.kind = Reply::Kind::nil;
                break;
            }
            out.kind = Reply::Kind::array;
            out.elements.resize(static_cast<std::size_t>(element.value));
            for (Reply& child : out.elements) build(reader, pos, child);
            break;
    }
}

}  // namespace

std::string encode_command(const std::vector<std::string_view>& args) {
    std::size_t size = 16;
    for (const auto arg : args) size += arg.size() + 24;
    std::string out;
    out.reserve(size);
    out += '*';
    append_number(out, args.size());
    out += "\r\n";
    for (const auto arg : args) {
        out += '$';
        append_number(out, arg.size());
        out += "\r\n";
        out += arg;
        out += "\r\n";
    }
    return out;
}

void ReplyParser::feed(std::string_view bytes) {
    // A stream that lost its framing is closed by the caller; don't grow meanwhile.
    if (!error_.empty()) return;
    if (consumed_ > buffer_.size() / 2) {
        buffer_.erase(0, consumed_);
        discarded_ += consumed_;
        scan_pos_ -= consumed_;
        consumed_ = 0;
    }
    buffer_.append(bytes);
}

ReplyParser::Status ReplyParser::next(Reply& out) {
    if (!error_.empty()) return Status::malformed;
    const Reader reader(buffer_, limits_, discarded_, error_);
    while (true) {
        Element element;
        if (const Status status = reader.read(scan_pos_, element); status != Status::complete) {
            return status;
        }
        scan_pos_ = element.end;
        if (element.type == '*' && element.value >= 0) {
            if (open_.size() + 1 > limits_.max_depth) {
                error_ = "arrays nested deeper than " + std::to_string(limits_.max_depth);
                return Status::malformed;
            }
            const auto count = static_cast<std::uint64_t>(element.value);
            if (count > limits_.max_elements - elements_) {
                error_ = "array of " + std::to_string(count) + " elements over the limit of " +
                         std::to_string(limits_.max_elements) + " per reply";
                return Status::malformed;
            }
            if (count > 0) {
                elements_ += static_cast<std::size_t>(count);
                open_.push_back(static_cast<std::size_t>(count));
                continue;
            }
        }
        while (!open_.empty() && --open_.back() == 0) open_.pop_back();
        if (open_.empty()) break;
    }
    std::size_t pos = consumed_;
    build(reader, pos, out);
    consumed_ = scan_pos_;
    elements_ = 0;
    return Status::complete;
}

}  // namespace spreekbuis::connectors::redis
