#include "config/config.hpp"

#include <glob.h>
#include <stdlib.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace fs = std::filesystem;
using spreekbuis::config::ConfigLoadResult;
using spreekbuis::config::load_config;
using spreekbuis::config::load_config_text;

namespace {

// A fresh directory under the system temp dir, removed at the end of the test.
class TempDir {
  public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "spreekbuis-config-XXXXXX").string();
        const char* made = mkdtemp(pattern.data());
        REQUIRE(made != nullptr);
        path_ = made;
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::string& path() const { return path_; }
    std::string write(const std::string& relative, const std::string& content) const {
        const auto full = fs::path(path_) / relative;
        fs::create_directories(full.parent_path());
        std::ofstream(full, std::ios::binary) << content;
        return full.string();
    }

  private:
    std::string path_;
};

std::string first_error(const ConfigLoadResult& result) {
    REQUIRE(!result.diagnostics.items().empty());
    return spreekbuis::rules::format_diagnostic(result.diagnostics.items().front());
}

// A directory holding one rule file, so that `rules: [r.yaml]` resolves.
struct Fixture {
    TempDir dir;
    Fixture() { dir.write("r.yaml", "rules: []\n"); }
    ConfigLoadResult load(const std::string& text) const {
        return load_config_text("spreekbuis.yaml", text, dir.path());
    }
};

}  // namespace

TEST_CASE("defaults apply when optional keys are absent", "[config]") {
    Fixture f;
    const auto result = f.load("rules: r.yaml\n");
    INFO(result.diagnostics.format_all());
    REQUIRE(result.config);
    const auto& config = *result.config;
    CHECK(result.diagnostics.empty());
    CHECK(config.log_level == "info");
    CHECK(config.workers == 2);
    CHECK(config.queue_capacity == 10000);
    CHECK(config.state_dir == f.dir.path() + "/state");
    CHECK(config.rule_files == std::vector<std::string>{f.dir.path() + "/r.yaml"});
    CHECK(config.people_file.empty());
    CHECK(!config.routing);
    CHECK(!config.http.enabled);
    CHECK(config.sources.empty());
    CHECK(config.sinks.empty());
    CHECK(config.base_dir == f.dir.path());
    REQUIRE(config.document);
}

TEST_CASE("every key is read", "[config]") {
    Fixture f;
    f.dir.write("people.yaml", "people: []\n");
    setenv("SPREEKBUIS_TEST_SECRET", "0123456789abcdef0123", 1);
    const auto result = f.load(R"(log_level: debug
state_dir: /var/lib/spreekbuis
workers: 8
queue_capacity: 10_000_000
rules: [r.yaml]
people: people.yaml
routing:
  fallback: webcare-desk
http:
  listen: "[::1]:9090"
  public_url: https://spreekbuis.example.com/
  secret: ${env:SPREEKBUIS_TEST_SECRET}
sources:
  - name: demo-feed
    type: replay
    path: feed.jsonl
    rate: 20
sinks:
  - name: console
    type: console
  - name: team-chat
    type: slack
    token: xoxb
)");
    INFO(result.diagnostics.format_all());
    REQUIRE(result.config);
    const auto& config = *result.config;
    CHECK(config.log_level == "debug");
    CHECK(config.state_dir == "/var/lib/spreekbuis");
    CHECK(config.workers == 8);
    CHECK(config.queue_capacity == 10'000'000);
    CHECK(config.people_file == f.dir.path() + "/people.yaml");
    REQUIRE(config.routing);
    CHECK(config.routing->name == "routing");
    CHECK(config.routing->type == "routing");
    CHECK(config.routing->node["fallback"].Scalar() == "webcare-desk");
    CHECK(config.http.enabled);
    CHECK(config.http.listen == "[::1]:9090");
    CHECK(config.http.public_url == "https://spreekbuis.example.com");
    CHECK(config.http.secret == "0123456789abcdef0123");
    REQUIRE(config.sources.size() == 1);
    CHECK(config.sources[0].name == "demo-feed");
    CHECK(config.sources[0].type == "replay");
    CHECK(config.sources[0].node["rate"].Scalar() == "20");
    CHECK(config.sources[0].document == config.document);
    REQUIRE(config.sinks.size() == 2);
    CHECK(config.sinks[1].name == "team-chat");
    CHECK(config.sinks[1].type == "slack");
    CHECK(config.sinks[1].node["token"].Scalar() == "xoxb");
    const auto pos = spreekbuis::rules::position_of(*config.document, config.sinks[1].node);
    CHECK(pos.line == 21);
    CHECK(pos.column == 5);
}

TEST_CASE("an empty file and a non-map top level are clear errors", "[config]") {
    Fixture f;
    auto result = f.load("");
    CHECK(!result.config);
    CHECK(first_error(result) ==
          "spreekbuis.yaml:1:1: error: the configuration is empty\n"
          "    hint: start from config/examples/generic/spreekbuis.yaml; at least 'rules:' is "
          "needed\n");

    result = f.load("# only a comment\n");
    CHECK(!result.config);
    CHECK(result.diagnostics.items().front().message == "the configuration is empty");

    result = f.load("- rules\n- sinks\n");
    CHECK(!result.config);
    CHECK(first_error(result) ==
          "spreekbuis.yaml:1:1: error: the configuration must be a map, found a list\n"
          "    - rules\n"
          "    ^\n");
}

TEST_CASE("invalid YAML is reported with its position", "[config]") {
    Fixture f;
    const auto result = f.load("rules: [r.yaml\nworkers: 2\n");
    CHECK(!result.config);
    REQUIRE(result.diagnostics.error_count() == 1);
    const auto& item = result.diagnostics.items().front();
    CHECK(item.pos.file == "spreekbuis.yaml");
    CHECK(item.pos.line > 0);
    CHECK(item.message.rfind("invalid YAML", 0) == 0);
}

TEST_CASE("unknown keys are errors with a did-you-mean hint", "[config]") {
    Fixture f;
    const auto result = f.load("rules: r.yaml\nworker: 4\n");
    CHECK(!result.config);
    CHECK(first_error(result) ==
          "spreekbuis.yaml:2:1: error: unknown key 'worker' in the configuration\n"
          "    worker: 4\n"
          "    ^\n"
          "    hint: did you mean 'workers'?\n");

    const auto http = f.load("rules: r.yaml\nhttp:\n  listen: 127.0.0.1:80\n  secrte: x\n");
    CHECK(!http.config);
    REQUIRE(http.diagnostics.items().size() == 2);  // and the missing secret, at 2:1
    CHECK(spreekbuis::rules::format_diagnostic(http.diagnostics.items()[1]) ==
          "spreekbuis.yaml:4:3: error: unknown key 'secrte' in http\n"
          "      secrte: x\n"
          "      ^\n"
          "    hint: did you mean 'secret'?\n");
}

TEST_CASE("wrong types and out-of-range numbers", "[config]") {
    Fixture f;
    auto result = f.load("rules: r.yaml\nworkers: two\n");
    CHECK(!result.config);
    CHECK(first_error(result) ==
          "spreekbuis.yaml:2:10: error: expected a whole number, found 'two'\n"
          "    workers: two\n"
          "             ^\n");

    result = f.load("rules: r.yaml\nworkers: 0\n");
    CHECK(first_error(result) ==
          "spreekbuis.yaml:2:10: error: workers must be between 1 and 64, found 0\n"
          "    workers: 0\n"
          "             ^\n");

    result = f.load("rules: r.yaml\nqueue_capacity: 8\n");
    CHECK(result.diagnostics.items().front().message ==
          "queue_capacity must be between 16 and 10000000, found 8");

    result = f.load("rules: r.yaml\nqueue_capacity: 1__0\n");
    CHECK(result.diagnostics.items().front().message == "expected a whole number, found '1__0'");

    result = f.load("rules: r.yaml\nlog_level: [info]\n");
    CHECK(first_error(result) ==
          "spreekbuis.yaml:2:12: error: expected a string, found a list\n"
          "    log_level: [info]\n"
          "               ^\n");

    result = f.load("rules: r.yaml\nlog_level: warning\n");
    CHECK(first_error(result) ==
          "spreekbuis.yaml:2:12: error: unknown log_level 'warning'\n"
          "    log_level: warning\n"
          "               ^\n"
          "    hint: did you mean 'warn'?\n");

    result = f.load("rules: r.yaml\nsources: {name: x}\n");
    CHECK(result.diagnostics.items().front().message == "sources must be a list");

    result = f.load("rules: r.yaml\nrouting: [a]\n");
    CHECK(result.diagnostics.items().front().message == "routing must be a map");
}

TEST_CASE("all errors are reported, not only the first", "[config]") {
    Fixture f;
    const auto result = f.load(R"(rules: r.yaml
workers: 100
log_level: loud
colour: blue
sinks:
  - name: console
    type: consloe
)");
    CHECK(!result.config);
    CHECK(result.diagnostics.error_count() == 4);
    const auto text = result.diagnostics.format_all();
    CHECK(text.find("spreekbuis.yaml:2:10: error: workers must be between") != std::string::npos);
    CHECK(text.find("spreekbuis.yaml:3:12: error: unknown log_level 'loud'") != std::string::npos);
    CHECK(text.find("spreekbuis.yaml:4:1: error: unknown key 'colour'") != std::string::npos);
    CHECK(text.find("spreekbuis.yaml:7:11: error: unknown sink type 'consloe'") !=
          std::string::npos);
}

TEST_CASE("missing rules key is an error", "[config]") {
    Fixture f;
    const auto result = f.load("workers: 2\n");
    CHECK(!result.config);
    CHECK(first_error(result) ==
          "spreekbuis.yaml:1:1: error: missing key 'rules' in the configuration\n"
          "    workers: 2\n"
          "    ^\n"
          "    hint: add e.g. 'rules: [rules/*.yaml]' (paths relative to this file)\n");
}

TEST_CASE("source and sink types are checked, with did-you-mean", "[config]") {
    Fixture f;
    const auto result = f.load(R"(rules: r.yaml
sources:
  - name: toots
    type: mastadon
  - name: other
    type: carrier-pigeon
)");
    CHECK(!result.config);
    REQUIRE(result.diagnostics.error_count() == 2);
    CHECK(first_error(result) ==
          "spreekbuis.yaml:4:11: error: unknown source type 'mastadon'\n"
          "        type: mastadon\n"
          "              ^\n"
          "    hint: did you mean 'mastodon'?\n");
    CHECK(result.diagnostics.items()[1].hint ==
          "one of: replay, mastodon, jetstream, x, webhook, reddit, redis");
}

TEST_CASE("name and type are required, names are checked", "[config]") {
    Fixture f;
    const auto result = f.load(R"(rules: r.yaml
sinks:
  - type: console
  - name: chat
  - name: "bad name!"
    type: console
  - console
)");
    CHECK(!result.config);
    const auto& items = result.diagnostics.items();
    REQUIRE(items.size() == 4);
    CHECK(spreekbuis::rules::format_diagnostic(items[0]) ==
          "spreekbuis.yaml:3:5: error: missing key 'name' in sink\n"
          "      - type: console\n"
          "        ^\n");
    CHECK(items[1].message == "missing key 'type' in sink");
    CHECK(items[1].pos.line == 4);
    CHECK(items[2].message == "invalid sink name 'bad name!'");
    CHECK(items[2].pos.line == 5);
    CHECK(items[3].message == "each sink must be a map with name and type");
    CHECK(items[3].pos.line == 7);
}

TEST_CASE("duplicate names point at the second and mention the first", "[config]") {
    Fixture f;
    const auto result = f.load(R"(rules: r.yaml
sinks:
  - name: chat
    type: slack
  - name: console
    type: console
  - name: chat
    type: teams
sources:
  - name: chat
    type: replay
)");
    CHECK(!result.config);
    REQUIRE(result.diagnostics.error_count() == 1);
    CHECK(first_error(result) ==
          "spreekbuis.yaml:7:11: error: duplicate sink name 'chat' (first used at line 3)\n"
          "      - name: chat\n"
          "              ^\n");
}

TEST_CASE("duplicate keys in one map are errors", "[config]") {
    Fixture f;
    const auto result = f.load("rules: r.yaml\nworkers: 2\nworkers: 3\n");
    CHECK(!result.config);
    CHECK(first_error(result) ==
          "spreekbuis.yaml:3:1: error: duplicate key 'workers' in the configuration (first at "
          "line 2)\n"
          "    workers: 3\n"
          "    ^\n");
}

TEST_CASE("http section: secret required, listen shape, public_url default", "[config]") {
    Fixture f;
    auto result = f.load("rules: r.yaml\nhttp:\n  listen: 127.0.0.1:8080\n");
    CHECK(!result.config);
    CHECK(first_error(result) ==
          "spreekbuis.yaml:2:1: error: missing key 'secret' in http\n"
          "    http:\n"
          "    ^\n"
          "    hint: action links are signed; add e.g. 'secret: ${env:SPREEKBUIS_LINK_SECRET}'\n");

    for (const char* bad :
         {"8080", ":8080", "localhost:", "localhost:99999", "[::1:80", "host name:80", "[zz]:80"}) {
        INFO(bad);
        result = f.load(std::string("rules: r.yaml\nhttp:\n  listen: \"") + bad +
                        "\"\n  secret: 0123456789abcdef\n");
        REQUIRE(!result.diagnostics.empty());
        CHECK(result.diagnostics.items().front().message ==
              std::string("listen must be host:port, found '") + bad + "'");
    }
    for (const char* good : {"127.0.0.1:8080", "localhost:0", "[::]:443", "0.0.0.0:65535"}) {
        INFO(good);
        result = f.load(std::string("rules: r.yaml\nhttp:\n  listen: \"") + good +
                        "\"\n  secret: 0123456789abcdef\n");
        REQUIRE(result.config);
        CHECK(result.config->http.listen == good);
        CHECK(result.config->http.public_url == std::string("http://") + good);
    }

    result = f.load("rules: r.yaml\nhttp:\n  public_url: ftp://x\n  secret: 0123456789abcdef\n");
    CHECK(result.diagnostics.items().front().message ==
          "public_url must start with http:// or https://");

    result = f.load("rules: r.yaml\nhttp:\n  secret: short\n");
    REQUIRE(result.config);
    REQUIRE(result.diagnostics.items().size() == 1);
    CHECK(result.diagnostics.items()[0].severity == spreekbuis::rules::Severity::warning);
    CHECK(result.config->http.listen == "127.0.0.1:8080");
}

TEST_CASE("environment substitution", "[config][substitution]") {
    Fixture f;
    setenv("SPREEKBUIS_T_HOST", "0.0.0.0", 1);
    setenv("SPREEKBUIS_T_PORT", "8443", 1);
    setenv("SPREEKBUIS_T_LEVEL", "warn", 1);
    unsetenv("SPREEKBUIS_T_MISSING");
    auto result = f.load(R"(rules: r.yaml
log_level: ${env:SPREEKBUIS_T_LEVEL}
state_dir: "/srv/$${literal}/${env:SPREEKBUIS_T_LEVEL}"
http:
  listen: ${env:SPREEKBUIS_T_HOST}:${env:SPREEKBUIS_T_PORT}
  secret: "a$b}c${env:SPREEKBUIS_T_PORT}${env:SPREEKBUIS_T_PORT}${env:SPREEKBUIS_T_PORT}"
)");
    INFO(result.diagnostics.format_all());
    REQUIRE(result.config);
    CHECK(result.config->log_level == "warn");
    CHECK(result.config->state_dir == "/srv/${literal}/warn");
    CHECK(result.config->http.listen == "0.0.0.0:8443");
    CHECK(result.config->http.secret == "a$b}c844384438443");

    result = f.load("rules: r.yaml\nhttp:\n  secret: x-${env:SPREEKBUIS_T_MISSING}\n");
    CHECK(!result.config);
    CHECK(first_error(result) ==
          "spreekbuis.yaml:3:13: error: environment variable 'SPREEKBUIS_T_MISSING' is not set\n"
          "      secret: x-${env:SPREEKBUIS_T_MISSING}\n"
          "                ^\n"
          "    hint: export SPREEKBUIS_T_MISSING before starting spreekbuis, or set it in the "
          "unit's Environment= or EnvironmentFile=\n");

    // Quoted: the caret still lands on the ${ after the opening quote.
    result = f.load("rules: r.yaml\nstate_dir: \"${env:SPREEKBUIS_T_MISSING}\"\n");
    CHECK(result.diagnostics.items().front().pos.column == 13);

    result = f.load("rules: r.yaml\nstate_dir: ${env:BAD-NAME}\n");
    CHECK(result.diagnostics.items().front().message ==
          "invalid environment variable name "
          "'BAD-NAME'");

    result = f.load("rules: r.yaml\nstate_dir: /x/${env:SPREEKBUIS_T_LEVEL\n");
    CHECK(first_error(result) ==
          "spreekbuis.yaml:2:15: error: unterminated '${' (missing '}')\n"
          "    state_dir: /x/${env:SPREEKBUIS_T_LEVEL\n"
          "                  ^\n"
          "    hint: write $${ for a literal ${\n");

    result = f.load("rules: r.yaml\nstate_dir: ${vault:x}\n");
    CHECK(result.diagnostics.items().front().message == "unknown substitution '${vault:x}'");

    // Two failures in one string are both reported.
    result = f.load(
        "rules: r.yaml\nstate_dir: ${env:SPREEKBUIS_T_MISSING}/${env:SPREEKBUIS_T_MISSING}\n");
    REQUIRE(result.diagnostics.error_count() == 2);
    CHECK(result.diagnostics.items()[1].pos.column == 40);
}

TEST_CASE("file substitution", "[config][substitution]") {
    Fixture f;
    f.dir.write("secrets/link", "s3cr3t-value-from-a-file-0001\n\n");
    f.dir.write("credentials/slack-token", "xoxb-from-credentials\r\n");
    setenv("SPREEKBUIS_T_CREDS", (f.dir.path() + "/credentials").c_str(), 1);
    auto result = f.load(R"(rules: r.yaml
http:
  secret: ${file:secrets/link}
sinks:
  - name: chat
    type: slack
    token: ${file:${env:SPREEKBUIS_T_CREDS}/slack-token}
)");
    INFO(result.diagnostics.format_all());
    REQUIRE(result.config);
    CHECK(result.config->http.secret == "s3cr3t-value-from-a-file-0001");
    const auto& sink = result.config->sinks.at(0);
    spreekbuis::rules::Diagnostics diagnostics;
    const auto token = spreekbuis::config::read_expanded_string(
        *sink.document, sink.node["token"], result.config->base_dir, diagnostics);
    CHECK(diagnostics.empty());
    REQUIRE(token);
    CHECK(*token == "xoxb-from-credentials");

    // An absolute path works too.
    result = f.load("rules: r.yaml\nhttp:\n  secret: ${file:" + f.dir.path() + "/secrets/link}\n");
    REQUIRE(result.config);
    CHECK(result.config->http.secret == "s3cr3t-value-from-a-file-0001");

    result = f.load("rules: r.yaml\nhttp:\n  secret: ${file:secrets/nope}\n");
    CHECK(!result.config);
    CHECK(first_error(result) == "spreekbuis.yaml:3:11: error: cannot read file '" + f.dir.path() +
                                     "/secrets/nope'\n"
                                     "      secret: ${file:secrets/nope}\n"
                                     "              ^\n"
                                     "    hint: check that it exists and that the service user "
                                     "may read it\n");

    result = f.load("rules: r.yaml\nhttp:\n  secret: ${file:secrets}\n");
    CHECK(result.diagnostics.items().front().message ==
          "'" + f.dir.path() + "/secrets' is a directory, not a file");

    // The inner variable is reported at its own ${.
    unsetenv("SPREEKBUIS_T_NOCREDS");
    result = f.load("rules: r.yaml\nhttp:\n  secret: ${file:${env:SPREEKBUIS_T_NOCREDS}/x}\n");
    CHECK(result.diagnostics.items().front().pos.column == 18);
    CHECK(result.diagnostics.items().front().message ==
          "environment variable 'SPREEKBUIS_T_NOCREDS' is not set");
}

TEST_CASE("substituted secrets never appear in diagnostics", "[config][substitution]") {
    Fixture f;
    const std::string value = "TOPSECRET-do-not-print";
    setenv("SPREEKBUIS_T_SECRET", value.c_str(), 1);
    f.dir.write("token", value + "\n");
    const auto result = f.load(R"(rules: r.yaml
http:
  listen: "${env:SPREEKBUIS_T_SECRET}"
  public_url: ${file:token}
  secret: ${env:SPREEKBUIS_T_SECRET}${nope:1}
sinks:
  - name: chat
    type: ${env:SPREEKBUIS_T_SECRET}
)");
    CHECK(!result.config);
    CHECK(result.diagnostics.error_count() == 4);
    const auto text = result.diagnostics.format_all();
    // listen and type echo what was written, which here is the ${...} expression itself, but
    // the secret's own value must not be printed anywhere.
    INFO(text);
    CHECK(text.find("TOPSECRET") == std::string::npos);
}

TEST_CASE("rule globs and relative paths", "[config]") {
    TempDir dir;
    dir.write("rules/b.yaml", "rules: []\n");
    dir.write("rules/a.yaml", "rules: []\n");
    dir.write("rules/notes.txt", "not a rule file\n");
    dir.write("rules/sub.yaml/inner.yaml", "rules: []\n");
    dir.write("extra/c.yaml", "rules: []\n");
    dir.write("people.yaml", "people: []\n");
    const auto path = dir.write("etc/spreekbuis.yaml", R"(rules:
  - ../rules/*.yaml
  - ../extra/c.yaml
  - ../rules/a.yaml
state_dir: ../state
people: ../people.yaml
)");
    auto result = load_config(path);
    INFO(result.diagnostics.format_all());
    REQUIRE(result.config);
    const auto& config = *result.config;
    CHECK(config.base_dir == dir.path() + "/etc");
    CHECK(config.path == path);
    CHECK(config.rule_files == std::vector<std::string>{dir.path() + "/rules/a.yaml",
                                                        dir.path() + "/rules/b.yaml",
                                                        dir.path() + "/extra/c.yaml"});
    CHECK(config.state_dir == dir.path() + "/state");
    CHECK(config.people_file == dir.path() + "/people.yaml");

    dir.write("etc/bad.yaml",
              "rules:\n  - ../rules/*.yaml\n  - ../missing/*.yaml\n  - ../nope.yaml\n"
              "people: nobody.yaml\n");
    result = load_config(dir.path() + "/etc/bad.yaml");
    CHECK(!result.config);
    const auto& items = result.diagnostics.items();
    REQUIRE(items.size() == 3);
    CHECK(spreekbuis::rules::format_diagnostic(items[0]) ==
          dir.path() +
              "/etc/bad.yaml:3:5: error: no rule file matches '../missing/*.yaml'\n"
              "      - ../missing/*.yaml\n"
              "        ^\n"
              "    hint: relative paths are resolved against " +
              dir.path() + "/etc\n");
    CHECK(items[1].message == "rule file not found: '../nope.yaml'");
    CHECK(items[2].message == "people file not found: 'nobody.yaml'");
    CHECK(items[2].pos.line == 5);
}

TEST_CASE("a missing config file is an error", "[config]") {
    const auto result = load_config("/nonexistent/spreekbuis.yaml");
    CHECK(!result.config);
    REQUIRE(result.diagnostics.error_count() == 1);
    CHECK(result.diagnostics.items().front().message == "cannot open file");
}

TEST_CASE("the demo and example configurations load without errors", "[config][demo]") {
    std::vector<std::string> paths = {std::string(SPREEKBUIS_SOURCE_DIR) +
                                      "/config/demo/spreekbuis.yaml"};
    glob_t matches{};
    const auto pattern = std::string(SPREEKBUIS_SOURCE_DIR) + "/config/examples/*/spreekbuis.yaml";
    if (glob(pattern.c_str(), 0, nullptr, &matches) == 0) {
        for (std::size_t i = 0; i < matches.gl_pathc; ++i) paths.emplace_back(matches.gl_pathv[i]);
    }
    globfree(&matches);
    // Examples may refer to secrets through the environment; give them harmless values.
    for (const char* name :
         {"SPREEKBUIS_LINK_SECRET", "SLACK_BOT_TOKEN", "MASTODON_TOKEN", "MATTERMOST_TOKEN",
          "TEAMS_WEBHOOK_URL", "DISCORD_WEBHOOK_URL", "MATRIX_TOKEN", "TELEGRAM_BOT_TOKEN",
          "X_BEARER_TOKEN", "REDDIT_CLIENT_SECRET", "WEBHOOK_SECRET"}) {
        setenv(name, "test-value-0123456789abcdef", 0);
    }
    for (const auto& path : paths) {
        INFO(path);
        const auto result = load_config(path);
        INFO(result.diagnostics.format_all());
        CHECK(result.diagnostics.error_count() == 0);
        CHECK(result.config);
    }
    const auto demo = load_config(paths.front());
    REQUIRE(demo.config);
    CHECK(demo.config->sources.size() == 1);
    CHECK(demo.config->sources[0].type == "replay");
    CHECK(demo.config->sinks.size() == 1);
    CHECK(!demo.config->rule_files.empty());
    CHECK(!demo.config->people_file.empty());
}

TEST_CASE("the error example of docs/configuration.md is what the loader prints", "[config]") {
    TempDir dir;
    dir.write("rules/a.yaml", "rules: []\n");
    const auto path = dir.write("spreekbuis.yaml", R"(rules: [rules/*.yaml, extra/*.yaml]
worker: 4
log_level: warning
http:
  listen: localhost
sinks:
  - name: chat
    type: slack
  - name: chat
    type: mattermots
)");
    const auto result = load_config(path);
    CHECK(!result.config);
    auto text = result.diagnostics.format_all();
    for (auto at = text.find(dir.path()); at != std::string::npos; at = text.find(dir.path())) {
        const bool in_file_name = at == 0 || text[at - 1] == '\n';
        text.replace(at, dir.path().size() + (in_file_name ? 1 : 0),
                     in_file_name ? "" : "/etc/spreekbuis");
    }
    const std::string golden_path = std::string(SPREEKBUIS_TEST_DATA) + "/documented_errors.txt";
    if (std::getenv("UPDATE_GOLDEN") != nullptr) std::ofstream(golden_path) << text;
    std::ifstream in(golden_path);
    REQUIRE(in);
    const std::string golden((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
    CHECK(text == golden);
}

TEST_CASE("secrets from systemd credentials, as documented", "[config][substitution]") {
    Fixture f;
    f.dir.write("credentials/slack-token", "xoxb-from-systemd\n");
    setenv("CREDENTIALS_DIRECTORY", (f.dir.path() + "/credentials").c_str(), 1);
    setenv("STATE_DIRECTORY", "/var/lib/spreekbuis", 1);
    const auto result = f.load(R"(rules: r.yaml
state_dir: ${env:STATE_DIRECTORY}
sinks:
  - name: slack
    type: slack
    token: ${file:${env:CREDENTIALS_DIRECTORY}/slack-token}
)");
    INFO(result.diagnostics.format_all());
    REQUIRE(result.config);
    CHECK(result.config->state_dir == "/var/lib/spreekbuis");
    const auto& sink = result.config->sinks.at(0);
    spreekbuis::rules::Diagnostics diagnostics;
    const auto token = spreekbuis::config::read_expanded_string(
        *sink.document, sink.node["token"], result.config->base_dir, diagnostics);
    unsetenv("CREDENTIALS_DIRECTORY");
    unsetenv("STATE_DIRECTORY");
    REQUIRE(token);
    CHECK(*token == "xoxb-from-systemd");
}

TEST_CASE("http admin_token: optional, substituted, checked, never printed", "[config]") {
    Fixture f;
    auto result = f.load("rules: r.yaml\nhttp:\n  secret: 0123456789abcdef\n");
    REQUIRE(result.config);
    CHECK(result.config->http.admin_token.empty());  // absent: the silence API stays off

    const std::string value = "TOPSECRET-admin-token-0123456789";
    setenv("SPREEKBUIS_T_ADMIN", value.c_str(), 1);
    f.dir.write("admin-token", "from-a-file-0123456789abcdef\n");
    result = f.load(
        "rules: r.yaml\nhttp:\n  secret: 0123456789abcdef\n  admin_token: "
        "${env:SPREEKBUIS_T_ADMIN}\n");
    INFO(result.diagnostics.format_all());
    REQUIRE(result.config);
    CHECK(result.config->http.admin_token == value);
    CHECK(result.diagnostics.empty());
    result = f.load(
        "rules: r.yaml\nhttp:\n  secret: 0123456789abcdef\n  admin_token: ${file:admin-token}\n");
    REQUIRE(result.config);
    CHECK(result.config->http.admin_token == "from-a-file-0123456789abcdef");

    result = f.load("rules: r.yaml\nhttp:\n  secret: 0123456789abcdef\n  admin_token: \"\"\n");
    CHECK(!result.config);
    CHECK(first_error(result) ==
          "spreekbuis.yaml:4:16: error: http admin_token is empty\n"
          "      admin_token: \"\"\n"
          "                   ^\n"
          "    hint: leave admin_token out to keep the silence API off\n");

    // A space would break the Authorization header; the message does not repeat the value.
    setenv("SPREEKBUIS_T_ADMIN_BAD", "TOPSECRET with space 0123456789", 1);
    result = f.load(
        "rules: r.yaml\nhttp:\n  secret: 0123456789abcdef\n  admin_token: "
        "${env:SPREEKBUIS_T_ADMIN_BAD}\n");
    CHECK(!result.config);
    REQUIRE(!result.diagnostics.empty());
    CHECK(result.diagnostics.items().front().message ==
          "http admin_token contains a space or a control character");
    CHECK(result.diagnostics.format_all().find("TOPSECRET") == std::string::npos);

    setenv("SPREEKBUIS_T_ADMIN_SHORT", "TOPSECRETshort", 1);
    result = f.load(
        "rules: r.yaml\nhttp:\n  secret: 0123456789abcdef\n  admin_token: "
        "${env:SPREEKBUIS_T_ADMIN_SHORT}\n");
    REQUIRE(result.config);
    REQUIRE(result.diagnostics.items().size() == 1);
    CHECK(result.diagnostics.items()[0].severity == spreekbuis::rules::Severity::warning);
    CHECK(result.diagnostics.items()[0].message == "http admin_token is shorter than 16 bytes");
    CHECK(result.diagnostics.format_all().find("TOPSECRET") == std::string::npos);

    unsetenv("SPREEKBUIS_T_ADMIN_MISSING");
    result = f.load(
        "rules: r.yaml\nhttp:\n  secret: 0123456789abcdef\n  admin_token: "
        "${env:SPREEKBUIS_T_ADMIN_MISSING}\n");
    CHECK(!result.config);
    CHECK(result.diagnostics.items().front().message ==
          "environment variable 'SPREEKBUIS_T_ADMIN_MISSING' is not set");

    result = f.load("rules: r.yaml\nhttp:\n  secret: 0123456789abcdef\n  admin_tokn: x\n");
    CHECK(!result.config);
    CHECK(result.diagnostics.items().front().message == "unknown key 'admin_tokn' in http");
    CHECK(result.diagnostics.items().front().hint == "did you mean 'admin_token'?");
}
