#pragma once
// Complaint cues in English and Dutch and the features they give. Internal to the rule core
// (score_complaint in scoring.hpp is the public entry); exposed for evaluation and tests.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rules/normalize.hpp"
#include "rules/scoring.hpp"
#include "rules/word_table.hpp"

namespace spreekbuis::rules {

enum class ComplaintFeature : std::size_t {
    negative_sentiment,  // -compound when negative
    positive_sentiment,  // compound when positive
    problem,             // failure vocabulary: broken, not working, storing, kapot
    persistence,         // still, again, nog steeds, weer, since monday
    expectation,         // negated expectation: never received, niet geleverd
    duration,            // numbers of hours/days: 3 hours, al 2 dagen
    request,             // please help, can you, kunnen jullie
    blame,               // second person blame: you lost, jullie hebben
    brand_question,      // addressed to an account and asking why/when/how
    praise,              // thanks for, great service, bedankt
    negation,            // not, no, can't, didn't, niet, geen: complaints deny what was expected
    count,
};

inline constexpr std::size_t kComplaintFeatureCount =
    static_cast<std::size_t>(ComplaintFeature::count);

struct ComplaintFeatures {
    std::array<double, kComplaintFeatureCount> values{};
    std::string cues;  // the cue phrases that fired, for the explanation
};

ComplaintFeatures complaint_features(const NormalizedText& text, std::string_view lang,
                                     const SentimentScore& sentiment);

// The cues of one post before the sentiment is known: what sentiment and complaint scoring
// share, computed once per post.
struct CueHits {
    static constexpr std::size_t kNamed = 6;
    struct Named {
        ComplaintFeature feature = ComplaintFeature::problem;
        std::uint32_t begin = 0;  // the cue's words in the post's folded text
        std::uint32_t end = 0;
    };
    std::array<double, kComplaintFeatureCount> hits{};  // cue count per feature, uncapped
    bool brand_question = false;
    // The first cues that fired, when asked for; named only when an explanation needs them.
    std::array<Named, kNamed> named{};
    std::size_t named_count = 0;
    std::string_view folded;  // the text the cues were found in

    // "problem 'not working', persistence 'still'" (appended to `out`).
    void append_names(std::string& out) const;
};
void match_cues(const NormalizedText& text, const TokenWords& words, bool name_cues, CueHits& out);

// The tokens cues are matched on (every token but punctuation and URLs), by cue position, and
// the positions where matching starts. Filled by match_cues or the one-pass scorer; the
// buffers are reused across posts.
struct CueTokens {
    std::vector<std::uint32_t> token;   // index into text.tokens
    std::vector<std::uint8_t> number;   // 1 where the token counts as a number ("3", "two")
    std::vector<const WordInfo*> info;  // a word's WordTable entry; null for other tokens
    // starts[0 .. start_count): ascending positions that include every one holding a word
    // that starts a cue (WordInfo::cue_count) or a number. More positions change nothing.
    std::vector<std::uint32_t> starts;
    std::size_t start_count = 0;
    std::size_t size = 0;      // positions in use (the buffers may be longer)
    bool has_mention = false;  // the post has a mention (URLs and punctuation included)

    // Empties it for a post of `tokens` tokens (at most that many positions).
    void reset(std::size_t tokens) {
        token.resize(tokens);
        number.resize(tokens);
        info.resize(tokens);
        starts.resize(tokens);
        start_count = 0;
        size = 0;
        has_mention = false;
    }
    // Written without a branch on `start`: whether a word starts a cue is data, and
    // mispredicted often.
    void add(std::uint32_t token_index, bool is_number, const WordInfo* word, bool start) {
        token[size] = token_index;
        number[size] = is_number ? 1 : 0;
        info[size] = word;
        starts[start_count] = static_cast<std::uint32_t>(size);
        start_count += start ? 1 : 0;
        ++size;
    }
};
// The cues starting at `tokens.starts`.
void match_cues_at(const NormalizedText& text, const CueTokens& tokens, bool name_cues,
                   CueHits& out);
// A feature's value from the cues alone (problem .. praise), capped as the model expects.
double cue_value(const CueHits& cues, ComplaintFeature feature);
ComplaintFeatures complaint_features(const CueHits& cues, const SentimentScore& sentiment);
// `explain_always` false leaves the explanation empty when the post is not a complaint.
ComplaintScore score_complaint(const CueHits& cues, const SentimentScore& sentiment,
                               bool explain_always);
// The same into `out`, reusing its explanation's buffer (evaluate scores every post).
void score_complaint(const CueHits& cues, const SentimentScore& sentiment, bool explain_always,
                     ComplaintScore& out);

std::string_view to_string(ComplaintFeature feature);

}  // namespace spreekbuis::rules
