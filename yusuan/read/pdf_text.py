"""Characters into words and printed lines, as pdfplumber grouped them (its rules, its tolerances).

Characters are grouped into lines by their top (within 3 points of the previous one), sorted left to right;
a line breaks into words at a blank or a gap of more than 3 points; words are joined with one space.
"""

from __future__ import annotations

import itertools
from operator import itemgetter

TOLERANCE = 3
LIGATURES = {"ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬁ": "fi", "ﬂ": "fl", "ﬆ": "st", "ﬅ": "st"}
_top = itemgetter("top")
_x0 = itemgetter("x0")


def clusters(items: list, key, tolerance: float = TOLERANCE, keep_order: bool = False) -> list[list]:
    """Items grouped by a value: sorted distinct values, a new group where the gap exceeds the tolerance."""
    values = sorted(set(map(key, items)))
    index: dict = {}
    group = -1
    last = None
    for value in values:
        if last is None or value > last + tolerance:
            group += 1
        index[value] = group
        last = value
    tagged = [(item, index[key(item)]) for item in items]
    if not keep_order:
        tagged.sort(key=itemgetter(1))
    return [[item for item, _ in run] for _, run in itertools.groupby(tagged, key=itemgetter(1))]


def _bbox(chars: list[dict]) -> tuple[float, float, float, float]:
    first = chars[0]
    x0, top, x1, bottom = first["x0"], first["top"], first["x1"], first["bottom"]
    for c in chars:
        if c["x0"] < x0:
            x0 = c["x0"]
        if c["top"] < top:
            top = c["top"]
        if c["x1"] > x1:
            x1 = c["x1"]
        if c["bottom"] > bottom:
            bottom = c["bottom"]
    return x0, top, x1, bottom


def words(chars: list[dict]) -> list[tuple[dict, list[dict]]]:
    """(word, its characters) in reading order: by line, then left to right."""
    out: list[tuple[dict, list[dict]]] = []
    for upright, group in itertools.groupby(chars, key=itemgetter("upright")):
        group = list(group)
        if upright:
            lines = clusters(group, _top)
            sort_key = lambda c: (c["x0"], c["x0"])  # noqa: E731
        else:  # rotated text: lines run down the page
            lines = clusters(group, _x0)
            sort_key = lambda c: (c["top"], c["bottom"])  # noqa: E731
        for line in lines:
            line = sorted(line, key=sort_key)
            for word_chars in _split(line, upright):
                x0, top, x1, bottom = _bbox(word_chars)
                text = "".join(LIGATURES.get(c["text"], c["text"] or "") for c in word_chars)
                out.append(({"text": text, "x0": x0, "x1": x1, "top": top, "bottom": bottom}, word_chars))
    return out


def _split(line: list[dict], upright: bool):
    current: list[dict] = []
    for char in line:
        if char["text"].isspace():
            if current:
                yield current
            current = []
        elif current and _new_word(current[-1], char, upright):
            yield current
            current = [char]
        else:
            current.append(char)
    if current:
        yield current


def _new_word(previous: dict, char: dict, upright: bool) -> bool:
    if upright:
        ax, bx, cx, ay, cy = previous["x0"], previous["x1"], char["x0"], previous["top"], char["top"]
    else:
        ax, bx, cx, ay, cy = previous["top"], previous["bottom"], char["top"], previous["x0"], char["x0"]
    return cx < ax or cx > bx + TOLERANCE or abs(cy - ay) > TOLERANCE


def lines(chars: list[dict]) -> list[dict]:
    """The page's printed lines, top to bottom: text, x0, top, x1, bottom and the characters."""
    if not chars:
        return []
    out = []
    for line in clusters(words(chars), lambda pair: pair[0]["top"], keep_order=True):
        # words are joined with one space; no word holds a blank (blanks end words), so nothing is stripped
        text = " ".join(word["text"] for word, _ in line)
        if not text.strip():
            continue
        used = [c for _, word_chars in line for c in word_chars]
        if any(c["text"] in LIGATURES for c in used):  # such a character stands for each of its letters
            used = [c for c in used for _ in LIGATURES.get(c["text"], c["text"])]
        x0, top, x1, bottom = _bbox(used)
        out.append({"text": text, "x0": x0, "top": top, "x1": x1, "bottom": bottom, "chars": used})
    return out


def text(chars: list[dict]) -> str:
    """The text of some characters (a cell): its lines joined with line breaks, words with a space."""
    if not chars:
        return ""
    found = [word for word, _ in words(chars)]
    return "\n".join(" ".join(w["text"] for w in line) for line in clusters(found, _top))
