#pragma once
// The console sink: prints alerts readably to a terminal or the journal. Used from one thread
// (the pipeline's emitter); the FILE is flushed after every alert so nothing waits in a buffer.
#include <cstdio>
#include <string>

#include "connectors/alert.hpp"
#include "rules/post.hpp"
#include "rules/verdict.hpp"

namespace spreekbuis::daemon {

// An alert for a decided post when no router is configured: addressed to the default sink.
connectors::Alert alert_for_decision(const rules::Post& post, const rules::Verdict& verdict);

class ConsoleSink {
  public:
    explicit ConsoleSink(std::FILE* out) : out_(out) {}
    void deliver(const connectors::Alert& alert);

  private:
    std::FILE* out_;
};

}  // namespace spreekbuis::daemon
