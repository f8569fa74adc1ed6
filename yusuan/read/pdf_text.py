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
_x1 = itemgetter("x1")
_bottom = itemgetter("bottom")
_upright = itemgetter("upright")
_top_bottom = itemgetter("top", "bottom")
_text = itemgetter("text")
_second = itemgetter(1)


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
    if len(chars) == 1:
        c = chars[0]
        return c["x0"], c["top"], c["x1"], c["bottom"]
    return min(map(_x0, chars)), min(map(_top, chars)), max(map(_x1, chars)), max(map(_bottom, chars))


def words(chars: list[dict]) -> list[tuple[str, float, list[dict]]]:
    """(word's text, its top, its characters) in reading order: by line, then left to right."""
    out: list[tuple[str, float, list[dict]]] = []
    append = out.append
    for upright, group in itertools.groupby(chars, key=_upright):
        group = list(group)
        if upright:  # lines by top, left to right; a word breaks where x goes back, jumps, or top moves
            lines, order, along, across, end = clusters(group, _top), _x0, "x0", "top", "x1"
        else:  # rotated text: lines run down the page
            lines, order, along, across, end = clusters(group, _x0), _top_bottom, "top", "x0", "bottom"
        for line in lines:
            line.sort(key=order)  # stable, as sorted() was
            current: list[dict] = []
            previous = None
            for char in line:
                if char["text"].isspace():
                    if current:
                        append(_word(current))
                    current = []
                    continue
                if current:
                    cx = char[along]
                    if cx < previous[along] or cx > previous[end] + TOLERANCE or abs(char[across] - previous[across]) > TOLERANCE:
                        append(_word(current))
                        current = [char]
                        previous = char
                        continue
                current.append(char)
                previous = char
            if current:
                append(_word(current))
    return out


def _word(word_chars: list[dict]) -> tuple[str, float, list[dict]]:
    if len(word_chars) == 1:
        c = word_chars[0]
        return LIGATURES.get(c["text"], c["text"]), c["top"], word_chars
    return "".join([LIGATURES.get(t, t) for t in map(_text, word_chars)]), min(map(_top, word_chars)), word_chars


def lines(chars: list[dict], found: list | None = None) -> list[dict]:
    """The page's printed lines, top to bottom: text, x0, top, x1, bottom and the characters (``found``: their
    words, when they are at hand)."""
    if not chars:
        return []
    out = []
    for line in clusters(words(chars) if found is None else found, _second, keep_order=True):
        # words are joined with one space; no word holds a blank (blanks end words), so nothing is stripped
        text = " ".join([word for word, _, _ in line])
        if not text.strip():
            continue
        used = [c for _, _, word_chars in line for c in word_chars]
        if any(c["text"] in LIGATURES for c in used):  # such a character stands for each of its letters
            used = [c for c in used for _ in LIGATURES.get(c["text"], c["text"])]
        x0, top, x1, bottom = _bbox(used)
        out.append({"text": text, "x0": x0, "top": top, "x1": x1, "bottom": bottom, "chars": used})
    return out


def text(chars: list[dict], found: list | None = None) -> str:
    """The text of some characters (a cell): its lines joined with line breaks, words with a space (``found``:
    their words, when they are at hand)."""
    if not chars:
        return ""
    if found is None:
        found = words(chars)
    return "\n".join(" ".join([w for w, _, _ in line]) for line in clusters(found, _second))


def line_text(chars: list[dict]) -> str | None:
    """``text`` of characters printed on one line (tops within TOLERANCE of each other) and upright, in one pass;
    None for others. On one line every word lies on that line, so the words are only cut left to right."""
    ordered = sorted(chars, key=_x0)
    out: list[str] = []
    word: list[str] = []
    previous = None
    for char in ordered:
        if not char["upright"]:
            return None
        letter = char["text"]
        if letter.isspace():
            if word:
                out.append("".join(word))
                word = []
            continue
        if word:
            cx = char["x0"]
            if cx < previous["x0"] or cx > previous["x1"] + TOLERANCE:
                out.append("".join(word))
                word = []
        word.append(LIGATURES.get(letter, letter))
        previous = char
    if word:
        out.append("".join(word))
    return " ".join(out)
