#pragma once
// The one clock abstraction of routing: every timer (SLA, spikes, silence, simulated handling)
// reads time through a Clock so tests and replay control it. SystemClock is thread-safe;
// ManualClock belongs to the thread that drives it.
#include <cstdint>

namespace spreekbuis::daemon::routing {

class Clock {
  public:
    virtual ~Clock() = default;
    virtual std::int64_t now_ms() const = 0;  // Unix epoch milliseconds
};

class SystemClock final : public Clock {
  public:
    std::int64_t now_ms() const override;
};

class ManualClock final : public Clock {
  public:
    explicit ManualClock(std::int64_t start_ms = 0) : now_(start_ms) {}
    std::int64_t now_ms() const override { return now_; }
    void set(std::int64_t ms) { now_ = ms; }
    void advance(std::int64_t ms) { now_ += ms; }

  private:
    std::int64_t now_;
};

}  // namespace spreekbuis::daemon::routing
