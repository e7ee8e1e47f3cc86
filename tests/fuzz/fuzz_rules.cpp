// Rule-file text from the fuzzer: load it, and when it loads, evaluate a few posts and run its
// embedded tests. Nothing may crash, hang or trip a sanitizer, the token index must find
// exactly what checking every term one by one finds (the same verdict, `why` included), and
// every near miss (RuleSet::misses) is an unmatched rule with a reason; evaluate_all over the
// posts gives what evaluate gives each.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "rules/ruleset.hpp"
#include "rules/ruleset_options.hpp"

namespace {

void check_same(const spreekbuis::rules::RuleSet& indexed,
                const spreekbuis::rules::RuleSet& reference, const spreekbuis::rules::Post& post) {
    const auto a = indexed.evaluate(post);
    const auto b = reference.evaluate(post);
    if (a.rules != b.rules || a.why != b.why || a.topic != b.topic || a.priority != b.priority ||
        a.tags != b.tags) {
        std::abort();
    }
    // A near miss is a rule that did not match, and it always has a reason.
    for (const auto& miss : indexed.misses(post)) {
        if (miss.reason.empty()) std::abort();
        for (const auto& id : a.rules) {
            if (id == miss.rule_id) std::abort();
        }
    }
}

// A batch through evaluate_all gives each post what evaluate gives it.
void check_batch(const spreekbuis::rules::RuleSet& rules,
                 const std::vector<spreekbuis::rules::Post>& posts) {
    std::vector<const spreekbuis::rules::Post*> pointers;
    for (const auto& post : posts) pointers.push_back(&post);
    std::vector<spreekbuis::rules::Verdict> verdicts;
    rules.evaluate_all(pointers, verdicts);
    if (verdicts.size() != posts.size()) std::abort();
    for (std::size_t i = 0; i < posts.size(); ++i) {
        const auto one = rules.evaluate(posts[i]);
        const auto& all = verdicts[i];
        if (all.rules != one.rules || all.why != one.why || all.topic != one.topic ||
            all.priority != one.priority || all.tags != one.tags ||
            all.sentiment != one.sentiment || all.complaint != one.complaint) {
            std::abort();
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 64 * 1024) return 0;
    const std::string text(reinterpret_cast<const char*>(data), size);
    auto result = spreekbuis::rules::load_rule_text("fuzz.yaml", text);
    (void)result.diagnostics.format_all();
    if (!result.rules) return 0;
    spreekbuis::rules::RuleSetOptions one_by_one;
    one_by_one.reference_paths = true;
    const auto reference = spreekbuis::rules::load_rule_text("fuzz.yaml", text, one_by_one);
    if (!reference.rules) std::abort();
    spreekbuis::rules::Post post;
    post.id = "fuzz";
    post.lang = "en";
    post.author.handle = "klm";
    post.author.followers = 1234;
    std::vector<spreekbuis::rules::Post> batch;
    for (const char* body :
         {"My suitcase is lost again, third time this year #klm @KLM",
          "Mijn koffer is nooit aangekomen, één ramp! order #123456 https://klm.com/x",
          "\xFF\xFE broken \xC3 utf8 lost bag bag bag", ""}) {
        post.text = body;
        check_same(*result.rules, *reference.rules, post);
        batch.push_back(post);
    }
    post.text = text.substr(0, 512);
    check_same(*result.rules, *reference.rules, post);
    batch.push_back(post);
    check_batch(*result.rules, batch);
    if (result.rules->rule_count() < 64) (void)result.rules->run_tests();
    return 0;
}
