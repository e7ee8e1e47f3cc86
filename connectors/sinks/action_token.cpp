#include "connectors/sinks/action_token.hpp"

#include <charconv>

#include "connectors/sinks/sink_crypto.hpp"
#include "connectors/sinks/text.hpp"

namespace spreekbuis::connectors::sinks {

std::string_view to_string(CaseAction action) {
    switch (action) {
        case CaseAction::ack:
            return "ack";
        case CaseAction::resolve:
            return "resolve";
        case CaseAction::reassign:
            return "reassign";
    }
    return "ack";
}

std::optional<CaseAction> parse_case_action(std::string_view text) {
    if (text == "ack") return CaseAction::ack;
    if (text == "resolve") return CaseAction::resolve;
    if (text == "reassign") return CaseAction::reassign;
    return std::nullopt;
}

std::string_view to_string(TokenCheck check) {
    switch (check) {
        case TokenCheck::ok:
            return "ok";
        case TokenCheck::malformed:
            return "malformed token";
        case TokenCheck::expired:
            return "expired token";
        case TokenCheck::bad_signature:
            return "bad signature";
    }
    return "malformed token";
}

namespace {
std::string signature(std::string_view secret, std::string_view case_id, CaseAction action,
                      std::int64_t expiry) {
    std::string message;
    message.append(case_id).append("|").append(to_string(action)).append("|");
    message += std::to_string(expiry);
    return base64url_encode(hmac_sha256(secret, message));
}
}  // namespace

std::string make_action_token(std::string_view secret, std::string_view case_id, CaseAction action,
                              std::int64_t expiry_unix_s) {
    return std::to_string(expiry_unix_s) + "." + signature(secret, case_id, action, expiry_unix_s);
}

TokenCheck verify_action_token(std::string_view secret, std::string_view case_id, CaseAction action,
                               std::string_view token, std::int64_t now_unix_s) {
    const std::size_t dot = token.find('.');
    if (dot == std::string_view::npos || dot == 0 || dot > 19) return TokenCheck::malformed;
    std::int64_t expiry = 0;
    const auto digits = token.substr(0, dot);
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), expiry);
    if (error != std::errc() || end != digits.data() + digits.size() || expiry < 0) {
        return TokenCheck::malformed;
    }
    const std::string expected = signature(secret, case_id, action, expiry);
    if (!constant_time_equal(expected, token.substr(dot + 1))) return TokenCheck::bad_signature;
    if (now_unix_s > expiry) return TokenCheck::expired;
    return TokenCheck::ok;
}

std::string action_url(std::string_view base_url, std::string_view case_id, CaseAction action,
                       std::string_view token) {
    std::string url(base_url);
    while (!url.empty() && url.back() == '/') url.pop_back();
    url += "/cases/";
    url += url_encode(case_id);
    url += "/";
    url += to_string(action);
    url += "?token=";
    url += url_encode(token);
    return url;
}

}  // namespace spreekbuis::connectors::sinks
