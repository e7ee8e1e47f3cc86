#include "rules/normalize.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstring>

#include "rules/html.hpp"
#include "rules/utf8.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace spreekbuis::rules {

namespace {

using utf8::CharClass;

constexpr std::size_t kMaxInput = std::size_t{64} << 20;  // longer input is truncated

enum Flag : std::uint8_t { kUpper = 1, kElongated = 2, kUrl = 4 };

bool is_ascii_alnum(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool starts_with_nocase(std::string_view text, std::size_t pos, std::string_view prefix) {
    if (text.size() - pos < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        if (ascii_lower(text[pos + i]) != prefix[i]) return false;
    }
    return true;
}

// Length of the URL at plain[pos], or 0.
std::size_t url_length(std::string_view plain, std::size_t pos) {
    std::size_t prefix = 0;
    if (starts_with_nocase(plain, pos, "https://")) {
        prefix = 8;
    } else if (starts_with_nocase(plain, pos, "http://")) {
        prefix = 7;
    } else if (starts_with_nocase(plain, pos, "www.")) {
        prefix = 4;
    } else {
        return 0;
    }
    std::size_t end = pos + prefix;
    while (end < plain.size()) {
        const auto c = static_cast<unsigned char>(plain[end]);
        if (c <= ' ' || c == 0x7F || c == '"' || c == '<' || c == '>') break;
        ++end;
    }
    while (end > pos + prefix) {
        const char c = plain[end - 1];
        if (c != '.' && c != ',' && c != ';' && c != ':' && c != '!' && c != '?' && c != ')' &&
            c != ']' && c != '}' && c != '\'' && c != '"') {
            break;
        }
        --end;
    }
    if (end == pos + prefix) return 0;
    return end - pos;
}

// Builds `folded` and one flag byte per folded byte.
class Folder {
  public:
    // `origins`, when given, receives for each folded byte the offset in `plain` of the
    // character it came from (see folded_origins).
    Folder(NormalizedText& out, std::vector<std::uint8_t>& flags,
           std::vector<std::uint32_t>* origins = nullptr)
        : out_(out), flags_(flags), origins_(origins) {}

    // The next bytes folded come from the character at `pos` of `plain`.
    void from(std::size_t pos) { source_ = static_cast<std::uint32_t>(pos); }

    void space() {
        if (!out_.folded.empty()) pending_space_ = true;
        last_ = 0;
        run_ = 0;
    }

    bool at_boundary() const {
        if (out_.folded.empty() || pending_space_) return true;
        const auto c = static_cast<unsigned char>(out_.folded.back());
        return c < 0x80 && !is_ascii_alnum(c) && c != '@' && c != '#' && c != '/';
    }

    void url(std::string_view text) {
        flush_space();
        const std::uint32_t start = source_;
        for (std::size_t i = 0; i < text.size(); ++i) {
            out_.folded.push_back(ascii_lower(text[i]));
            flags_.push_back(kUrl);
            note(start + static_cast<std::uint32_t>(i));
        }
        last_ = 0;
        run_ = 0;
    }

    // Emits one folded code point, squeezing runs of three or more letters or punctuation.
    void emit(char32_t cp, CharClass cls, bool upper, std::string_view bytes) {
        if (!admit(cp, cls)) return;
        out_.folded.append(bytes);
        flags_.resize(out_.folded.size(), upper ? kUpper : 0);
        note(source_);
    }

    void emit_ascii(char lower, CharClass cls, bool upper) {
        if (!admit(static_cast<unsigned char>(lower), cls)) return;
        out_.folded.push_back(lower);
        flags_.push_back(upper ? kUpper : 0);
        note(source_);
    }

    // After an ASCII letter or digit was emitted (or squeezed): the ASCII letters and digits
    // that follow it, as emit_ascii would fold them (no URL can start inside a word).
    std::size_t ascii_run(std::string_view plain, std::size_t pos) {
        auto& folded = out_.folded;
        while (pos < plain.size()) {
            const auto c = static_cast<unsigned char>(plain[pos]);
            const bool digit = c >= '0' && c <= '9';
            const bool upper = c >= 'A' && c <= 'Z';
            if (!digit && !upper && !(c >= 'a' && c <= 'z')) break;
            const auto lower = static_cast<char>(upper ? c + ('a' - 'A') : c);
            ++pos;
            if (!digit && static_cast<unsigned char>(lower) == last_) {
                if (++run_ > 2) {
                    flags_.back() |= kElongated;
                    squeezed_ = true;
                    continue;
                }
            } else {
                last_ = static_cast<unsigned char>(lower);
                run_ = 1;
            }
            folded.push_back(lower);
            flags_.push_back(upper ? kUpper : 0);
            note(static_cast<std::uint32_t>(pos - 1));
        }
        return pos;
    }

    bool last_is_emoji() const { return !pending_space_ && last_class_emoji_; }
    bool squeezed() const { return squeezed_; }
    void set_last_emoji(bool emoji) { last_class_emoji_ = emoji; }

  private:
    bool admit(char32_t cp, CharClass cls) {
        if (cp == '!') ++out_.exclamations;
        if (cp == '?') ++out_.questions;
        if (cp == last_ && !pending_space_ &&
            (cls == CharClass::letter || cls == CharClass::punct)) {
            if (++run_ > 2) {
                flags_.back() |= kElongated;
                squeezed_ = true;
                return false;
            }
        } else {
            last_ = cp;
            run_ = 1;
        }
        flush_space();
        return true;
    }

    void flush_space() {
        if (pending_space_) {
            out_.folded.push_back(' ');
            flags_.push_back(0);
            note(source_);
            pending_space_ = false;
        }
    }

    void note(std::uint32_t origin) {
        if (origins_) origins_->resize(out_.folded.size(), origin);
    }

    NormalizedText& out_;
    std::vector<std::uint8_t>& flags_;
    std::vector<std::uint32_t>* origins_;
    std::uint32_t source_ = 0;
    bool pending_space_ = false;
    bool last_class_emoji_ = false;
    bool squeezed_ = false;  // some letter or mark was dropped as an elongation
    char32_t last_ = 0;
    int run_ = 0;
};

// Returns whether any elongation was squeezed (no token is elongated otherwise).
bool fold_text(NormalizedText& out, std::vector<std::uint8_t>& flags,
               std::vector<std::uint32_t>* origins = nullptr) {
    const std::string_view plain = out.plain;
    Folder folder(out, flags, origins);
    std::size_t pos = 0;
    while (pos < plain.size()) {
        folder.from(pos);
        const auto c = static_cast<unsigned char>(plain[pos]);
        if (c < 0x80) {
            if ((c == 'h' || c == 'H' || c == 'w' || c == 'W') && folder.at_boundary()) {
                const std::size_t n = url_length(plain, pos);
                if (n > 0) {
                    folder.url(plain.substr(pos, n));
                    folder.set_last_emoji(false);
                    pos += n;
                    continue;
                }
            }
            const CharClass cls = utf8::classify(c);
            if (cls == CharClass::space || cls == CharClass::other) {
                folder.space();
            } else {
                folder.emit_ascii(ascii_lower(static_cast<char>(c)), cls, c >= 'A' && c <= 'Z');
                if (is_ascii_alnum(c)) {
                    folder.set_last_emoji(false);
                    pos = folder.ascii_run(plain, pos + 1);
                    continue;
                }
            }
            folder.set_last_emoji(false);
            ++pos;
            continue;
        }
        char32_t cp = 0;
        const std::size_t n = utf8::decode(plain, pos, cp);
        const std::string_view original = plain.substr(pos, n);
        pos += n;
        const CharClass cls = utf8::classify(cp);
        if (cls == CharClass::ignorable || (cp >= 0x300 && cp <= 0x36F)) continue;
        if (cls == CharClass::space || cls == CharClass::other) {
            folder.space();
            folder.set_last_emoji(false);
            continue;
        }
        if (cls == CharClass::zwj) {
            if (folder.last_is_emoji()) folder.emit(cp, cls, false, original);
            continue;
        }
        bool upper = false;
        const std::string_view folded = utf8::fold(cp, upper);
        if (folded.data() == nullptr) {
            folder.emit(cp, cls, false, original);
        } else {
            std::size_t at = 0;
            while (at < folded.size()) {
                char32_t part = 0;
                const std::size_t len = utf8::decode(folded, at, part);
                folder.emit(part, utf8::classify(part), upper, folded.substr(at, len));
                at += len;
            }
        }
        folder.set_last_emoji(cls == CharClass::emoji || cls == CharClass::emoji_modifier);
    }
    return folder.squeezed();
}

constexpr std::array<std::string_view, 44> kEmoticons = {
    ">:-(", ":'-(", "</3", "^_^", ">:(", ":'(", ":')", ":-)", ":-(", ":-d", ";-)",
    ":-p",  ":-/",  ":-|", ":-o", ":-*", ":))", ":((", "<33", ":)",  ":(",  ":d",
    ";)",   ":p",   ";p",  ";d",  "<3",  ":/",  ":|",  ":o",  ":*",  "=)",  "=(",
    "=d",   ":]",   ":[",  "^^",  "-_-", ":@",  ":s",  ":$",  "(:",  "):",  ":3"};
static_assert(std::all_of(kEmoticons.begin(), kEmoticons.end(),
                          [](std::string_view e) { return e.size() >= 2; }),
              "emoticon() turns a mark down by its second byte");

// kEmoticons by first byte, each group in list order (the first that fits wins).
struct EmoticonsByFirst {
    std::array<std::uint8_t, kEmoticons.size()> order{};
    std::array<std::uint8_t, 129> begin{};  // group of byte b: order[begin[b] .. begin[b + 1])
    // Bit c of seconds[b]: some emoticon starts with bytes b, c. Most marks (": ", "),") are
    // turned down here, before the group's list is compared.
    std::array<std::array<std::uint64_t, 2>, 128> seconds{};
};

const EmoticonsByFirst kEmoticonsByFirst = [] {
    EmoticonsByFirst table;
    std::size_t at = 0;
    for (std::size_t b = 0; b < 128; ++b) {
        table.begin[b] = static_cast<std::uint8_t>(at);
        for (std::size_t e = 0; e < kEmoticons.size(); ++e) {
            if (static_cast<unsigned char>(kEmoticons[e][0]) == b) {
                table.order[at++] = static_cast<std::uint8_t>(e);
                const auto second = static_cast<unsigned char>(kEmoticons[e][1]);
                table.seconds[b][second >> 6] |= std::uint64_t{1} << (second & 63);
            }
        }
    }
    table.begin[128] = static_cast<std::uint8_t>(at);
    return table;
}();

struct Cursor {
    std::string_view text;
    std::size_t pos = 0;

    char32_t peek(std::size_t at, std::size_t& len) const {
        char32_t cp = 0;
        len = utf8::decode(text, at, cp);
        return cp;
    }
};

bool is_word_class(CharClass cls) {
    return cls == CharClass::letter || cls == CharClass::digit || cls == CharClass::mark;
}

CharClass class_at(std::string_view text, std::size_t at) {
    if (at >= text.size()) return CharClass::space;
    // Tags, mentions and emoticons ask for their neighbours' class, nearly always ASCII.
    const auto byte = static_cast<unsigned char>(text[at]);
    if (byte < 0x80) return utf8::kAsciiClass[byte];
    char32_t cp = 0;
    utf8::decode(text, at, cp);
    return utf8::classify(cp);
}

// ASCII classes as the fast fold and the ASCII tokenizer need them: utf8's classes, with
// space and control characters both as kSpace (they separate words alike).
namespace ascii {

enum Kind : std::uint8_t { kSpace = 0, kLetter = 1, kDigit = 2, kPunct = 3 };

const std::array<std::uint8_t, 128> kKinds = [] {
    std::array<std::uint8_t, 128> kinds{};
    for (std::size_t c = 0; c < kinds.size(); ++c) {
        switch (utf8::kAsciiClass[c]) {
            case CharClass::letter:
                kinds[c] = kLetter;
                break;
            case CharClass::digit:
                kinds[c] = kDigit;
                break;
            case CharClass::punct:
                kinds[c] = kPunct;
                break;
            default:
                kinds[c] = kSpace;
                break;
        }
    }
    return kinds;
}();

inline std::uint8_t kind(char c) { return kKinds[static_cast<unsigned char>(c) & 0x7F]; }
inline bool is_alnum(char c) {
    const std::uint8_t k = kind(c);
    return k == kLetter || k == kDigit;
}

}  // namespace ascii

#if defined(__SSE2__)
// Up to sixteen bytes of plain text that fold one to one: printable ASCII, no two spaces in a
// row, no squeezed elongation, no URL start. What fold_fast's byte loop would do to them,
// done at once for the longest such prefix; the byte loop takes the byte that ends it.
struct ChunkState {
    std::size_t out = 0;         // bytes written to folded so far
    bool pending_space = false;  // a space read but not yet written
    char32_t last = 0;           // fold_fast's elongation state
    int run = 0;
    std::uint32_t exclamations = 0;
    std::uint32_t questions = 0;
};

// The chunk is `length` (1..16) bytes at `bytes`, which has 16 readable bytes; fold_fast
// keeps 16 bytes of room past what it writes for the store. Returns how many bytes were
// folded (0: none, nothing written); `refused_at_start` says the first byte is not printable
// ASCII (UTF-8 or a control character), where going byte by byte for a while pays.
std::size_t fold_ascii_chunk(std::string_view plain, std::size_t pos, const char* bytes,
                             std::size_t length, char* folded, std::uint8_t* flag,
                             ChunkState& state, bool& refused_at_start) {
    const auto byte = [](char c) { return _mm_set1_epi8(c); };
    const unsigned valid = length >= 16 ? 0xFFFFu : (1u << length) - 1;
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes));
    // Signed compares: bytes >= 0x80 are negative and fail the first test.
    const __m128i printable =
        _mm_and_si128(_mm_cmpgt_epi8(v, byte(0x1F)), _mm_cmplt_epi8(v, byte(0x7F)));
    const unsigned not_printable = ~static_cast<unsigned>(_mm_movemask_epi8(printable)) & valid;
    refused_at_start = (not_printable & 1) != 0;
    const unsigned spaces =
        static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, byte(' ')))) & valid;
    // Bytes the byte loop must take: the first of two spaces; a space last (kept pending for
    // what follows); a leading space not after a word (at the start, after a pending space).
    unsigned refused = not_printable | (spaces & (spaces >> 1)) | (spaces & (valid ^ (valid >> 1)));
    if ((spaces & 1) != 0 && (state.pending_space || state.out == 0)) refused |= 1;

    const __m128i upper =
        _mm_and_si128(_mm_cmpgt_epi8(v, byte('A' - 1)), _mm_cmplt_epi8(v, byte('Z' + 1)));
    const __m128i lower = _mm_or_si128(v, _mm_and_si128(upper, byte(0x20)));
    const __m128i letter =
        _mm_and_si128(_mm_cmpgt_epi8(lower, byte('a' - 1)), _mm_cmplt_epi8(lower, byte('z' + 1)));
    const __m128i digit =
        _mm_and_si128(_mm_cmpgt_epi8(v, byte('0' - 1)), _mm_cmplt_epi8(v, byte('9' + 1)));

    // Elongation: a non-digit equal to the two before it (across the chunk's start through
    // `last` and `run`) would be squeezed.
    const char last = state.last < 0x80 ? static_cast<char>(state.last) : 0;
    const char before_last = state.run >= 2 ? last : 0;
    const __m128i prev1 =
        _mm_or_si128(_mm_slli_si128(lower, 1), _mm_cvtsi32_si128(static_cast<unsigned char>(last)));
    const __m128i prev2 = _mm_or_si128(
        _mm_slli_si128(lower, 2),
        _mm_cvtsi32_si128(
            static_cast<int>(static_cast<unsigned char>(before_last) |
                             static_cast<unsigned>(static_cast<unsigned char>(last)) << 8)));
    const __m128i triple = _mm_andnot_si128(
        digit, _mm_and_si128(_mm_cmpeq_epi8(lower, prev1), _mm_cmpeq_epi8(lower, prev2)));
    refused |= static_cast<unsigned>(_mm_movemask_epi8(triple)) & valid;

    // URL starts: "http" or "www" after a byte that ends no word and is none of '@', '#',
    // '/'. (The byte after the chunk's last is not in `lower`: its 'h' or 'w' is a candidate.)
    const __m128i next = _mm_srli_si128(lower, 1);
    const unsigned hw =
        (static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(
             _mm_and_si128(_mm_cmpeq_epi8(lower, byte('h')), _mm_cmpeq_epi8(next, byte('t'))),
             _mm_and_si128(_mm_cmpeq_epi8(lower, byte('w')), _mm_cmpeq_epi8(next, byte('w')))))) |
         (static_cast<unsigned>(_mm_movemask_epi8(
              _mm_or_si128(_mm_cmpeq_epi8(lower, byte('h')), _mm_cmpeq_epi8(lower, byte('w'))))) &
          0x8000u)) &
        valid;
    if (hw != 0) {
        const __m128i wordish = _mm_or_si128(
            _mm_or_si128(letter, digit),
            _mm_or_si128(_mm_cmpeq_epi8(v, byte('@')),
                         _mm_or_si128(_mm_cmpeq_epi8(v, byte('#')), _mm_cmpeq_epi8(v, byte('/')))));
        const unsigned after_word = static_cast<unsigned>(_mm_movemask_epi8(wordish)) << 1;
        unsigned starts = hw & ~after_word & 0xFFFE;
        if ((hw & 1) != 0) {
            const bool boundary =
                state.out == 0 || state.pending_space ||
                (static_cast<unsigned char>(folded[-1]) < 0x80 && !ascii::is_alnum(folded[-1]) &&
                 folded[-1] != '@' && folded[-1] != '#' && folded[-1] != '/');
            if (boundary) starts |= 1;
        }
        // Only starts before the first refused byte matter.
        if (refused != 0) starts &= (1u << __builtin_ctz(refused)) - 1;
        for (; starts != 0; starts &= starts - 1) {
            const auto at = static_cast<unsigned>(__builtin_ctz(starts));
            if (url_length(plain, pos + at) > 0) {
                refused |= 1u << at;
                break;
            }
        }
    }

    std::size_t take = refused == 0 ? length : static_cast<std::size_t>(__builtin_ctz(refused));
    // A space that ends the prefix stays for the byte loop, which keeps it pending.
    if (take > 0 && take < length && bytes[take - 1] == ' ') --take;
    if (take == 0) return 0;
    const unsigned taken = take >= 16 ? 0xFFFFu : (1u << take) - 1;

    if (state.pending_space) {
        *folded++ = ' ';
        *flag++ = 0;
        ++state.out;
        state.pending_space = false;
    }
    _mm_storeu_si128(reinterpret_cast<__m128i*>(folded), lower);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(flag), _mm_and_si128(upper, byte(kUpper)));
    state.out += take;
    // Counted bit by bit: usually none, and the build has no popcount instruction.
    for (auto marks =
             static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, byte('!')))) & taken;
         marks != 0; marks &= marks - 1) {
        ++state.exclamations;
    }
    for (auto marks =
             static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, byte('?')))) & taken;
         marks != 0; marks &= marks - 1) {
        ++state.questions;
    }
    // The elongation state after the prefix's last byte (never a space): the byte, and
    // whether the one before it is the same non-digit.
    const auto last_byte = static_cast<unsigned char>(folded[take - 1]);
    const auto before =
        take >= 2 ? static_cast<unsigned char>(folded[take - 2]) : static_cast<unsigned char>(last);
    state.last = last_byte;
    state.run = before == last_byte && (last_byte < '0' || last_byte > '9') ? 2 : 1;
    return take;
}
#endif

// fold_text's result, with ASCII bytes folded inline through pointers and other characters
// folded as fold_text folds them (fold_text stays as the reference that
// tests/rules/test_normalize.cpp and fuzz_normalize compare this with). Returns whether any
// elongation was squeezed; sets `ascii_only` when `folded` has no byte >= 0x80 (the ASCII
// tokenizer applies).
bool fold_fast(NormalizedText& out, std::vector<std::uint8_t>& flags, bool& ascii_only) {
    using ascii::is_alnum;
    using ascii::kDigit;
    using ascii::kLetter;
    using ascii::kSpace;
    const std::string_view plain = out.plain;
    const std::size_t size = plain.size();
    // Room for the rest of the input plus a pending space, kept by every step: an ASCII byte
    // writes at most one byte, and a pending space stands for a space byte already read. And
    // kChunkRoom more, for the sixteen-byte store of a short last chunk.
    constexpr std::size_t kChunkRoom = 16;
    out.folded.resize(size + 1 + kChunkRoom);
    flags.resize(size + 1 + kChunkRoom);
    char* folded = out.folded.data();
    std::uint8_t* flag = flags.data();
    const char* const in = plain.data();
    std::size_t o = 0;
    bool pending_space = false;
    bool squeezed = false;
    bool last_emoji = false;
    bool non_ascii = false;
    char32_t last = 0;
    int run = 0;
    std::uint32_t exclamations = 0;
    std::uint32_t questions = 0;
    const auto flush_space = [&] {
        if (pending_space) {
            folded[o] = ' ';
            flag[o++] = 0;
            pending_space = false;
        }
    };
    // Slow path, one code point of any class (fold_text's Folder::emit).
    const auto emit = [&](char32_t cp, CharClass cls, bool upper, std::string_view bytes) {
        if (cp == '!') ++exclamations;
        if (cp == '?') ++questions;
        if (cp == last && !pending_space && (cls == CharClass::letter || cls == CharClass::punct)) {
            if (++run > 2) {
                flag[o - 1] |= kElongated;
                squeezed = true;
                return;
            }
        } else {
            last = cp;
            run = 1;
        }
        flush_space();
        for (char b : bytes) {
            folded[o] = b;
            flag[o++] = upper ? kUpper : 0;
        }
    };
    std::size_t pos = 0;
#if defined(__SSE2__)
    std::size_t bytewise_until = 0;  // bytes the SIMD step refused go one by one up to here
#endif
    while (pos < size) {
#if defined(__SSE2__)
        if (pos >= bytewise_until) {
            ChunkState state{o, pending_space, last, run, exclamations, questions};
            // The last bytes, fewer than sixteen, are read from a copy padded with zeros.
            const std::size_t length = size - pos < 16 ? size - pos : 16;
            alignas(16) char padded[16];
            const char* bytes = in + pos;
            if (length < 16) {
                std::memset(padded, 0, sizeof padded);
                std::memcpy(padded, bytes, length);
                bytes = padded;
            }
            bool refused_at_start = false;
            const std::size_t taken = fold_ascii_chunk(plain, pos, bytes, length, folded + o,
                                                       flag + o, state, refused_at_start);
            if (taken > 0) {
                o = state.out;
                pending_space = state.pending_space;
                last = state.last;
                run = state.run;
                exclamations = state.exclamations;
                questions = state.questions;
                last_emoji = false;
                pos += taken;
                // The byte that ended the prefix goes through the loop below next.
                bytewise_until = taken < length ? pos + 1 : pos;
                continue;
            }
            // Not printable ASCII first (UTF-8 text, likely more of it): byte by byte through
            // the chunk; otherwise only the refused byte (a space, an elongation, a URL).
            bytewise_until = refused_at_start ? pos + length : pos + 1;
        }
#endif
        const char c = in[pos];
        if (static_cast<unsigned char>(c) >= 0x80) {
            // A code point folds to at most 12 bytes, plus a pending space.
            if (out.folded.size() < o + 13 + kChunkRoom + (size - pos)) {
                const std::size_t grown = o + 13 + kChunkRoom + (size - pos) + size;
                out.folded.resize(grown);
                flags.resize(grown);
                folded = out.folded.data();
                flag = flags.data();
            }
            non_ascii = true;
            char32_t cp = 0;
            const std::size_t n = utf8::decode(plain, pos, cp);
            const std::string_view original = plain.substr(pos, n);
            pos += n;
            const CharClass cls = utf8::classify(cp);
            if (cls == CharClass::ignorable || (cp >= 0x300 && cp <= 0x36F)) continue;
            if (cls == CharClass::space || cls == CharClass::other) {
                if (o > 0) pending_space = true;
                last = 0;
                run = 0;
                last_emoji = false;
                continue;
            }
            if (cls == CharClass::zwj) {
                if (!pending_space && last_emoji) emit(cp, cls, false, original);
                continue;
            }
            bool upper = false;
            const std::string_view folded_form = utf8::fold(cp, upper);
            if (folded_form.data() == nullptr) {
                emit(cp, cls, false, original);
            } else {
                std::size_t at = 0;
                while (at < folded_form.size()) {
                    char32_t part = 0;
                    const std::size_t len = utf8::decode(folded_form, at, part);
                    emit(part, utf8::classify(part), upper, folded_form.substr(at, len));
                    at += len;
                }
            }
            last_emoji = cls == CharClass::emoji || cls == CharClass::emoji_modifier;
            continue;
        }
        last_emoji = false;
        const std::uint8_t k = ascii::kind(c);
        if (k == kSpace) {
            if (o > 0) pending_space = true;
            last = 0;
            run = 0;
            ++pos;
            continue;
        }
        const char lower = k == kLetter ? static_cast<char>(c | 0x20) : c;
        // A URL starts "http" or "www": the next byte first, before the boundary and
        // url_length.
        if ((lower == 'h' || lower == 'w') && pos + 1 < size &&
            (in[pos + 1] | 0x20) == (lower == 'h' ? 't' : 'w') &&
            (o == 0 || pending_space ||
             (static_cast<unsigned char>(folded[o - 1]) < 0x80 && !is_alnum(folded[o - 1]) &&
              folded[o - 1] != '@' && folded[o - 1] != '#' && folded[o - 1] != '/'))) {
            const std::size_t n = url_length(plain, pos);
            if (n > 0) {
                flush_space();
                for (std::size_t i = 0; i < n; ++i) {
                    folded[o] = ascii_lower(in[pos + i]);
                    non_ascii = non_ascii || static_cast<unsigned char>(in[pos + i]) >= 0x80;
                    flag[o++] = kUrl;
                }
                pos += n;
                last = 0;
                run = 0;
                continue;
            }
        }
        ++pos;
        exclamations += lower == '!' ? 1 : 0;
        questions += lower == '?' ? 1 : 0;
        if (static_cast<char32_t>(static_cast<unsigned char>(lower)) == last && k != kDigit) {
            if (++run > 2) {
                flag[o - 1] |= kElongated;
                squeezed = true;
                continue;
            }
        } else {
            last = static_cast<unsigned char>(lower);
            run = 1;
        }
        flush_space();
        folded[o] = lower;
        flag[o++] = lower != c ? kUpper : 0;
    }
    out.folded.resize(o);
    flags.resize(o);
    out.exclamations = exclamations;
    out.questions = questions;
    ascii_only = !non_ascii;
    return squeezed;
}

#if defined(__SSE2__)
// The letters and digits outside URLs at the start of `text` (up to 16 bytes of `size`): how
// many, and of those which are letters and which letters were upper case, as bit masks.
struct WordRun {
    std::size_t length = 0;
    unsigned letters = 0;
    unsigned upper = 0;
};

// With `kUnderscore`, '_' counts as a letter or digit too (the body of a tag).
template <bool kUnderscore = false>
WordRun word_run(const char* text, const std::uint8_t* flags, std::size_t size, std::size_t at) {
    __m128i v;
    __m128i f;
    unsigned shift = 0;  // bytes of the loaded window before `at`
    if (size - at >= 16) {
        v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text + at));
        f = _mm_loadu_si128(reinterpret_cast<const __m128i*>(flags + at));
    } else if (size >= 16) {
        // Near the end: the last sixteen bytes, of which those before `at` are shifted out.
        v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text + size - 16));
        f = _mm_loadu_si128(reinterpret_cast<const __m128i*>(flags + size - 16));
        shift = static_cast<unsigned>(at - (size - 16));
    } else {
        // A short text: zero padding, which is no letter or digit.
        alignas(16) char text_tail[16] = {};
        alignas(16) std::uint8_t flag_tail[16] = {};
        std::memcpy(text_tail, text + at, size - at);
        std::memcpy(flag_tail, flags + at, size - at);
        v = _mm_load_si128(reinterpret_cast<const __m128i*>(text_tail));
        f = _mm_load_si128(reinterpret_cast<const __m128i*>(flag_tail));
    }
    const auto byte = [](char c) { return _mm_set1_epi8(c); };
    const __m128i folded_case = _mm_or_si128(v, byte(0x20));
    const __m128i letter = _mm_and_si128(_mm_cmpgt_epi8(folded_case, byte('a' - 1)),
                                         _mm_cmplt_epi8(folded_case, byte('z' + 1)));
    const __m128i digit =
        _mm_and_si128(_mm_cmpgt_epi8(v, byte('0' - 1)), _mm_cmplt_epi8(v, byte('9' + 1)));
    const __m128i url = _mm_cmpeq_epi8(_mm_and_si128(f, byte(kUrl)), byte(kUrl));
    __m128i wordish = _mm_or_si128(letter, digit);
    if constexpr (kUnderscore) wordish = _mm_or_si128(wordish, _mm_cmpeq_epi8(v, byte('_')));
    const auto word =
        static_cast<unsigned>(_mm_movemask_epi8(_mm_andnot_si128(url, wordish))) >> shift;
    WordRun run;
    run.length = static_cast<std::size_t>(__builtin_ctz(~word));  // the bits past 16 are clear
    const unsigned inside = (1u << run.length) - 1;
    run.letters = (static_cast<unsigned>(_mm_movemask_epi8(letter)) >> shift) & inside;
    run.upper = static_cast<unsigned>(_mm_movemask_epi8(
                    _mm_cmpeq_epi8(_mm_and_si128(f, byte(kUpper)), byte(kUpper)))) >>
                shift;
    return run;
}
#endif

class Tokenizer {
  public:
    Tokenizer(NormalizedText& out, const std::vector<std::uint8_t>& flags, bool squeezed)
        : out_(out), text_(out.folded), flags_(flags), squeezed_(squeezed) {}

    // For folded text with no byte >= 0x80: the same tokens as run(), with words cut by
    // comparing bytes instead of decoding code points (tags and emoticons, rarer, share run()'s
    // code).
    void run_ascii() {
        const char* const text = text_.data();
        const std::size_t size = text_.size();
        std::size_t i = 0;
        while (i < size) {
            const char c = text[i];
            if (c == ' ') {
                ++i;
                continue;
            }
            if ((flags_[i] & kUrl) != 0) {
                std::size_t j = i + 1;
                while (j < size && (flags_[j] & kUrl) != 0) ++j;
                push(i, j, TokenKind::url);
                i = j;
                continue;
            }
            if (ascii::is_alnum(c)) {
                i = word_ascii(i);
            } else if (c == '#' && hashtag_start(i + 1)) {
                i = hashtag(i);
            } else if (c == '@' && boundary_before(i) && hashtag_start(i + 1)) {
                i = mention(i);
            } else {
                const std::size_t n = emoticon(i);
                if (n > 0) {
                    push(i, i + n, TokenKind::emoticon);
                    i += n;
                } else {
                    std::size_t j = i + 1;
                    while (j < size && text[j] == c) ++j;
                    push(i, j, TokenKind::punct);
                    i = j;
                }
            }
        }
    }

    void run() {
        std::size_t i = 0;
        while (i < text_.size()) {
            const auto c = static_cast<unsigned char>(text_[i]);
            if (c == ' ') {
                ++i;
                continue;
            }
            if ((flags_[i] & kUrl) != 0) {
                std::size_t j = i;
                while (j < text_.size() && (flags_[j] & kUrl) != 0) ++j;
                push(i, j, TokenKind::url);
                i = j;
                continue;
            }
            char32_t cp = 0;
            const std::size_t len = utf8::decode(text_, i, cp);
            const CharClass cls = utf8::classify(cp);
            if (is_word_class(cls)) {
                i = word(i);
            } else if (cp == '#' && hashtag_start(i + 1)) {
                i = hashtag(i);
            } else if (cp == '@' && boundary_before(i) && hashtag_start(i + 1)) {
                i = mention(i);
            } else if (cls == CharClass::emoji || cls == CharClass::emoji_modifier) {
                i = emoji(i);
            } else if (cls == CharClass::regional_indicator) {
                std::size_t j = i + len;
                if (class_at(text_, j) == CharClass::regional_indicator) {
                    char32_t next = 0;
                    j += utf8::decode(text_, j, next);
                }
                push(i, j, TokenKind::emoji);
                i = j;
            } else if (cls == CharClass::punct) {
                const std::size_t n = emoticon(i);
                if (n > 0) {
                    push(i, i + n, TokenKind::emoticon);
                    i += n;
                } else {
                    std::size_t j = i + len;
                    if (len == 1) {
                        while (j < text_.size() && text_[j] == text_[i]) ++j;
                    } else {
                        while (j + len <= text_.size() &&
                               text_.compare(j, len, text_, i, len) == 0) {
                            j += len;
                        }
                    }
                    push(i, j, TokenKind::punct);
                    i = j;
                }
            } else {
                i += len;
            }
        }
    }

  private:
    void push(std::size_t begin, std::size_t end, TokenKind kind) {
        Token token;
        token.begin = static_cast<std::uint32_t>(begin);
        token.end = static_cast<std::uint32_t>(end);
        token.kind = kind;
        if (squeezed_) {
            for (std::size_t k = begin; k < end; ++k) {
                if ((flags_[k] & kElongated) != 0) token.elongated = true;
            }
        }
        out_.tokens.push_back(token);
    }

    bool boundary_before(std::size_t i) const {
        if (i == 0) return true;
        std::size_t k = i - 1;
        while (k > 0 && (static_cast<unsigned char>(text_[k]) & 0xC0) == 0x80) --k;
        const CharClass cls = class_at(text_, k);
        return !is_word_class(cls) && text_[k] != '_' && text_[k] != '@';
    }

    bool hashtag_start(std::size_t i) const {
        if (i >= text_.size()) return false;
        if (text_[i] == '_') return true;
        const CharClass cls = class_at(text_, i);
        return cls == CharClass::letter || cls == CharClass::digit;
    }

    std::size_t tag_body(std::size_t j) const {
        const std::size_t size = text_.size();
        while (j < size) {
#if defined(__SSE2__)
            // ASCII letters, digits and '_' outside URLs, sixteen bytes at a time.
            const std::size_t run = word_run<true>(text_.data(), flags_.data(), size, j).length;
            j += run;
            if (run == 16) continue;
            if (j >= size) break;
#endif
            if ((flags_[j] & kUrl) != 0) break;
            const auto byte = static_cast<unsigned char>(text_[j]);
            if (byte < 0x80) {  // the common case, without decoding
                if (byte != '_' && !is_word_class(utf8::kAsciiClass[byte])) break;
                ++j;
                continue;
            }
            const std::size_t len = word_code_point(j);
            if (len == 0) break;
            j += len;
        }
        return j;
    }

    // The bytes of the (non-ASCII) code point at `at` when it belongs in a word, else 0.
    std::size_t word_code_point(std::size_t at) const {
        char32_t cp = 0;
        const std::size_t len = utf8::decode(text_, at, cp);
        return is_word_class(utf8::classify(cp)) ? len : 0;
    }

    std::size_t hashtag(std::size_t i) {
        const std::size_t j = tag_body(i + 1);
        push(i, j, TokenKind::hashtag);
        return j;
    }

    std::size_t mention(std::size_t i) {
        std::size_t j = tag_body(i + 1);
        // Fediverse form @user@example.social.
        if (j + 1 < text_.size() && text_[j] == '@' && hashtag_start(j + 1)) {
            std::size_t k = j + 1;
            while (k < text_.size() && (flags_[k] & kUrl) == 0) {
                const auto c = static_cast<unsigned char>(text_[k]);
                if (!is_ascii_alnum(c) && c != '.' && c != '-' && c != '_' && c < 0x80) break;
                if (c < 0x80) {
                    ++k;
                    continue;
                }
                const std::size_t len = word_code_point(k);
                if (len == 0) break;
                k += len;
            }
            while (k > j + 1 && (text_[k - 1] == '.' || text_[k - 1] == '-')) --k;
            j = k;
        }
        push(i, j, TokenKind::mention);
        return j;
    }

    std::size_t word(std::size_t i) {
        std::size_t j = i;
        std::size_t letters = 0;
        std::size_t upper_letters = 0;
        CharClass prev = CharClass::space;
        // Local copies: the loop runs for every letter of every word.
        const char* const bytes = text_.data();
        const std::uint8_t* const flags = flags_.data();
        const std::size_t size = text_.size();
        while (j < size && (flags[j] & kUrl) == 0) {
            const auto c = static_cast<unsigned char>(bytes[j]);
            if (static_cast<unsigned char>(c - 'a') < 26) {
                ++letters;
                upper_letters += (flags[j] & kUpper) != 0 ? 1 : 0;
                prev = CharClass::letter;
                ++j;
                continue;
            }
            if (static_cast<unsigned char>(c - '0') < 10) {
                prev = CharClass::digit;
                ++j;
                continue;
            }
            char32_t cp = 0;
            const std::size_t len = utf8::decode(text_, j, cp);
            CharClass cls = utf8::classify(cp);
            if (!is_word_class(cls)) {
                const CharClass next = class_at(text_, j + len);
                const bool apostrophe =
                    cp == '\'' && prev == CharClass::letter && next == CharClass::letter;
                const bool separator = (cp == '.' || cp == ',' || cp == ':') &&
                                       prev == CharClass::digit && next == CharClass::digit;
                if (!apostrophe && !separator) break;
            } else if (cls == CharClass::letter) {
                ++letters;
                if ((flags_[j] & kUpper) != 0) ++upper_letters;
            }
            if (cls != CharClass::mark) prev = cls;
            j += len;
        }
        const std::string_view text = text_.substr(i, j - i);
        TokenKind kind = letters == 0 ? TokenKind::number : TokenKind::word;
        if (text == "xd" || text == "xdd" || text == "xp") kind = TokenKind::emoticon;
        push(i, j, kind);
        out_.tokens.back().all_caps = letters >= 2 && upper_letters == letters;
        return j;
    }

    std::size_t word_ascii(std::size_t i) {
        const char* const text = text_.data();
        const std::size_t size = text_.size();
        const std::uint8_t* const flags = flags_.data();
        std::size_t j = i;
        // What all_caps and the kind need of the letters: some, at least two, any not upper.
        bool some_letter = false;
        bool two_letters = false;
        bool lower_letter = false;
        while (j < size) {
#if defined(__SSE2__)
            // Sixteen bytes at a time: the run of letters and digits outside URLs from j.
            const WordRun run = word_run(text, flags, size, j);
            if (run.letters != 0) {
                two_letters = two_letters || some_letter || (run.letters & (run.letters - 1)) != 0;
                some_letter = true;
                lower_letter = lower_letter || (run.letters & ~run.upper) != 0;
            }
            j += run.length;
            if (run.length == 16) continue;
            if (j >= size || (flags[j] & kUrl) != 0) break;
            const char c = text[j];
#else
            if ((flags[j] & kUrl) != 0) break;
            const char c = text[j];
            const std::uint8_t k = ascii::kind(c);
            if (k == ascii::kLetter) {
                two_letters = two_letters || some_letter;
                some_letter = true;
                lower_letter = lower_letter || (flags[j] & kUpper) == 0;
                ++j;
                continue;
            }
            if (k == ascii::kDigit) {
                ++j;
                continue;
            }
#endif
            // Inside a word only "don't" (between letters) and "1.5", "3,00", "12:30" (between
            // digits); j > i here, as the word starts with a letter or digit. Most words end at
            // a space, which is none of those.
            if (c != '\'' && c != '.' && c != ',' && c != ':') break;
            const std::uint8_t prev = ascii::kind(text[j - 1]);
            const std::uint8_t next =
                j + 1 < size ? ascii::kind(text[j + 1]) : std::uint8_t{ascii::kSpace};
            const bool apostrophe = c == '\'' && prev == ascii::kLetter && next == ascii::kLetter;
            const bool separator = (c == '.' || c == ',' || c == ':') && prev == ascii::kDigit &&
                                   next == ascii::kDigit;
            if (!apostrophe && !separator) break;
            ++j;
        }
        TokenKind kind = some_letter ? TokenKind::word : TokenKind::number;
        const std::size_t length = j - i;
        if (text[i] == 'x' && (length == 2 || length == 3)) {
            const std::string_view word(text + i, length);
            if (word == "xd" || word == "xdd" || word == "xp") kind = TokenKind::emoticon;
        }
        push(i, j, kind);
        out_.tokens.back().all_caps = two_letters && !lower_letter;
        return j;
    }

    std::size_t emoji(std::size_t i) {
        char32_t cp = 0;
        std::size_t j = i + utf8::decode(text_, i, cp);
        while (j < text_.size()) {
            const CharClass cls = class_at(text_, j);
            if (cls == CharClass::emoji_modifier || cls == CharClass::mark) {
                j += utf8::decode(text_, j, cp);
            } else if (cls == CharClass::zwj) {
                const std::size_t after = j + utf8::decode(text_, j, cp);
                if (class_at(text_, after) != CharClass::emoji) break;
                j = after + utf8::decode(text_, after, cp);
            } else {
                break;
            }
        }
        push(i, j, TokenKind::emoji);
        return j;
    }

    std::size_t emoticon(std::size_t i) const {
        const auto first = static_cast<unsigned char>(text_[i]);
        if (first >= 0x80 || i + 1 >= text_.size()) return 0;  // every emoticon has two bytes
        const auto second = static_cast<unsigned char>(text_[i + 1]);
        if (second >= 0x80 ||
            (kEmoticonsByFirst.seconds[first][second >> 6] >> (second & 63) & 1) == 0) {
            return 0;
        }
        for (std::size_t k = kEmoticonsByFirst.begin[first]; k < kEmoticonsByFirst.begin[first + 1];
             ++k) {
            const std::string_view e = kEmoticons[kEmoticonsByFirst.order[k]];
            if (text_.compare(i, e.size(), e) != 0) continue;
            bool has_alnum = false;
            for (char c : e) has_alnum = has_alnum || is_ascii_alnum(static_cast<unsigned char>(c));
            const std::size_t end = i + e.size();
            if (end < text_.size()) {
                const auto next = static_cast<unsigned char>(text_[end]);
                if (is_ascii_alnum(next) || next >= 0x80) {
                    if (is_word_class(class_at(text_, end))) continue;
                }
                if (e == ":/" && next == '/') continue;
                if (e == "(:" && next == ')') continue;
            }
            if (has_alnum && !boundary_before(i)) continue;
            if ((e == "(:" || e == "):") && !boundary_before(i)) continue;
            return e.size();
        }
        return 0;
    }

    NormalizedText& out_;
    std::string_view text_;
    const std::vector<std::uint8_t>& flags_;
    bool squeezed_;
};

// Whether `raw` needs decode_markup: a '<' or '&' (tags, entities), or broken UTF-8 (which it
// repairs). Sixteen (or eight) bytes at a time; valid UTF-8 is checked only when some byte is
// >= 0x80.
bool needs_markup_pass(std::string_view raw) {
    bool non_ascii = false;
    std::size_t i = 0;
#if defined(__SSE2__)
    unsigned high = 0;
    for (; i + 16 <= raw.size(); i += 16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(raw.data() + i));
        const __m128i markup = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('<')),
                                            _mm_cmpeq_epi8(v, _mm_set1_epi8('&')));
        if (_mm_movemask_epi8(markup) != 0) return true;
        high |= static_cast<unsigned>(_mm_movemask_epi8(v));
    }
    non_ascii = high != 0;
#endif
    constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
    constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
    const auto has_byte = [](std::uint64_t chunk, unsigned char byte) {
        const std::uint64_t x = chunk ^ (kOnes * byte);
        return ((x - kOnes) & ~x & kHigh) != 0;
    };
    for (; i + 8 <= raw.size(); i += 8) {
        std::uint64_t chunk = 0;
        std::memcpy(&chunk, raw.data() + i, 8);
        if (has_byte(chunk, '<') || has_byte(chunk, '&')) return true;
        non_ascii = non_ascii || (chunk & kHigh) != 0;
    }
    for (; i < raw.size(); ++i) {
        const char c = raw[i];
        if (c == '<' || c == '&') return true;
        non_ascii = non_ascii || static_cast<unsigned char>(c) >= 0x80;
    }
    if (!non_ascii) return false;
    for (std::size_t at = 0; at < raw.size();) {
        if (static_cast<unsigned char>(raw[at]) < 0x80) {
            ++at;
            continue;
        }
        char32_t cp = 0;
        at += utf8::decode_multibyte(raw, at, cp);
        if (cp == utf8::kReplacement) return true;  // broken, or a real U+FFFD: either is fine
    }
    return false;
}

}  // namespace

NormalizedText normalize(std::string_view raw) {
    NormalizedText out;
    std::vector<std::uint8_t> flags;
    normalize_into(raw, out, flags);
    return out;
}

namespace {

// The reference: markup decoding (the identity on plain valid text), then fold_text and
// Tokenizer, which decode UTF-8 at every character.
void normalize_general(std::string_view raw, NormalizedText& out,
                       std::vector<std::uint8_t>& flags) {
    decode_markup(raw, out.plain);
    out.folded.reserve(out.plain.size());
    flags.reserve(out.plain.size() + 8);
    const bool squeezed = fold_text(out, flags);
    out.tokens.reserve(out.folded.size() / 4 + 1);
    Tokenizer(out, flags, squeezed).run();
}

void reset(NormalizedText& out, std::vector<std::uint8_t>& flags) {
    out.plain.clear();
    out.folded.clear();
    out.tokens.clear();
    out.exclamations = 0;
    out.questions = 0;
    flags.clear();
}

}  // namespace

void normalize_into(std::string_view raw, NormalizedText& out, std::vector<std::uint8_t>& flags) {
    reset(out, flags);
    if (raw.size() > kMaxInput) raw = raw.substr(0, kMaxInput);
    if (needs_markup_pass(raw)) {
        decode_markup(raw, out.plain);
    } else {
        out.plain.assign(raw);
    }
    bool ascii_only = true;
    const bool squeezed = fold_fast(out, flags, ascii_only);
    out.tokens.reserve(out.folded.size() / 4 + 1);
    if (ascii_only) {
        Tokenizer(out, flags, squeezed).run_ascii();
    } else {
        Tokenizer(out, flags, squeezed).run();
    }
}

std::vector<std::uint32_t> folded_origins(std::string_view plain) {
    NormalizedText out;
    out.plain.assign(plain);
    std::vector<std::uint8_t> flags;
    std::vector<std::uint32_t> origins;
    origins.reserve(plain.size() + 1);
    fold_text(out, flags, &origins);
    origins.push_back(static_cast<std::uint32_t>(plain.size()));
    return origins;
}

NormalizedText normalize_reference(std::string_view raw) {
    NormalizedText out;
    std::vector<std::uint8_t> flags;
    if (raw.size() > kMaxInput) raw = raw.substr(0, kMaxInput);
    normalize_general(raw, out, flags);
    return out;
}

}  // namespace spreekbuis::rules
