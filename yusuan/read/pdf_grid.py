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


def merged(edges: list[dict]) -> list[dict]:
    """The page's edges, snapped, joined and long enough."""
    v = [e for e in edges if e["orientation"] == "v" and e["height"] >= 1]
    h = [e for e in edges if e["orientation"] == "h" and e["width"] >= 1]
    snapped = _snap(v, "x0") + _snap(h, "top")

    def group(e):
        return ("h", e["top"]) if e["orientation"] == "h" else ("v", e["x0"])

    out: list[dict] = []
    for (orientation, _), items in itertools.groupby(sorted(snapped, key=group), key=group):
        out.extend(_join(list(items), orientation))
    return [e for e in out if (e["height"] if e["orientation"] == "v" else e["width"]) >= MIN_LENGTH]


def _intersections(edges: list[dict]) -> dict:
    v_edges = sorted((e for e in edges if e["orientation"] == "v"), key=itemgetter("x0", "top"))
    h_edges = sorted((e for e in edges if e["orientation"] == "h"), key=itemgetter("top", "x0"))
    points: dict = {}
    t = INTERSECTION
    for v in v_edges:
        vx, vtop, vbottom = v["x0"], v["top"], v["bottom"]
        vkey = (vx, vtop, v["x1"], vbottom)
        for h in h_edges:
            htop = h["top"]
            if vtop <= htop + t and vbottom >= htop - t and vx >= h["x0"] - t and vx <= h["x1"] + t:
                entry = points.setdefault((vx, htop), (set(), set()))
                entry[0].add(vkey)
                entry[1].add((h["x0"], htop, h["x1"], h["bottom"]))
    return points


def _cells(points: dict) -> list[tuple]:
    def connects(p1, p2) -> bool:
        if p1[0] == p2[0] and points[p1][0] & points[p2][0]:
            return True
        if p1[1] == p2[1] and points[p1][1] & points[p2][1]:
            return True
        return False

    ordered = sorted(points)
    by_x: dict = {}
    by_y: dict = {}
    for p in ordered:
        by_x.setdefault(p[0], []).append(p)
        by_y.setdefault(p[1], []).append(p)
    cells = []
    for pt in ordered[:-1]:
        below = [p for p in by_x[pt[0]] if p > pt]
        right = [p for p in by_y[pt[1]] if p > pt]
        found = None
        for below_pt in below:
            if not connects(pt, below_pt):
                continue
            for right_pt in right:
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
    remaining = list(cells)
    corners: set = set()
    current: list = []
    tables = []
    while remaining:
        before = len(current)
        for cell in list(remaining):
            x0, top, x1, bottom = cell
            cell_corners = ((x0, top), (x0, bottom), (x1, top), (x1, bottom))
            if not current or any(c in corners for c in cell_corners):
                corners.update(cell_corners)
                current.append(cell)
                remaining.remove(cell)
        if len(current) == before:
            tables.append(list(current))
            corners.clear()
            current.clear()
    if current:
        tables.append(list(current))
    tables.sort(key=lambda t: min((c[1], c[0]) for c in t))
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
    """The ruled tables made by these edges, top to bottom."""
    return [Grid(cells) for cells in _tables(_cells(_intersections(merged(edges))))]


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
        values: list[str | None] = []
        for cell in row:
            if cell is None:
                values.append(None)
                continue
            cx0, ctop, cx1, cbottom = cell
            mine = [c for h, v, _, c in inside if cx0 <= h < cx1 and ctop <= v < cbottom]
            values.append(text(mine) if mine else "")
        out.append(values)
    return out
