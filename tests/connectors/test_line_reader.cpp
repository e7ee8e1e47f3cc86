#include <catch2/catch.hpp>
#include <cstdio>
#include <string>

#include "connectors/line_reader.hpp"

using spreekbuis::connectors::LineReader;

namespace {
std::FILE* memory_file(const std::string& content) {
    std::FILE* file = std::tmpfile();
    std::fwrite(content.data(), 1, content.size(), file);
    std::rewind(file);
    return file;
}
}  // namespace

TEST_CASE("line reader splits lines, strips CR and counts line numbers", "[lines]") {
    std::FILE* file = memory_file("one\r\ntwo\n\nlast-without-newline");
    LineReader reader(file, 100);
    std::string line;
    REQUIRE(reader.next(line) == LineReader::Status::line);
    CHECK(line == "one");
    REQUIRE(reader.next(line) == LineReader::Status::line);
    CHECK(line == "two");
    CHECK(reader.line_number() == 2);
    REQUIRE(reader.next(line) == LineReader::Status::line);
    CHECK(line.empty());
    REQUIRE(reader.next(line) == LineReader::Status::line);
    CHECK(line == "last-without-newline");
    CHECK(reader.line_number() == 4);
    CHECK(reader.next(line) == LineReader::Status::end);
    std::fclose(file);
}

TEST_CASE("line reader skips an overlong line and goes on with the next", "[lines]") {
    const std::string big(200000, 'x');
    std::FILE* file = memory_file("short\n" + big + "\nafter\n");
    LineReader reader(file, 1000);
    std::string line;
    REQUIRE(reader.next(line) == LineReader::Status::line);
    REQUIRE(reader.next(line) == LineReader::Status::too_long);
    CHECK(reader.line_number() == 2);
    REQUIRE(reader.next(line) == LineReader::Status::line);
    CHECK(line == "after");
    CHECK(reader.line_number() == 3);
    CHECK(reader.next(line) == LineReader::Status::end);
    CHECK(reader.bytes_read() == 6 + big.size() + 1 + 6);
    std::fclose(file);
}

TEST_CASE("line reader handles lines longer than its buffer", "[lines]") {
    const std::string big(300000, 'y');
    std::FILE* file = memory_file(big + "\n");
    LineReader reader(file, 1 << 20);
    std::string line;
    REQUIRE(reader.next(line) == LineReader::Status::line);
    CHECK(line == big);
    CHECK(reader.next(line) == LineReader::Status::end);
    std::fclose(file);
}
