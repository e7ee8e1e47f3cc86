#pragma once
// How long a source waits before it reconnects: exponential backoff with full jitter (a random
// wait between zero and the current ceiling), the ceiling doubling from `initial` up to `cap`.
// A connection that delivered data resets it. Pure: the caller supplies the randomness. One
// instance per source, used on that source's thread.
#include <chrono>
#include <cstdint>

namespace spreekbuis::connectors::sources {

class ReconnectBackoff {
  public:
    explicit ReconnectBackoff(std::chrono::milliseconds initial = std::chrono::seconds(1),
                              std::chrono::milliseconds cap = std::chrono::seconds(60))
        : initial_(initial), cap_(cap), ceiling_(initial) {}

    // The wait before the next attempt, from a uniformly random 64-bit value; doubles the
    // ceiling for the attempt after. Never less than a tenth of `initial` (no busy loop).
    std::chrono::milliseconds next(std::uint64_t random);
    // After a connection that worked: the next wait starts from `initial` again.
    void reset() { ceiling_ = initial_; }
    std::chrono::milliseconds ceiling() const { return ceiling_; }

  private:
    std::chrono::milliseconds initial_;
    std::chrono::milliseconds cap_;
    std::chrono::milliseconds ceiling_;
};

}  // namespace spreekbuis::connectors::sources
