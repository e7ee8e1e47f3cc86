#include "daemon/cli.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "connectors/line_reader.hpp"
#include "connectors/post_decoder.hpp"
#include "daemon/audit/decisions_command.hpp"
#include "daemon/check_reports.hpp"
#include "daemon/compare.hpp"
#include "daemon/daemon.hpp"
#include "daemon/exit_codes.hpp"
#include "daemon/explain.hpp"
#include "daemon/notify_test.hpp"
#include "daemon/replay.hpp"
#include "daemon/setup.hpp"

namespace spreekbuis::daemon {

namespace {

constexpr const char* kUsage =
    "usage: spreekbuis <command> [options]\n"
    "\n"
    "commands:\n"
    "  run      --config FILE                      run the daemon in the foreground\n"
    "  replay   --config FILE --input FILE|- [--summary] [--rule-hits]\n"
    "                                              decide posts from a file, send nothing\n"
    "  check    --config FILE [--strict] [--format json]\n"
    "                                              validate config, rules and people\n"
    "  test     --config FILE [--format junit]     run the rule files' embedded tests\n"
    "  compare  --config FILE --baseline FILE --input FILE|- [--show N]\n"
    "                                              what a rule change changes, on real posts\n"
    "  explain  --config FILE --text TEXT|--post JSON|- [--rule ID] [post fields]\n"
    "                                              why one post matches or misses rules,\n"
    "                                              and who it would go to\n"
    "  decisions --config FILE (--post-id ID [--source NAME] | --last N)\n"
    "                                              what was decided about a post, and why\n"
    "  notify-test --config FILE --sink NAME       send a test message through one sink\n"
    "  version                                     print the version\n"
    "\n"
    "exit codes: 0 ok, 1 bad input or configuration, 2 usage, 3 runtime failure\n"
    "'spreekbuis <command> --help' describes one command.\n";

struct CommandHelp {
    const char* text;
};

const std::map<std::string, CommandHelp>& command_help() {
    static const std::map<std::string, CommandHelp> help = {
        {"run",
         {"usage: spreekbuis run --config FILE\n"
          "Runs the daemon in the foreground until SIGINT or SIGTERM. A change to the rule\n"
          "files or the people directory (reload.watch), SIGHUP or POST /api/v1/reload\n"
          "reloads them: the old rules keep serving if the new ones fail to load or fail\n"
          "their tests, a broken people directory is refused, open cases keep their\n"
          "assignees, and a rejected reload is announced to the operators. Queued posts are\n"
          "handled before it exits.\n"}},
        {"decisions",
         {"usage: spreekbuis decisions --config FILE (--post-id ID [--source NAME] | --last N)\n"
          "Prints what the daemon decided about a post, from the decision audit log in\n"
          "state.db (audit.decisions): one JSON line per decision with decided_at and the\n"
          "decision record (rules, topic, priority, sentiment, complaint, team, assignee,\n"
          "why). --source narrows --post-id to one network; --last N prints the newest N\n"
          "(default 20 when neither is given). Reads a private snapshot, so it is safe\n"
          "while the daemon runs. Exits 1 when nothing is logged for the post.\n"}},
        {"replay",
         {"usage: spreekbuis replay --config FILE --input FILE|- [--summary] [--rule-hits]\n"
          "Runs posts (post format v1, JSON Lines; '-' reads stdin) through the configured\n"
          "pipeline without sending anything, and prints one decision record per post, in\n"
          "input order, as JSON Lines on stdout. Bad lines are reported on stderr with their\n"
          "line number and skipped. --summary prints only totals and throughput on stderr.\n"
          "--rule-hits prints on stderr how many posts each rule matched, in load order,\n"
          "and how many rules never matched.\n"}},
        {"check",
         {"usage: spreekbuis check --config FILE [--strict] [--format text|json]\n"
          "Validates the configuration, the rule files (including their embedded tests) and\n"
          "the people directory. Prints every problem as file:line:col with the line and a\n"
          "caret; exits 1 if there is any error. Warnings (a list or macro no rule uses, a\n"
          "common word that makes a rule match most posts, a rule that can never match, two\n"
          "rules with the same query, a rule whose topic an earlier rule always takes, a\n"
          "route or skill naming a topic no rule sets) do not stop a load; with --strict\n"
          "they make check exit 1 too. --format json prints one JSON document on stdout\n"
          "instead: ok, counts, and every diagnostic with file, line, column, severity,\n"
          "message, hint and source line (for editors and CI annotations).\n"}},
        {"test",
         {"usage: spreekbuis test --config FILE [--format text|junit]\n"
          "Runs every embedded test of the configured rule files and reports them like a\n"
          "test runner; exits 1 if any test fails. Tests of switched-off rules are listed\n"
          "as skipped, and rules without any test are named at the end. --format junit\n"
          "prints JUnit XML on stdout instead (one testsuite per rule file), which CI systems\n"
          "show as test results.\n"}},
        {"explain",
         {"usage: spreekbuis explain --config FILE (--text TEXT | --post JSON|-) [--rule ID]\n"
          "         [--lang CODE] [--author HANDLE] [--followers N] [--verified true|false]\n"
          "         [--source NAME] [--reply-to ID] [--at TIME]\n"
          "Runs one post through the configured rules and prints the verdict (matched rules,\n"
          "topic, priority, language, sentiment, complaint and why), then every rule that\n"
          "saw some of its terms but did not match, with what it lacked: 'none of lost,\n"
          "missing', 'bag and lost are not within 2 words', 'lang:nl does not hold (lang\n"
          "en)'. --rule explains that rule alone, matched or not.\n"
          "The post is --text, or --post with one line of post format v1 ('-' reads it from\n"
          "stdin); the other options set or override its fields (--lang: detected when not\n"
          "given). With a people directory, it also prints who the post would go to and why,\n"
          "at --at (RFC 3339; default the post's created_at, else now), on a private copy of\n"
          "the state database (open cases, customer history): nothing is sent or changed.\n"
          "Exits 1 for an unknown rule id, a bad post or unreadable state.\n"}},
        {"compare",
         {"usage: spreekbuis compare --config FILE --baseline FILE --input FILE|- [--show N]\n"
          "Runs the same posts (post format v1, JSON Lines; '-' reads stdin) through the rules\n"
          "of --baseline (the configuration in use) and of --config (the one with your\n"
          "changes), and reports what the change changes before it is deployed: how many\n"
          "posts are decided differently (matched rules, topic or priority), how topics\n"
          "move, which rules gain or lose matches (new and removed rules included), and the\n"
          "first --show changed posts (default 10). When both configurations have a people\n"
          "directory, the posts are also routed with each (in memory, in time order, as\n"
          "replay does) and the posts per team are compared. Nothing is sent. Rule tests\n"
          "are not run (use test); bad lines are reported on stderr and skipped.\n"}},
        {"version", {"usage: spreekbuis version\nPrints the version.\n"}},
        {"notify-test",
         {"usage: spreekbuis notify-test --config FILE --sink NAME\n"
          "Sends one test message through the named sink (same formatter, outbox and\n"
          "delivery as the daemon, without retries) and says whether the service accepted\n"
          "it. Exits 0 when delivered, 1 for an unknown sink or bad settings, 3 otherwise.\n"}},
    };
    return help;
}

struct Arguments {
    std::string command;
    std::map<std::string, std::string> options;
    bool help = false;
    std::string error;
};

Arguments parse_arguments(int argc, const char* const* argv) {
    Arguments args;
    if (argc < 2) {
        args.error = "no command given";
        return args;
    }
    args.command = argv[1];
    if (args.command == "--help" || args.command == "-h" || args.command == "help") {
        args.command.clear();
        args.help = true;
        return args;
    }
    if (args.command == "--version") args.command = "version";
    static const std::map<std::string, bool> takes_value = {
        {"--config", true},   {"--input", true},    {"--summary", false}, {"--rule-hits", false},
        {"--strict", false},  {"--sink", true},     {"--text", true},     {"--lang", true},
        {"--rule", true},     {"--post", true},     {"--author", true},   {"--followers", true},
        {"--verified", true}, {"--source", true},   {"--reply-to", true}, {"--at", true},
        {"--format", true},   {"--baseline", true}, {"--show", true},     {"--post-id", true},
        {"--last", true}};
    for (int i = 2; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "--help" || arg == "-h") {
            args.help = true;
            continue;
        }
        std::string value;
        if (auto eq = arg.find('='); eq != std::string::npos && arg.rfind("--", 0) == 0) {
            value = arg.substr(eq + 1);
            arg = arg.substr(0, eq);
        }
        auto known = takes_value.find(arg);
        if (known == takes_value.end()) {
            args.error = "unknown option '" + arg + "'";
            return args;
        }
        if (known->second && value.empty()) {
            if (i + 1 >= argc) {
                args.error = "option '" + arg + "' needs a value";
                return args;
            }
            value = argv[++i];
        }
        args.options[arg] = known->second ? value : "1";
    }
    return args;
}

// The commands each option belongs to (--config belongs to all of them).
const std::map<std::string, std::vector<std::string>>& option_owners() {
    static const std::map<std::string, std::vector<std::string>> owners = {
        {"--input", {"replay", "compare"}},
        {"--summary", {"replay"}},
        {"--rule-hits", {"replay"}},
        {"--strict", {"check"}},
        {"--format", {"check", "test"}},
        {"--sink", {"notify-test"}},
        {"--baseline", {"compare"}},
        {"--show", {"compare"}},
        {"--text", {"explain"}},
        {"--post", {"explain"}},
        {"--rule", {"explain"}},
        {"--lang", {"explain"}},
        {"--author", {"explain"}},
        {"--followers", {"explain"}},
        {"--verified", {"explain"}},
        {"--source", {"explain", "decisions"}},
        {"--post-id", {"decisions"}},
        {"--last", {"decisions"}},
        {"--reply-to", {"explain"}},
        {"--at", {"explain"}}};
    return owners;
}

// "--strict belongs to 'check'" for the first option given to a command it does not belong
// to, or "".
std::string misplaced_option(const Arguments& args) {
    for (const auto& [option, value] : args.options) {
        const auto owners = option_owners().find(option);
        if (owners == option_owners().end()) continue;
        const auto& commands = owners->second;
        if (std::find(commands.begin(), commands.end(), args.command) != commands.end()) continue;
        std::string message = option + " belongs to ";
        for (std::size_t i = 0; i < commands.size(); ++i) {
            if (i > 0) message += i + 1 == commands.size() ? " and " : ", ";
            message += "'" + commands[i] + "'";
        }
        return message;
    }
    return {};
}

// The post and options of `explain`; returns what is wrong with them, or "".
std::string explain_request(const std::map<std::string, std::string>& options,
                            ExplainRequest& request) {
    const auto option = [&](const char* name) -> const std::string* {
        const auto found = options.find(name);
        return found == options.end() ? nullptr : &found->second;
    };
    rules::Post& post = request.post;
    if (const auto* json = option("--post")) {
        std::string line = *json;
        if (line == "-") {
            line.clear();
            connectors::LineReader reader(stdin, connectors::PostDecoder::kMaxLineBytes);
            const auto status = reader.next(line);
            if (status == connectors::LineReader::Status::too_long) {
                return "--post -: the line is longer than " +
                       std::to_string(connectors::PostDecoder::kMaxLineBytes) + " bytes";
            }
            if (status != connectors::LineReader::Status::line) {
                return "--post -: no post line on stdin";
            }
        }
        connectors::PostDecoder decoder;
        auto decoded = decoder.decode(line);
        if (!decoded.post) return "--post: " + decoded.error;
        post = std::move(*decoded.post);
    } else {
        post.id = "explain";
        post.source = "explain";
    }
    if (const auto* text = option("--text")) post.text = *text;
    if (const auto* lang = option("--lang")) post.lang = *lang;
    if (const auto* author = option("--author")) post.author.handle = *author;
    if (const auto* source = option("--source")) post.source = *source;
    if (const auto* reply = option("--reply-to")) post.in_reply_to = *reply;
    if (const auto* rule = option("--rule")) request.rule_id = *rule;
    if (const auto* followers = option("--followers")) {
        std::int64_t value = 0;
        const auto* end = followers->data() + followers->size();
        const auto parsed = std::from_chars(followers->data(), end, value);
        if (parsed.ec != std::errc{} || parsed.ptr != end || value < 0) {
            return "--followers: '" + *followers + "' is not a count (0, 1, 2, ...)";
        }
        post.author.followers = value;
    }
    if (const auto* verified = option("--verified")) {
        if (*verified != "true" && *verified != "false") {
            return "--verified: '" + *verified + "' is neither true nor false";
        }
        post.author.verified = *verified == "true";
    }
    if (const auto* at = option("--at")) {
        request.at_ms = connectors::parse_rfc3339_ms(*at);
        if (!request.at_ms) {
            return "--at: '" + *at + "' is not an RFC 3339 time (2026-11-24T09:30:00+01:00)";
        }
    }
    return {};
}

int usage_error(std::FILE* err, const std::string& message, const char* usage) {
    std::fprintf(err, "spreekbuis: %s\n%s", message.c_str(), usage);
    return kExitUsage;
}

std::optional<Setup> load_or_report(const std::string& config_path, bool run_rule_tests,
                                    std::FILE* err) {
    auto result = load_setup(config_path, run_rule_tests);
    const auto text = result.diagnostics.format_all();
    if (!text.empty()) std::fputs(text.c_str(), err);
    return std::move(result.setup);
}

std::string plural(std::size_t count, const char* noun) {
    return std::to_string(count) + " " + noun + (count == 1 ? "" : "s");
}

int command_check(const std::string& config_path, bool strict, bool json, std::FILE* out,
                  std::FILE* err) {
    auto result = load_setup(config_path, true);
    const auto warnings = result.diagnostics.warning_count();
    CheckSummary summary;
    if (result.setup) {
        summary.rules = result.setup->rules->rule_count();
        for (const auto& outcome : result.setup->rules->run_tests()) {
            ++(outcome.skipped ? summary.tests_skipped : summary.tests_passed);
        }
    }
    summary.ok = result.setup && !(strict && warnings > 0);
    if (json) {
        std::fputs(check_report_json(result.diagnostics, summary).c_str(), out);
        return summary.ok ? kExitOk : kExitBadInput;
    }
    const auto text = result.diagnostics.format_all();
    if (!text.empty()) std::fputs(text.c_str(), err);
    if (!result.setup) {
        std::fprintf(err, "%zu error(s)\n", result.diagnostics.error_count());
        return kExitBadInput;
    }
    if (strict && warnings > 0) {
        std::fprintf(err, "%s (--strict makes them errors)\n", plural(warnings, "warning").c_str());
        return kExitBadInput;
    }
    std::string tests = std::to_string(summary.tests_passed) + " rule tests passed";
    if (summary.tests_skipped > 0)
        tests += ", " + std::to_string(summary.tests_skipped) + " skipped";
    if (warnings > 0) tests += ", " + plural(warnings, "warning");
    std::fprintf(out, "%s: ok (%zu rules, %s, %zu sources, %zu sinks)\n", config_path.c_str(),
                 summary.rules, tests.c_str(), result.setup->config.sources.size(),
                 result.setup->config.sinks.size());
    return kExitOk;
}

// Rules with no test of their own, named in load order (at most `shown`, then a count).
std::string untested_rules_line(const std::vector<std::string>& rule_ids,
                                const std::vector<rules::RuleTestOutcome>& outcomes,
                                std::size_t shown) {
    std::vector<std::string> tested;
    for (const auto& outcome : outcomes) tested.push_back(outcome.rule_id);
    std::sort(tested.begin(), tested.end());
    std::vector<std::string> untested;
    for (const auto& id : rule_ids) {
        if (!std::binary_search(tested.begin(), tested.end(), id)) untested.push_back(id);
    }
    if (untested.empty()) return {};
    std::string line = std::to_string(untested.size()) + " of " + plural(rule_ids.size(), "rule") +
                       (untested.size() == 1 ? " has" : " have") + " no test: ";
    for (std::size_t i = 0; i < untested.size() && i < shown; ++i) {
        line += (i == 0 ? "" : ", ") + untested[i];
    }
    if (untested.size() > shown)
        line += ", and " + std::to_string(untested.size() - shown) + " more";
    return line + "\n";
}

int command_test(const std::string& config_path, bool junit, std::FILE* out, std::FILE* err) {
    auto setup = load_or_report(config_path, false, err);
    if (!setup) return kExitBadInput;
    std::size_t passed = 0;
    std::size_t failed = 0;
    std::size_t skipped = 0;
    const auto outcomes = setup->rules->run_tests();
    if (junit) {
        std::fputs(junit_report(outcomes).c_str(), out);
        const bool all_passed = std::all_of(outcomes.begin(), outcomes.end(),
                                            [](const auto& outcome) { return outcome.passed; });
        return all_passed ? kExitOk : kExitBadInput;
    }
    for (const auto& outcome : outcomes) {
        if (outcome.skipped) {
            ++skipped;
            std::fprintf(out, "SKIP %s (%s)\n", outcome.name.c_str(), outcome.detail.c_str());
            continue;
        }
        if (outcome.passed) {
            ++passed;
            std::fprintf(out, "PASS %s\n", outcome.name.c_str());
            continue;
        }
        ++failed;
        rules::Diagnostic diagnostic;
        diagnostic.pos = outcome.pos;
        diagnostic.message = "FAIL " + outcome.name;
        diagnostic.hint = outcome.detail;
        std::fprintf(out, "%s", rules::format_diagnostic(diagnostic).c_str());
    }
    std::fprintf(out, "%zu passed, %zu failed", passed, failed);
    if (skipped > 0) std::fprintf(out, ", %zu skipped (rules switched off)", skipped);
    std::fputs("\n", out);
    std::fputs(untested_rules_line(setup->rules->rule_ids(), outcomes, 10).c_str(), out);
    return failed == 0 ? kExitOk : kExitBadInput;
}

int command_replay(const std::string& config_path, const std::string& input, bool summary,
                   bool rule_hits, std::FILE* out, std::FILE* err) {
    auto setup = load_or_report(config_path, false, err);
    if (!setup) return kExitBadInput;
    std::FILE* file = input == "-" ? stdin : std::fopen(input.c_str(), "rb");
    if (!file) {
        std::fprintf(err, "%s: error: cannot open input: %s\n", input.c_str(),
                     std::strerror(errno));
        return kExitBadInput;
    }
    ReplayOptions options;
    options.input_label = input == "-" ? "<stdin>" : input;
    options.print_records = !summary;
    RuleHits hits;
    if (rule_hits) options.rule_hits = &hits;
    const auto stats = replay_posts(*setup, file, out, err, options);
    if (file != stdin) std::fclose(file);
    if (summary) std::fputs(format_replay_summary(stats).c_str(), err);
    if (rule_hits) std::fputs(format_rule_hits(hits.snapshot(), stats.posts).c_str(), err);
    return kExitOk;
}

int command_compare(const std::string& config_path,
                    const std::map<std::string, std::string>& options, std::FILE* out,
                    std::FILE* err, const char* usage) {
    const auto baseline_path = options.find("--baseline");
    if (baseline_path == options.end()) return usage_error(err, "missing --baseline FILE", usage);
    const auto input = options.find("--input");
    if (input == options.end()) return usage_error(err, "missing --input FILE|-", usage);
    std::size_t shown = VerdictComparison::kShownPosts;
    if (const auto show = options.find("--show"); show != options.end()) {
        const auto* end = show->second.data() + show->second.size();
        const auto parsed = std::from_chars(show->second.data(), end, shown);
        if (parsed.ec != std::errc{} || parsed.ptr != end || shown > 100000) {
            return usage_error(err, "--show takes a count of posts (0 to 100000)", usage);
        }
    }
    auto baseline = load_or_report(baseline_path->second, false, err);
    if (!baseline) return kExitBadInput;
    auto changed = load_or_report(config_path, false, err);
    if (!changed) return kExitBadInput;
    std::FILE* file = input->second == "-" ? stdin : std::fopen(input->second.c_str(), "rb");
    if (!file) {
        std::fprintf(err, "%s: error: cannot open input: %s\n", input->second.c_str(),
                     std::strerror(errno));
        return kExitBadInput;
    }
    const auto code =
        compare_setups(*baseline, *changed, file, input->second == "-" ? "<stdin>" : input->second,
                       shown, out, err);
    if (file != stdin) std::fclose(file);
    return code;
}

int command_run(const std::string& config_path, std::FILE* out, std::FILE* err) {
    auto setup = load_or_report(config_path, true, err);
    if (!setup) return kExitBadInput;
    configure_logging(setup->config.log_level);
    Daemon daemon(std::move(*setup), out);
    return daemon.run();
}

}  // namespace

int run_cli(int argc, const char* const* argv, std::FILE* out, std::FILE* err) {
    auto args = parse_arguments(argc, argv);
    if (args.command.empty() && args.help) {
        std::fputs(kUsage, out);
        return kExitOk;
    }
    if (!args.error.empty() && args.command.empty()) return usage_error(err, args.error, kUsage);
    auto help = command_help().find(args.command);
    if (help == command_help().end()) {
        return usage_error(err, "unknown command '" + args.command + "'", kUsage);
    }
    if (args.help) {
        std::fputs(help->second.text, out);
        return kExitOk;
    }
    if (!args.error.empty()) return usage_error(err, args.error, help->second.text);
    if (args.command == "version") {
        std::fprintf(out, "spreekbuis %s\n", SPREEKBUIS_VERSION);
        return kExitOk;
    }
    const auto config = args.options.find("--config");
    if (config == args.options.end()) {
        return usage_error(err, "missing --config FILE", help->second.text);
    }
    if (const auto misplaced = misplaced_option(args); !misplaced.empty()) {
        return usage_error(err, misplaced, help->second.text);
    }
    if (args.command == "compare") {
        return command_compare(config->second, args.options, out, err, help->second.text);
    }
    if (args.command == "notify-test") {
        if (!args.options.count("--sink")) {
            return usage_error(err, "missing --sink NAME", help->second.text);
        }
        auto setup = load_or_report(config->second, false, err);
        if (!setup) return kExitBadInput;
        return send_test_alert(setup->config, args.options["--sink"], out, err);
    }
    if (args.command == "decisions") {
        audit::DecisionQuery query;
        if (const auto id = args.options.find("--post-id"); id != args.options.end()) {
            query.post_id = id->second;
        }
        if (const auto source = args.options.find("--source"); source != args.options.end()) {
            if (query.post_id.empty()) {
                return usage_error(err, "--source needs --post-id", help->second.text);
            }
            query.source = source->second;
        }
        if (const auto last = args.options.find("--last"); last != args.options.end()) {
            if (!query.post_id.empty()) {
                return usage_error(err, "give --post-id or --last, not both", help->second.text);
            }
            std::size_t n = 0;
            const auto* end = last->second.data() + last->second.size();
            const auto [at, ec] = std::from_chars(last->second.data(), end, n);
            if (ec != std::errc() || at != end || n == 0 || n > 100000) {
                return usage_error(err, "--last must be a whole number from 1 to 100000",
                                   help->second.text);
            }
            query.last = n;
        }
        auto loaded = config::load_config(config->second);
        if (!loaded.config) {
            std::fputs(loaded.diagnostics.format_all().c_str(), err);
            return kExitBadInput;
        }
        return audit::show_decisions(*loaded.config, query, out, err);
    }
    if (args.command == "explain") {
        if (!args.options.count("--text") && !args.options.count("--post")) {
            return usage_error(err, "missing --text TEXT or --post JSON", help->second.text);
        }
        ExplainRequest request;
        if (const auto problem = explain_request(args.options, request); !problem.empty()) {
            std::fprintf(err, "spreekbuis: %s\n", problem.c_str());
            return kExitBadInput;
        }
        auto setup = load_or_report(config->second, false, err);
        if (!setup) return kExitBadInput;
        return explain_post(*setup, request, out, err);
    }
    const auto format = args.options.find("--format");
    if (format != args.options.end()) {
        const std::string wanted = args.command == "check" ? "json" : "junit";
        if (format->second != "text" && format->second != wanted) {
            return usage_error(err, "--format is text or " + wanted, help->second.text);
        }
    }
    const bool machine = format != args.options.end() && format->second != "text";
    if (args.command == "check") {
        return command_check(config->second, args.options.count("--strict") > 0, machine, out, err);
    }
    if (args.command == "test") return command_test(config->second, machine, out, err);
    if (args.command == "replay") {
        const auto input = args.options.find("--input");
        if (input == args.options.end()) {
            return usage_error(err, "missing --input FILE|-", help->second.text);
        }
        return command_replay(config->second, input->second, args.options.count("--summary") > 0,
                              args.options.count("--rule-hits") > 0, out, err);
    }
    return command_run(config->second, out, err);
}

}  // namespace spreekbuis::daemon
