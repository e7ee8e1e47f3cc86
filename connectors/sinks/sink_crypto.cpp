#include "connectors/sinks/sink_crypto.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

namespace spreekbuis::connectors::sinks {

std::string hmac_sha256(std::string_view key, std::string_view message) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    static const unsigned char kEmpty = 0;
    const void* key_data = key.empty() ? static_cast<const void*>(&kEmpty) : key.data();
    const auto* message_data =
        message.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(message.data());
    HMAC(EVP_sha256(), key_data, static_cast<int>(key.size()), message_data, message.size(), digest,
         &length);
    return std::string(reinterpret_cast<const char*>(digest), length);
}

std::string sha256(std::string_view data) {
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
    return std::string(reinterpret_cast<const char*>(digest), SHA256_DIGEST_LENGTH);
}

std::string to_hex(std::string_view bytes) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (const char ch : bytes) {
        const auto b = static_cast<unsigned char>(ch);
        out.push_back(kHex[b >> 4]);
        out.push_back(kHex[b & 0xF]);
    }
    return out;
}

namespace {
constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string encode(std::string_view bytes, bool url) {
    std::string out;
    std::size_t i = 0;
    auto sym = [&](std::uint32_t index) {
        char c = kAlphabet[index & 63u];
        if (url && c == '+') c = '-';
        if (url && c == '/') c = '_';
        out.push_back(c);
    };
    auto at = [&](std::size_t k) {
        return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[k]));
    };
    for (; i + 3 <= bytes.size(); i += 3) {
        const std::uint32_t v = (at(i) << 16) | (at(i + 1) << 8) | at(i + 2);
        sym(v >> 18);
        sym(v >> 12);
        sym(v >> 6);
        sym(v);
    }
    const std::size_t rest = bytes.size() - i;
    if (rest == 1) {
        const std::uint32_t v = at(i) << 16;
        sym(v >> 18);
        sym(v >> 12);
        if (!url) out += "==";
    } else if (rest == 2) {
        const std::uint32_t v = (at(i) << 16) | (at(i + 1) << 8);
        sym(v >> 18);
        sym(v >> 12);
        sym(v >> 6);
        if (!url) out += "=";
    }
    return out;
}
}  // namespace

std::string base64_encode(std::string_view bytes) { return encode(bytes, false); }
std::string base64url_encode(std::string_view bytes) { return encode(bytes, true); }

std::optional<std::string> base64_decode(std::string_view text) {
    if (text.size() % 4 != 0) return std::nullopt;
    std::string out;
    std::uint32_t buffer = 0;
    int bits = 0;
    std::size_t padding = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '=') {
            if (i + 2 < text.size()) return std::nullopt;
            ++padding;
            continue;
        }
        if (padding > 0) return std::nullopt;
        const std::size_t index = kAlphabet.find(c);
        if (index == std::string_view::npos) return std::nullopt;
        buffer = (buffer << 6) | static_cast<std::uint32_t>(index);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((buffer >> bits) & 0xFFu));
        }
    }
    if (padding > 2) return std::nullopt;
    return out;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    if (a.empty()) return true;
    return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::optional<std::string> standard_webhook_signature(std::string_view secret,
                                                      std::string_view message_id,
                                                      std::string_view timestamp,
                                                      std::string_view body) {
    constexpr std::string_view kPrefix = "whsec_";
    if (secret.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
    const auto key = base64_decode(secret.substr(kPrefix.size()));
    if (!key || key->empty()) return std::nullopt;
    std::string message;
    message.reserve(message_id.size() + timestamp.size() + body.size() + 2);
    message.append(message_id).append(".").append(timestamp).append(".").append(body);
    return "v1," + base64_encode(hmac_sha256(*key, message));
}

}  // namespace spreekbuis::connectors::sinks
