// Rule-core benchmark: generates rule packs of 100, 1,000 and 10,000 rules from the vocabulary
// of real posts, and prints posts/s, MB/s, latency percentiles, compile time and RSS, beside
// simdjson's parse rate and a bare RE2::Set keyword scan over the same posts. posts/s is the
// daemon's way, batches through RuleSet::evaluate_all; 1-by-1/s is evaluate() per post.
//
//   spreekbuis-bench [--rules 100,1000,10000] [--min-posts N] [--skip-common N]
//                    [--dump PREFIX] [--batched-only] FILE.jsonl...
//   (default input: ../shared/datasets/*.posts.jsonl relative to the working directory)
//
// Rule words are drawn log-uniformly over the vocabulary ranks after skipping the N most
// frequent words (default 300: function words such as "the", "you", "and", which an operator
// never writes as a rule term). --skip-common 1 gives the old, unrealistic packs where a
// matched post matches dozens to hundreds of rules. --dump PREFIX writes every verdict to
// PREFIX.<rules>.tsv, to check that a change to the core leaves its output byte-identical.
#include <dlfcn.h>
#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
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
#include "rules/scoring.hpp"
#include "rules/sentiment_detail.hpp"

using namespace spreekbuis;
using Clock = std::chrono::steady_clock;

namespace {

// Posts per evaluate_all call in the timed loop: replay's batch size (daemon/replay.cpp).
constexpr std::size_t kBatchPosts = 256;

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
            const bool plain =
                word.size() >= 3 &&
                std::all_of(word.begin(), word.end(), [](char c) { return c >= 'a' && c <= 'z'; });
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
                               std::size_t skip_common, std::vector<std::string>& plain_terms) {
    const std::vector<std::string> topics = {"baggage",          "disruption", "booking",
                                             "customer-service", "inflight",   "airport"};
    auto pick = [&](const std::vector<std::string>& from) -> const std::string& {
        // log-uniform rank past the function words: most picks are rarer words, some common
        const std::size_t skip = std::min(skip_common, from.size() / 2);
        const double available = static_cast<double>(from.size() - skip);
        std::uniform_real_distribution<double> exponent(0.0, std::log(available));
        auto rank = skip + static_cast<std::size_t>(std::exp(exponent(rng))) - 1;
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
        out << "  - id: r" << i << "\n    query: '" << query
            << "'\n    topic: " << topics[i % topics.size()] << "\n";
    }
    return out.str();
}

struct Rate {
    double posts_per_second = 0;
    double mb_per_second = 0;
};

// CPU time of this thread: the machine may be shared, and time spent descheduled is not ours.
double thread_seconds() {
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

template <typename Fn>
Rate measure(const Input& input, std::size_t min_posts, std::size_t bytes_per_pass, Fn&& fn) {
    fn();  // warm: fills DFA caches
    std::size_t posts = 0;
    std::size_t bytes = 0;
    const double start = thread_seconds();
    while (posts < min_posts) {
        fn();
        posts += input.posts.size();
        bytes += bytes_per_pass;
    }
    const double elapsed = thread_seconds() - start;
    return {static_cast<double>(posts) / elapsed, static_cast<double>(bytes) / elapsed / 1e6};
}

// The latency loop's call, kept out of line: a profiler can count the warm calls alone
// (valgrind --tool=callgrind --toggle-collect='*evaluate_warm*'), without the one-time
// building of the lexicon tables that the first call pays.
[[gnu::noinline]] rules::Verdict evaluate_warm(const rules::RuleSet& rule_set,
                                               const rules::Post& post) {
    return rule_set.evaluate(post);
}

void dump_verdicts(const std::string& prefix, std::size_t count, const Input& input,
                   const rules::RuleSet& rule_set) {
    const auto path = prefix + "." + std::to_string(count) + ".tsv";
    std::FILE* out = std::fopen(path.c_str(), "w");
    if (!out) return;
    // Through evaluate_all, as the timed loop and the daemon decide.
    std::vector<const rules::Post*> pointers;
    for (const auto& post : input.posts) pointers.push_back(&post);
    std::vector<rules::Verdict> verdicts;
    rule_set.evaluate_all(pointers, verdicts);
    for (std::size_t at = 0; at < input.posts.size(); ++at) {
        const auto& post = input.posts[at];
        const auto& v = verdicts[at];
        std::string rules;
        for (const auto id : v.rules) rules.append(id).append(",");
        std::string tags;
        for (const auto& tag : v.tags) tags += tag + ",";
        std::fprintf(out, "%s\t%d\t%d\t%.17g\t%s\t%s\t%s\t%s\t%.17g\t%s\t%s\t%s\n", post.id.c_str(),
                     v.matched, v.complaint, v.complaint_score, rules.c_str(),
                     v.topic ? v.topic->c_str() : "-",
                     v.priority ? std::string(rules::to_string(*v.priority)).c_str() : "-",
                     tags.c_str(), v.sentiment, std::string(rules::to_string(v.polarity)).c_str(),
                     v.lang.c_str(), v.why.c_str());
    }
    std::fclose(out);
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::size_t> rule_counts = {100, 1000, 10000};
    std::size_t min_posts = 1'000'000;
    std::size_t skip_common = 300;
    std::string dump_prefix;
    bool stages = true;
    bool single = true;
    std::vector<std::string> files;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "--rules" && i + 1 < argc) {
            rule_counts.clear();
            std::stringstream list(argv[++i]);
            std::string item;
            while (std::getline(list, item, ',')) rule_counts.push_back(std::stoul(item));
        } else if (arg == "--skip-common" && i + 1 < argc) {
            skip_common = std::stoul(argv[++i]);
        } else if (arg == "--batched-only") {
            single = false;  // no 1-by-1 loop: for counting the daemon's path alone
        } else if (arg == "--no-stages") {
            stages = false;  // only the rule packs: for profiling the whole evaluate()
        } else if (arg == "--dump" && i + 1 < argc) {
            dump_prefix = argv[++i];
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
    // Which malloc serves the process (CMake's SPREEKBUIS_JEMALLOC): numbers of one build
    // compare only with numbers of the same allocator.
    std::printf("allocator: %s\n",
                dlsym(RTLD_DEFAULT, "mallctl") != nullptr ? "jemalloc" : "glibc malloc");
    std::printf("input: %zu posts from %zu files, %.1f bytes of text per post on average\n",
                input.posts.size(), files.size(),
                static_cast<double>(input.text_bytes) / static_cast<double>(input.posts.size()));

    connectors::PostDecoder decoder;
    if (stages) {
        const auto parse = measure(input, min_posts, input.line_bytes, [&] {
            for (const auto& line : input.lines) {
                auto decoded = decoder.decode(line);
                if (!decoded.post) std::abort();
            }
        });
        std::printf("%-34s %12.0f posts/s %9.1f MB/s (JSON lines)\n", "simdjson decode of post v1",
                    parse.posts_per_second, parse.mb_per_second);

        // Both stages reuse one NormalizedText across posts, as RuleSet::evaluate does.
        rules::NormalizedText text;
        std::vector<std::uint8_t> flags;
        const auto normalize_rate = measure(input, min_posts, input.text_bytes, [&] {
            std::size_t tokens = 0;
            for (const auto& post : input.posts) {
                rules::normalize_into(post.text, text, flags);
                tokens += text.tokens.size();
            }
            if (tokens == 0) std::abort();
        });
        std::printf("%-34s %12.0f posts/s %9.1f MB/s (text)\n", "normalise only",
                    normalize_rate.posts_per_second, normalize_rate.mb_per_second);

        const auto scoring_rate = measure(input, min_posts, input.text_bytes, [&] {
            double total = 0;
            rules::PostScores scores;
            for (const auto& post : input.posts) {
                rules::normalize_into(post.text, text, flags);
                rules::score_post(text, post.lang, scores);  // as RuleSet::evaluate does
                total += scores.complaint.score;
            }
            if (total < 0) std::abort();
        });
        std::printf("%-34s %12.0f posts/s %9.1f MB/s (text)\n",
                    "normalise + lang/sentiment/complaint", scoring_rate.posts_per_second,
                    scoring_rate.mb_per_second);
    }

    const auto vocabulary = build_vocabulary(input.posts);
    std::printf("vocabulary: %zu words, %zu frequent word pairs\n\n", vocabulary.words.size(),
                vocabulary.pairs.size());
    std::printf("%7s %10s %10s %12s %9s %9s %9s %12s %9s %9s %10s\n", "rules", "compile ms",
                "RSS MB", "posts/s", "MB/s", "p50 us", "p99 us", "RE2::Set/s", "matched", "rules/m",
                "1-by-1/s");

    for (const auto count : rule_counts) {
        std::mt19937 rng(42);
        std::vector<std::string> plain_terms;
        const auto pack = generate_rule_pack(vocabulary, count, rng, skip_common, plain_terms);
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
        // As the daemon's pipeline evaluates: batches of posts through evaluate_all (replay
        // batches 256), and for comparison one post at a time through evaluate.
        std::vector<const rules::Post*> post_pointers;
        for (const auto& post : input.posts) post_pointers.push_back(&post);
        std::vector<rules::Verdict> verdicts;
        const auto rate = measure(input, min_posts, input.text_bytes, [&] {
            matched = 0;
            for (std::size_t first = 0; first < post_pointers.size(); first += kBatchPosts) {
                const auto n = std::min(kBatchPosts, post_pointers.size() - first);
                verdicts.clear();
                rule_set.evaluate_all(std::span(post_pointers).subspan(first, n), verdicts);
                for (const auto& verdict : verdicts) matched += verdict.matched;
            }
        });
        Rate single_rate;
        if (single) {
            std::size_t matched_singly = 0;
            single_rate = measure(input, min_posts, input.text_bytes, [&] {
                matched_singly = 0;
                for (const auto& post : input.posts) {
                    matched_singly += rule_set.evaluate(post).matched;
                }
            });
            if (matched_singly != matched) {
                std::fprintf(stderr, "evaluate_all and evaluate disagree: %zu vs %zu matched\n",
                             matched, matched_singly);
                return 1;
            }
        }

        std::vector<double> latencies;
        latencies.reserve(input.posts.size());
        std::size_t rule_hits = 0;
        for (const auto& post : input.posts) {
            const auto start = Clock::now();
            const auto verdict = evaluate_warm(rule_set, post);
            latencies.push_back(
                std::chrono::duration<double, std::micro>(Clock::now() - start).count());
            if (verdict.rules.size() > count) std::abort();
            rule_hits += verdict.rules.size();
        }
        if (!dump_prefix.empty()) dump_verdicts(dump_prefix, count, input, rule_set);
        std::sort(latencies.begin(), latencies.end());
        const auto percentile = [&](double p) {
            return latencies[static_cast<std::size_t>(p *
                                                      static_cast<double>(latencies.size() - 1))];
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
                if (!set.Match(post.text, &ids, &info) && info.kind == RE2::Set::kOutOfMemory)
                    ++oom;
            }
        });
        std::printf("%7zu %10.1f %10.1f %12.0f %9.1f %9.2f %9.2f %12.0f %8.1f%% %9.2f %10.0f%s\n",
                    count, compile_ms, static_cast<double>(read_status_kb("VmRSS:")) / 1024.0,
                    rate.posts_per_second, rate.mb_per_second, percentile(0.5), percentile(0.99),
                    bare.posts_per_second,
                    100.0 * static_cast<double>(matched) / static_cast<double>(input.posts.size()),
                    matched ? static_cast<double>(rule_hits) / static_cast<double>(matched) : 0.0,
                    single_rate.posts_per_second, oom ? " (bare set ran out of memory)" : "");
    }
    std::printf("\npeak RSS: %.1f MB\n", static_cast<double>(read_status_kb("VmHWM:")) / 1024.0);
    return 0;
}
