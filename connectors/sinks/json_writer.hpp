#pragma once
// A minimal compact JSON writer with keys in the order written. Owns its output buffer; one
// thread at a time. The caller is responsible for balanced begin/end calls.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace spreekbuis::connectors::sinks {

// Appends `text` as a JSON string literal (with quotes). Invalid UTF-8 becomes U+FFFD.
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
    JsonWriter& value(std::int64_t number);
    JsonWriter& value(double number);
    JsonWriter& value(bool flag);
    JsonWriter& null();
    JsonWriter& raw(std::string_view json);  // an already-encoded JSON value

    template <typename T>
    JsonWriter& field(std::string_view name, const T& v) {
        key(name);
        return value(v);
    }

    const std::string& str() const { return out_; }
    std::string take() { return std::move(out_); }

  private:
    void before_value();

    std::string out_;
    std::vector<bool> first_;  // per open container: no element written yet
    bool after_key_ = false;
};

}  // namespace spreekbuis::connectors::sinks
