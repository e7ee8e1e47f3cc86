#include "rules/diagnostic.hpp"

#include <algorithm>

namespace spreekbuis::rules {

std::string_view line_of(std::string_view text, int line) {
    if (line <= 0) return {};
    std::size_t start = 0;
    for (int current = 1; current < line; ++current) {
        const auto newline = text.find('\n', start);
        if (newline == std::string_view::npos) return {};
        start = newline + 1;
    }
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    auto result = text.substr(start, end - start);
    if (!result.empty() && result.back() == '\r') result.remove_suffix(1);
    return result;
}

std::string format_diagnostic(const Diagnostic& diagnostic) {
    std::string out;
    const auto& pos = diagnostic.pos;
    out += pos.file.empty() ? std::string("<input>") : pos.file;
    if (pos.line > 0) {
        out += ':' + std::to_string(pos.line);
        if (pos.column > 0) out += ':' + std::to_string(pos.column);
    }
    out += diagnostic.severity == Severity::error ? ": error: " : ": warning: ";
    out += diagnostic.message;
    out += '\n';
    if (!diagnostic.line_text.empty()) {
        out += "    " + diagnostic.line_text + '\n';
        if (pos.column > 0) {
            std::string pad;
            // Keep tabs so the caret lines up under tab-indented text.
            const auto limit = std::min<std::size_t>(static_cast<std::size_t>(pos.column - 1),
                                                     diagnostic.line_text.size());
            for (std::size_t i = 0; i < limit; ++i) {
                pad += diagnostic.line_text[i] == '\t' ? '\t' : ' ';
            }
            out += "    " + pad + "^\n";
        }
    }
    if (!diagnostic.hint.empty()) out += "    hint: " + diagnostic.hint + '\n';
    return out;
}

void Diagnostics::error(SourcePos pos, std::string message, std::string hint,
                        std::string line_text) {
    items_.push_back(Diagnostic{Severity::error, std::move(pos), std::move(message),
                                std::move(hint), std::move(line_text)});
}

void Diagnostics::warning(SourcePos pos, std::string message, std::string hint,
                          std::string line_text) {
    items_.push_back(Diagnostic{Severity::warning, std::move(pos), std::move(message),
                                std::move(hint), std::move(line_text)});
}

void Diagnostics::append(const Diagnostics& other) {
    items_.insert(items_.end(), other.items_.begin(), other.items_.end());
}

bool Diagnostics::has_errors() const { return error_count() > 0; }

std::size_t Diagnostics::error_count() const {
    return static_cast<std::size_t>(std::count_if(
        items_.begin(), items_.end(), [](const auto& d) { return d.severity == Severity::error; }));
}

std::string Diagnostics::format_all() const {
    std::string out;
    for (const auto& item : items_) out += format_diagnostic(item);
    return out;
}

namespace {
std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
            diagonal = above;
        }
    }
    return row[b.size()];
}
}  // namespace

std::string closest_match(std::string_view word, const std::vector<std::string>& candidates) {
    std::string best;
    std::size_t best_distance = std::max<std::size_t>(2, word.size() / 3) + 1;
    for (const auto& candidate : candidates) {
        const auto distance = edit_distance(word, candidate);
        if (distance < best_distance) {
            best_distance = distance;
            best = candidate;
        }
    }
    return best;
}

}  // namespace spreekbuis::rules
