// Rule-core benchmark: generates rule packs of 100, 1,000 and 10,000 rules from the vocabulary
// of real posts, and prints posts/s, MB/s, latency percentiles, compile time and RSS, beside
// simdjson's parse rate and a bare RE2::Set keyword scan over the same posts.
//
//   spreekbuis-bench [--rules 100,1000,10000] [--min-posts N] FILE.jsonl...
//   (default input: ../shared/datasets/*.posts.jsonl relative to the working directory)
#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "connectors/post_decoder.hpp"
#include "rules/normalize.hpp"
#include "rules/ruleset.hpp"

using namespace spreekbuis;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

long read_status_kb(const char* field) {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind(field, 0) == 0) return std::atol(line.c_str() + std::strlen(field));
    }
    return -1;
}

struct Input {
    std::vector<std::string> lines;
    std::vector<rules::Post> posts;
    std::size_t line_bytes = 0;
    std::size_t text_bytes = 0;
};

Input read_inputs(const std::vector<std::string>& files) {
    Input input;
    connectors::PostDecoder decoder;
    for (const auto& file : files) {
        std::ifstream in(file);
        std::string line;
        while (std::getline(in, line)) {
            auto decoded = decoder.decode(line);
            if (!decoded.post) continue;
            input.line_bytes += line.size();
            input.text_bytes += decoded.post->text.size();
            input.lines.push_back(line);
            input.posts.push_back(std::move(*decoded.post));
        }
    }
    return input;
}

// Words of 3+ letters by frequency, and frequent word pairs for phrases.
struct Vocabulary {
    std::vector<std::string> words;
    std::vector<std::string> pairs;
};

Vocabulary build_vocabulary(const std::vector<rules::Post>& posts) {
    std::unordered_map<std::string, int> word_counts;
    std::unordered_map<std::string, int> pair_counts;
    for (const auto& post : posts) {
        const auto text = rules::normalize(post.text);
        std::string previous;
        for (const auto& token : text.tokens) {
            if (token.kind != rules::TokenKind::word) {
                previous.clear();
                continue;
            }
            std::string word(text.token_text(token));
            const bool plain = word.size() >= 3 && std::all_of(word.begin(), word.end(), [](char c) {
                return c >= 'a' && c <= 'z';
            });
            if (!plain) {
                previous.clear();
                continue;
            }
            ++word_counts[word];
            if (!previous.empty()) ++pair_counts[previous + " " + word];
            previous = word;
        }
    }
    auto by_count = [](const auto& counts, int min_count) {
        std::vector<std::pair<int, std::string>> sorted;
        for (const auto& [text, count] : counts) {
            if (count >= min_count) sorted.emplace_back(-count, text);
        }
        std::sort(sorted.begin(), sorted.end());
        std::vector<std::string> out;
        for (auto& entry : sorted) out.push_back(std::move(entry.second));
        return out;
    };
    return {by_count(word_counts, 2), by_count(pair_counts, 3)};
}

// Rules of mixed shapes, like an operator would write: terms, phrases, AND, NEAR, wildcards,
// exclusions. Words are drawn over the whole frequency range (Zipf-like: common and rare).
std::string generate_rule_pack(const Vocabulary& vocabulary, std::size_t count, std::mt19937& rng,
                               std::vector<std::string>& plain_terms) {
    const std::vector<std::string> topics = {"baggage", "disruption", "booking",
                                             "customer-service", "inflight", "airport"};
    auto pick = [&](const std::vector<std::string>& from) -> const std::string& {
        // log-uniform rank: most picks are rarer words, some are very common
        std::uniform_real_distribution<double> exponent(0.0, std::log(static_cast<double>(from.size())));
        auto rank = static_cast<std::size_t>(std::exp(exponent(rng)));
        return from[std::min(rank, from.size() - 1)];
    };
    std::ostringstream out;
    out << "rules:\n";
    std::uniform_int_distribution<int> shape(0, 99);
    for (std::size_t i = 0; i < count; ++i) {
        const auto& a = pick(vocabulary.words);
        const auto& b = pick(vocabulary.words);
        std::string query;
        const int s = shape(rng);
        if (s < 30) {
            query = a + " OR " + b;
            plain_terms.push_back(a);
            plain_terms.push_back(b);
        } else if (s < 50) {
            query = "\"" + pick(vocabulary.pairs) + "\"";
            plain_terms.push_back(vocabulary.pairs.empty() ? a : query.substr(1, query.size() - 2));
        } else if (s < 70) {
            query = a + " AND " + b;
            plain_terms.push_back(a);
            plain_terms.push_back(b);
        } else if (s < 82) {
            query = a + " NEAR/4 " + b;
            plain_terms.push_back(a);
            plain_terms.push_back(b);
        } else if (s < 92) {
            query = a.substr(0, std::max<std::size_t>(3, a.size() - 2)) + "*";
            plain_terms.push_back(a);
        } else {
            query = "(" + a + " OR " + b + ") NOT " + pick(vocabulary.words);
            plain_terms.push_back(a);
            plain_terms.push_back(b);
        }
        out << "  - id: r" << i << "\n    query: '" << query << "'\n    topic: "
            << topics[i % topics.size()] << "\n";
    }
    return out.str();
}

struct Rate {
    double posts_per_second = 0;
    double mb_per_second = 0;
};

template <typename Fn>
Rate measure(const Input& input, std::size_t min_posts, std::size_t bytes_per_pass, Fn&& fn) {
    fn();  // warm: fills DFA caches
    std::size_t posts = 0;
    std::size_t bytes = 0;
    const auto start = Clock::now();
    while (posts < min_posts) {
        fn();
        posts += input.posts.size();
        bytes += bytes_per_pass;
    }
    const double elapsed = seconds_since(start);
    return {static_cast<double>(posts) / elapsed, static_cast<double>(bytes) / elapsed / 1e6};
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::size_t> rule_counts = {100, 1000, 10000};
    std::size_t min_posts = 1'000'000;
    std::vector<std::string> files;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "--rules" && i + 1 < argc) {
            rule_counts.clear();
            std::stringstream list(argv[++i]);
            std::string item;
            while (std::getline(list, item, ',')) rule_counts.push_back(std::stoul(item));
        } else if (arg == "--min-posts" && i + 1 < argc) {
            min_posts = std::stoul(argv[++i]);
        } else {
            files.push_back(arg);
        }
    }
    if (files.empty()) {
        const std::filesystem::path datasets("../shared/datasets");
        if (std::filesystem::exists(datasets)) {
            for (const auto& entry : std::filesystem::directory_iterator(datasets)) {
                const auto name = entry.path().filename().string();
                // Short posts only (tweets); the long Dutch book reviews would skew per-post rates.
                if (name.ends_with(".posts.jsonl") && name.find("book") == std::string::npos) {
                    files.push_back(entry.path().string());
                }
            }
            std::sort(files.begin(), files.end());
        }
    }
    if (files.empty()) {
        std::fprintf(stderr, "no input: pass post files (JSON Lines) or run beside ../shared\n");
        return 2;
    }

    const auto input = read_inputs(files);
    if (input.posts.empty()) {
        std::fprintf(stderr, "no valid posts in the input\n");
        return 1;
    }
    std::printf("input: %zu posts from %zu files, %.1f bytes of text per post on average\n",
                input.posts.size(), files.size(),
                static_cast<double>(input.text_bytes) / static_cast<double>(input.posts.size()));

    connectors::PostDecoder decoder;
    const auto parse = measure(input, min_posts, input.line_bytes, [&] {
        for (const auto& line : input.lines) {
            auto decoded = decoder.decode(line);
            if (!decoded.post) std::abort();
        }
    });
    std::printf("%-34s %12.0f posts/s %9.1f MB/s (JSON lines)\n", "simdjson decode of post v1",
                parse.posts_per_second, parse.mb_per_second);

    const auto normalize_rate = measure(input, min_posts, input.text_bytes, [&] {
        std::size_t tokens = 0;
        for (const auto& post : input.posts) tokens += rules::normalize(post.text).tokens.size();
        if (tokens == 0) std::abort();
    });
    std::printf("%-34s %12.0f posts/s %9.1f MB/s (text)\n", "normalise only",
                normalize_rate.posts_per_second, normalize_rate.mb_per_second);

    const auto vocabulary = build_vocabulary(input.posts);
    std::printf("vocabulary: %zu words, %zu frequent word pairs\n\n", vocabulary.words.size(),
                vocabulary.pairs.size());
    std::printf("%7s %10s %10s %12s %9s %9s %9s %12s %9s\n", "rules", "compile ms", "RSS MB",
                "posts/s", "MB/s", "p50 us", "p99 us", "RE2::Set/s", "matched");

    for (const auto count : rule_counts) {
        std::mt19937 rng(42);
        std::vector<std::string> plain_terms;
        const auto pack = generate_rule_pack(vocabulary, count, rng, plain_terms);
        const auto compile_start = Clock::now();
        auto loaded = rules::load_rule_text("bench-" + std::to_string(count) + ".yaml", pack);
        const double compile_ms = seconds_since(compile_start) * 1000;
        if (!loaded.rules) {
            std::fprintf(stderr, "generated pack failed to compile:\n%s",
                         loaded.diagnostics.format_all().c_str());
            return 1;
        }
        const auto& rule_set = *loaded.rules;
        std::size_t matched = 0;
        const auto rate = measure(input, min_posts, input.text_bytes, [&] {
            matched = 0;
            for (const auto& post : input.posts) matched += rule_set.evaluate(post).matched;
        });

        std::vector<double> latencies;
        latencies.reserve(input.posts.size());
        for (const auto& post : input.posts) {
            const auto start = Clock::now();
            const auto verdict = rule_set.evaluate(post);
            latencies.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
            if (verdict.rules.size() > count) std::abort();
        }
        std::sort(latencies.begin(), latencies.end());
        const auto percentile = [&](double p) {
            return latencies[static_cast<std::size_t>(p * static_cast<double>(latencies.size() - 1))];
        };

        // The bare baseline: the same keywords, whole-word and case-insensitive, one RE2::Set.
        std::sort(plain_terms.begin(), plain_terms.end());
        plain_terms.erase(std::unique(plain_terms.begin(), plain_terms.end()), plain_terms.end());
        RE2::Options options;
        options.set_case_sensitive(false);
        options.set_max_mem(512 << 20);
        RE2::Set set(options, RE2::UNANCHORED);
        for (const auto& term : plain_terms) set.Add("\\b" + RE2::QuoteMeta(term) + "\\b", nullptr);
        set.Compile();
        std::vector<int> ids;
        std::size_t oom = 0;
        const auto bare = measure(input, min_posts, input.text_bytes, [&] {
            for (const auto& post : input.posts) {
                RE2::Set::ErrorInfo info;
                ids.clear();
                if (!set.Match(post.text, &ids, &info) && info.kind == RE2::Set::kOutOfMemory) ++oom;
            }
        });
        std::printf("%7zu %10.1f %10.1f %12.0f %9.1f %9.2f %9.2f %12.0f %8.1f%%%s\n", count,
                    compile_ms, static_cast<double>(read_status_kb("VmRSS:")) / 1024.0,
                    rate.posts_per_second, rate.mb_per_second, percentile(0.5), percentile(0.99),
                    bare.posts_per_second,
                    100.0 * static_cast<double>(matched) / static_cast<double>(input.posts.size()),
                    oom ? " (bare set ran out of memory)" : "");
    }
    std::printf("\npeak RSS: %.1f MB\n", static_cast<double>(read_status_kb("VmHWM:")) / 1024.0);
    return 0;
}
