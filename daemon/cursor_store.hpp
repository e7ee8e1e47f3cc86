#pragma once
// Resume points of resumable sources (the replay source's line number), kept in SQLite in the
// state directory so a restart goes on where the last run stopped instead of deciding the same
// posts again. Used by one thread at a time (load at start, save on the emitter thread).
#include <cstdint>
#include <memory>
#include <string>

struct sqlite3;

namespace spreekbuis::daemon {

class CursorStore {
  public:
    static std::unique_ptr<CursorStore> open(const std::string& path, std::string& error);
    ~CursorStore();
    CursorStore(const CursorStore&) = delete;
    CursorStore& operator=(const CursorStore&) = delete;

    // 0 when the source has no cursor yet.
    std::uint64_t load(const std::string& source) const;
    bool save(const std::string& source, std::uint64_t position);

  private:
    explicit CursorStore(sqlite3* db) : db_(db) {}
    sqlite3* db_;
};

}  // namespace spreekbuis::daemon
