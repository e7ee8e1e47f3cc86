#pragma once
// Reads newline-separated records from a FILE* (a file or stdin) with a per-line size limit,
// counting line numbers and bytes. Used on one thread (the replay source's).
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace spreekbuis::connectors {

class LineReader {
  public:
    enum class Status { line, too_long, end, error };

    LineReader(std::FILE* file, std::size_t max_line_bytes);

    // Fills `line` (without the newline or a trailing '\r'). A line over the limit is skipped
    // up to its newline and reported as too_long with its line number.
    Status next(std::string& line);
    std::uint64_t line_number() const { return line_number_; }
    std::uint64_t bytes_read() const { return bytes_read_; }

  private:
    bool refill();
    std::FILE* file_;
    std::size_t max_line_bytes_;
    std::vector<char> buffer_;
    std::size_t begin_ = 0;
    std::size_t end_ = 0;
    std::uint64_t line_number_ = 0;
    std::uint64_t bytes_read_ = 0;
    bool eof_ = false;
    bool failed_ = false;
};

}  // namespace spreekbuis::connectors
