#!/usr/bin/env python3
"""Re-creates the vendored lexicon files in rules/lexicons/ from the upstream copies
(see SOURCES.md). Usage: python3 rules/lexicons/gen_lexicons.py /path/to/shared/lexicons"""
import os
import shutil
import sys
import xml.etree.ElementTree as ET

src = sys.argv[1]
here = os.path.dirname(os.path.abspath(__file__))

with open(os.path.join(src, "vader/vader_lexicon.txt"), encoding="utf-8") as f, \
        open(os.path.join(here, "vader_en.txt"), "w", encoding="utf-8") as out:
    for line in f:
        parts = line.rstrip("\n").split("\t")
        if len(parts) >= 2:
            out.write("%s\t%s\n" % (parts[0], parts[1]))

shutil.copyfile(os.path.join(src, "vader/emoji_utf8_lexicon.txt"),
                os.path.join(here, "vader_emoji.txt"))
shutil.copyfile(os.path.join(src, "lupje_nl/LUPJE.txt"), os.path.join(here, "lupje_nl.txt"))

senses = {}
for word in ET.parse(os.path.join(src, "pattern_nl/nl-sentiment.xml")).getroot():
    senses.setdefault(word.get("form"), []).append(float(word.get("polarity")))
with open(os.path.join(here, "pattern_nl.txt"), "w", encoding="utf-8") as out:
    for form in sorted(senses):
        mean = sum(senses[form]) / len(senses[form])
        if abs(mean) >= 0.005:
            out.write("%s\t%.2f\n" % (form, mean))
