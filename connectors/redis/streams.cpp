#include "connectors/redis/streams.hpp"

#include <charconv>

namespace spreekbuis::connectors::redis {

namespace {

bool parse_u64(std::string_view text, std::uint64_t& out) {
    if (text.empty() || text.size() > 20) return false;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && end == text.data() + text.size();
}

// Both bulk and simple strings: servers answer ids as bulk strings, but a proxy may not.
bool is_string(const Reply& reply) {
    return reply.kind == Reply::Kind::bulk || reply.kind == Reply::Kind::simple;
}

std::string decode_entry(const Reply& item, StreamEntry& entry) {
    if (!item.is_array() || item.elements.size() != 2 || !is_string(item.elements[0])) {
        return "an entry is not [id, fields]";
    }
    entry.id_text = item.elements[0].text;
    const auto id = parse_stream_id(entry.id_text);
    if (!id) return "bad entry id";
    entry.id = *id;
    const Reply& fields = item.elements[1];
    if (fields.is_nil()) {
        entry.deleted = true;
        return {};
    }
    if (!fields.is_array() || fields.elements.size() % 2 != 0) {
        return "entry " + entry.id_text + ": fields are not name/value pairs";
    }
    for (std::size_t i = 0; i < fields.elements.size(); i += 2) {
        if (!is_string(fields.elements[i]) || !is_string(fields.elements[i + 1])) {
            return "entry " + entry.id_text + ": a field is not a string";
        }
        entry.fields.emplace_back(fields.elements[i].text, fields.elements[i + 1].text);
    }
    return {};
}

}  // namespace

std::optional<StreamId> parse_stream_id(std::string_view text) {
    const auto dash = text.find('-');
    if (dash == std::string_view::npos) return std::nullopt;
    StreamId id;
    if (!parse_u64(text.substr(0, dash), id.ms) || !parse_u64(text.substr(dash + 1), id.seq)) {
        return std::nullopt;
    }
    return id;
}

std::string format_stream_id(StreamId id) {
    return std::to_string(id.ms) + "-" + std::to_string(id.seq);
}

const std::string* StreamEntry::field(std::string_view name) const {
    for (const auto& [key, value] : fields) {
        if (key == name) return &value;
    }
    return nullptr;
}

std::string decode_stream_read(const Reply& reply, std::vector<StreamEntry>& entries) {
    if (reply.is_nil()) return {};
    if (!reply.is_array()) return "not an array of streams";
    for (const Reply& stream : reply.elements) {
        if (!stream.is_array() || stream.elements.size() != 2 || !is_string(stream.elements[0]) ||
            !stream.elements[1].is_array()) {
            return "a stream is not [name, entries]";
        }
        for (const Reply& item : stream.elements[1].elements) {
            StreamEntry entry;
            if (auto error = decode_entry(item, entry); !error.empty()) return error;
            entries.push_back(std::move(entry));
        }
    }
    return {};
}

std::string decode_pending(const Reply& reply, std::vector<PendingEntry>& entries) {
    if (!reply.is_array()) return "XPENDING did not answer an array";
    for (const Reply& row : reply.elements) {
        if (!row.is_array() || row.elements.size() != 4 || !is_string(row.elements[0]) ||
            !is_string(row.elements[1]) || row.elements[2].kind != Reply::Kind::integer ||
            row.elements[3].kind != Reply::Kind::integer) {
            return "an XPENDING row is not [id, consumer, idle, deliveries]";
        }
        PendingEntry entry;
        entry.id_text = row.elements[0].text;
        const auto id = parse_stream_id(entry.id_text);
        if (!id) return "bad pending entry id";
        entry.id = *id;
        entry.consumer = row.elements[1].text;
        entry.idle_ms = row.elements[2].integer;
        entry.deliveries = row.elements[3].integer;
        entries.push_back(std::move(entry));
    }
    return {};
}

const char* const kReclaimScript = R"lua(
local claimed = redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4])
if #claimed == 0 then
  return 'gone'
end
if not claimed[1][2] then
  redis.call('XACK', KEYS[1], ARGV[1], ARGV[4])
  return 'gone'
end
local fields = claimed[1][2]
local reclaims = 0
local copy = {}
for i = 1, #fields, 2 do
  if fields[i] == 'spreekbuis-reclaims' then
    reclaims = tonumber(fields[i + 1]) or 0
  else
    copy[#copy + 1] = fields[i]
    copy[#copy + 1] = fields[i + 1]
  end
end
reclaims = reclaims + 1
copy[#copy + 1] = 'spreekbuis-reclaims'
copy[#copy + 1] = tostring(reclaims)
local answer = 'requeued'
local target = KEYS[1]
if reclaims > tonumber(ARGV[5]) then
  answer = 'dead'
  target = KEYS[2]
  copy[#copy + 1] = 'spreekbuis-original-id'
  copy[#copy + 1] = ARGV[4]
end
redis.call('XADD', target, '*', unpack(copy))
redis.call('XACK', KEYS[1], ARGV[1], ARGV[4])
return answer
)lua";

}  // namespace spreekbuis::connectors::redis
