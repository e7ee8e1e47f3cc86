#pragma once
// The Prometheus text format's pieces shared by every /metrics hook.
#include <string>
#include <string_view>

namespace spreekbuis::daemon {

// A label value: backslash, double quote and newline escaped.
inline std::string prometheus_label(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (const char c : value) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '"') {
            out += "\\\"";
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out.push_back(c);
        }
    }
    return out;
}

}  // namespace spreekbuis::daemon
