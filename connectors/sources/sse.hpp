#pragma once
// Server-Sent Events (the WHATWG event-stream format): an incremental parser that turns byte
// chunks, split anywhere, into complete events. Pure and bounded: one line and one event are
// limited in bytes, and an event over a limit is dropped whole and counted once. One parser
// per stream, used by one thread.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace spreekbuis::connectors::sources {

struct SseEvent {
    std::string event = "message";  // the last `event:` field, "message" when there was none
    std::string data;               // the `data:` lines joined with '\n'
};

class SseParser {
  public:
    static constexpr std::size_t kDefaultMaxEventBytes = 1 << 20;
    static constexpr std::size_t kDefaultMaxLineBytes = 1 << 20;

    explicit SseParser(std::size_t max_event_bytes = kDefaultMaxEventBytes,
                       std::size_t max_line_bytes = kDefaultMaxLineBytes);

    // Parses `bytes` and appends every event completed by them to `out`. Accepts LF, CRLF and
    // CR line ends, also when a CRLF is split between two calls.
    void feed(std::string_view bytes, std::vector<SseEvent>& out);

    // Comment lines (": ..."), which servers send as heartbeats.
    std::uint64_t comments() const { return comments_; }
    // Events dropped because a line or the event exceeded its limit (each counted once).
    std::uint64_t oversized() const { return oversized_; }
    // Bytes held for the line and the event being read; never above the two limits.
    std::size_t buffered_bytes() const { return line_.size() + name_.size() + data_.size(); }

  private:
    void append_to_line(std::string_view piece);
    void finish_line(std::vector<SseEvent>& out);
    void drop_event();
    void reset_event();

    std::size_t max_event_bytes_;
    std::size_t max_line_bytes_;
    std::string line_;
    bool line_overflow_ = false;  // the current line passed the limit; its rest is skipped
    bool overflow_is_comment_ = false;
    bool skip_lf_ = false;  // the last chunk ended in CR; a leading LF belongs to it
    std::string name_;
    std::string data_;
    bool has_data_ = false;
    bool discarding_ = false;  // the current event is over a limit; skip to its blank line
    std::uint64_t comments_ = 0;
    std::uint64_t oversized_ = 0;
};

}  // namespace spreekbuis::connectors::sources
