#pragma once
// A one-bit-per-key filter in front of a hash table: most words of a post are no key, and a
// small bitmap (16+ bits per key, so it stays in cache) answers that without touching the
// table's slots. Callers pass a mixed hash; equal keys must give equal values.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace spreekbuis::rules {

class KeyFilter {
  public:
    // Empties the filter and sizes it for `keys` keys.
    void reset(std::size_t keys) {
        // As small as the keys allow: the filters of a post's lookups share the L1 cache with
        // everything else the post touches, and a small pack's filter fits in a few lines.
        std::size_t bits = std::size_t{1} << 10;
        while (bits < keys * 16) bits *= 2;
        words_.assign(bits / 64, 0);
        mask_ = bits - 1;
    }
    void add(std::uint64_t mixed) {
        const std::uint64_t bit = mixed & mask_;
        words_[bit >> 6] |= std::uint64_t{1} << (bit & 63);
    }
    // False: no key has this hash. True: some key may.
    bool may_contain(std::uint64_t mixed) const {
        const std::uint64_t bit = mixed & mask_;
        return (words_[bit >> 6] >> (bit & 63) & 1) != 0;
    }

  private:
    std::vector<std::uint64_t> words_;
    std::uint64_t mask_ = 0;
};

}  // namespace spreekbuis::rules
