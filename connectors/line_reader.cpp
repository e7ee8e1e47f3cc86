#include "connectors/line_reader.hpp"

#include <cstring>

namespace spreekbuis::connectors {

LineReader::LineReader(std::FILE* file, std::size_t max_line_bytes)
    : file_(file), max_line_bytes_(max_line_bytes), buffer_(1 << 16) {}

bool LineReader::refill() {
    if (eof_) return false;
    if (begin_ > 0) {
        std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
        end_ -= begin_;
        begin_ = 0;
    }
    if (end_ == buffer_.size()) buffer_.resize(buffer_.size() * 2);
    const auto count = std::fread(buffer_.data() + end_, 1, buffer_.size() - end_, file_);
    if (count == 0) {
        eof_ = true;
        failed_ = std::ferror(file_) != 0;
        return false;
    }
    end_ += count;
    bytes_read_ += count;
    return true;
}

LineReader::Status LineReader::next(std::string& line) {
    line.clear();
    bool too_long = false;
    while (true) {
        const char* start = buffer_.data() + begin_;
        const auto available = end_ - begin_;
        const void* newline = std::memchr(start, '\n', available);
        const auto take = newline
                              ? static_cast<std::size_t>(static_cast<const char*>(newline) - start)
                              : available;
        if (!too_long) {
            if (line.size() + take > max_line_bytes_) {
                too_long = true;
                line.clear();
            } else {
                line.append(start, take);
            }
        }
        if (newline) {
            begin_ += take + 1;
            break;
        }
        begin_ = end_;
        if (!refill()) {
            if (failed_) return Status::error;
            if (line.empty() && !too_long) return Status::end;
            break;  // last line without a newline
        }
    }
    ++line_number_;
    if (too_long) return Status::too_long;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return Status::line;
}

}  // namespace spreekbuis::connectors
