#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/redis/resp.hpp"

using spreekbuis::connectors::redis::encode_command;
using spreekbuis::connectors::redis::Reply;
using spreekbuis::connectors::redis::ReplyLimits;
using spreekbuis::connectors::redis::ReplyParser;
using Kind = Reply::Kind;
using Status = ReplyParser::Status;
using namespace std::string_literals;

namespace {

// One line per reply, so that whole trees compare in one CHECK with a readable failure.
std::string describe(const Reply& reply) {
    switch (reply.kind) {
        case Kind::simple:
            return "+" + reply.text;
        case Kind::error:
            return "-" + reply.text;
        case Kind::integer:
            return ":" + std::to_string(reply.integer);
        case Kind::bulk:
            return "\"" + reply.text + "\"";
        case Kind::nil:
            return "nil";
        case Kind::array:
            break;
    }
    std::string out = "[";
    for (std::size_t i = 0; i < reply.elements.size(); ++i) {
        if (i > 0) out += ", ";
        out += describe(reply.elements[i]);
    }
    return out + "]";
}

struct Parsed {
    Status status;
    Reply reply;
    std::string error;
    std::size_t buffered;
};

Parsed parse(std::string_view bytes, ReplyLimits limits = {}) {
    ReplyParser parser(limits);
    parser.feed(bytes);
    Parsed parsed{};
    parsed.status = parser.next(parsed.reply);
    parsed.error = parser.error();
    parsed.buffered = parser.buffered();
    return parsed;
}

// Malformed now, and for good: later calls and later bytes do not revive the parser.
std::string require_malformed(std::string_view bytes, ReplyLimits limits = {}) {
    ReplyParser parser(limits);
    parser.feed(bytes);
    Reply reply;
    REQUIRE(parser.next(reply) == Status::malformed);
    const std::string error = parser.error();
    CHECK_FALSE(error.empty());
    CHECK(parser.next(reply) == Status::malformed);
    parser.feed("+OK\r\n");
    CHECK(parser.next(reply) == Status::malformed);
    CHECK(parser.error() == error);
    return error;
}

// XREADGROUP GROUP g c COUNT 2 STREAMS posts >
const std::string kXreadgroup =
    "*1\r\n"
    "*2\r\n$5\r\nposts\r\n"
    "*2\r\n"
    "*2\r\n$15\r\n1714572000000-0\r\n*4\r\n$4\r\ntext\r\n$5\r\nhallo\r\n$4\r\nlang\r\n$2\r\nnl\r\n"
    "*2\r\n$15\r\n1714572000001-0\r\n*4\r\n$4\r\ntext\r\n$0\r\n\r\n$4\r\nlang\r\n$2\r\nen\r\n";
const std::string kXreadgroupDescribed =
    R"([["posts", [["1714572000000-0", ["text", "hallo", "lang", "nl"]], )"
    R"(["1714572000001-0", ["text", "", "lang", "en"]]]]])";

}  // namespace

TEST_CASE("resp encodes a command as an array of bulk strings", "[resp]") {
    CHECK(encode_command({"SET", "key", "value"}) ==
          "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n");
    CHECK(encode_command({}) == "*0\r\n");
    CHECK(encode_command({"ECHO", ""}) == "*2\r\n$4\r\nECHO\r\n$0\r\n\r\n");
    const std::string long_arg(1234, 'x');
    CHECK(encode_command({long_arg}) == "*1\r\n$1234\r\n" + long_arg + "\r\n");
}

TEST_CASE("resp encoding is binary safe and parses back", "[resp]") {
    const std::string binary = "a\r\nb\0c\n\r*1\r\n"s;
    REQUIRE(binary.size() == 12);
    const std::string encoded = encode_command({"XADD", binary});
    CHECK(encoded == "*2\r\n$4\r\nXADD\r\n$12\r\n" + binary + "\r\n");
    const Parsed parsed = parse(encoded);
    REQUIRE(parsed.status == Status::complete);
    REQUIRE(parsed.reply.is_array());
    REQUIRE(parsed.reply.elements.size() == 2);
    CHECK(parsed.reply.elements[0].string() == "XADD");
    CHECK(parsed.reply.elements[1].kind == Kind::bulk);
    CHECK(parsed.reply.elements[1].text == binary);
    CHECK(parsed.buffered == 0);
}

TEST_CASE("resp parses each kind of reply", "[resp]") {
    SECTION("simple string") {
        const Parsed parsed = parse("+OK\r\n");
        REQUIRE(parsed.status == Status::complete);
        CHECK(parsed.reply.kind == Kind::simple);
        CHECK(parsed.reply.string() == "OK");
        CHECK(parsed.buffered == 0);
    }
    SECTION("empty simple string") {
        const Parsed parsed = parse("+\r\n");
        REQUIRE(parsed.status == Status::complete);
        CHECK(parsed.reply.kind == Kind::simple);
        CHECK(parsed.reply.text.empty());
    }
    SECTION("error") {
        const Parsed parsed = parse("-NOGROUP No such key 'posts'\r\n");
        REQUIRE(parsed.status == Status::complete);
        CHECK(parsed.reply.is_error());
        CHECK(parsed.reply.text == "NOGROUP No such key 'posts'");
        CHECK(parsed.reply.string().empty());
    }
    SECTION("integers") {
        CHECK(parse(":42\r\n").reply.integer == 42);
        CHECK(parse(":0\r\n").reply.integer == 0);
        CHECK(parse(":-7\r\n").reply.integer == -7);
        CHECK(parse(":007\r\n").reply.integer == 7);
        const Parsed parsed = parse(":1000\r\n");
        REQUIRE(parsed.status == Status::complete);
        CHECK(parsed.reply.kind == Kind::integer);
        CHECK(parsed.reply.string().empty());
    }
    SECTION("bulk string") {
        const Parsed parsed = parse("$5\r\nhello\r\n");
        REQUIRE(parsed.status == Status::complete);
        CHECK(parsed.reply.kind == Kind::bulk);
        CHECK(parsed.reply.string() == "hello");
    }
    SECTION("empty bulk string is not nil") {
        const Parsed parsed = parse("$0\r\n\r\n");
        REQUIRE(parsed.status == Status::complete);
        CHECK(parsed.reply.kind == Kind::bulk);
        CHECK(parsed.reply.text.empty());
    }
    SECTION("bulk string holding CRLF and NUL") {
        const Parsed parsed = parse("$6\r\na\r\n\0\rb\r\n"s);
        REQUIRE(parsed.status == Status::complete);
        CHECK(parsed.reply.text == "a\r\n\0\rb"s);
    }
    SECTION("array of mixed kinds") {
        const Parsed parsed = parse("*5\r\n:1\r\n$-1\r\n+x\r\n-ERR e\r\n$2\r\nab\r\n");
        REQUIRE(parsed.status == Status::complete);
        REQUIRE(parsed.reply.is_array());
        CHECK(describe(parsed.reply) == R"([:1, nil, +x, -ERR e, "ab"])");
    }
    SECTION("empty array") {
        const Parsed parsed = parse("*0\r\n");
        REQUIRE(parsed.status == Status::complete);
        CHECK(parsed.reply.is_array());
        CHECK(parsed.reply.elements.empty());
    }
}

TEST_CASE("resp parses nil bulk and nil array as nil", "[resp]") {
    const Parsed bulk = parse("$-1\r\n");
    REQUIRE(bulk.status == Status::complete);
    CHECK(bulk.reply.is_nil());
    CHECK(bulk.reply.text.empty());
    CHECK(bulk.buffered == 0);
    const Parsed array = parse("*-1\r\n");
    REQUIRE(array.status == Status::complete);
    CHECK(array.reply.is_nil());
    CHECK(array.reply.elements.empty());
    CHECK(array.buffered == 0);
}

TEST_CASE("resp parses a nested XREADGROUP reply", "[resp]") {
    const Parsed parsed = parse(kXreadgroup);
    REQUIRE(parsed.status == Status::complete);
    CHECK(parsed.buffered == 0);
    CHECK(describe(parsed.reply) == kXreadgroupDescribed);
    const Reply& stream = parsed.reply.elements.at(0);
    CHECK(stream.elements.at(0).string() == "posts");
    const Reply& entries = stream.elements.at(1);
    REQUIRE(entries.elements.size() == 2);
    CHECK(entries.elements[1].elements.at(0).string() == "1714572000001-0");
    const Reply& fields = entries.elements[1].elements.at(1);
    REQUIRE(fields.elements.size() == 4);
    CHECK(fields.elements[1].kind == Kind::bulk);
    CHECK(fields.elements[1].text.empty());
    CHECK(fields.elements[3].string() == "en");
}

TEST_CASE("resp parses an XAUTOCLAIM reply with a nil entry", "[resp]") {
    const Parsed parsed = parse(
        "*3\r\n$3\r\n0-0\r\n*2\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*-1\r\n"
        "*1\r\n$3\r\n2-0\r\n");
    REQUIRE(parsed.status == Status::complete);
    CHECK(describe(parsed.reply) == R"(["0-0", [["1-0", ["f", "v"]], nil], ["2-0"]])");
}

TEST_CASE("resp gives the same reply when fed one byte at a time", "[resp]") {
    const std::string reply_bytes =
        GENERATE(as<std::string>{}, kXreadgroup, "+OK\r\n", "$5\r\nhel\rn\r\n", ":-12345\r\n",
                 "*-1\r\n", "*2\r\n*0\r\n$0\r\n\r\n", "-ERR x\r\n");
    const Parsed whole = parse(reply_bytes);
    REQUIRE(whole.status == Status::complete);
    ReplyParser parser;
    Reply reply;
    for (std::size_t i = 0; i + 1 < reply_bytes.size(); ++i) {
        parser.feed(reply_bytes.substr(i, 1));
        REQUIRE(parser.next(reply) == Status::incomplete);
        REQUIRE(parser.buffered() == i + 1);
    }
    parser.feed(reply_bytes.substr(reply_bytes.size() - 1));
    REQUIRE(parser.next(reply) == Status::complete);
    CHECK(describe(reply) == describe(whole.reply));
    CHECK(reply.kind == whole.reply.kind);
    CHECK(parser.buffered() == 0);
    CHECK(parser.next(reply) == Status::incomplete);
}

TEST_CASE("resp takes two replies out of one feed", "[resp]") {
    ReplyParser parser;
    parser.feed("+OK\r\n*2\r\n:1\r\n:2\r\n$3\r\nab");
    Reply reply;
    REQUIRE(parser.next(reply) == Status::complete);
    CHECK(describe(reply) == "+OK");
    CHECK(parser.buffered() == 18);
    REQUIRE(parser.next(reply) == Status::complete);
    CHECK(describe(reply) == "[:1, :2]");
    CHECK(parser.buffered() == 6);
    CHECK(parser.next(reply) == Status::incomplete);
    CHECK(parser.buffered() == 6);
    parser.feed("c\r\n");
    REQUIRE(parser.next(reply) == Status::complete);
    CHECK(describe(reply) == R"("abc")");
    CHECK(reply.elements.empty());
    CHECK(parser.buffered() == 0);
}

TEST_CASE("resp consumes nothing of an incomplete reply", "[resp]") {
    for (std::size_t length = 0; length < kXreadgroup.size(); ++length) {
        INFO("prefix of " << length << " bytes");
        ReplyParser parser;
        parser.feed(std::string_view(kXreadgroup).substr(0, length));
        Reply reply;
        REQUIRE(parser.next(reply) == Status::incomplete);
        REQUIRE(parser.buffered() == length);
        REQUIRE(parser.next(reply) == Status::incomplete);
        REQUIRE(parser.buffered() == length);
        REQUIRE(parser.error().empty());
        parser.feed(std::string_view(kXreadgroup).substr(length));
        REQUIRE(parser.next(reply) == Status::complete);
        REQUIRE(describe(reply) == kXreadgroupDescribed);
        REQUIRE(parser.buffered() == 0);
    }
}

TEST_CASE("resp keeps a stream of many replies framed while compacting", "[resp]") {
    ReplyParser parser;
    std::string stream;
    for (int i = 0; i < 500; ++i) stream += ":" + std::to_string(i) + "\r\n$2\r\nab\r\n";
    std::vector<std::int64_t> integers;
    int bulks = 0;
    Reply reply;
    // Odd-sized pieces, so that replies straddle feeds.
    for (std::size_t pos = 0; pos < stream.size(); pos += 7) {
        parser.feed(std::string_view(stream).substr(pos, 7));
        while (parser.next(reply) == Status::complete) {
            if (reply.kind == Kind::integer) integers.push_back(reply.integer);
            if (reply.kind == Kind::bulk && reply.text == "ab") ++bulks;
        }
        REQUIRE(parser.error().empty());
        REQUIRE(parser.buffered() < 16);
    }
    REQUIRE(integers.size() == 500);
    CHECK(integers.front() == 0);
    CHECK(integers[321] == 321);
    CHECK(integers.back() == 499);
    CHECK(bulks == 500);
    CHECK(parser.buffered() == 0);
}

TEST_CASE("resp rejects malformed framing", "[resp]") {
    SECTION("LF without CR") {
        CHECK(require_malformed("+OK\n") == "LF without CR at offset 3");
        require_malformed(":1\n");
        require_malformed("$3\nabc\r\n");
    }
    SECTION("CR without LF") {
        CHECK(require_malformed("+OK\rX") == "CR without LF at offset 3");
        require_malformed("*1\r:1\r\n");
    }
    SECTION("unknown and RESP3 type bytes") {
        CHECK(require_malformed("%1\r\n+a\r\n+b\r\n") == "unexpected byte 0x25 at offset 0");
        CHECK(require_malformed("_\r\n") == "unexpected byte 0x5f at offset 0");
        CHECK(require_malformed("#t\r\n") == "unexpected byte 0x23 at offset 0");
        for (const char* input : {",1.5\r\n", "(123\r\n", "!3\r\nerr\r\n", "=3\r\ntxt\r\n",
                                  "~0\r\n", ">0\r\n", "|0\r\n", "OK\r\n", " +OK\r\n"}) {
            INFO(input);
            require_malformed(input);
        }
        CHECK(require_malformed("\0"s) == "unexpected byte 0x00 at offset 0");
        CHECK(require_malformed("\xff"s) == "unexpected byte 0xff at offset 0");
    }
    SECTION("offsets count from the start of the stream") {
        ReplyParser parser;
        Reply reply;
        for (int i = 0; i < 100; ++i) {
            parser.feed("+OK\r\n");
            REQUIRE(parser.next(reply) == Status::complete);
        }
        parser.feed("*2\r\n:1\r\n%");
        CHECK(parser.next(reply) == Status::malformed);
        CHECK(parser.error() == "unexpected byte 0x25 at offset 508");
    }
    SECTION("bad integers") {
        for (const char* input : {":\r\n", ":abc\r\n", ":+5\r\n", ":-\r\n", ":12a\r\n", ": 5\r\n",
                                  ":5 \r\n", ":--5\r\n", ":0x10\r\n", ":1.0\r\n"}) {
            INFO(input);
            CHECK(require_malformed(input) == "invalid integer at offset 0");
        }
    }
    SECTION("bad bulk lengths") {
        CHECK(require_malformed("$-2\r\n") == "negative bulk length -2 at offset 0");
        for (const char* input : {"$\r\n", "$abc\r\n", "$+3\r\nabc\r\n", "$-\r\n", "$3x\r\n"}) {
            INFO(input);
            CHECK(require_malformed(input) == "invalid bulk length at offset 0");
        }
    }
    SECTION("bulk data not followed by exactly CRLF") {
        CHECK(require_malformed("$3\r\nabcde\r\n") ==
              "bulk string not followed by CRLF at offset 7");
        require_malformed("$3\r\nabc\n\r");
        require_malformed("$3\r\nabc\rX");
        require_malformed("$0\r\nX\r\n");
        require_malformed("$3\r\nab\r\n");
    }
    SECTION("a bad terminator is seen before the rest arrives") {
        require_malformed("$3\r\nabcd");
        require_malformed("$100\r\n" + std::string(100, 'x') + "x");
    }
    SECTION("bad array counts") {
        CHECK(require_malformed("*-2\r\n") == "negative array count -2 at offset 0");
        require_malformed("*\r\n");
        require_malformed("*x\r\n");
        require_malformed("*+1\r\n:1\r\n");
    }
    SECTION("malformed element inside an array") {
        CHECK(require_malformed("*3\r\n:1\r\n*1\r\n:x\r\n") == "invalid integer at offset 12");
        require_malformed("*2\r\n$1\r\na\r\n%0\r\n");
    }
}

TEST_CASE("resp stays malformed even when the rest would frame again", "[resp]") {
    ReplyParser parser;
    Reply reply;
    parser.feed("+OK\r\n:1\n+next\r\n");
    REQUIRE(parser.next(reply) == Status::complete);
    CHECK(describe(reply) == "+OK");
    REQUIRE(parser.next(reply) == Status::malformed);
    CHECK(parser.error() == "LF without CR at offset 7");
    const std::size_t buffered = parser.buffered();
    parser.feed("+more\r\n");
    CHECK(parser.next(reply) == Status::malformed);
    CHECK(parser.buffered() == buffered);
    CHECK(parser.error() == "LF without CR at offset 7");
}

TEST_CASE("resp limits the size of a bulk string", "[resp]") {
    ReplyLimits limits;
    limits.max_bulk = 10;
    const Parsed at_limit = parse("$10\r\n0123456789\r\n", limits);
    REQUIRE(at_limit.status == Status::complete);
    CHECK(at_limit.reply.text == "0123456789");
    // Refused from the header alone, before any of the data arrives.
    CHECK(require_malformed("$11\r\n", limits) == "bulk length 11 over the limit of 10");
    CHECK(require_malformed("$99999999999\r\n") ==
          "bulk length 99999999999 over the limit of 67108864");
    require_malformed("$9223372036854775807\r\n");
    CHECK(require_malformed("$9223372036854775808\r\n") == "invalid bulk length at offset 0");
}

TEST_CASE("resp limits the elements of one reply before allocating", "[resp]") {
    SECTION("a huge declared count fails at once") {
        CHECK(require_malformed("*2000000000\r\n") ==
              "array of 2000000000 elements over the limit of 1048576 per reply");
        require_malformed("*9223372036854775807\r\n");
        require_malformed("*1\r\n*1048576\r\n");
    }
    SECTION("a count within the limit waits for its elements") {
        const Parsed parsed = parse("*1048576\r\n:1\r\n");
        CHECK(parsed.status == Status::incomplete);
        CHECK(parsed.error.empty());
        CHECK(parsed.buffered == 14);
    }
    SECTION("elements of nested arrays count together") {
        ReplyLimits limits;
        limits.max_elements = 4;
        const std::string four = "*2\r\n*2\r\n:1\r\n:2\r\n:3\r\n";
        const Parsed parsed = parse(four, limits);
        REQUIRE(parsed.status == Status::complete);
        CHECK(describe(parsed.reply) == "[[:1, :2], :3]");
        CHECK(require_malformed("*2\r\n*2\r\n:1\r\n:2\r\n*1\r\n:3\r\n", limits) ==
              "array of 1 elements over the limit of 4 per reply");
        // The count starts again with each reply.
        ReplyParser parser(limits);
        parser.feed(four + four + four);
        Reply reply;
        for (int i = 0; i < 3; ++i) {
            REQUIRE(parser.next(reply) == Status::complete);
            CHECK(describe(reply) == "[[:1, :2], :3]");
        }
    }
}

TEST_CASE("resp limits the nesting of arrays", "[resp]") {
    ReplyLimits limits;
    limits.max_depth = 3;
    const Parsed deepest = parse("*1\r\n*1\r\n*2\r\n:1\r\n*-1\r\n", limits);
    REQUIRE(deepest.status == Status::complete);
    CHECK(describe(deepest.reply) == "[[[:1, nil]]]");
    CHECK(require_malformed("*1\r\n*1\r\n*1\r\n*1\r\n", limits) == "arrays nested deeper than 3");
    require_malformed("*1\r\n*1\r\n*1\r\n*0\r\n", limits);

    std::string sixteen;
    for (int i = 0; i < 16; ++i) sixteen += "*1\r\n";
    const Parsed at_default = parse(sixteen + ":5\r\n");
    REQUIRE(at_default.status == Status::complete);
    const Reply* inner = &at_default.reply;
    for (int i = 0; i < 16; ++i) {
        REQUIRE(inner->elements.size() == 1);
        inner = &inner->elements[0];
    }
    CHECK(inner->integer == 5);
    CHECK(require_malformed(sixteen + "*1\r\n") == "arrays nested deeper than 16");
    CHECK(require_malformed(std::string(100000, '*')) == "line over 65536 bytes at offset 1");
}

TEST_CASE("resp limits the length of a line, even before its CRLF", "[resp]") {
    ReplyLimits limits;
    limits.max_line = 8;
    const Parsed at_limit = parse("+12345678\r\n", limits);
    REQUIRE(at_limit.status == Status::complete);
    CHECK(at_limit.reply.text == "12345678");
    CHECK(parse("+12345678", limits).status == Status::incomplete);
    CHECK(parse("+12345678\r", limits).status == Status::incomplete);
    CHECK(require_malformed("+123456789", limits) == "line over 8 bytes at offset 1");
    require_malformed("-123456789\r\n", limits);
    require_malformed(":123456789", limits);
    require_malformed("*1\r\n$123456789", limits);
    CHECK(require_malformed("+" + std::string(70000, 'x')) == "line over 65536 bytes at offset 1");
}

TEST_CASE("resp parses the extremes of 64-bit integers and rejects overflow", "[resp]") {
    CHECK(parse(":9223372036854775807\r\n").reply.integer ==
          std::numeric_limits<std::int64_t>::max());
    CHECK(parse(":-9223372036854775808\r\n").reply.integer ==
          std::numeric_limits<std::int64_t>::min());
    CHECK(require_malformed(":9223372036854775808\r\n") == "invalid integer at offset 0");
    CHECK(require_malformed(":-9223372036854775809\r\n") == "invalid integer at offset 0");
    CHECK(require_malformed(":99999999999999999999999\r\n") == "invalid integer at offset 0");
}

TEST_CASE("resp reuses the reply it is given without leftovers", "[resp]") {
    ReplyParser parser;
    parser.feed(kXreadgroup + ":3\r\n$-1\r\n");
    Reply reply;
    REQUIRE(parser.next(reply) == Status::complete);
    REQUIRE(reply.is_array());
    REQUIRE(parser.next(reply) == Status::complete);
    CHECK(reply.kind == Kind::integer);
    CHECK(reply.elements.empty());
    CHECK(reply.integer == 3);
    REQUIRE(parser.next(reply) == Status::complete);
    CHECK(reply.is_nil());
    CHECK(reply.integer == 0);
}
