"""Ruled tables found from a page's edges, as pdfplumber's "lines" strategy found them.

Edges within 3 points of each other are snapped to their mean position and joined where they overlap or
nearly touch (3 points); edges shorter than 3 points are dropped. Where a vertical and a horizontal edge
cross (3 points' tolerance) is a corner; the smallest rectangle of corners joined by edges on all four sides is
a cell; cells sharing a corner make a table (a lone cell is not a table). A table's rows are its cells
grouped by top; a row has a slot for each distinct left edge of the table, empty where a merged cell
covers it.
"""

from __future__ import annotations

import bisect
import itertools
from operator import itemgetter

from .pdf_text import clusters

SNAP = JOIN = INTERSECTION = 3
MIN_LENGTH = 3
# horizontal rules x vertical rules one page may cross; a printed table has a few thousand, a full A4 page ruled
# every 3 points ~53,000; a hostile page ruled by thousands of lines would take minutes (issue 22, item 6)
MAX_CROSSINGS = 60_000


def _snap(edges: list[dict], attr: str) -> list[dict]:
    out = []
    for cluster in clusters(edges, itemgetter(attr), SNAP):
        mean = sum(e[attr] for e in cluster) / len(cluster)
        for e in cluster:
            shift = mean - e[attr]
            e = dict(e)
            if attr == "x0":
                e["x0"] += shift
                e["x1"] += shift
            else:
                e["top"] += shift
                e["bottom"] += shift
            out.append(e)
    return out


def _join(group: list[dict], orientation: str) -> list[dict]:
    low, high = ("x0", "x1") if orientation == "h" else ("top", "bottom")
    ordered = sorted(group, key=itemgetter(low))
    joined = [ordered[0]]
    for e in ordered[1:]:
        last = joined[-1]
        if e[low] <= last[high] + JOIN:
            if e[high] > last[high]:
                last = dict(last)
                last[high] = e[high]
                if orientation == "h":
                    last["width"] = e[high] - last["x0"]
                else:
                    last["height"] = last["height"] + (e[high] - joined[-1][high])
                joined[-1] = last
        else:
            joined.append(e)
    return joined


def _fills_along_rules(edges: list[dict]) -> list[dict]:
    """The edges without the sides of filled rectangles that are not borders. A rectangle filled and not
    stroked is drawn behind text (a white box behind every run of a narrative page) or shades a cell: it
    is a border only where each of its four sides runs along a rule of the page (a shaded cell, whose fill may
    carry a piece of border its rules leave out); a box behind text runs along no rule, or along some only."""
    if not any("fill" in e for e in edges):
        return edges
    rules = [e for e in edges if "fill" not in e]
    lines = {"h": sorted((e["top"], e["x0"], e["x1"]) for e in rules if e["orientation"] == "h"),
             "v": sorted((e["x0"], e["top"], e["bottom"]) for e in rules if e["orientation"] == "v")}
    keys = {k: [item[0] for item in items] for k, items in lines.items()}

    def along(e: dict) -> bool:
        kind = e["orientation"]
        at, low, high = (e["top"], e["x0"], e["x1"]) if kind == "h" else (e["x0"], e["top"], e["bottom"])
        items = lines.get(kind, [])
        for k in range(bisect.bisect_left(keys[kind], at - SNAP), bisect.bisect_right(keys[kind], at + SNAP)):
            _, a, b = items[k]
            if min(high, b) - max(low, a) >= 0.5 * min(high - low, b - a) > 0:
                return True
        return False

    sides: dict = {}
    for e in edges:
        if "fill" in e:
            sides.setdefault(e["fill"], []).append(e)
    kept = {n for n, four in sides.items() if all(along(e) for e in four)}
    return [e for e in edges if "fill" not in e or e["fill"] in kept]


def merged(edges: list[dict]) -> list[dict]:
    """The page's edges, snapped, joined and long enough."""
    edges = _fills_along_rules(edges)
    v = [e for e in edges if e["orientation"] == "v" and e["height"] >= 1]
    h = [e for e in edges if e["orientation"] == "h" and e["width"] >= 1]
    out: list[dict] = []
    for orientation, snapped in (("h", _snap(h, "top")), ("v", _snap(v, "x0"))):  # by position, then as drawn
        at = itemgetter("top" if orientation == "h" else "x0")
        for _, items in itertools.groupby(sorted(snapped, key=at), key=at):
            out.extend(_join(list(items), orientation))
    out = [e for e in out if (e["height"] if e["orientation"] == "v" else e["width"]) >= MIN_LENGTH]
    return out + _open_sides(out)


def _open_sides(edges: list[dict]) -> list[dict]:
    """The missing top or bottom rule of a frame drawn open: where two or more vertical edges end at one height
    on no rule, and a rule of the page crosses them all, a rule from the first of those ends to the last."""
    v = [e for e in edges if e["orientation"] == "v"]
    h = sorted((e for e in edges if e["orientation"] == "h"), key=itemgetter("top"))
    if len(v) < 2 or not h:
        return []
    tops = [e["top"] for e in h]
    t = INTERSECTION

    def rules(low: float, high: float) -> list[dict]:
        return h[bisect.bisect_left(tops, low):bisect.bisect_right(tops, high)]

    added = []
    for end in ("top", "bottom"):
        loose = [e for e in v if not any(r["x0"] - t <= e["x0"] <= r["x1"] + t for r in rules(e[end] - t, e[end] + t))]
        for group in clusters(loose, itemgetter(end), SNAP):
            if len(group) < 2:
                continue
            at = sum(e[end] for e in group) / len(group)
            left, right = min(e["x0"] for e in group), max(e["x0"] for e in group)
            inside = rules(at + t, min(e["bottom"] for e in group) + t) if end == "top" else \
                rules(max(e["top"] for e in group) - t, at - t)
            if any(r["x0"] - t <= left and r["x1"] + t >= right for r in inside):
                added.append({"x0": left, "x1": right, "top": at, "bottom": at, "width": right - left, "height": 0,
                              "orientation": "h"})
    return added


def _intersections(edges: list[dict]) -> dict:
    """Where vertical and horizontal edges cross (within the tolerance): each point with the edges through it.
    The horizontal edges are looked up by their height, then by where they start (edges at one height were
    joined, so they do not overlap): the work is near the number of points, not of pairs of edges."""
    v_edges = sorted((e for e in edges if e["orientation"] == "v"), key=itemgetter("x0", "top"))
    h_edges = sorted((e for e in edges if e["orientation"] == "h"), key=itemgetter("top", "x0"))
    rows: dict = {}
    for h in h_edges:
        rows.setdefault(h["top"], []).append(h)
    heights = sorted(rows)
    starts = {top: [h["x0"] for h in row] for top, row in rows.items()}
    points: dict = {}
    t = INTERSECTION
    for v in v_edges:
        vx, vtop, vbottom = v["x0"], v["top"], v["bottom"]
        vkey = (vx, vtop, v["x1"], vbottom)
        for k in range(bisect.bisect_left(heights, vtop - t), bisect.bisect_right(heights, vbottom + t)):
            htop = heights[k]
            row = rows[htop]
            found = []
            for i in range(bisect.bisect_right(starts[htop], vx + t) - 1, -1, -1):
                h = row[i]
                if h["x1"] + t < vx:  # joined edges at one height lie apart: none further left reaches vx
                    break
                found.append(h)
            for h in reversed(found):  # as they were found before: left to right
                entry = points.setdefault((vx, htop), (set(), set()))
                entry[0].add(vkey)
                entry[1].add((h["x0"], htop, h["x1"], h["bottom"]))
    return points


def _cells(points: dict) -> list[tuple]:
    def connects(p1, p2) -> bool:  # an edge through both (isdisjoint: no set is made)
        if p1[0] == p2[0] and not points[p1][0].isdisjoint(points[p2][0]):
            return True
        if p1[1] == p2[1] and not points[p1][1].isdisjoint(points[p2][1]):
            return True
        return False

    ordered = sorted(points)
    by_x: dict = {}
    by_y: dict = {}
    for p in ordered:
        by_x.setdefault(p[0], []).append(p)
        by_y.setdefault(p[1], []).append(p)
    # lists in sorted order: the points below one (same x) and right of it (same y) are those after it
    index_x = {p: i for column in by_x.values() for i, p in enumerate(column)}
    index_y = {p: i for row in by_y.values() for i, p in enumerate(row)}
    cells = []
    for pt in ordered[:-1]:
        column, row = by_x[pt[0]], by_y[pt[1]]
        found = None
        for b in range(index_x[pt] + 1, len(column)):
            below_pt = column[b]
            if not connects(pt, below_pt):
                continue
            for r in range(index_y[pt] + 1, len(row)):
                right_pt = row[r]
                if not connects(pt, right_pt):
                    continue
                corner = (right_pt[0], below_pt[1])
                if corner in points and connects(corner, right_pt) and connects(corner, below_pt):
                    found = (pt[0], pt[1], corner[0], corner[1])
                    break
            if found:
                break
        if found:
            cells.append(found)
    return cells


def _tables(cells: list[tuple]) -> list[list[tuple]]:
    """Cells sharing a corner, directly or through others, make a table (a lone cell is none)."""
    parent = list(range(len(cells)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict = {}
    for n, (x0, top, x1, bottom) in enumerate(cells):
        for corner in ((x0, top), (x0, bottom), (x1, top), (x1, bottom)):
            other = owner.setdefault(corner, n)
            if other != n:
                a, b = root(other), root(n)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    groups: dict = {}
    for n, cell in enumerate(cells):
        groups.setdefault(root(n), []).append(cell)
    tables = sorted(groups.values(), key=lambda t: min((c[1], c[0]) for c in t))
    return [t for t in tables if len(t) > 1]


class Grid:
    """A table found on a page: its cells, its box and its rows (cells by top, None where merged)."""

    def __init__(self, cells: list[tuple]):
        self.cells = cells
        self.bbox = (min(c[0] for c in cells), min(c[1] for c in cells),
                     max(c[2] for c in cells), max(c[3] for c in cells))
        xs = sorted({c[0] for c in cells})
        self.rows: list[list[tuple | None]] = []
        for _, row_cells in itertools.groupby(sorted(cells, key=itemgetter(1, 0)), itemgetter(1)):
            by_x = {cell[0]: cell for cell in row_cells}
            self.rows.append([by_x.get(x) for x in xs])


def find(edges: list[dict]) -> list[Grid]:
    """The ruled tables made by these edges, top to bottom. Raises pdf_page.TooManyPaths on a page ruled by more
    crossings than MAX_CROSSINGS (read as text)."""
    rules = merged(edges)
    within_limits(rules)
    return [Grid(cells) for cells in _tables(_cells(_intersections(rules)))]


def within_limits(rules: list[dict]) -> None:
    from .pdf_page import TooManyPaths

    rows = len({e["top"] for e in rules if e["orientation"] == "h"})
    columns = len({e["x0"] for e in rules if e["orientation"] == "v"})
    if rows * columns > MAX_CROSSINGS:
        raise TooManyPaths(f"{rows} x {columns} rules")


def centred(chars: list[dict]) -> list[tuple[float, float, int, dict]]:
    """The characters with their centres and their order on the page, as ``contents`` takes them."""
    return [((c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2, i, c) for i, c in enumerate(chars)]


def contents(grid: Grid, centred: list[tuple[float, float, int, dict]], text) -> list[list[str | None]]:
    """Each cell's characters (by their centre, the left and top sides in) as text, None for a covered slot."""
    x0, top, x1, bottom = grid.bbox
    by_height = sorted((item for item in centred if x0 <= item[0] < x1 and top <= item[1] < bottom),
                       key=itemgetter(1))
    heights = [item[1] for item in by_height]
    out = []
    for row in grid.rows:
        present = [cell for cell in row if cell is not None]
        x0 = min(c[0] for c in present)
        top = min(c[1] for c in present)
        x1 = max(c[2] for c in present)
        bottom = max(c[3] for c in present)
        band = by_height[bisect.bisect_left(heights, top):bisect.bisect_left(heights, bottom)]
        inside = sorted((item for item in band if x0 <= item[0] < x1), key=itemgetter(2))
        mine = _by_cell(present, inside)
        out.append([None if cell is None else (text(mine[cell]) if mine[cell] else "") for cell in row])
    return out


def _by_cell(cells: list[tuple], inside: list[tuple]) -> dict:
    """Each cell of a row with its characters (those whose centre is in it, the left and top sides in), in the
    order they are drawn. Cells side by side (the usual row) are looked up by where the character's centre is,
    once per character; cells that overlap, each over all the row's characters."""
    mine: dict = {cell: [] for cell in cells}
    ordered = sorted(mine)
    if all(a[2] <= b[0] for a, b in zip(ordered, ordered[1:])):
        lefts = [cell[0] for cell in ordered]
        for h, v, _, c in inside:
            k = bisect.bisect_right(lefts, h) - 1
            if k >= 0:
                cx0, ctop, cx1, cbottom = ordered[k]
                if h < cx1 and ctop <= v < cbottom:
                    mine[ordered[k]].append(c)
        return mine
    for cell in mine:
        cx0, ctop, cx1, cbottom = cell
        mine[cell] = [c for h, v, _, c in inside if cx0 <= h < cx1 and ctop <= v < cbottom]
    return mine
