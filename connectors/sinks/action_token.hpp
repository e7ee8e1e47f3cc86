#pragma once
// Signed, expiring action links in alerts ("acknowledge", "resolve", "reassign"). The token is
// "<expiry unix s>.<base64url HMAC-SHA256(secret, case_id|action|expiry)>". Pure; any thread.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace spreekbuis::connectors::sinks {

enum class CaseAction { ack, resolve, reassign };
std::string_view to_string(CaseAction action);
std::optional<CaseAction> parse_case_action(std::string_view text);

enum class TokenCheck { ok, malformed, expired, bad_signature };
std::string_view to_string(TokenCheck check);

std::string make_action_token(std::string_view secret, std::string_view case_id, CaseAction action,
                              std::int64_t expiry_unix_s);
TokenCheck verify_action_token(std::string_view secret, std::string_view case_id, CaseAction action,
                               std::string_view token, std::int64_t now_unix_s);
// <base_url>/cases/<url-encoded case id>/<action>?token=<token>
std::string action_url(std::string_view base_url, std::string_view case_id, CaseAction action,
                       std::string_view token);

}  // namespace spreekbuis::connectors::sinks
