// Reads posts (format v1, JSON Lines) and prints one record per post with the scores of the
// rule core: {"post_id","complaint","complaint_score","polarity","sentiment","lang"}.
// Options: --baseline (plain lexicon sum; complaint := negative), --ignore-lang (detect the
// language instead of using the declared one), --features (add complaint features).
#include <simdjson.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>

#include "rules/complaint.hpp"
#include "rules/normalize.hpp"
#include "rules/scoring.hpp"
#include "rules/sentiment_detail.hpp"

namespace {

std::string json_string(std::string_view text) {
    std::string out = "\"";
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (u < 0x20) {
            char buffer[8];
            std::snprintf(buffer, sizeof buffer, "\\u%04x", u);
            out += buffer;
        } else {
            out += c;
        }
    }
    return out + "\"";
}

}  // namespace

int main(int argc, char** argv) {
    using namespace spreekbuis::rules;
    bool baseline = false;
    bool ignore_lang = false;
    bool features = false;
    const char* path = nullptr;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--baseline") == 0) {
            baseline = true;
        } else if (std::strcmp(argv[i], "--ignore-lang") == 0) {
            ignore_lang = true;
        } else if (std::strcmp(argv[i], "--features") == 0) {
            features = true;
        } else {
            path = argv[i];
        }
    }
    if (path == nullptr) {
        std::fprintf(stderr,
                     "usage: eval_scores [--baseline] [--ignore-lang] [--features] posts.jsonl\n");
        return 2;
    }
    std::ifstream in(path);
    if (!in) {
        std::fprintf(stderr, "eval_scores: cannot open %s\n", path);
        return 1;
    }
    simdjson::ondemand::parser parser;
    std::string line;
    std::size_t line_number = 0;
    while (std::getline(in, line)) {
        ++line_number;
        if (line.empty()) continue;
        simdjson::padded_string padded(line);
        simdjson::ondemand::document doc;
        std::string_view id;
        std::string_view text;
        std::string_view declared;
        if (parser.iterate(padded).get(doc) != simdjson::SUCCESS ||
            doc["id"].get_string().get(id) != simdjson::SUCCESS ||
            doc["text"].get_string().get(text) != simdjson::SUCCESS) {
            std::fprintf(stderr, "%s:%zu: bad post, skipped\n", path, line_number);
            continue;
        }
        std::string id_copy(id);
        std::string text_copy(text);
        std::string lang_field;
        if (doc["lang"].get_string().get(declared) == simdjson::SUCCESS) lang_field = declared;
        const NormalizedText normalized = normalize(text_copy);
        const std::string lang = detect_language(normalized, ignore_lang ? "" : lang_field);
        SentimentScore sentiment;
        ComplaintScore complaint;
        if (baseline) {
            sentiment = score_sentiment_baseline(normalized, lang);
            complaint.complaint = sentiment.polarity == Polarity::negative;
            complaint.score = complaint.complaint ? 1.0 : 0.0;
        } else {
            sentiment = score_sentiment(normalized, lang);
            complaint = score_complaint(normalized, lang, sentiment);
            settle_polarity(sentiment, complaint);
        }
        std::string record = "{\"post_id\": " + json_string(id_copy) +
                             ", \"complaint\": " + (complaint.complaint ? "true" : "false");
        char buffer[96];
        std::snprintf(buffer, sizeof buffer, ", \"complaint_score\": %.4f, \"sentiment\": %.4f",
                      complaint.score, sentiment.score);
        record += buffer;
        record += ", \"polarity\": \"" + std::string(to_string(sentiment.polarity)) + "\"";
        record += ", \"lang\": " + json_string(lang);
        record +=
            ", \"why\": " + json_string(sentiment.explanation + " | " + complaint.explanation);
        if (features) {
            const auto f = complaint_features(normalized, lang, sentiment);
            record += ", \"features\": [";
            for (std::size_t i = 0; i < f.values.size(); ++i) {
                std::snprintf(buffer, sizeof buffer, "%s%.4f", i ? ", " : "", f.values[i]);
                record += buffer;
            }
            record += "]";
        }
        record += "}\n";
        std::fputs(record.c_str(), stdout);
    }
    return 0;
}
