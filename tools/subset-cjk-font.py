#!/usr/bin/env python3
"""Builds assets/fonts/NotoSansSC-reformsim.otf, the font every PNG chart is drawn with.

It is a subset of Noto Sans CJK SC Regular (SIL Open Font License 1.1, see
NotoSansSC-LICENSE.txt beside the font): Latin, Greek and the punctuation charts use, all
3,755 characters of GB2312 level 1 (the common hanzi), and every character of the text the
project ships (the KPI catalogue, seeds, scenarios, README and MODEL.md), so that labels
and user text in Chinese render instead of being dropped.

Re-run it when a shipped file gains a character outside GB2312 level 1 (the tests fail then):

    apt-get install fonts-noto-cjk && pip install fonttools
    python3 tools/subset-cjk-font.py
"""

import glob
import os
import sys

from fontTools import subset
from fontTools.ttLib import TTCollection

SOURCE = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
SC_FACE = 2  # the collection's faces: JP, KR, SC, TC, HK, …
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "assets", "fonts", "NotoSansSC-reformsim.otf")


def gb2312_level1():
    """The 3,755 hanzi of GB2312 level 1: rows 16–55 (lead bytes 0xB0–0xD7)."""
    chars = set()
    for lead in range(0xB0, 0xD8):
        for trail in range(0xA1, 0xFF):
            try:
                chars.add(bytes([lead, trail]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return chars


def shipped_text():
    patterns = ["data/*.toml", "seeds/*.toml", "scenarios/**/*.toml", "README.md", "docs/*.md"]
    chars = set()
    for pattern in patterns:
        for path in glob.glob(os.path.join(ROOT, pattern), recursive=True):
            with open(path, encoding="utf-8") as f:
                chars.update(f.read())
    return chars


def main():
    codepoints = set(range(0x20, 0x7F)) | set(range(0xA0, 0x250))  # ASCII, Latin-1, Latin Ext.
    codepoints |= set(range(0x370, 0x400))  # Greek (μ*, σ of the Morris charts)
    codepoints |= set(range(0x2000, 0x2070))  # general punctuation (– — … ‰)
    codepoints |= set(range(0x2190, 0x2200)) | set(range(0x2200, 0x2300))  # arrows, maths
    codepoints |= set(range(0x3000, 0x3040))  # CJK punctuation (、。「」)
    codepoints |= set(range(0xFF00, 0xFFF0))  # full-width forms (（），：)
    level1 = gb2312_level1()
    assert len(level1) == 3755, len(level1)
    codepoints |= {ord(c) for c in level1}
    codepoints |= {ord(c) for c in shipped_text() if ord(c) >= 0x20}
    font = TTCollection(SOURCE).fonts[SC_FACE]
    options = subset.Options()
    options.layout_features = ["kern", "liga", "vert", "locl"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(codepoints))
    subsetter.subset(font)
    font.save(OUT)
    print(f"wrote {OUT}: {os.path.getsize(OUT):,} bytes, {len(codepoints):,} code points asked")


if __name__ == "__main__":
    sys.exit(main())
