#pragma once
// Hashing, HMAC and base64 for sink signatures and action tokens (OpenSSL). Pure; any thread.
#include <optional>
#include <string>
#include <string_view>

namespace spreekbuis::connectors::sinks {

std::string hmac_sha256(std::string_view key, std::string_view message);  // 32 raw bytes
std::string sha256(std::string_view data);                                // 32 raw bytes
std::string to_hex(std::string_view bytes);
std::string base64_encode(std::string_view bytes);
std::string base64url_encode(std::string_view bytes);             // RFC 4648 §5, no padding
std::optional<std::string> base64_decode(std::string_view text);  // standard alphabet, padded
bool constant_time_equal(std::string_view a, std::string_view b);

// Standard Webhooks: "v1,<base64 HMAC-SHA256(key, id.timestamp.body)>", key = base64-decoded
// bytes after "whsec_". nullopt when the secret is not a valid whsec_ secret.
std::optional<std::string> standard_webhook_signature(std::string_view secret,
                                                      std::string_view message_id,
                                                      std::string_view timestamp,
                                                      std::string_view body);

}  // namespace spreekbuis::connectors::sinks
