#pragma once
// A small streaming JSON writer for the records and request bodies we emit. Not thread-safe;
// one writer per message.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spreekbuis::connectors {

// Appends `text` as a JSON string literal (with quotes). Control characters are escaped and
// invalid UTF-8 bytes become U+FFFD, so the output is always valid JSON.
void append_json_string(std::string& out, std::string_view text);

class JsonWriter {
  public:
    JsonWriter& begin_object();
    JsonWriter& end_object();
    JsonWriter& begin_array();
    JsonWriter& end_array();
    JsonWriter& key(std::string_view name);
    JsonWriter& value(std::string_view text);
    JsonWriter& value(const char* text) { return value(std::string_view(text)); }
    JsonWriter& value(const std::string& text) { return value(std::string_view(text)); }
    JsonWriter& value(bool flag);
    JsonWriter& value(std::int64_t number);
    JsonWriter& value(double number, int decimals = 4);
    JsonWriter& null();
    JsonWriter& value(const std::optional<std::string>& text);
    JsonWriter& raw(std::string_view json);  // an already-encoded JSON value
    JsonWriter& string_array(const std::vector<std::string>& items);
    template <typename T>
    JsonWriter& field(std::string_view name, const T& item) {
        key(name);
        return value(item);
    }

    const std::string& str() const { return out_; }
    std::string take() { return std::move(out_); }

  private:
    void separate();
    std::string out_;
    std::vector<bool> first_in_scope_;
    bool after_key_ = false;
};

}  // namespace spreekbuis::connectors
