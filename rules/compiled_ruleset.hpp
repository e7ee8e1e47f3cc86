#pragma once
// The immutable RuleSet behind load_rule_*: the RuleProgram, the token index of its terms and
// the RE2 sets of its regexes. evaluate() is const and safe on any number of threads at once
// (per-thread scratch buffers; the only shared mutable state is an atomic error counter).
#include <re2/re2.h>
#include <re2/set.h>

#include <atomic>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "rules/compiled_program.hpp"
#include "rules/ruleset.hpp"
#include "rules/ruleset_options.hpp"
#include "rules/term_index.hpp"

namespace spreekbuis::rules {

struct EvalContext;
struct PreparedPost;

class CompiledRuleSet final : public RuleSet {
  public:
    // Null (with diagnostics) when the sets cannot be built within the memory budget.
    static std::shared_ptr<const CompiledRuleSet> build(compiled::RuleProgram program,
                                                        const RuleSetOptions& options,
                                                        const std::string& label,
                                                        Diagnostics& diagnostics);

    Verdict evaluate(const Post& post) const override;
    void evaluate_all(std::span<const Post* const> posts, std::vector<Verdict>& out) const override;
    std::vector<RuleTestOutcome> run_tests() const override;
    std::size_t rule_count() const override { return program_.rules.size(); }
    std::vector<std::string> rule_ids() const override;
    std::vector<std::optional<std::string>> rule_topics() const override;
    std::vector<RuleMiss> misses(const Post& post, std::string_view rule_id = {}) const override;
    std::vector<std::string> topics() const override;
    std::vector<std::string> tags() const override;
    RuleSetStats stats() const;

  private:
    struct Shard {
        std::unique_ptr<RE2::Set> set;
        std::vector<std::uint32_t> ids;  // set pattern index -> regex id
    };

    // A rule's card: what evaluate() reads of a candidate and of a matched rule, in one place,
    // so that a matched rule costs a line or two of cache instead of one per table (at 10,000
    // rules the tables are far out of cache). In cards_: this head, then flat_count CardParts,
    // then the id, then the parts' names. Read through memcpy (cards_ is plain bytes).
    struct CardHead {
        std::uint32_t root = 0;
        std::int32_t topic = -1;  // into topics_, or -1 for none
        std::uint32_t id_size = 0;
        // Bytes the rule adds to `why` at most when flat: "; ", the id and ": name, name".
        std::uint32_t why_most = 0;
        // The explanation's parts stored on the card (see flatten_explanation; none for a
        // whole card, whose names are only text), or kNotFlat for the node walk.
        std::uint16_t flat_count = 0;
        std::int8_t priority = -1;  // a Priority, or -1 for none
        bool tags = false;
        // A flat rule without an OR: when it matches, every name is in its `why`, so the
        // card holds that text whole ("; id: name, name") and evaluate() copies it at once.
        bool whole = false;
    };
    // A term a flat explanation names when the post has it.
    struct CardPart {
        std::uint32_t term = 0;
        std::uint16_t text_begin = 0;  // the name, in bytes from the card's start
        std::uint16_t text_size = 0;
    };
    static constexpr std::uint16_t kNotFlat = 0xFFFF;
    // A compiled::RuleWake as evaluate() applies it to the rule's state (see evaluate).
    struct Wake {
        struct Bits {
            std::uint16_t mark = 0;  // the group's seen bit, and its proven bit when sure
            std::uint8_t full = 1;   // the seen bits of all the rule's groups
        };
        std::uint32_t rule = 0;
        Bits bits;
        static Wake of(const compiled::RuleWake& wake) {
            const auto bit = static_cast<std::uint16_t>(1U << wake.group);
            return {wake.rule,
                    {static_cast<std::uint16_t>(bit | (wake.sure ? bit << 8 : 0)),
                     static_cast<std::uint8_t>((1U << wake.groups) - 1)}};
        }
    };
    // A flat explanation while it is built: the names, back to back in `text`.
    struct FlatPart {
        std::uint32_t term = 0;
        std::uint32_t text_begin = 0;
        std::uint32_t text_size = 0;
    };
    struct FlatList {
        std::vector<FlatPart> parts;
        std::string text;
        bool every_part_seen = true;  // when the rule matches: no OR of two or more
    };

    explicit CompiledRuleSet(compiled::RuleProgram program) : program_(std::move(program)) {}

    // evaluate_all's stages over this many posts: normalise each, score each, decide each.
    // prepare is the text path of one post (for evaluate), decide the rest.
    static constexpr std::size_t kStageBatch = 32;
    void prepare(const Post& post, PreparedPost& prepared) const;
    // Into a default-constructed `verdict` (evaluate_all's, in place in its output).
    void decide(const Post& post, const PreparedPost& prepared, Verdict& verdict) const;
    bool eval(std::uint32_t index, EvalContext& context) const;
    bool eval_uncached(std::uint32_t index, EvalContext& context) const;
    void spans(std::uint32_t index, EvalContext& context, std::size_t depth) const;
    void compute_spans(std::uint32_t index, EvalContext& context, std::size_t depth) const;
    std::size_t span_depth() const;
    bool near_pair(std::uint32_t index, EvalContext& context, std::uint32_t& first_a,
                   std::uint32_t& last_a, std::uint32_t& first_b, std::uint32_t& last_b) const;
    bool field_matches(const query::FieldSpec& field, const EvalContext& context) const;
    void explain(std::uint32_t index, EvalContext& context) const;
    bool flatten_explanation(std::uint32_t index, bool any_of_parent, FlatList& flat) const;
    static bool drop_repeated_names(FlatList& flat);
    void add_card(const compiled::CompiledRule& rule, const FlatList* flat);
    void lay_out_cards_by_term();
    CardHead card_head(std::uint32_t rule) const {
        CardHead head;
        std::memcpy(&head, cards_.data() + card_at_[rule], sizeof head);
        return head;
    }
    bool term_occurs(std::uint32_t term, const EvalContext& context) const;

    compiled::RuleProgram program_;
    std::string cards_;                   // every rule's card, each at a multiple of 8
    std::vector<std::uint32_t> card_at_;  // rule index -> offset of its card in cards_
    std::vector<std::string> topics_;     // distinct topics
    std::shared_ptr<const RuleIds::Names> rule_names_;  // every rule's id: Verdict::rules' list
    // program_.term_rules, then regex_rules, flattened: term t wakes
    // woken_rules_[term_wakes_[t] .. term_wakes_[t+1]), regex r the same at slot terms + r.
    std::vector<std::uint32_t> term_wakes_;
    std::vector<Wake> woken_rules_;
    // The same for the rules a term proves alone (one group, no NOT veto): matched on sight,
    // with no state kept, matched_on_sight_[term_matches_[t] .. term_matches_[t+1]).
    std::vector<std::uint32_t> term_matches_;
    std::vector<std::uint32_t> matched_on_sight_;
    std::vector<std::unique_ptr<RE2>> regexes_;
    TermIndex term_index_;
    std::vector<Shard> regex_shards_;
    bool simulate_set_failure_ = false;
    bool reference_paths_ = false;
    std::size_t span_levels_ = 4;
    mutable std::atomic<std::uint64_t> set_errors_{0};
};

}  // namespace spreekbuis::rules
