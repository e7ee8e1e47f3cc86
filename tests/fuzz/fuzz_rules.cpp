// Rule-file text from the fuzzer: load it, and when it loads, evaluate a few posts and run its
// embedded tests. Nothing may crash, hang or trip a sanitizer.
#include <cstddef>
#include <cstdint>
#include <string>

#include "rules/ruleset.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 64 * 1024) return 0;
    const std::string text(reinterpret_cast<const char*>(data), size);
    auto result = spreekbuis::rules::load_rule_text("fuzz.yaml", text);
    (void)result.diagnostics.format_all();
    if (!result.rules) return 0;
    spreekbuis::rules::Post post;
    post.id = "fuzz";
    post.lang = "en";
    post.author.handle = "klm";
    post.author.followers = 1234;
    for (const char* body :
         {"My suitcase is lost again, third time this year #klm @KLM",
          "Mijn koffer is nooit aangekomen, één ramp! order #123456 https://klm.com/x",
          "\xFF\xFE broken \xC3 utf8 lost bag bag bag", ""}) {
        post.text = body;
        (void)result.rules->evaluate(post);
    }
    post.text = text.substr(0, 512);
    (void)result.rules->evaluate(post);
    if (result.rules->rule_count() < 64) (void)result.rules->run_tests();
    return 0;
}
