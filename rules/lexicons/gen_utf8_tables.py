#!/usr/bin/env python3
"""Generates rules/utf8_tables.cpp: Unicode character classes, case+accent folding and HTML
entity names for the normaliser. Run from the repository root:
    python3 rules/lexicons/gen_utf8_tables.py > rules/utf8_tables.cpp
Derived from Python's unicodedata (Unicode 14+) and html.entities; no network needed."""
import html.entities
import sys
import unicodedata

OTHER, SPACE, LETTER, DIGIT, MARK, PUNCT, EMOJI, EMOJI_MOD, REGIONAL, ZWJ, IGNORABLE = range(11)
NAMES = ["other", "space", "letter", "digit", "mark", "punct", "emoji", "emoji_modifier",
         "regional_indicator", "zwj", "ignorable"]

# Extended_Pictographic (emoji-data.txt, Unicode 14), folded into ranges.
PICTO = [(0xA9, 0xA9), (0xAE, 0xAE), (0x203C, 0x203C), (0x2049, 0x2049), (0x2122, 0x2122),
         (0x2139, 0x2139), (0x2194, 0x2199), (0x21A9, 0x21AA), (0x231A, 0x231B),
         (0x2328, 0x2328), (0x2388, 0x2388), (0x23CF, 0x23CF), (0x23E9, 0x23F3),
         (0x23F8, 0x23FA), (0x24C2, 0x24C2), (0x25AA, 0x25AB), (0x25B6, 0x25B6),
         (0x25C0, 0x25C0), (0x25FB, 0x25FE), (0x2600, 0x2605), (0x2607, 0x2612),
         (0x2614, 0x2685), (0x2690, 0x2705), (0x2708, 0x2712), (0x2714, 0x2714),
         (0x2716, 0x2716), (0x271D, 0x271D), (0x2721, 0x2721), (0x2728, 0x2728),
         (0x2733, 0x2734), (0x2744, 0x2744), (0x2747, 0x2747), (0x274C, 0x274C),
         (0x274E, 0x274E), (0x2753, 0x2755), (0x2757, 0x2757), (0x2763, 0x2767),
         (0x2795, 0x2797), (0x27A1, 0x27A1), (0x27B0, 0x27B0), (0x27BF, 0x27BF),
         (0x2934, 0x2935), (0x2B05, 0x2B07), (0x2B1B, 0x2B1C), (0x2B50, 0x2B50),
         (0x2B55, 0x2B55), (0x3030, 0x3030), (0x303D, 0x303D), (0x3297, 0x3297),
         (0x3299, 0x3299), (0x1F000, 0x1F0FF), (0x1F10D, 0x1F10F), (0x1F12F, 0x1F12F),
         (0x1F16C, 0x1F171), (0x1F17E, 0x1F17F), (0x1F18E, 0x1F18E), (0x1F191, 0x1F19A),
         (0x1F1AD, 0x1F1E5), (0x1F201, 0x1F20F), (0x1F21A, 0x1F21A), (0x1F22F, 0x1F22F),
         (0x1F232, 0x1F23A), (0x1F23C, 0x1F23F), (0x1F249, 0x1F3FA), (0x1F400, 0x1F53D),
         (0x1F546, 0x1F64F), (0x1F680, 0x1F6FF), (0x1F774, 0x1F77F), (0x1F7D5, 0x1F7FF),
         (0x1F80C, 0x1F80F), (0x1F848, 0x1F84F), (0x1F85A, 0x1F85F), (0x1F888, 0x1F88F),
         (0x1F8AE, 0x1F8FF), (0x1F90C, 0x1F93A), (0x1F93C, 0x1F945), (0x1F947, 0x1FAFF),
         (0x1FC00, 0x1FFFD)]


def in_picto(cp):
    return any(lo <= cp <= hi for lo, hi in PICTO)


def classify(cp):
    if 0x1F3FB <= cp <= 0x1F3FF:
        return EMOJI_MOD
    if 0x1F1E6 <= cp <= 0x1F1FF:
        return REGIONAL
    if cp == 0x200D:
        return ZWJ
    if 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF or 0xE0020 <= cp <= 0xE007F:
        return IGNORABLE if not (0xE0020 <= cp <= 0xE007F) else EMOJI_MOD
    if in_picto(cp):
        return EMOJI
    if 0xD800 <= cp <= 0xDFFF:
        return OTHER
    c = chr(cp)
    cat = unicodedata.category(c)
    if cp in (9, 10, 11, 12, 13, 0x85) or cat in ("Zs", "Zl", "Zp"):
        return SPACE
    if cat == "Cf":
        return IGNORABLE
    if cat[0] == "L":
        return LETTER
    if cat == "Nd":
        return DIGIT
    if cat[0] == "N":
        return LETTER if cat == "Nl" else PUNCT
    if cat[0] == "M":
        return MARK
    if cat[0] in "PS":
        return PUNCT
    return OTHER


def is_latin_or_greek(cp):
    return (0x80 <= cp <= 0x24F or 0x1E00 <= cp <= 0x1EFF or 0x2C60 <= cp <= 0x2C7F
            or 0xA720 <= cp <= 0xA7FF or 0x370 <= cp <= 0x3FF or 0x1F00 <= cp <= 0x1FFF
            or 0xFB00 <= cp <= 0xFB06 or 0xFF00 <= cp <= 0xFF5E or 0x2070 <= cp <= 0x209F
            or 0x2460 <= cp <= 0x24FF or 0x1D400 <= cp <= 0x1D7FF)


SPECIAL = {"ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ł": "l", "Ł": "l", "ħ": "h", "Ħ": "h",
           "ŧ": "t", "Ŧ": "t", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "þ": "th",
           "Þ": "th", "ð": "d", "Ð": "d", "ı": "i", "ĸ": "k", "ŀ": "l", "Ŀ": "l",
           "ё": "е", "Ё": "е", "ʼ": "'", "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'",
           "`": "'", "´": "'", "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"', "«": '"',
           "»": '"', "‹": "'", "›": "'", "–": "-", "—": "-", "‐": "-", "‑": "-", "‒": "-",
           "―": "-", "−": "-", "…": "...", "ß": "ss", "ẞ": "ss", "ſ": "s", "µ": "μ",
           "\u00ad": ""}


def fold(cp):
    c = chr(cp)
    if c in SPECIAL:
        return SPECIAL[c]
    cls = classify(cp)
    if cls == IGNORABLE:
        return c
    if is_latin_or_greek(cp) and cls in (LETTER, DIGIT, PUNCT):
        d = unicodedata.normalize("NFKD", c)
        d = "".join(x for x in d if not unicodedata.category(x).startswith("M"))
        d = d.casefold()
        d = unicodedata.normalize("NFKD", d)
        d = "".join(x for x in d if not unicodedata.category(x).startswith("M"))
        d = "".join(SPECIAL.get(x, x) for x in d)
        if d == "" or any(classify(ord(x)) in (OTHER, SPACE) for x in d):
            return c.casefold()
        return d
    if cls == LETTER:
        d = c.casefold()
        return "".join(SPECIAL.get(x, x) for x in d)
    return c


def is_upper(cp):
    return unicodedata.category(chr(cp)) in ("Lu", "Lt")


def cpp_bytes(s):
    return "".join("\\x%02x" % b for b in s.encode("utf-8"))


def main():
    out = sys.stdout
    out.write("// Generated by rules/lexicons/gen_utf8_tables.py from Unicode %s data; do not edit.\n"
              % unicodedata.unidata_version)
    out.write('#include "rules/utf8_tables.hpp"\n\nnamespace spreekbuis::rules::utf8 {\n\n')
    ranges = []
    prev = None
    for cp in range(0x80, 0x110000):
        cls = classify(cp)
        if prev is not None and prev[2] == cls and prev[1] == cp - 1:
            prev[1] = cp
        else:
            prev = [cp, cp, cls]
            ranges.append(prev)
    out.write("const ClassRange kClassRanges[] = {\n")
    for lo, hi, cls in ranges:
        out.write("    {0x%X, 0x%X, CharClass::%s},\n" % (lo, hi, NAMES[cls]))
    out.write("};\nconst std::size_t kClassRangeCount = sizeof(kClassRanges) / sizeof(kClassRanges[0]);\n\n")
    entries = []
    for cp in range(0x80, 0x20000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        f = fold(cp)
        up = is_upper(cp)
        if f != chr(cp) or up:
            b = f.encode("utf-8")
            assert len(b) <= 11, (hex(cp), f)
            entries.append((cp, f, up))
    out.write("const FoldEntry kFoldEntries[] = {\n")
    for cp, f, up in entries:
        out.write('    {0x%X, %d, %s, "%s"},\n' % (cp, len(f.encode("utf-8")),
                                               "true" if up else "false", cpp_bytes(f)))
    out.write("};\nconst std::size_t kFoldEntryCount = sizeof(kFoldEntries) / sizeof(kFoldEntries[0]);\n\n")
    ents = dict(html.entities.name2codepoint)
    ents["apos"] = 0x27
    out.write("const EntityEntry kEntities[] = {\n")
    for name in sorted(ents):
        out.write('    {"%s", 0x%X},\n' % (name, ents[name]))
    out.write("};\nconst std::size_t kEntityCount = sizeof(kEntities) / sizeof(kEntities[0]);\n\n")
    out.write("}  // namespace spreekbuis::rules::utf8\n")


main()
