#include "connectors/sources/sse.hpp"

namespace spreekbuis::connectors::sources {

SseParser::SseParser(std::size_t max_event_bytes, std::size_t max_line_bytes)
    : max_event_bytes_(max_event_bytes), max_line_bytes_(max_line_bytes) {}

void SseParser::feed(std::string_view bytes, std::vector<SseEvent>& out) {
    std::size_t pos = 0;
    if (skip_lf_ && !bytes.empty()) {
        skip_lf_ = false;
        if (bytes.front() == '\n') pos = 1;
    }
    while (pos < bytes.size()) {
        const std::size_t end = bytes.find_first_of("\r\n", pos);
        if (end == std::string_view::npos) {
            append_to_line(bytes.substr(pos));
            return;
        }
        append_to_line(bytes.substr(pos, end - pos));
        pos = end + 1;
        if (bytes[end] == '\r') {
            if (pos == bytes.size()) {
                skip_lf_ = true;
            } else if (bytes[pos] == '\n') {
                ++pos;
            }
        }
        finish_line(out);
    }
}

void SseParser::append_to_line(std::string_view piece) {
    if (line_overflow_ || piece.empty()) return;
    if (line_.size() + piece.size() > max_line_bytes_) {
        line_overflow_ = true;
        overflow_is_comment_ = line_.empty() ? piece.front() == ':' : line_.front() == ':';
        line_.clear();
        line_.shrink_to_fit();
        return;
    }
    line_.append(piece);
}

void SseParser::drop_event() {
    if (!discarding_) ++oversized_;
    discarding_ = true;
    reset_event();
}

void SseParser::reset_event() {
    name_.clear();
    data_.clear();
    has_data_ = false;
    if (data_.capacity() > max_event_bytes_ / 4) data_.shrink_to_fit();
}

void SseParser::finish_line(std::vector<SseEvent>& out) {
    if (line_overflow_) {
        line_overflow_ = false;
        if (overflow_is_comment_) {
            ++comments_;
        } else {
            drop_event();
        }
        return;
    }
    if (line_.empty()) {
        if (!discarding_ && has_data_) {
            SseEvent event;
            if (!name_.empty()) event.event = std::move(name_);
            event.data = std::move(data_);
            if (!event.data.empty()) event.data.pop_back();  // the '\n' after the last line
            out.push_back(std::move(event));
        }
        discarding_ = false;
        reset_event();
        return;
    }
    if (line_.front() == ':') {
        ++comments_;
        line_.clear();
        return;
    }
    std::string_view line(line_);
    std::string_view field = line;
    std::string_view value;
    if (const std::size_t colon = line.find(':'); colon != std::string_view::npos) {
        field = line.substr(0, colon);
        value = line.substr(colon + 1);
        if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    }
    if (!discarding_) {
        if (field == "data") {
            if (data_.size() + value.size() + 1 + name_.size() > max_event_bytes_) {
                drop_event();
            } else {
                data_.append(value);
                data_.push_back('\n');
                has_data_ = true;
            }
        } else if (field == "event") {
            if (data_.size() + value.size() > max_event_bytes_) {
                drop_event();
            } else {
                name_.assign(value);
            }
        }
        // `id` and `retry` are not used by the sources; unknown fields are ignored.
    }
    line_.clear();
}

}  // namespace spreekbuis::connectors::sources
