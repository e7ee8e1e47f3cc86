#pragma once
// Resume points of resumable sources (the replay source's line number, a live source's token), kept
// in SQLite in the state directory so a restart goes on where the last run stopped instead of
// deciding the same posts again. Used by one thread at a time (load at start, save on the emitter
// thread).
#include <cstdint>
#include <memory>
#include <string>

struct sqlite3;

namespace spreekbuis::daemon {

class CursorStore {
  public:
    static std::unique_ptr<CursorStore> open(const std::string& path, std::string& error);
    // Uses a connection the caller owns and keeps open longer (the daemon's state database), so
    // a cursor save joins the caller's transaction.
    static std::unique_ptr<CursorStore> attach(sqlite3* db, std::string& error);
    ~CursorStore();
    CursorStore(const CursorStore&) = delete;
    CursorStore& operator=(const CursorStore&) = delete;

    // 0 when the source has no cursor yet.
    std::uint64_t load(const std::string& source) const;
    bool save(const std::string& source, std::uint64_t position);
    // A live source's resume point, as the source wrote it (a status id, a time in
    // microseconds); "" when it has none yet.
    std::string load_token(const std::string& source) const;
    bool save_token(const std::string& source, const std::string& token);

  private:
    CursorStore(sqlite3* db, bool owned) : db_(db), owned_(owned) {}
    static bool create_table(sqlite3* db, std::string& error);
    sqlite3* db_;
    bool owned_;
};

}  // namespace spreekbuis::daemon
