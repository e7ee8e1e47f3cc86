#pragma once
// Errors a person reads: file:line:col, the offending line, a caret and a hint.
#include <string>
#include <string_view>
#include <vector>

namespace spreekbuis::rules {

struct SourcePos {
    std::string file;
    int line = 0;    // 1-based; 0 = unknown
    int column = 0;  // 1-based, in bytes; 0 = unknown
};

enum class Severity { error, warning };

struct Diagnostic {
    Severity severity = Severity::error;
    SourcePos pos;
    std::string message;
    std::string hint;       // optional "did you mean ..." or how to fix
    std::string line_text;  // the source line at pos.line, for the caret display
};

// Returns line `line` (1-based) of `text` without its newline, or "" when out of range.
std::string_view line_of(std::string_view text, int line);

// "file:line:col: error: message\n    <line>\n    ^\n    hint: ...\n"
std::string format_diagnostic(const Diagnostic& diagnostic);

// Collects diagnostics; the caller decides whether errors are fatal.
class Diagnostics {
  public:
    void add(Diagnostic diagnostic) { items_.push_back(std::move(diagnostic)); }
    void error(SourcePos pos, std::string message, std::string hint = {},
               std::string line_text = {});
    void warning(SourcePos pos, std::string message, std::string hint = {},
                 std::string line_text = {});
    void append(const Diagnostics& other);

    bool has_errors() const;
    std::size_t error_count() const;
    std::size_t warning_count() const { return items_.size() - error_count(); }
    const std::vector<Diagnostic>& items() const { return items_; }
    bool empty() const { return items_.empty(); }
    std::string format_all() const;

  private:
    std::vector<Diagnostic> items_;
};

// Closest candidate by edit distance, for "did you mean" hints; "" when nothing is close.
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace spreekbuis::rules
