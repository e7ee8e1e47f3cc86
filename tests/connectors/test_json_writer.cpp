#include <catch2/catch.hpp>

#include "connectors/json_writer.hpp"

using spreekbuis::connectors::JsonWriter;

TEST_CASE("json writer nests objects and arrays with commas", "[json]") {
    JsonWriter json;
    json.begin_object();
    json.key("a").value(std::int64_t{1});
    json.key("b").begin_array().value("x").value(true).null().end_array();
    json.key("c").begin_object().key("d").value(0.25).end_object();
    json.key("e").value(std::optional<std::string>{});
    json.end_object();
    CHECK(json.str() == R"({"a":1,"b":["x",true,null],"c":{"d":0.25},"e":null})");
}

TEST_CASE("json strings escape quotes, control characters and broken UTF-8", "[json]") {
    JsonWriter json;
    json.value(std::string_view("q\"b\\n\n\x01 \xC3\xA9 \xC3"));
    CHECK(json.str() == "\"q\\\"b\\\\n\\n\\u0001 \xC3\xA9 \xEF\xBF\xBD\"");
}

TEST_CASE("json numbers are trimmed and never NaN", "[json]") {
    JsonWriter json;
    json.begin_array().value(-0.5).value(1.0).value(-0.0).value(0.0 / 0.0).end_array();
    CHECK(json.str() == "[-0.5,1.0,0.0,null]");
}
