#pragma once
// What the rule core decides about one post. Produced by RuleSet::evaluate, pure data.
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iosfwd>
#include <iterator>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace spreekbuis::rules {

enum class Priority { low, normal, high, urgent };
enum class Polarity { negative, neutral, positive };

std::string_view to_string(Priority priority);
std::string_view to_string(Polarity polarity);
std::optional<Priority> parse_priority(std::string_view text);

// The ids of the rules a post matched, in rule-file order. Held as indices into the id list of
// the rule set that decided, shared with it (so the ids outlive a reload): a matched rule costs
// four bytes instead of a string copy. Reads as a list of string_views.
class RuleIds {
  public:
    using Names = std::vector<std::string>;

    class iterator {
      public:
        using iterator_category = std::input_iterator_tag;
        using value_type = std::string_view;
        using difference_type = std::ptrdiff_t;
        using pointer = void;
        using reference = std::string_view;

        iterator() = default;
        iterator(const RuleIds* ids, std::size_t at) : ids_(ids), at_(at) {}
        std::string_view operator*() const { return (*ids_)[at_]; }
        iterator& operator++() {
            ++at_;
            return *this;
        }
        iterator operator++(int) {
            iterator before = *this;
            ++at_;
            return before;
        }
        friend bool operator==(const iterator& a, const iterator& b) { return a.at_ == b.at_; }

      private:
        const RuleIds* ids_ = nullptr;
        std::size_t at_ = 0;
    };

    RuleIds() = default;
    // Ids given as text (tests, verdicts built by hand): they get a list of their own.
    RuleIds(std::initializer_list<std::string_view> ids);
    RuleIds(const std::vector<std::string>& ids);  // NOLINT: converts like the vector it was
    // For the rule set that decides: indices into its `names`, copied at once.
    RuleIds(std::shared_ptr<const Names> names, std::span<const std::uint32_t> indices)
        : names_(std::move(names)), indices_(indices.begin(), indices.end()) {}

    std::size_t size() const { return indices_.size(); }
    bool empty() const { return indices_.empty(); }
    std::string_view operator[](std::size_t at) const { return (*names_)[indices_[at]]; }
    iterator begin() const { return {this, 0}; }
    iterator end() const { return {this, indices_.size()}; }
    std::vector<std::string> strings() const { return {begin(), end()}; }

    friend bool operator==(const RuleIds& a, const RuleIds& b);
    friend bool operator==(const RuleIds& a, const std::vector<std::string>& b);

  private:
    std::shared_ptr<const Names> names_;
    std::vector<std::uint32_t> indices_;
};
// As {"a", "b"}: for test reports.
std::ostream& operator<<(std::ostream& out, const RuleIds& ids);

struct Verdict {
    bool matched = false;          // at least one rule matched
    bool complaint = false;        // the complaint detector's call
    double complaint_score = 0.0;  // 0..1, the detector's confidence
    RuleIds rules;                 // ids of matched rules, in rule-file order
    std::optional<std::string> topic;
    std::optional<Priority> priority;
    std::vector<std::string> tags;
    double sentiment = 0.0;  // -1..1
    Polarity polarity = Polarity::neutral;
    std::string lang;  // "en", "nl", another ISO 639-1 code, or "und"
    std::string why;   // one line: which terms matched, what raised the priority
};

}  // namespace spreekbuis::rules
