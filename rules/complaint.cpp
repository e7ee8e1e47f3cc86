// Complaint detection: sentiment plus complaint cues, combined by a logistic model.
#include "rules/complaint.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <iterator>
#include <vector>

#include "rules/format.hpp"

namespace spreekbuis::rules {

namespace {

using F = ComplaintFeature;

// A cue is a phrase of folded words; "#" matches a number ("3", "drie").
struct Cue {
    std::string_view phrase;
    F feature;
};

constexpr Cue kCues[] = {
    // English failure vocabulary.
    {"broken", F::problem},
    {"broke", F::problem},
    {"not working", F::problem},
    {"doesn't work", F::problem},
    {"doesnt work", F::problem},
    {"don't work", F::problem},
    {"didn't work", F::problem},
    {"won't work", F::problem},
    {"stopped working", F::problem},
    {"isn't working", F::problem},
    {"not work", F::problem},
    {"can't log", F::problem},
    {"cant log", F::problem},
    {"can't get", F::problem},
    {"cannot", F::problem},
    {"unable", F::problem},
    {"outage", F::problem},
    {"down", F::problem},
    {"error", F::problem},
    {"failed", F::problem},
    {"fails", F::problem},
    {"delayed", F::problem},
    {"delay", F::problem},
    {"delays", F::problem},
    {"late", F::problem},
    {"cancelled", F::problem},
    {"canceled", F::problem},
    {"lost", F::problem},
    {"missing", F::problem},
    {"refund", F::problem},
    {"charged twice", F::problem},
    {"overcharged", F::problem},
    {"charged", F::problem},
    {"waiting", F::problem},
    {"wait", F::problem},
    {"on hold", F::problem},
    {"no response", F::problem},
    {"no answer", F::problem},
    {"no one", F::problem},
    {"nobody", F::problem},
    {"issue", F::problem},
    {"issues", F::problem},
    {"problem", F::problem},
    {"problems", F::problem},
    {"damaged", F::problem},
    {"stuck", F::problem},
    {"stranded", F::problem},
    {"rude", F::problem},
    {"worst", F::problem},
    {"terrible", F::problem},
    {"horrible", F::problem},
    {"awful", F::problem},
    {"disappointed", F::problem},
    {"ridiculous", F::problem},
    {"unacceptable", F::problem},
    {"complaint", F::problem},
    {"fix", F::problem},
    {"hung up", F::problem},
    {"disconnected", F::problem},
    {"crashed", F::problem},
    {"crashing", F::problem},
    {"keeps", F::problem},
    {"overbooked", F::problem},
    {"misconnect", F::problem},
    {"wrong", F::problem},
    {"useless", F::problem},
    {"fail", F::problem},
    {"sucks", F::problem},
    {"never again", F::problem},
    {"was told", F::problem},
    {"were told", F::problem},
    {"told me", F::problem},
    {"supposed to", F::problem},
    {"instead of", F::problem},
    {"paid for", F::problem},
    {"poor", F::problem},
    {"refused", F::problem},
    {"denied", F::problem},
    {"not happy", F::problem},
    {"glitch", F::problem},
    {"faulty", F::problem},
    {"defective", F::problem},
    {"scam", F::problem},
    {"scammed", F::problem},
    {"incompetent", F::problem},
    {"incompetence", F::problem},
    {"ripped", F::problem},
    {"worse", F::problem},
    {"no internet", F::problem},
    {"no service", F::problem},
    {"no signal", F::problem},
    {"no wifi", F::problem},
    {"inaccurate", F::problem},
    {"disgusting", F::problem},
    {"pathetic", F::problem},
    {"shocking", F::problem},
    {"disgrace", F::problem},
    {"a joke", F::problem},
    {"fed up", F::problem},
    {"sick of", F::problem},
    {"tired of", F::problem},
    {"not impressed", F::problem},
    {"get your act together", F::problem},
    {"what gives", F::problem},
    {"lied", F::problem},
    {"misleading", F::problem},
    {"frustrating", F::problem},
    {"frustrated", F::problem},
    // Dutch failure vocabulary.
    {"kapot", F::problem},
    {"werkt niet", F::problem},
    {"doet het niet", F::problem},
    {"storing", F::problem},
    {"storingen", F::problem},
    {"vertraagd", F::problem},
    {"vertraging", F::problem},
    {"geannuleerd", F::problem},
    {"kwijt", F::problem},
    {"geld terug", F::problem},
    {"terugbetaling", F::problem},
    {"wachten", F::problem},
    {"wacht", F::problem},
    {"klantenservice", F::problem},
    {"slecht", F::problem},
    {"slechte", F::problem},
    {"belachelijk", F::problem},
    {"schandalig", F::problem},
    {"waardeloos", F::problem},
    {"probleem", F::problem},
    {"problemen", F::problem},
    {"fout", F::problem},
    {"foutmelding", F::problem},
    {"te laat", F::problem},
    {"dubbel betaald", F::problem},
    {"afgeschreven", F::problem},
    {"klacht", F::problem},
    {"geen reactie", F::problem},
    {"geen antwoord", F::problem},
    {"geen bereik", F::problem},
    {"geen internet", F::problem},
    {"uitgevallen", F::problem},
    {"beschadigd", F::problem},
    {"onbereikbaar", F::problem},
    {"lukt niet", F::problem},
    {"teleurgesteld", F::problem},
    {"niet tevreden", F::problem},
    {"werd verteld", F::problem},
    {"zou moeten", F::problem},
    {"in plaats van", F::problem},
    {"betaald voor", F::problem},
    {"defect", F::problem},
    {"geweigerd", F::problem},
    {"oplichting", F::problem},
    {"opgelicht", F::problem},
    {"oplichters", F::problem},
    {"incompetent", F::problem},
    {"slechter", F::problem},
    {"geen service", F::problem},
    {"geen wifi", F::problem},
    {"walgelijk", F::problem},
    {"schande", F::problem},
    {"aanfluiting", F::problem},
    {"het zat", F::problem},
    {"klaar mee", F::problem},
    {"gelogen", F::problem},
    {"misleidend", F::problem},
    {"frustrerend", F::problem},
    // Persistence in time.
    {"still", F::persistence},
    {"again", F::persistence},
    {"yet again", F::persistence},
    {"since", F::persistence},
    {"for days", F::persistence},
    {"for hours", F::persistence},
    {"for weeks", F::persistence},
    {"keeps", F::persistence},
    {"every time", F::persistence},
    {"nog steeds", F::persistence},
    {"nog altijd", F::persistence},
    {"weer", F::persistence},
    {"opnieuw", F::persistence},
    {"alweer", F::persistence},
    {"sinds", F::persistence},
    {"al dagen", F::persistence},
    {"al weken", F::persistence},
    {"al uren", F::persistence},
    {"elke keer", F::persistence},
    {"steeds", F::persistence},
    // Negated expectation.
    {"never received", F::expectation},
    {"never arrived", F::expectation},
    {"never got", F::expectation},
    {"not received", F::expectation},
    {"haven't received", F::expectation},
    {"havent received", F::expectation},
    {"didn't receive", F::expectation},
    {"didnt receive", F::expectation},
    {"hasn't arrived", F::expectation},
    {"hasnt arrived", F::expectation},
    {"not arrived", F::expectation},
    {"never showed", F::expectation},
    {"still no", F::expectation},
    {"still not", F::expectation},
    {"still waiting", F::expectation},
    {"no one", F::expectation},
    {"never", F::expectation},
    {"where is my", F::expectation},
    {"where's my", F::expectation},
    {"heard back", F::expectation},
    {"any update", F::expectation},
    {"any updates", F::expectation},
    {"not yet", F::expectation},
    {"nooit ontvangen", F::expectation},
    {"niet ontvangen", F::expectation},
    {"niet geleverd", F::expectation},
    {"niet bezorgd", F::expectation},
    {"nog niet", F::expectation},
    {"nog steeds niet", F::expectation},
    {"nog steeds geen", F::expectation},
    {"nooit", F::expectation},
    {"waar blijft", F::expectation},
    {"waar is mijn", F::expectation},
    // Durations.
    {"# hours", F::duration},
    {"# hour", F::duration},
    {"# hrs", F::duration},
    {"# hr", F::duration},
    {"# days", F::duration},
    {"# weeks", F::duration},
    {"# months", F::duration},
    {"# minutes", F::duration},
    {"# mins", F::duration},
    {"an hour", F::duration},
    {"hours", F::duration},
    {"# uur", F::duration},
    {"# dagen", F::duration},
    {"# weken", F::duration},
    {"# maanden", F::duration},
    {"# minuten", F::duration},
    {"uren", F::duration},
    // Requests.
    {"please help", F::request},
    {"pls help", F::request},
    {"help me", F::request},
    {"can you", F::request},
    {"could you", F::request},
    {"can someone", F::request},
    {"when will", F::request},
    {"why is", F::request},
    {"why are", F::request},
    {"why does", F::request},
    {"why do", F::request},
    {"why did", F::request},
    {"how do i", F::request},
    {"what is going on", F::request},
    {"what's going on", F::request},
    {"why", F::request},
    {"dm", F::request},
    {"kunnen jullie", F::request},
    {"kun je", F::request},
    {"help", F::request},
    {"waarom", F::request},
    {"wanneer", F::request},
    {"hoe kan", F::request},
    // Second person blame.
    {"you lost", F::blame},
    {"you guys", F::blame},
    {"your staff", F::blame},
    {"your service", F::blame},
    {"your customer service", F::blame},
    {"your website", F::blame},
    {"your app", F::blame},
    {"your agents", F::blame},
    {"you people", F::blame},
    {"you cancelled", F::blame},
    {"you charged", F::blame},
    {"your company", F::blame},
    {"jullie hebben", F::blame},
    {"jullie service", F::blame},
    {"jullie klantenservice", F::blame},
    {"jullie app", F::blame},
    {"jullie website", F::blame},
    // Praise and thanks.
    {"thanks", F::praise},
    {"thank you", F::praise},
    {"thx", F::praise},
    {"ty", F::praise},
    {"great", F::praise},
    {"love", F::praise},
    {"awesome", F::praise},
    {"amazing", F::praise},
    {"appreciate", F::praise},
    {"excellent", F::praise},
    {"best", F::praise},
    {"bedankt", F::praise},
    {"dank", F::praise},
    {"dankjewel", F::praise},
    {"dankuwel", F::praise},
    {"top", F::praise},
    {"geweldig", F::praise},
    {"super", F::praise},
    {"fijn", F::praise},
    {"prima", F::praise},
    {"goed geholpen", F::praise},
    // Negation: complaints say what did not happen or does not work; the most telling single
    // words of Preotiuc-Pietro et al. 2019 ("not", "no", "n't" forms) and their Dutch peers.
    {"not", F::negation},
    {"no", F::negation},
    {"nothing", F::negation},
    {"can't", F::negation},
    {"cant", F::negation},
    {"won't", F::negation},
    {"wont", F::negation},
    {"don't", F::negation},
    {"dont", F::negation},
    {"doesn't", F::negation},
    {"doesnt", F::negation},
    {"didn't", F::negation},
    {"didnt", F::negation},
    {"isn't", F::negation},
    {"isnt", F::negation},
    {"wasn't", F::negation},
    {"wasnt", F::negation},
    {"aren't", F::negation},
    {"weren't", F::negation},
    {"haven't", F::negation},
    {"havent", F::negation},
    {"hasn't", F::negation},
    {"hasnt", F::negation},
    {"hadn't", F::negation},
    {"couldn't", F::negation},
    {"couldnt", F::negation},
    {"wouldn't", F::negation},
    {"shouldn't", F::negation},
    {"niet", F::negation},
    {"geen", F::negation},
    {"niks", F::negation},
    {"niets", F::negation},
};

constexpr std::string_view kNumberWords[] = {
    "a",     "an",   "one",    "two",   "three", "four",    "five", "six",  "seven",
    "eight", "ten",  "twelve", "24",    "few",   "several", "een",  "twee", "drie",
    "vier",  "vijf", "zes",    "zeven", "acht",  "tien",    "paar"};

// Logistic regression weights fitted on the pooled English development sets (airline and
// complaints, see docs/accuracy.md), rounded; the Dutch cues share the English weights.
constexpr double kBias = -0.69;
constexpr std::array<double, kComplaintFeatureCount> kWeights = {
    2.06,   // negative_sentiment
    -1.15,  // positive_sentiment
    1.21,   // problem
    0.72,   // persistence
    1.28,   // expectation
    1.90,   // duration
    0.09,   // request
    1.00,   // blame
    0.58,   // brand_question
    -0.89,  // praise
    1.21,   // negation
};
constexpr double kThreshold = 0.5;
constexpr double kMaxCueHits = 2.0;

constexpr std::string_view kCueNegations[] = {"not",    "no",   "never", "isn't",
                                              "wasn't", "niet", "geen",  "nooit"};

// One word of a cue: a literal folded word (compared by WordInfo, cue_part_infos), or "#" (a
// number).
struct CueWord {
    enum class Kind : std::uint8_t { literal, number } kind = Kind::literal;
    std::string_view text;
};

// The words of each cue, and the cues that start with a number, built once. Cues that start
// with a word are found through WordTable: matching tries only positions where a cue word or a
// number stands.
struct CueIndex {
    std::vector<std::vector<CueWord>> words;  // per cue
    std::vector<std::size_t> number_first;    // cues starting with "#"

    CueIndex() {
        for (const auto& cue : kCues) {
            std::vector<CueWord> parts;
            std::size_t pos = 0;
            while (pos <= cue.phrase.size()) {
                std::size_t end = cue.phrase.find(' ', pos);
                if (end == std::string_view::npos) end = cue.phrase.size();
                CueWord word{CueWord::Kind::literal, cue.phrase.substr(pos, end - pos)};
                if (word.text == "#") word.kind = CueWord::Kind::number;
                parts.push_back(word);
                pos = end + 1;
            }
            if (parts.front().kind == CueWord::Kind::number) {
                // "# hours": matching tries these only before a word marked kNumberUnit.
                if (parts.size() < 2 || parts[1].kind != CueWord::Kind::literal) std::abort();
                number_first.push_back(words.size());
            }
            words.push_back(std::move(parts));
        }
    }
};

const CueIndex& cue_index() {
    static const CueIndex index;
    return index;
}

// The cues as match_cues_at walks them, in two flat arrays that stay near each other in cache:
// each cue's parts back to back, a literal as its WordInfo and a number ("#") as null.
// WordTable holds every cue word (complaint_cue_words), so a literal matches a word token
// exactly when the token's WordInfo is this one, and no text is compared.
struct CueShapes {
    struct Shape {
        std::uint32_t first = 0;  // into parts
        std::uint32_t size = 0;
    };
    std::vector<Shape> cues;
    std::vector<const WordInfo*> parts;
};

const CueShapes& cue_shapes() {
    static const CueShapes shapes = [] {
        const CueIndex& index = cue_index();
        const WordTable& table = WordTable::get();
        CueShapes out;
        for (const auto& words : index.words) {
            out.cues.push_back({static_cast<std::uint32_t>(out.parts.size()),
                                static_cast<std::uint32_t>(words.size())});
            for (const CueWord& part : words) {
                const WordInfo* info = nullptr;
                if (part.kind == CueWord::Kind::literal) {
                    info = table.find(part.text);
                    if (info == nullptr) std::abort();  // impossible: the table is built with them
                }
                out.parts.push_back(info);
            }
        }
        return out;
    }();
    return shapes;
}

}  // namespace

std::vector<std::string_view> complaint_cue_words() {
    std::vector<std::string_view> out;
    for (const auto& parts : cue_index().words) {
        for (const CueWord& part : parts) {
            if (part.kind == CueWord::Kind::literal) out.push_back(part.text);
        }
    }
    return out;
}

std::vector<CueStart> complaint_cue_starts() {
    std::vector<CueStart> out;
    const CueIndex& index = cue_index();
    for (std::size_t c = 0; c < index.words.size(); ++c) {
        const CueWord& first = index.words[c].front();
        if (first.kind != CueWord::Kind::literal) continue;
        out.push_back({first.text, static_cast<std::uint32_t>(c)});
    }
    return out;
}

std::vector<std::string_view> complaint_number_units() {
    std::vector<std::string_view> out;
    const CueIndex& index = cue_index();
    for (std::size_t c : index.number_first) out.push_back(index.words[c][1].text);
    return out;
}

std::vector<std::string_view> complaint_number_words() {
    return {std::begin(kNumberWords), std::end(kNumberWords)};
}

std::vector<std::string_view> complaint_cue_negations() {
    return {std::begin(kCueNegations), std::end(kCueNegations)};
}

std::string_view to_string(ComplaintFeature feature) {
    static constexpr std::array<std::string_view, kComplaintFeatureCount> kNames = {
        "negative_sentiment",
        "positive_sentiment",
        "problem",
        "persistence",
        "expectation",
        "duration",
        "request",
        "blame",
        "brand_question",
        "praise",
        "negation"};
    return kNames[static_cast<std::size_t>(feature)];
}

void match_cues(const NormalizedText& text, const TokenWords& words, bool name_cues, CueHits& out) {
    thread_local CueTokens cue_tokens;
    cue_tokens.reset(text.tokens.size());
    for (std::size_t t = 0; t < text.tokens.size(); ++t) {
        const Token& token = text.tokens[t];
        if (token.kind == TokenKind::mention) cue_tokens.has_mention = true;
        if (token.kind == TokenKind::punct || token.kind == TokenKind::url) continue;
        const bool number =
            token.kind == TokenKind::number ||
            (words.info[t] != nullptr && (words.info[t]->cue_marks & WordInfo::kNumberWord) != 0);
        // Every position is a start: the reference the one-pass scorer's choice is held to.
        cue_tokens.add(static_cast<std::uint32_t>(t), number, words.info[t], true);
    }
    match_cues_at(text, cue_tokens, name_cues, out);
}

void match_cues_at(const NormalizedText& text, const CueTokens& tokens, bool name_cues,
                   CueHits& out) {
    out.hits.fill(0.0);
    out.brand_question = false;
    out.named_count = 0;
    out.folded = text.folded;
    const CueIndex& index = cue_index();
    const CueShapes& shapes = cue_shapes();
    const auto& cue_ids = WordTable::get().cues();
    const auto token_at = [&](std::size_t position) -> const Token& {
        return text.tokens[tokens.token[position]];
    };
    std::size_t covered_until = 0;  // a longer cue hides the shorter ones inside it
    for (std::size_t at = 0; at < tokens.start_count; ++at) {
        const std::size_t i = tokens.starts[at];
        std::size_t best = static_cast<std::size_t>(-1);
        std::size_t best_length = 0;
        const auto consider = [&](std::size_t c) {
            const CueShapes::Shape shape = shapes.cues[c];
            if (shape.size <= best_length || i + shape.size > tokens.size) return;
            bool ok = true;
            const WordInfo* const* parts = shapes.parts.data() + shape.first;
            for (std::size_t k = 0; k < shape.size && ok; ++k) {
                ok = parts[k] != nullptr ? tokens.info[i + k] == parts[k]
                                         : tokens.number[i + k] != 0;
            }
            if (ok) {
                best = c;
                best_length = shape.size;
            }
        };
        if (const WordInfo* info = tokens.info[i]) {
            for (std::uint32_t k = 0; k < info->cue_count; ++k)
                consider(cue_ids[info->cue_first + k]);
        }
        if (tokens.number[i] != 0 && i + 1 < tokens.size && tokens.info[i + 1] != nullptr &&
            (tokens.info[i + 1]->cue_marks & WordInfo::kNumberUnit) != 0) {
            for (std::size_t c : index.number_first) consider(c);
        }
        if (best_length == 0 || i + best_length <= covered_until) continue;
        if (kCues[best].feature == F::praise) {
            bool negated = false;
            for (std::size_t d = 1; d <= 2 && d <= i; ++d) {
                const WordInfo* before = tokens.info[i - d];
                negated = negated ||
                          (before != nullptr && (before->cue_marks & WordInfo::kCueNegation) != 0);
            }
            if (negated) continue;
        }
        covered_until = i + best_length;
        const auto feature = static_cast<std::size_t>(kCues[best].feature);
        out.hits[feature] += 1.0;
        if (name_cues && out.named_count < CueHits::kNamed) {
            out.named[out.named_count++] = {kCues[best].feature, token_at(i).begin,
                                            token_at(i + best_length - 1).end};
        }
    }
    out.brand_question = tokens.has_mention && text.questions > 0 &&
                         out.hits[static_cast<std::size_t>(F::request)] > 0;
}

void CueHits::append_names(std::string& out) const {
    for (std::size_t i = 0; i < named_count; ++i) {
        if (i > 0) out += ", ";
        out += to_string(named[i].feature);
        out += " '";
        out += folded.substr(named[i].begin, named[i].end - named[i].begin);
        out += "'";
    }
}

double cue_value(const CueHits& cues, ComplaintFeature feature) {
    return std::min(cues.hits[static_cast<std::size_t>(feature)], kMaxCueHits);
}

namespace {

std::array<double, kComplaintFeatureCount> feature_values(const CueHits& cues,
                                                          const SentimentScore& sentiment) {
    std::array<double, kComplaintFeatureCount> v{};
    v[static_cast<std::size_t>(F::negative_sentiment)] = std::max(0.0, -sentiment.score);
    v[static_cast<std::size_t>(F::positive_sentiment)] = std::max(0.0, sentiment.score);
    for (std::size_t f = static_cast<std::size_t>(F::problem); f < kComplaintFeatureCount; ++f) {
        v[f] = std::min(cues.hits[f], kMaxCueHits);
    }
    if (cues.brand_question) v[static_cast<std::size_t>(F::brand_question)] = 1.0;
    return v;
}

}  // namespace

ComplaintFeatures complaint_features(const CueHits& cues, const SentimentScore& sentiment) {
    ComplaintFeatures out;
    out.values = feature_values(cues, sentiment);
    cues.append_names(out.cues);
    return out;
}

namespace {

// The cues of a text on its own (the public, fully explained entry points; evaluate shares the
// token lookups with sentiment instead).
CueHits named_cues(const NormalizedText& text) {
    TokenWords words;
    words.fill(text);
    CueHits cues;
    match_cues(text, words, true, cues);
    return cues;
}

}  // namespace

ComplaintFeatures complaint_features(const NormalizedText& text, std::string_view,
                                     const SentimentScore& sentiment) {
    return complaint_features(named_cues(text), sentiment);
}

ComplaintScore score_complaint(const CueHits& cues, const SentimentScore& sentiment,
                               bool explain_always) {
    ComplaintScore score;
    score_complaint(cues, sentiment, explain_always, score);
    return score;
}

void score_complaint(const CueHits& cues, const SentimentScore& sentiment, bool explain_always,
                     ComplaintScore& out) {
    const auto values = feature_values(cues, sentiment);
    double z = kBias;
    for (std::size_t f = 0; f < kComplaintFeatureCount; ++f) z += kWeights[f] * values[f];
    out.score = 1.0 / (1.0 + std::exp(-z));
    out.complaint = out.score >= kThreshold;
    auto& explanation = out.explanation;
    explanation.clear();
    if (!explain_always && !out.complaint) return;
    explanation += "p=";
    append_fixed2(explanation, out.score);
    explanation += ", sentiment ";
    append_fixed2(explanation, sentiment.score, true);
    if (cues.named_count > 0) {
        explanation += "; ";
        cues.append_names(explanation);
    }
}

ComplaintScore score_complaint(const NormalizedText& text, std::string_view lang,
                               const SentimentScore& sentiment) {
    if (!is_scored_language(lang)) {
        ComplaintScore unscored;
        unscored.explanation = unscored_explanation(lang);
        return unscored;
    }
    return score_complaint(named_cues(text), sentiment, true);
}

}  // namespace spreekbuis::rules
