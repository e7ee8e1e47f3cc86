// The one-pass scorer behind RuleSet::evaluate. One walk over the tokens looks every word up
// once and notes what the scorers need: language evidence, the items that may carry valence,
// the positions where a complaint cue may start, the first contrast word. Sentiment and cues
// then work only at those places. It must give exactly what score_post_reference gives (the
// separate scorers, each walking all tokens); tests and fuzz_normalize compare the two.
#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "rules/complaint.hpp"
#include "rules/lexicon.hpp"
#include "rules/sentiment_detail.hpp"
#include "rules/word_table.hpp"

namespace spreekbuis::rules {

namespace {

constexpr std::uint32_t kNone = 0xFFFFFFFF;
// One huge post must not pin its buffers: above this many tokens they are let go afterwards.
constexpr std::size_t kMaxKeptTokens = std::size_t{1} << 16;

struct Valence {
    std::uint32_t item;
    double value;  // after the rules
};

// Per-thread buffers, sized once per post and written through indices.
struct Scratch {
    std::vector<SentimentItem> items;
    std::vector<std::uint32_t> maybe_valence;  // items a lexicon may score, in order
    std::vector<std::string_view> mentions;    // the post's mention tokens ("@united")
    std::vector<Valence> valences;
    CueTokens cues;
};

Scratch& scratch() {
    thread_local Scratch instance;
    return instance;
}

}  // namespace

void score_post(const NormalizedText& text, std::string_view declared, PostScores& out) {
    const WordTable& table = WordTable::get();
    auto& s = scratch();
    const std::size_t token_count = text.tokens.size();
    if (s.items.capacity() > kMaxKeptTokens && token_count <= kMaxKeptTokens) {
        s = Scratch{};
        out.kept_begin = {};
        out.kept_end = {};
        out.kept_hash = {};
    }
    s.items.resize(token_count);
    s.cues.reset(token_count);
    out.kept_begin.resize(token_count);
    out.kept_end.resize(token_count);
    out.kept_hash.resize(token_count);
    s.maybe_valence.clear();
    s.mentions.clear();

    const bool detect = declared.empty();
    LanguageEvidence evidence;
    std::array<std::uint32_t, 2> first_contrast = {kNone, kNone};  // by LexiconLanguage
    std::size_t words = 0;
    std::size_t caps_words = 0;
    std::uint32_t n = 0;  // items
    // Tokens lie in `folded`, whose buffer is readable to its capacity (see hash_word_in).
    const char* const readable = text.folded.data() + text.folded.capacity();
    for (std::size_t t = 0; t < token_count; ++t) {
        const Token& token = text.tokens[t];
        if (token.kind == TokenKind::punct) continue;
        out.kept_begin[n] = token.begin;
        out.kept_end[n] = token.end;
        SentimentItem& item = s.items[n];
        // In place, without substr's bounds check: tokens lie inside `folded`.
        item.text = std::string_view(text.folded.data() + token.begin, token.end - token.begin);
        const std::uint32_t hash = word_hash::hash_word_in(item.text, readable);
        out.kept_hash[n] = hash;
        item.kind = token.kind;
        item.all_caps = token.all_caps;
        item.elongated = token.elongated;
        item.base = 0.0;
        const WordInfo* info = nullptr;
        bool number = false;
        bool maybe_valence = false;
        switch (token.kind) {
            case TokenKind::word:
                info = table.find(item.text, hash);
                ++words;
                caps_words += token.all_caps ? 1 : 0;
                if (detect) evidence.add_word(item.text, info);
                if (info != nullptr) {
                    number = (info->cue_marks & WordInfo::kNumberWord) != 0;
                    maybe_valence = info->has_valence != 0;
                    for (std::size_t l = 0; l < first_contrast.size(); ++l) {
                        if ((info->contrast & (1u << l)) != 0 && first_contrast[l] == kNone)
                            first_contrast[l] = n;
                    }
                }
                maybe_valence = maybe_valence || token.elongated;
                break;
            case TokenKind::hashtag:
                info = table.find(item.text.substr(1));
                maybe_valence = info != nullptr && info->has_valence != 0;
                break;
            case TokenKind::number:
                number = true;
                break;
            case TokenKind::mention:
                s.cues.has_mention = true;
                s.mentions.push_back(item.text);
                break;
            case TokenKind::emoji:
            case TokenKind::emoticon:
                maybe_valence = true;
                break;
            default:
                break;
        }
        item.info = info;
        if (maybe_valence) s.maybe_valence.push_back(n);
        if (token.kind != TokenKind::url) {
            const WordInfo* word_info = token.kind == TokenKind::word ? info : nullptr;
            s.cues.add(static_cast<std::uint32_t>(t), number, word_info,
                       number || (word_info != nullptr && word_info->cue_count != 0));
        }
        ++n;
    }
    out.kept_begin.resize(n);
    out.kept_end.resize(n);
    out.kept_hash.resize(n);

    out.lang = detect ? evidence.decide() : declared_language(declared);
    if (!is_scored_language(out.lang)) {
        out.sentiment = SentimentScore{};
        out.complaint = ComplaintScore{};
        return;
    }

    thread_local CueHits hits;
    match_cues_at(text, s.cues, true, hits);

    // Sentiment, analyse_sentiment's rules at the items a lexicon scores.
    const LexiconLanguage language = lexicon_language(out.lang);
    const auto lang = static_cast<std::size_t>(language);
    const auto bit = static_cast<std::uint8_t>(1u << lang);
    const LanguageLexicon& lexicon = Lexicons::get().language(language);
    for (auto index : s.maybe_valence) {
        SentimentItem& item = s.items[index];
        item.base = item_valence(item, lexicon, lang, true);
        if (item.base != 0.0 && item.kind == TokenKind::word &&
            names_a_mention(item.text, s.mentions)) {
            item.base = 0.0;
        }
    }
    const SentimentRules rules{lexicon, lang, bit, caps_words > 0 && caps_words < words};
    s.valences.clear();
    for (auto i : s.maybe_valence) {
        const SentimentItem& item = s.items[i];
        if (item.base == 0.0) continue;
        const bool is_word = item.kind == TokenKind::word;
        const bool next_scored = i + 1 < n && s.items[i + 1].base != 0.0;
        const bool booster = item.info != nullptr && (item.info->is_booster & bit) != 0;
        if (is_word && next_scored && (booster || item.text == "no")) {
            continue;  // "super friendly", "no problems": it scales or negates its neighbour
        }
        bool caps = false;
        bool negated = false;
        s.valences.push_back({i, rule_valence(s.items.data(), i, rules, caps, negated)});
    }
    // The first contrast word reweighs the clauses, unless it ends the post ("good though").
    const std::uint32_t contrast = first_contrast[lang];
    if (contrast != kNone && contrast + 1 != n) {
        for (auto& v : s.valences) {
            if (v.item < contrast) v.value *= kBeforeContrast;
            if (v.item > contrast) v.value *= kAfterContrast;
        }
    }
    // Summed in item order, as analyse_sentiment does (the items left out add zero).
    double sum = 0.0;
    for (const auto& v : s.valences) sum += v.value;
    SentimentDetail detail;
    finish_sum(text, true, sum, detail);
    out.sentiment = sentiment_score(detail, hits, false);
    score_complaint(hits, out.sentiment, false, out.complaint);
    settle_polarity(out.sentiment, out.complaint);
}

}  // namespace spreekbuis::rules
