#include "rules/compiled_ruleset.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <span>

#include "rules/exact_case.hpp"
#include "rules/format.hpp"
#include "rules/miss_reason.hpp"
#include "rules/normalize.hpp"
#include "rules/scoring.hpp"
#include "rules/sentiment_detail.hpp"
#include "rules/utf8.hpp"

namespace spreekbuis::rules {

using namespace std::string_view_literals;

using compiled::Op;
using compiled::ProgNode;
using compiled::TermPattern;
using compiled::TermWord;

namespace {

constexpr std::size_t kMaxSpansPerSide = 1024;
// Rules naming more terms (long lists) keep the node walk instead of a copy of every name.
constexpr std::size_t kMaxFlatParts = 64;
constexpr std::size_t kMaxRegexMatches = 4096;
constexpr std::int64_t kMinShardMem = 16LL << 20;
constexpr std::size_t kMaxKeptText = std::size_t{1} << 20;  // `why`'s buffer, at most
// A PreparedPost keeps buffers up to this size (real posts are far smaller).
constexpr std::size_t kMaxKeptSlotText = std::size_t{64} << 10;

struct Span {
    std::uint32_t first = 0;
    std::uint32_t last = 0;
};

// Per-thread buffers reused across posts (and across rule sets: stamps are never reused).
struct Scratch {
    std::string span_text;  // EvalContext::span_text
    std::vector<int> ids;
    std::vector<std::uint32_t> term_seen;
    std::vector<std::uint32_t> regex_seen;
    std::vector<std::uint64_t> rule_seen;
    std::vector<std::uint32_t> seen_terms;
    std::vector<std::uint32_t> seen_regexes;
    std::vector<std::uint32_t> candidates;
    std::vector<std::uint64_t> matched_bits;   // all zero between posts
    std::vector<std::uint64_t> matched_words;  // order_matched's `tops`, all zero between posts
    std::vector<std::uint32_t> matched;        // room for every rule
    std::string why_buffer;                    // evaluate() writes `why` here first
    std::vector<std::vector<Span>> span_pool;  // sized before each post, never during one
    std::vector<std::uint32_t> eval_stamp;     // eval() result per node, valid for `stamp`
    std::vector<std::uint8_t> eval_value;
    std::vector<std::uint32_t> node_stamp;  // span cache per node, valid for `stamp`
    std::vector<std::uint32_t> node_begin;
    std::vector<std::uint32_t> node_count;
    std::vector<Span> span_store;
    std::string part_text;    // one matched rule's explanation parts, back to back
    std::vector<Span> parts;  // offsets into part_text: first = begin, last = size
    std::string near_text;
    std::vector<std::uint32_t> origins;  // folded_origins of the post, valid for origins_stamp
    std::uint32_t origins_stamp = 0;
    std::uint32_t stamp = 0;

    std::uint32_t next_stamp() {
        if (++stamp == 0) {
            std::fill(term_seen.begin(), term_seen.end(), 0);
            std::fill(regex_seen.begin(), regex_seen.end(), 0);
            std::fill(rule_seen.begin(), rule_seen.end(), 0);
            std::fill(node_stamp.begin(), node_stamp.end(), 0);
            std::fill(eval_stamp.begin(), eval_stamp.end(), 0);
            origins_stamp = 0;
            stamp = 1;
        }
        return stamp;
    }

    std::vector<Span>& pool(std::size_t level) { return span_pool[level]; }

    // Adds one name to the matched rule's explanation, once.
    void add_part(std::string_view part) {
        for (const auto& seen : parts) {
            if (std::string_view(part_text).substr(seen.first, seen.last) == part) return;
        }
        parts.push_back(Span{static_cast<std::uint32_t>(part_text.size()),
                             static_cast<std::uint32_t>(part.size())});
        part_text.append(part);
    }
};

Scratch& scratch() {
    thread_local Scratch instance;
    return instance;
}

template <typename T>
void grow(std::vector<T>& values, std::size_t size) {
    if (values.size() < size) values.resize(size, 0);
}

// memcpy for the short pieces of `why` (ids, names) without a library call: two overlapping
// loads and stores cover 4..16 bytes.
inline void copy_bytes(char* to, const char* from, std::size_t n) {
    const auto copy = [&](std::size_t at, auto word) {
        std::memcpy(&word, from + at, sizeof word);
        std::memcpy(to + at, &word, sizeof word);
    };
    if (n >= 8 && n <= 16) {
        copy(0, std::uint64_t{});
        copy(n - 8, std::uint64_t{});
    } else if (n >= 4 && n < 8) {
        copy(0, std::uint32_t{});
        copy(n - 4, std::uint32_t{});
    } else if (n < 4) {
        for (std::size_t i = 0; i < n; ++i) to[i] = from[i];
    } else {
        std::memcpy(to, from, n);
    }
}

// A piece of `why` that lies in a card (id, separator, name): up to kCardPiece bytes are copied
// as one block of kCardPiece, whatever the length, which spares the branches on the length.
// The cards are padded and `why`'s buffer has kCardPiece bytes of room past the rule's most.
constexpr std::size_t kCardPiece = 16;
inline void copy_card_piece(char* to, const char* from, std::size_t n) {
    if (n <= kCardPiece) {
        std::memcpy(to, from, kCardPiece);
    } else if (n <= 2 * kCardPiece) {  // two blocks that overlap: still no call
        std::memcpy(to, from, kCardPiece);
        std::memcpy(to + n - kCardPiece, from + n - kCardPiece, kCardPiece);
    } else {
        std::memcpy(to, from, n);
    }
}

bool word_matches(const TermWord& word, std::string_view token) {
    return word.prefix ? token.starts_with(word.text) : token == word.text;
}

bool iequals_ascii(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i];
        if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
        if (x != b[i]) return false;
    }
    return true;
}

bool in_range(const query::FieldValue& value, double x) {
    const bool above = value.low_inclusive ? x >= value.low : x > value.low;
    const bool below = value.high_inclusive ? x <= value.high : x < value.high;
    return above && below;
}

// Puts the `count` distinct rules at `rules`, whose bits are set in `bits` (`words` long), in
// order and clears the bits: read back from the bitmap, without the mispredicted comparisons
// of a sort. `tops` (all zero, a bit for every 64 words) is filled from the list first and
// cleared again: the read back visits only the words that hold a rule, because a branch per
// word, empty or not at random, was mispredicted about one time in four.
void order_matched(std::uint32_t* rules, std::size_t count, std::uint64_t* bits, std::size_t words,
                   std::uint64_t* tops) {
    if (count < 2) {
        if (count == 1) bits[rules[0] >> 6] = 0;
        return;
    }
    for (std::size_t i = 0; i < count; ++i) {
        tops[rules[i] >> 12] |= std::uint64_t{1} << (rules[i] >> 6 & 63);
    }
    std::size_t at = 0;
    for (std::size_t t = 0; t * 64 < words; ++t) {
        std::uint64_t top = tops[t];
        tops[t] = 0;
        for (; top != 0; top &= top - 1) {
            const std::size_t w = t * 64 + static_cast<std::size_t>(__builtin_ctzll(top));
            std::uint64_t word = bits[w];
            bits[w] = 0;
            do {
                rules[at++] = static_cast<std::uint32_t>(w * 64) +
                              static_cast<std::uint32_t>(__builtin_ctzll(word));
                word &= word - 1;
            } while (word != 0);
        }
    }
}

}  // namespace

struct EvalContext {
    const Post& post;
    const NormalizedText& text;
    const Verdict& verdict;
    Scratch& s;
    std::uint32_t stamp;
    // The tokens rules see (no punctuation), as offsets into `text.folded`.
    const std::vector<std::uint32_t>& kept_begin;
    const std::vector<std::uint32_t>& kept_end;

    std::size_t token_count() const { return kept_begin.size(); }
    std::string_view token(std::size_t i) const {
        return std::string_view(text.folded).substr(kept_begin[i], kept_end[i] - kept_begin[i]);
    }
    // The tokens of `span` joined by single spaces (punctuation between them left out), valid
    // until the next call.
    std::string_view span_text(const Span& span) const {
        auto& out = s.span_text;
        out.clear();
        for (std::uint32_t i = span.first; i <= span.last; ++i) {
            if (i > span.first) out.push_back(' ');
            out.append(token(i));
        }
        return out;
    }
};

namespace {

template <typename Visit>
void for_each_occurrence(const TermPattern& term, const EvalContext& context, Visit&& visit) {
    const std::size_t n = context.token_count();
    const std::size_t k = term.words.size();
    if (k == 0 || k > n) return;
    for (std::size_t i = 0; i + k <= n; ++i) {
        bool ok = true;
        for (std::size_t j = 0; j < k && ok; ++j) {
            const auto token = context.token(i + j);
            ok = word_matches(term.words[j], token) ||
                 (j == 0 && term.hashtag_too && token.size() > 1 && token[0] == '#' &&
                  word_matches(term.words[0], token.substr(1)));
        }
        if (ok &&
            !visit(Span{static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(i + k - 1)})) {
            return;
        }
    }
}

}  // namespace

std::shared_ptr<const CompiledRuleSet> CompiledRuleSet::build(compiled::RuleProgram program,
                                                              const RuleSetOptions& options,
                                                              const std::string& label,
                                                              Diagnostics& diagnostics) {
    std::shared_ptr<CompiledRuleSet> rules(new CompiledRuleSet(std::move(program)));
    rules->simulate_set_failure_ = options.simulate_set_failure;
    {
        RuleIds::Names names;
        names.reserve(rules->program_.rules.size());
        for (const auto& rule : rules->program_.rules) names.push_back(rule.id);
        rules->rule_names_ = std::make_shared<const RuleIds::Names>(std::move(names));
    }
    rules->reference_paths_ = options.reference_paths;
    const auto& regexes = rules->program_.regexes;
    rules->term_index_.build(rules->program_.terms);

    const std::size_t shard_size = std::max<std::size_t>(1, options.shard_size);
    const std::size_t shard_count =
        std::max<std::size_t>(1, (regexes.size() + shard_size - 1) / shard_size);
    const std::int64_t shard_mem =
        options.shard_max_mem > 0
            ? options.shard_max_mem
            : std::max<std::int64_t>(kMinShardMem,
                                     options.max_mem / static_cast<std::int64_t>(shard_count));

    bool ok = true;
    const auto fail = [&](std::string message) {
        diagnostics.error(SourcePos{label, 0, 0}, std::move(message),
                          "use fewer or simpler terms, or split regexes");
        ok = false;
    };

    const auto build_shards = [&](const std::vector<std::pair<std::string, std::uint32_t>>& all,
                                  std::vector<Shard>& out, const char* what) {
        for (std::size_t begin = 0; begin < all.size(); begin += shard_size) {
            RE2::Options set_options;
            set_options.set_log_errors(false);
            set_options.set_max_mem(shard_mem);
            Shard shard;
            shard.set = std::make_unique<RE2::Set>(set_options, RE2::UNANCHORED);
            const std::size_t end = std::min(all.size(), begin + shard_size);
            for (std::size_t i = begin; i < end; ++i) {
                std::string error;
                if (shard.set->Add(all[i].first, &error) < 0) {
                    fail(std::string("cannot add ") + what + " '" + all[i].first +
                         "' to the matcher: " + error);
                    return;
                }
                shard.ids.push_back(all[i].second);
            }
            if (!shard.set->Compile()) {
                fail(std::string("the ") + what + "s do not fit in the matcher's memory budget (" +
                     std::to_string(shard_mem >> 20) + " MiB per set)");
                return;
            }
            out.push_back(std::move(shard));
        }
    };
    for (const auto& rule : rules->program_.rules) {
        FlatList flat;
        const bool is_flat = !rules->reference_paths_ &&
                             rules->flatten_explanation(rule.root, false, flat) &&
                             flat.parts.size() <= kMaxFlatParts && drop_repeated_names(flat);
        rules->add_card(rule, is_flat ? &flat : nullptr);
    }
    const auto& prog = rules->program_;
    // A rule with a NOT veto keeps its state even when one term proves its only group: the
    // veto may have been seen first.
    std::vector<bool> has_veto(prog.rules.size(), false);
    for (const auto* table : {&prog.term_rules, &prog.regex_rules}) {
        for (const auto& wakes : *table) {
            for (const auto& wake : wakes) {
                if (wake.group >= wake.groups) has_veto[wake.rule] = true;
            }
        }
    }
    // Terms first, then regexes: regex r's entries are at slot terms.size() + r. A rule one
    // term proves alone (one group, no veto) is matched on sight, kept apart from the wakes so
    // that neither loop asks which kind each entry is. The reference evaluates every rule:
    // nothing is matched on sight there.
    for (const auto* table : {&prog.term_rules, &prog.regex_rules}) {
        for (const auto& wakes : *table) {
            rules->term_wakes_.push_back(static_cast<std::uint32_t>(rules->woken_rules_.size()));
            rules->term_matches_.push_back(
                static_cast<std::uint32_t>(rules->matched_on_sight_.size()));
            for (const auto& wake : wakes) {
                if (wake.sure && wake.groups == 1 && !has_veto[wake.rule] &&
                    !rules->reference_paths_) {
                    rules->matched_on_sight_.push_back(wake.rule);
                } else {
                    rules->woken_rules_.push_back(Wake::of(wake));
                }
            }
        }
    }
    rules->term_wakes_.push_back(static_cast<std::uint32_t>(rules->woken_rules_.size()));
    rules->term_matches_.push_back(static_cast<std::uint32_t>(rules->matched_on_sight_.size()));
    rules->lay_out_cards_by_term();
    rules->span_levels_ = rules->span_depth() + 4;

    std::vector<std::pair<std::string, std::uint32_t>> regex_patterns;
    for (std::uint32_t id = 0; id < regexes.size(); ++id) {
        regex_patterns.emplace_back(regexes[id].pattern, id);
        RE2::Options regex_options;
        regex_options.set_log_errors(false);
        regex_options.set_max_mem(8 << 20);
        rules->regexes_.push_back(std::make_unique<RE2>(regexes[id].pattern, regex_options));
        if (!rules->regexes_.back()->ok()) {
            fail("cannot compile " + regexes[id].display + ": " + rules->regexes_.back()->error());
        }
    }
    build_shards(regex_patterns, rules->regex_shards_, "regular expression");
    if (!ok) return nullptr;
    return rules;
}

// Appends the rule's card (see CardHead); `flat` is its flat explanation, or null. A flat
// card must keep its names within 64 KiB of its start, or the rule keeps the node walk.
void CompiledRuleSet::add_card(const compiled::CompiledRule& rule, const FlatList* flat) {
    CardHead head;
    head.root = rule.root;
    head.id_size = static_cast<std::uint32_t>(rule.id.size());
    head.priority = rule.priority ? static_cast<std::int8_t>(*rule.priority) : -1;
    head.tags = !rule.tags.empty();
    if (rule.topic) {
        const auto found = std::find(topics_.begin(), topics_.end(), *rule.topic);
        head.topic = static_cast<std::int32_t>(found - topics_.begin());
        if (found == topics_.end()) topics_.push_back(*rule.topic);
    }
    // The id and each name are stored after their separators ("; " and ", "), so that
    // evaluate() writes each with one copy (": " before the first name differs in a byte).
    // A whole card needs no parts: its text is written at once.
    const std::size_t parts_at = sizeof(CardHead);
    std::size_t size = parts_at + 2 + rule.id.size();
    const bool whole = flat && flat->every_part_seen;
    const std::size_t part_count = flat && !whole ? flat->parts.size() : 0;
    if (flat) {
        size += part_count * sizeof(CardPart) + flat->parts.size() * 2 + flat->text.size();
        if (size > 0xFFFF) flat = nullptr;
    }
    if (!flat) size = parts_at + 2 + rule.id.size();
    const std::size_t at = (cards_.size() + 7) & ~std::size_t{7};
    card_at_.push_back(static_cast<std::uint32_t>(at));
    cards_.resize(at + size);
    char* card = cards_.data() + at;
    std::size_t text_at = parts_at;
    head.flat_count = kNotFlat;
    if (flat) {
        head.flat_count = static_cast<std::uint16_t>(part_count);
        head.whole = whole;
        text_at += part_count * sizeof(CardPart);
    }
    std::memcpy(card + text_at, "; ", 2);
    std::memcpy(card + text_at + 2, rule.id.data(), rule.id.size());
    text_at += 2 + rule.id.size();
    if (flat) {
        std::size_t most = 2 + rule.id.size();
        for (std::size_t k = 0; k < flat->parts.size(); ++k) {
            const FlatPart& part = flat->parts[k];
            if (!whole) {
                const CardPart written{part.term, static_cast<std::uint16_t>(text_at),
                                       static_cast<std::uint16_t>(2 + part.text_size)};
                std::memcpy(card + parts_at + k * sizeof(CardPart), &written, sizeof written);
            }
            // A whole card's text is final: its first name follows ": ".
            std::memcpy(card + text_at, k == 0 && whole ? ": " : ", ", 2);
            std::memcpy(card + text_at + 2, flat->text.data() + part.text_begin, part.text_size);
            text_at += 2 + part.text_size;
            most += 2 + part.text_size;
        }
        head.why_most = static_cast<std::uint32_t>(most);
    }
    std::memcpy(card, &head, sizeof head);
}

// Moves the cards of the rules one term wakes or matches next to each other, the terms with
// the most rules first: a post's matched rules then share cache lines (a term such as a brand
// handle matches dozens of rules at once) instead of costing a line or two each, scattered
// over the whole set. Rule order (and every result) is unchanged; only card_at_ moves. It also
// pads the cards at the end, for copy_card_piece.
void CompiledRuleSet::lay_out_cards_by_term() {
    const std::size_t rule_count = card_at_.size();
    const std::size_t slots = term_wakes_.size() - 1;
    std::vector<std::uint32_t> order(slots);
    std::vector<std::uint32_t> fan_out(slots);
    for (std::uint32_t slot = 0; slot < slots; ++slot) {
        order[slot] = slot;
        fan_out[slot] = term_wakes_[slot + 1] - term_wakes_[slot] + term_matches_[slot + 1] -
                        term_matches_[slot];
    }
    std::stable_sort(order.begin(), order.end(),
                     [&](std::uint32_t a, std::uint32_t b) { return fan_out[a] > fan_out[b]; });
    std::string laid_out;
    laid_out.reserve(cards_.size() + 8 * rule_count);
    constexpr std::uint32_t kUnplaced = 0xFFFFFFFF;
    std::vector<std::uint32_t> new_at(rule_count, kUnplaced);
    const auto place = [&](std::uint32_t rule) {
        if (new_at[rule] != kUnplaced) return;
        const std::size_t begin = card_at_[rule];
        const std::size_t end = rule + 1 < rule_count ? card_at_[rule + 1] : cards_.size();
        laid_out.resize((laid_out.size() + 7) & ~std::size_t{7}, '\0');
        new_at[rule] = static_cast<std::uint32_t>(laid_out.size());
        laid_out.append(cards_, begin, end - begin);
    };
    for (const auto slot : order) {
        for (auto k = term_matches_[slot]; k < term_matches_[slot + 1]; ++k) {
            place(matched_on_sight_[k]);
        }
        for (auto k = term_wakes_[slot]; k < term_wakes_[slot + 1]; ++k) {
            place(woken_rules_[k].rule);
        }
    }
    for (std::uint32_t rule = 0; rule < rule_count; ++rule) place(rule);
    // Padding: decide copies a card's pieces sixteen bytes at a time (copy_card_piece).
    laid_out.append(kCardPiece, '\0');
    cards_ = std::move(laid_out);
    card_at_ = std::move(new_at);
}

// Deepest span_pool level spans() can reach: all_of adds one level, near two.
std::size_t CompiledRuleSet::span_depth() const {
    const auto& nodes = program_.nodes;
    std::vector<std::size_t> depth(nodes.size(), 0);
    std::size_t deepest = 0;
    // Children are always added before their parents, so one forward pass suffices.
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        const auto& node = nodes[i];
        if (node.op != Op::all_of && node.op != Op::any_of && node.op != Op::near) continue;
        std::size_t below = 0;
        for (std::uint32_t k = 0; k < node.count; ++k) {
            below = std::max(below, depth[program_.children[node.first + k]]);
        }
        depth[i] = below + (node.op == Op::any_of ? 0 : node.op == Op::all_of ? 1 : 2);
        deepest = std::max(deepest, depth[i]);
    }
    return deepest;
}

std::vector<std::string> CompiledRuleSet::rule_ids() const { return *rule_names_; }

std::vector<std::optional<std::string>> CompiledRuleSet::rule_topics() const {
    std::vector<std::optional<std::string>> topics;
    topics.reserve(program_.rules.size());
    for (const auto& rule : program_.rules) topics.push_back(rule.topic);
    return topics;
}

std::vector<std::string> CompiledRuleSet::topics() const {
    auto sorted = topics_;
    std::sort(sorted.begin(), sorted.end());
    return sorted;
}

std::vector<std::string> CompiledRuleSet::tags() const {
    std::vector<std::string> all;
    for (const auto& rule : program_.rules)
        all.insert(all.end(), rule.tags.begin(), rule.tags.end());
    std::sort(all.begin(), all.end());
    all.erase(std::unique(all.begin(), all.end()), all.end());
    return all;
}

RuleSetStats CompiledRuleSet::stats() const {
    RuleSetStats stats;
    stats.rules = program_.rules.size();
    stats.always_rules = program_.always_rules.size();
    stats.terms = program_.terms.size();
    stats.regexes = program_.regexes.size();
    stats.term_keys = term_index_.keys();
    for (const auto& shard : regex_shards_) stats.set_patterns += shard.ids.size();
    stats.regex_sets = regex_shards_.size();
    stats.set_errors = set_errors_.load(std::memory_order_relaxed);
    return stats;
}

bool CompiledRuleSet::term_occurs(std::uint32_t term, const EvalContext& context) const {
    bool found = false;
    for_each_occurrence(program_.terms[term], context, [&](Span) {
        found = true;
        return false;
    });
    return found;
}

// A post's text path, done before its rules: normalised text and scores.
struct PreparedPost {
    NormalizedText text;
    std::vector<std::uint8_t> flags;
    PostScores scores;

    // After a huge post: its buffers are let go, not kept for the next post (a thread keeps
    // kStageBatch of these).
    void release_if_huge() {
        if (text.plain.capacity() > kMaxKeptSlotText ||
            scores.kept_begin.capacity() > kMaxKeptSlotText / 4) {
            *this = PreparedPost{};
        }
    }
};

void CompiledRuleSet::prepare(const Post& post, PreparedPost& prepared) const {
    normalize_into(post.text, prepared.text, prepared.flags);
    score_post(prepared.text, post.lang, prepared.scores);
}

Verdict CompiledRuleSet::evaluate(const Post& post) const {
    thread_local PreparedPost prepared;
    prepare(post, prepared);
    Verdict verdict;
    decide(post, prepared, verdict);
    prepared.release_if_huge();
    return verdict;
}

void CompiledRuleSet::evaluate_all(std::span<const Post* const> posts,
                                   std::vector<Verdict>& out) const {
    // Stage by stage over a few posts at a time: normalise each, score each, then match the
    // rules of each. Each stage's code and tables then stay in cache across the posts instead
    // of evicting each other once per post (an eighth of the instruction-cache misses remain,
    // docs/performance.md "Session 22").
    thread_local std::array<PreparedPost, kStageBatch> prepared;
    out.reserve(out.size() + posts.size());
    for (std::size_t first = 0; first < posts.size(); first += kStageBatch) {
        const std::size_t count = std::min(kStageBatch, posts.size() - first);
        // (Three stages timed faster than two, the text path as one.)
        for (std::size_t i = 0; i < count; ++i) {
            normalize_into(posts[first + i]->text, prepared[i].text, prepared[i].flags);
        }
        for (std::size_t i = 0; i < count; ++i) {
            score_post(prepared[i].text, posts[first + i]->lang, prepared[i].scores);
        }
        for (std::size_t i = 0; i < count; ++i) {
            decide(*posts[first + i], prepared[i], out.emplace_back());
            prepared[i].release_if_huge();
        }
    }
}

void CompiledRuleSet::decide(const Post& post, const PreparedPost& prepared,
                             Verdict& verdict) const {
    const NormalizedText& text = prepared.text;
    const PostScores& scores = prepared.scores;
    const SentimentScore& sentiment = scores.sentiment;
    const ComplaintScore& complaint = scores.complaint;
    verdict.lang = scores.lang;
    verdict.sentiment = sentiment.score;
    verdict.polarity = sentiment.polarity;
    verdict.complaint = complaint.complaint;
    verdict.complaint_score = complaint.score;

    auto& s = scratch();
    const auto stamp = s.next_stamp();
    grow(s.term_seen, program_.terms.size());
    grow(s.regex_seen, program_.regexes.size());
    grow(s.rule_seen, program_.rules.size());
    grow(s.node_stamp, program_.nodes.size());
    grow(s.eval_stamp, program_.nodes.size());
    if (s.eval_value.size() < program_.nodes.size()) s.eval_value.resize(program_.nodes.size());
    if (s.node_begin.size() < program_.nodes.size()) {
        s.node_begin.resize(program_.nodes.size());
        s.node_count.resize(program_.nodes.size());
    }
    if (s.span_pool.size() < span_levels_) s.span_pool.resize(span_levels_);
    s.span_store.clear();
    s.seen_terms.clear();
    s.seen_regexes.clear();

    EvalContext context{post, text, verdict, s, stamp, scores.kept_begin, scores.kept_end};
    const auto mark_term = [&](std::uint32_t id) {
        if (s.term_seen[id] == stamp) return;
        s.term_seen[id] = stamp;
        s.seen_terms.push_back(id);
    };
    const auto mark_regex = [&](std::uint32_t id) {
        if (s.regex_seen[id] == stamp) return;
        s.regex_seen[id] = stamp;
        s.seen_regexes.push_back(id);
    };

    if (reference_paths_) {
        for (std::uint32_t id = 0; id < program_.terms.size(); ++id) {
            if (term_occurs(id, context)) mark_term(id);
        }
    } else {
        // The tokens rules see: every token but punctuation, as offsets into `folded`, which
        // score_post collected. (Tokens are non-empty, inside `folded` and hold no space:
        // fuzz_normalize checks it.)
        const TermIndex::Tokens tokens{text.folded,
                                       scores.kept_begin.data(),
                                       scores.kept_end.data(),
                                       scores.kept_hash.data(),
                                       scores.kept_begin.size(),
                                       text.folded.data() + text.folded.capacity()};
        term_index_.find(tokens, mark_term);
    }
    for (const auto& shard : regex_shards_) {
        s.ids.clear();
        RE2::Set::ErrorInfo info{};
        bool any = false;
        if (simulate_set_failure_) {
            info.kind = RE2::Set::kOutOfMemory;
        } else {
            any = shard.set->Match(text.folded, &s.ids, &info);
        }
        if (any) {
            for (int id : s.ids) mark_regex(shard.ids[static_cast<std::size_t>(id)]);
        } else if (info.kind != RE2::Set::kNoError) {
            set_errors_.fetch_add(1, std::memory_order_relaxed);
            for (auto id : shard.ids) {
                if (RE2::PartialMatch(text.folded, *regexes_[id])) mark_regex(id);
            }
        }
    }

    // Matched rules: a bit each in matched_bits (all zero between posts), and a list.
    const std::size_t rule_count = program_.rules.size();
    const std::size_t words = (rule_count + 63) / 64;
    if (s.matched_bits.size() < words) s.matched_bits.resize(words, 0);
    if (s.matched_words.size() < (words + 63) / 64) s.matched_words.resize((words + 63) / 64, 0);
    if (s.matched.size() < rule_count) s.matched.resize(rule_count);
    if (s.candidates.size() < rule_count + 1) s.candidates.resize(rule_count + 1);
    std::uint64_t* const matched_bits = s.matched_bits.data();
    std::uint32_t* const matched_at = s.matched.data();
    std::size_t matched_count = 0;
    // A matched rule's card is asked for at once: the verdict reads it only after the other
    // candidates are evaluated and the matches put in order, time enough for it to arrive.
    const char* const cards = cards_.data();
    const std::uint32_t* const card_at = card_at_.data();
    const auto match = [&](std::uint32_t rule) {
        std::uint64_t& word = matched_bits[rule >> 6];
        const std::uint64_t bit = std::uint64_t{1} << (rule & 63);
        if ((word & bit) != 0) return;
        word |= bit;
        matched_at[matched_count++] = rule;
        __builtin_prefetch(cards + card_at[rule]);
    };

    // rule_seen[rule]: the stamp in the high half; bit g of the low byte once group g of the
    // rule was seen, bit g of the next byte once it was proven. A rule becomes a candidate
    // when its last group is seen. A rule one term proves alone matches at once, without it.
    // A rule is written into the list of candidates each time and counted only when it
    // became one: whether a wake completes a rule is random, and was mispredicted as a branch.
    const std::uint64_t seen = std::uint64_t{stamp} << 32;
    std::uint32_t* const candidate_at = s.candidates.data();  // room for every rule, and one
    std::size_t candidate_count = 0;
    const auto wake = [&](std::uint32_t rule, Wake::Bits bits) {
        auto& state = s.rule_seen[rule];
        if ((state & ~std::uint64_t{0xFFFFFFFF}) != seen) state = seen;
        const auto before = static_cast<std::uint8_t>(state);
        state |= bits.mark;
        candidate_at[candidate_count] = rule;
        candidate_count += static_cast<std::uint8_t>(state) == bits.full && before != bits.full;
    };
    const auto wake_all = [&](std::uint32_t slot) {
        for (auto k = term_matches_[slot]; k < term_matches_[slot + 1]; ++k) {
            match(matched_on_sight_[k]);
        }
        for (auto k = term_wakes_[slot]; k < term_wakes_[slot + 1]; ++k) {
            wake(woken_rules_[k].rule, woken_rules_[k].bits);
        }
    };
    // Large packs: the rules' state is out of cache, so ask for all of it before using any.
    for (auto id : s.seen_terms) {
        for (auto k = term_wakes_[id]; k < term_wakes_[id + 1]; ++k) {
            __builtin_prefetch(&s.rule_seen[woken_rules_[k].rule]);
        }
    }
    for (auto id : s.seen_terms) wake_all(id);
    const auto regex_slot = static_cast<std::uint32_t>(program_.terms.size());
    for (auto id : s.seen_regexes) wake_all(regex_slot + id);
    for (auto rule : program_.always_rules) wake(rule, Wake::Bits{1, 1});
    if (reference_paths_) {
        // Every rule is evaluated, none taken as proven: the reference for waking.
        for (std::uint32_t rule = 0; rule < rule_count; ++rule) {
            candidate_at[rule] = rule;
            s.rule_seen[rule] = seen | 1;  // seen, not proven
        }
        candidate_count = rule_count;
    }
    const std::span<const std::uint32_t> candidates(candidate_at, candidate_count);
    for (auto index : candidates) __builtin_prefetch(cards + card_at_[index]);
    for (auto index : candidates) {
        const auto state = s.rule_seen[index];
        const bool proven =
            static_cast<std::uint8_t>(state >> 8) == static_cast<std::uint8_t>(state);
        if (proven || eval(card_head(index).root, context)) match(index);
    }
    // In rule-file order, and matched_bits zero again.
    order_matched(matched_at, matched_count, matched_bits, words, s.matched_words.data());
    const std::span<const std::uint32_t> matched(matched_at, matched_count);
    verdict.matched = !matched.empty();
    if (verdict.matched) verdict.rules = RuleIds(rule_names_, matched);
    // `why` is written through a pointer into a per-thread buffer, room made once per rule
    // (for its longest explanation), then copied out once: a post can match hundreds of rules.
    // What the loop reads again and again is held in locals: its byte stores may alias any
    // memory, so the compiler would reload members and the verdict's fields after each one.
    std::string& buffer = s.why_buffer;
    char* out = buffer.data();
    std::size_t room = buffer.size();
    std::size_t length = 0;
    const auto make_room = [&](std::size_t bytes) {
        if (room < length + bytes) {
            buffer.resize(std::max(room * 2, length + bytes));
            out = buffer.data();
            room = buffer.size();
        }
    };
    const auto put = [&](std::string_view piece) {
        copy_bytes(out + length, piece.data(), piece.size());
        length += piece.size();
    };
    const std::uint32_t* const term_seen = s.term_seen.data();
    std::int32_t topic = -1;     // the first matched rule's with one
    std::int32_t priority = -1;  // the highest
    for (auto index : matched) {
        const char* const card = cards + card_at[index];
        CardHead rule;
        std::memcpy(&rule, card, sizeof rule);
        const bool flat = rule.flat_count != kNotFlat;
        const char* const parts = card + sizeof(CardHead);
        // The id, after its separator "; ".
        const char* const separated = parts + (flat ? rule.flat_count * sizeof(CardPart) : 0);
        const std::string_view id(separated + 2, rule.id_size);
        if (topic < 0) topic = rule.topic;
        priority = std::max<std::int32_t>(priority, rule.priority);
        if (rule.tags) {
            for (const auto& tag : program_.rules[index].tags) {
                if (std::find(verdict.tags.begin(), verdict.tags.end(), tag) ==
                    verdict.tags.end()) {
                    verdict.tags.push_back(tag);
                }
            }
        }
        if (!flat) {
            s.parts.clear();
            s.part_text.clear();
            explain(rule.root, context);
            make_room(2 + id.size() + s.part_text.size() + 2 * s.parts.size());
            if (length > 0) put("; ");
            put(id);
            for (std::size_t i = 0; i < s.parts.size(); ++i) {
                put(i == 0 ? ": " : ", ");
                put(std::string_view(s.part_text).substr(s.parts[i].first, s.parts[i].last));
            }
        } else if (rule.whole) {
            // Every name is in (see CardHead::whole): the card's text as it stands, the
            // separator "; " left out before the first rule.
            make_room(rule.why_most + kCardPiece);
            const std::size_t skip = length > 0 ? 0 : 2;
            copy_card_piece(out + length, separated + skip, rule.why_most - skip);
            length += rule.why_most - skip;
        } else {
            make_room(rule.why_most + kCardPiece);
            const auto put_card_piece = [&](std::string_view piece) {
                copy_card_piece(out + length, piece.data(), piece.size());
                length += piece.size();
            };
            put_card_piece(length > 0 ? std::string_view(separated, 2 + id.size()) : id);
            // Names in a flat list are distinct (drop_repeated_names): no check per post. Each
            // is written with its ", "; the first one's becomes ": ".
            const std::size_t names_at = length;
            for (std::uint32_t k = 0; k < rule.flat_count; ++k) {
                CardPart part;
                std::memcpy(&part, parts + k * sizeof(CardPart), sizeof part);
                // Copied whether seen or not, kept only if seen: which names a post saw is
                // random, and a branch on it was mispredicted about one time in three.
                copy_card_piece(out + length, card + part.text_begin, part.text_size);
                const std::size_t keep = 0 - std::size_t{term_seen[part.term] == stamp};
                length += part.text_size & keep;
            }
            if (length > names_at) out[names_at] = ':';
        }
    }
    if (topic >= 0) verdict.topic = topics_[static_cast<std::size_t>(topic)];
    if (priority >= 0) verdict.priority = static_cast<Priority>(priority);
    // The scores' part is put together as pieces and written with one resize: the numbers
    // formatted on the stack, the rest text the verdict already holds.
    const bool scored = is_scored_language(verdict.lang);
    char complaint_number[kFixed2Room];
    char sentiment_number[kFixed2Room];
    std::array<std::string_view, 8> tail;
    std::size_t pieces = 0;
    if (!scored) {
        tail[pieces++] = "; lang "sv;
        tail[pieces++] = verdict.lang;
        tail[pieces++] = " not scored (sentiment and complaint: en and nl)"sv;
    } else {
        const std::string_view score(complaint_number,
                                     format_fixed2(complaint_number, complaint.score));
        if (complaint.complaint) {
            tail[pieces++] = "; complaint "sv;
            tail[pieces++] = score;
            if (!complaint.explanation.empty()) {
                tail[pieces++] = " ("sv;
                tail[pieces++] = complaint.explanation;
                tail[pieces++] = ")"sv;
            }
        } else {
            tail[pieces++] = "; no complaint ("sv;
            tail[pieces++] = score;
            tail[pieces++] = ")"sv;
        }
        tail[pieces++] = "; sentiment "sv;
        tail[pieces++] =
            std::string_view(sentiment_number, format_fixed2(sentiment_number, sentiment.score));
        // settle_polarity: the label says negative where the number alone would not.
        if (sentiment.polarity != polarity_of(sentiment.score)) {
            tail[pieces++] = ", negative as a complaint"sv;
        }
    }
    const std::string_view head =
        length == 0 ? "no rule matched"sv : std::string_view(buffer.data(), length);
    std::size_t total = head.size();
    for (std::size_t i = 0; i < pieces; ++i) total += tail[i].size();
    std::string& why = verdict.why;
    why.resize(total);
    char* at = why.data();
    std::memcpy(at, head.data(), head.size());
    at += head.size();
    for (std::size_t i = 0; i < pieces; ++i) {
        copy_bytes(at, tail[i].data(), tail[i].size());
        at += tail[i].size();
    }
    if (buffer.size() > kMaxKeptText) buffer = std::string{};  // a huge post pins no memory
}

bool CompiledRuleSet::field_matches(const query::FieldSpec& field,
                                    const EvalContext& context) const {
    const auto& post = context.post;
    for (const auto& value : field.values) {
        bool hit = false;
        switch (field.kind) {
            case query::FieldKind::author: {
                std::string_view handle = post.author.handle;
                if (handle.starts_with('@')) handle.remove_prefix(1);
                hit = iequals_ascii(handle, value.text);
                break;
            }
            case query::FieldKind::lang:
                hit = context.verdict.lang == value.text;
                break;
            case query::FieldKind::source:
                hit = iequals_ascii(post.source, value.text);
                break;
            case query::FieldKind::followers:
                hit = post.author.followers &&
                      in_range(value, static_cast<double>(*post.author.followers));
                break;
            case query::FieldKind::verified:
                hit = post.author.verified.value_or(false) == value.flag;
                break;
            case query::FieldKind::is:
                hit = !post.in_reply_to.empty();
                break;
            case query::FieldKind::sentiment:
                hit = in_range(value, context.verdict.sentiment);
                break;
            case query::FieldKind::polarity:
                hit = to_string(context.verdict.polarity) == value.text;
                break;
            case query::FieldKind::complaint:
                hit = context.verdict.complaint == value.flag;
                break;
        }
        if (hit) return true;
    }
    return false;
}

bool CompiledRuleSet::eval(std::uint32_t index, EvalContext& context) const {
    const auto& node = program_.nodes[index];
    if (node.op == Op::term) return context.s.term_seen[node.first] == context.stamp;
    if (node.op == Op::regex) return context.s.regex_seen[node.first] == context.stamp;
    auto& s = context.s;
    if (s.eval_stamp[index] == context.stamp) return s.eval_value[index] != 0;
    const bool value = eval_uncached(index, context);
    s.eval_stamp[index] = context.stamp;
    s.eval_value[index] = value ? 1 : 0;
    return value;
}

bool CompiledRuleSet::eval_uncached(std::uint32_t index, EvalContext& context) const {
    const auto& node = program_.nodes[index];
    const auto* children = program_.children.data() + node.first;
    switch (node.op) {
        case Op::term:
            return context.s.term_seen[node.first] == context.stamp;
        case Op::regex:
            return context.s.regex_seen[node.first] == context.stamp;
        case Op::field:
            return field_matches(program_.fields[node.first], context);
        case Op::all_of:
            for (std::uint32_t i = 0; i < node.count; ++i) {
                if (!eval(children[i], context)) return false;
            }
            return true;
        case Op::any_of:
            for (std::uint32_t i = 0; i < node.count; ++i) {
                if (eval(children[i], context)) return true;
            }
            return false;
        case Op::negate:
            return !eval(children[0], context);
        case Op::near: {
            if (!eval(children[0], context) || !eval(children[1], context)) return false;
            std::uint32_t a0 = 0, a1 = 0, b0 = 0, b1 = 0;
            return near_pair(index, context, a0, a1, b0, b1);
        }
        case Op::exact_case:
            return eval(children[0], context) &&
                   exact_case_occurs(program_.exact_case_patterns[node.distance].words,
                                     context.text.plain);
    }
    return false;
}

// Appends the token spans where `index` matches to span_pool[depth]; deeper levels are scratch.
// Nodes are shared (lists, macros, terms), so each node's spans are computed once per post.
void CompiledRuleSet::spans(std::uint32_t index, EvalContext& context, std::size_t depth) const {
    auto& s = context.s;
    if (s.node_stamp[index] == context.stamp) {
        const auto begin = s.span_store.begin() + s.node_begin[index];
        s.pool(depth).insert(s.pool(depth).end(), begin, begin + s.node_count[index]);
        return;
    }
    const auto start = s.pool(depth).size();
    compute_spans(index, context, depth);
    const auto& out = s.pool(depth);
    s.node_stamp[index] = context.stamp;
    s.node_begin[index] = static_cast<std::uint32_t>(s.span_store.size());
    s.node_count[index] = static_cast<std::uint32_t>(out.size() - start);
    s.span_store.insert(s.span_store.end(), out.begin() + static_cast<std::ptrdiff_t>(start),
                        out.end());
}

void CompiledRuleSet::compute_spans(std::uint32_t index, EvalContext& context,
                                    std::size_t depth) const {
    const auto& node = program_.nodes[index];
    const auto* children = program_.children.data() + node.first;
    auto& out = context.s.pool(depth);
    switch (node.op) {
        case Op::term:
            if (context.s.term_seen[node.first] != context.stamp) return;
            for_each_occurrence(program_.terms[node.first], context, [&](Span span) {
                out.push_back(span);
                return out.size() < kMaxSpansPerSide;
            });
            return;
        case Op::regex: {
            if (context.s.regex_seen[node.first] != context.stamp) return;
            const auto& folded = context.text.folded;
            const auto& regex = *regexes_[node.first];
            const auto& begins = context.kept_begin;
            const auto& ends = context.kept_end;
            std::size_t pos = 0;
            re2::StringPiece match;
            for (std::size_t found = 0; found < kMaxRegexMatches && pos <= folded.size(); ++found) {
                if (!regex.Match(folded, pos, folded.size(), RE2::UNANCHORED, &match, 1)) break;
                const auto b = static_cast<std::uint32_t>(match.data() - folded.data());
                const auto e = static_cast<std::uint32_t>(b + match.size());
                pos = e > b ? e : b + 1;
                const auto first = static_cast<std::uint32_t>(
                    std::upper_bound(ends.begin(), ends.end(), b) - ends.begin());
                if (first >= ends.size()) break;
                auto last = static_cast<std::uint32_t>(
                    std::lower_bound(begins.begin(), begins.end(), e) - begins.begin());
                last = last > first ? last - 1 : first;
                out.push_back(Span{first, last});
                if (out.size() >= kMaxSpansPerSide) break;
            }
            return;
        }
        case Op::field:
        case Op::negate:
            return;
        case Op::exact_case: {
            // Where the folded term is written in the exact case: its spans, each checked on
            // the original text it came from.
            if (!eval(index, context)) return;
            const auto start = out.size();
            spans(children[0], context, depth);
            auto& s = context.s;
            if (s.origins_stamp != context.stamp) {
                s.origins = folded_origins(context.text.plain);
                s.origins_stamp = context.stamp;
            }
            // folded_origins folds as normalize does (fuzz_normalize checks it); should they
            // ever disagree, the spans stay unchecked rather than read out of bounds.
            if (s.origins.size() != context.text.folded.size() + 1) return;
            const std::string_view plain = context.text.plain;
            const auto& words = program_.exact_case_patterns[node.distance].words;
            auto kept = start;
            for (auto k = start; k < out.size(); ++k) {
                const auto begin = s.origins[context.kept_begin[out[k].first]];
                const auto end = s.origins[context.kept_end[out[k].last]];
                if (exact_case_occurs(words, plain.substr(begin, end - begin)))
                    out[kept++] = out[k];
            }
            out.resize(kept);
            return;
        }
        case Op::any_of:
            for (std::uint32_t i = 0; i < node.count; ++i) spans(children[i], context, depth);
            return;
        case Op::all_of: {
            const auto start = out.size();
            for (std::uint32_t i = 0; i < node.count; ++i) {
                auto& part = context.s.pool(depth + 1);
                part.clear();
                spans(children[i], context, depth + 1);
                auto& target = context.s.pool(depth);
                if (part.empty()) {
                    target.resize(start);
                    return;
                }
                target.insert(target.end(), part.begin(), part.end());
            }
            return;
        }
        case Op::near: {
            auto& a = context.s.pool(depth + 1);
            a.clear();
            spans(children[0], context, depth + 1);
            auto& b = context.s.pool(depth + 2);
            b.clear();
            spans(children[1], context, depth + 2);
            auto& target = context.s.pool(depth);
            const auto limit = static_cast<std::uint32_t>(node.distance);
            for (const auto& x : a) {
                for (const auto& y : b) {
                    const bool after = x.last < y.first && y.first - x.last <= limit;
                    const bool before =
                        !node.ordered && y.last < x.first && x.first - y.last <= limit;
                    if (after || before) {
                        target.push_back(
                            Span{std::min(x.first, y.first), std::max(x.last, y.last)});
                        if (target.size() >= kMaxSpansPerSide) return;
                    }
                }
            }
            return;
        }
    }
}

bool CompiledRuleSet::near_pair(std::uint32_t index, EvalContext& context, std::uint32_t& a0,
                                std::uint32_t& a1, std::uint32_t& b0, std::uint32_t& b1) const {
    const auto& node = program_.nodes[index];
    const auto* children = program_.children.data() + node.first;
    auto& a = context.s.pool(1);
    a.clear();
    spans(children[0], context, 1);
    auto& b = context.s.pool(2);
    b.clear();
    spans(children[1], context, 2);
    const auto limit = static_cast<std::uint32_t>(node.distance);
    for (const auto& x : context.s.pool(1)) {
        for (const auto& y : context.s.pool(2)) {
            const bool after = x.last < y.first && y.first - x.last <= limit;
            const bool before = !node.ordered && y.last < x.first && x.first - y.last <= limit;
            if (after || before) {
                a0 = x.first;
                a1 = x.last;
                b0 = y.first;
                b1 = y.last;
                return true;
            }
        }
    }
    return false;
}

void CompiledRuleSet::explain(std::uint32_t index, EvalContext& context) const {
    const auto& node = program_.nodes[index];
    const auto* children = program_.children.data() + node.first;
    auto& s = context.s;
    switch (node.op) {
        case Op::term:
            if (eval(index, context)) s.add_part(program_.terms[node.first].display);
            return;
        case Op::regex:
            if (eval(index, context)) s.add_part(program_.regexes[node.first].display);
            return;
        case Op::field:
            if (eval(index, context)) s.add_part(program_.fields[node.first].written);
            return;
        case Op::exact_case:
            if (eval(index, context)) {
                s.add_part(program_.exact_case_patterns[node.distance].display);
            }
            return;
        case Op::negate:
            return;
        case Op::any_of:
            for (std::uint32_t i = 0; i < node.count; ++i) {
                if (eval(children[i], context)) explain(children[i], context);
            }
            return;
        case Op::all_of:
            for (std::uint32_t i = 0; i < node.count; ++i) explain(children[i], context);
            return;
        case Op::near: {
            std::uint32_t a0 = 0, a1 = 0, b0 = 0, b1 = 0;
            if (!eval(children[0], context) || !eval(children[1], context) ||
                !near_pair(index, context, a0, a1, b0, b1)) {
                return;
            }
            auto& near = s.near_text;
            near.assign(1, '"');
            near.append(context.span_text(Span{a0, a1}));
            near.append("\" NEAR \"");
            near.append(context.span_text(Span{b0, b1}));
            near.push_back('"');
            s.add_part(near);
            return;
        }
    }
}

// A flat list names each term once, as explain() does: a later part with the name of an earlier
// one is dropped when it is the same term (seen together); a different term under the same name
// (which explain() would name only if the first were not seen) keeps the rule on the node walk.
bool CompiledRuleSet::drop_repeated_names(FlatList& flat) {
    auto& parts = flat.parts;
    const auto name = [&](const FlatPart& part) {
        return std::string_view(flat.text).substr(part.text_begin, part.text_size);
    };
    std::size_t kept = 0;
    for (std::size_t k = 0; k < parts.size(); ++k) {
        bool repeated = false;
        for (std::size_t j = 0; j < kept; ++j) {
            if (name(parts[j]) != name(parts[k])) continue;
            if (parts[j].term != parts[k].term) return false;
            repeated = true;
            break;
        }
        if (!repeated) parts[kept++] = parts[k];
    }
    parts.resize(kept);
    return true;
}

// A rule whose explanation is "the names of its seen terms, in query order": terms, NOTs
// (which name nothing), ANDs, and ORs of terms. explain() names the seen terms of every
// operand of a matched AND (all of them are true), and of every true operand of an OR; an AND
// inside an OR may be false while some of its terms were seen, so such rules are not flat.
bool CompiledRuleSet::flatten_explanation(std::uint32_t index, bool any_of_parent,
                                          FlatList& flat) const {
    const auto& node = program_.nodes[index];
    switch (node.op) {
        case Op::term: {
            const auto& display = program_.terms[node.first].display;
            flat.parts.push_back(FlatPart{node.first, static_cast<std::uint32_t>(flat.text.size()),
                                          static_cast<std::uint32_t>(display.size())});
            flat.text += display;
            return true;
        }
        case Op::negate:
            return true;
        case Op::all_of:
        case Op::any_of:
            if (node.op == Op::all_of && any_of_parent) return false;
            if (node.op == Op::any_of && node.count > 1) flat.every_part_seen = false;
            for (std::uint32_t i = 0; i < node.count; ++i) {
                if (!flatten_explanation(program_.children[node.first + i], node.op == Op::any_of,
                                         flat)) {
                    return false;
                }
            }
            return true;
        case Op::regex:
        case Op::field:
        case Op::near:
        case Op::exact_case:  // its term may be seen while the case differs
            return false;
    }
    return false;
}

std::vector<RuleMiss> CompiledRuleSet::misses(const Post& post, std::string_view rule_id) const {
    PreparedPost prepared;
    prepare(post, prepared);
    Verdict verdict;
    decide(post, prepared, verdict);
    // decide() left this post's seen terms and node results in the thread's scratch under its
    // stamp; the prepared text and tokens give the positions.
    const NormalizedText& text = prepared.text;
    const PostScores& scores = prepared.scores;
    auto& s = scratch();
    EvalContext context{post, text, verdict, s, s.stamp, scores.kept_begin, scores.kept_end};
    const NodeHolds holds = [&](std::uint32_t node) { return eval(node, context); };
    std::vector<RuleMiss> out;
    for (const auto& rule : program_.rules) {
        if (!rule_id.empty() && rule.id != rule_id) continue;
        if (std::find(verdict.rules.begin(), verdict.rules.end(), rule.id) != verdict.rules.end())
            continue;
        if (rule_id.empty() && !saw_some(program_, rule.root, holds)) continue;
        out.push_back(RuleMiss{rule.id, miss_reason(program_, rule.root, holds, post, verdict)});
    }
    return out;
}

std::vector<RuleTestOutcome> CompiledRuleSet::run_tests() const {
    std::vector<RuleTestOutcome> outcomes;
    const auto outcome_of = [](const compiled::CompiledRule& rule, const RuleTestDef& test) {
        RuleTestOutcome outcome;
        outcome.pos = test.pos;
        outcome.rule_id = rule.id;
        outcome.name = rule.id + ": " + utf8::clip(test.label, 60);
        return outcome;
    };
    for (const auto& rule : program_.rules) {
        for (const auto& test : rule.tests) {
            auto outcome = outcome_of(rule, test);
            const auto verdict = evaluate(test.post);
            const bool matched = std::find(verdict.rules.begin(), verdict.rules.end(), rule.id) !=
                                 verdict.rules.end();
            std::string problems;
            if (test.expect_match) {
                if (!matched) {
                    problems = "expected rule '" + rule.id + "' to match, but it did not";
                    for (const auto& miss : misses(test.post, rule.id)) {
                        problems += ": " + miss.reason;
                    }
                } else {
                    if (test.topic && verdict.topic != test.topic) {
                        problems = "expected topic '" + *test.topic + "', got " +
                                   (verdict.topic ? "'" + *verdict.topic + "'" : "none");
                    }
                    if (test.priority && verdict.priority != test.priority) {
                        if (!problems.empty()) problems += "; ";
                        problems += "expected priority " + std::string(to_string(*test.priority)) +
                                    ", got " +
                                    (verdict.priority ? std::string(to_string(*verdict.priority))
                                                      : std::string("none"));
                    }
                }
            } else if (matched) {
                problems = "expected rule '" + rule.id + "' not to match, but it did";
            }
            outcome.passed = problems.empty();
            if (!outcome.passed) outcome.detail = problems + " (" + verdict.why + ")";
            outcomes.push_back(std::move(outcome));
        }
    }
    for (const auto& rule : program_.disabled_rules) {
        for (const auto& test : rule.tests) {
            auto outcome = outcome_of(rule, test);
            outcome.passed = true;
            outcome.skipped = true;
            outcome.detail = "rule switched off";
            outcomes.push_back(std::move(outcome));
        }
    }
    return outcomes;
}

}  // namespace spreekbuis::rules
