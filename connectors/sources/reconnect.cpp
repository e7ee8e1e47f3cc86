#include "connectors/sources/reconnect.hpp"

#include <algorithm>

namespace spreekbuis::connectors::sources {

std::chrono::milliseconds ReconnectBackoff::next(std::uint64_t random) {
    const auto ceiling = static_cast<std::uint64_t>(std::max<std::int64_t>(ceiling_.count(), 1));
    const auto floor = std::max<std::int64_t>(initial_.count() / 10, 1);
    const auto wait =
        std::max<std::int64_t>(static_cast<std::int64_t>(random % (ceiling + 1)), floor);
    ceiling_ = std::min(cap_, ceiling_ * 2);
    return std::chrono::milliseconds(wait);
}

}  // namespace spreekbuis::connectors::sources
