"""A PDF page as PDFium sees it: its characters with their boxes and the straight edges of its paths.

Coordinates are points from the top left of the page as displayed (rotation applied): ``x0``/``x1`` from
the left, ``top``/``bottom`` from the top. A character's box is its advance width by its font size, its
bottom at the font's descent below the baseline, so characters set hard against each other touch. An edge is
a horizontal (``h``) or vertical (``v``) segment of a stroked or filled path: a line, a side of a rectangle,
a straight piece of a polygon; a line drawn at a slant counts as vertical over its height (as pdfminer did).
"""

from __future__ import annotations

import ctypes
import struct
from dataclasses import dataclass

import pypdfium2.raw as raw

_SPACES = " \r\n"
_SPECIAL = frozenset(" \r\n\x02\ufffe\x00")
DESCENT = 0.22  # of the font size below the baseline, where a font's own is not believable (CJK fonts: 0.22–0.29)
RULE = 2.0  # points: a filled rectangle no thicker than this is a rule drawn as a rectangle; a thicker one
# (a fill behind text, a shaded cell) has its edges marked ``fill``: they are borders only along rules
STACKED = 0.15  # glyphs this close (in font sizes) are one glyph printed again (advances are ≥ 0.22 of a size)
_BIN = 16.0  # points: the grid stacked glyphs are looked up in (larger than STACKED times any usual size)
_DEEP = 0.5  # a box reaching further below the baseline (in font sizes) is not the glyph's


@dataclass(frozen=True)
class Frame:
    """How page space maps to the reader's coordinates: the page's rotation and its media box."""
    a: float
    b: float
    c: float
    d: float
    e: float
    f: float
    height: float  # of the media box as displayed
    top: float  # the displayed media box's top (0 unless the box does not start at the origin)
    left: float

    def point(self, x: float, y: float) -> tuple[float, float]:
        dx = self.a * x + self.c * y + self.e
        dy = self.b * x + self.d * y + self.f
        return dx + self.left, self.height - dy + self.top

    def box(self, x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
        """A page-space box as x0, top, x1, bottom."""
        corners = [self.point(x, y) for x in (x0, x1) for y in (y0, y1)]
        xs, ys = [p[0] for p in corners], [p[1] for p in corners]
        return min(xs), min(ys), max(xs), max(ys)


def frame(page) -> Frame:
    """The page's frame, as pdfminer set it up: rotation about the media box, y from its displayed top."""
    x0, y0, x1, y1 = page.get_mediabox()
    rotation = page.get_rotation() % 360
    matrix = {90: (0, -1, 1, 0, -y0, x1), 180: (-1, 0, 0, -1, x1, y1), 270: (0, 1, -1, 0, y1, -x0)}.get(
        rotation, (1, 0, 0, 1, -x0, -y0))
    if rotation in (90, 270):
        bx0, by0, bx1, by1 = y0, x0, y1, x1
    else:
        bx0, by0, bx1, by1 = x0, y0, x1, y1
    height = by1 - by0
    return Frame(*matrix, height=height, top=height - by1, left=bx0)


def characters(textpage, place: Frame, page_box: tuple | None = None) -> tuple[list[dict], int]:
    """The page's characters in the order they are drawn, each a dict with text, x0, x1, top, bottom, size and
    upright; and how many glyphs have no character mapping. Given the page's visible box (page space, as
    from ``visible_box``), a character whose centre lies outside it, or outside the clipping path its text is
    drawn with, is left out: it is in the file but not on the page.

    A character's matrix and font size are its text object's: they are asked once per text object (PDFium
    gives every character of an object the object's), as is the box its clipping path leaves visible."""
    textpage = getattr(textpage, "raw", textpage)  # the handle itself: a wrapper costs a Python call per use
    count = raw.FPDFText_CountChars(textpage)
    if count <= 0:
        return [], 0
    buffer = ctypes.create_string_buffer((count + 1) * 2)
    raw.FPDFText_GetText(textpage, 0, count, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)))
    text = buffer.raw[: count * 2].decode("utf-16-le", errors="replace")
    if len(text) != count:  # characters beyond the BMP: one by one
        text = "".join(chr(raw.FPDFText_GetUnicode(textpage, i) or 0xFFFD) for i in range(count))
    fast = _fast()
    handle = ctypes.c_void_p(ctypes.cast(textpage, ctypes.c_void_p).value)
    rect, matrix, origin_x, origin_y = raw.FS_RECTF(), raw.FS_MATRIX(), ctypes.c_double(), ctypes.c_double()
    rect_ref, matrix_ref = ctypes.byref(rect), ctypes.byref(matrix)
    x_ref, y_ref = ctypes.byref(origin_x), ctypes.byref(origin_y)
    chars: list[dict] = []
    append = chars.append
    unmapped = 0
    a, b, c, d = place.a, place.b, place.c, place.d
    upright_page = (a, b, c, d) == (1, 0, 0, 1)
    shift_x, shift_y = place.e + place.left, place.height + place.top - place.f
    map_error, loose_box, char_matrix, font_size, origin = (fast.map_error, fast.loose_box, fast.matrix,
                                                            fast.font_size, fast.origin)
    object_at = _object_address()
    clip_of = _Clips(page_box) if page_box is not None else None
    unclipped = clip_of.unclipped if clip_of is not None else None
    clip_path, count_paths, void = fast.clip_path, fast.count_paths, ctypes.c_void_p
    known, word = page_box is not None and _clip_data_known(), ctypes.c_void_p.from_address
    by_data = clip_of.by_data if clip_of is not None else {}
    last = -1  # the text object of the last character (its address)
    ma = mb = mc = md = size = 0.0
    cx0 = cy0 = cx1 = cy1 = 0.0
    simple = level = False  # the current object's characters are upright on an upright page (the common case)
    height = low = high = deep = 0.0
    check, clipping = _CHECK, clip_of is not None
    own_objects = object_at is fast.object
    up = True
    line_y0 = end = None  # the last simple character's baseline (its top, bottom, size) and right side (its x1)
    line_top = line_bottom = line_size = end_x1 = 0.0
    for i, letter in enumerate(text):
        if letter in _SPECIAL:
            if letter in _SPACES and fast.generated(handle, i):
                continue
            if letter in "\x02\ufffe":  # PDFium's mark for a hyphen at the end of a line
                letter = "-" if fast.hyphen(handle, i) else ""
            if not letter or letter == "\x00":
                continue
        if map_error(handle, i) == 1:
            unmapped += 1
        loose_box(handle, i, rect_ref)
        address = object_at(handle, i)
        if address != last or address is None:
            last = address
            char_matrix(handle, i, matrix_ref)
            size = font_size(handle, i)
            ma, mb, mc, md = matrix.a, matrix.b, matrix.c, matrix.d
            if not clipping:
                pass
            elif own_objects:  # the clipping path asked here: a call of _Clips per object costs as much again
                clip = clip_path(void(address)) if address else None
                if known:  # the box by the clipping data the path holds (null: drawn without one)
                    data = word(clip).value if clip else None
                    box = unclipped if data is None else by_data.get(data) or clip_of.of_data(clip, data)
                    cx0, cy0, cx1, cy1 = box
                    known = _CLIP_DATA[0]  # off once a clipping path did not hold its data as known
                else:
                    paths = count_paths(void(clip)) if clip else -1
                    cx0, cy0, cx1, cy1 = clip_of.of_clip(void(clip), paths) if paths > 0 else unclipped
            else:  # object_at is another function (tests): the object's own address
                cx0, cy0, cx1, cy1 = clip_of(fast.object(handle, i))
            level = mb == 0 and mc == 0 and md > 0  # the box is font size high, from the descent up
            simple = level and upright_page
            up = ma > 0
            height = size * md
            line_y0 = None  # the height changes with the object: its figures are made again
            low, high, deep = 0.9 * height, 1.3 * height, -0.05 * height
        elif check:
            char_matrix(handle, i, matrix_ref)
            assert (font_size(handle, i), matrix.a, matrix.b, matrix.c, matrix.d) == (size, ma, mb, mc, md), i
        left, right, y0 = rect.left, rect.right, rect.bottom
        if level:
            if not low <= rect.top - y0 <= high:  # not a usual font's ascent and descent
                origin(handle, i, x_ref, y_ref)
                if not deep <= origin_y.value - y0 <= _DEEP * height:
                    # a font whose stated descent is absurd (a digits font whose box reaches a whole size below
                    # its baseline, or one whose box starts above it): the box is set on the baseline as usual
                    y0 = origin_y.value - DESCENT * height
            y1 = y0 + height
            if clipping and not (cx0 <= (left + right) / 2 <= cx1 and cy0 <= (y0 + y1) / 2 <= cy1):
                continue  # not shown: outside the page or its clipping path
            if simple:  # upright text on an upright page
                # the next character of a line mostly starts where this one ends, on the same baseline: the
                # rounded figures already made are the same (the same floats, the same sums)
                if y0 != line_y0:
                    line_y0 = y0
                    line_top = round((shift_y - y1) * 1000) / 1000
                    line_bottom = round((shift_y - y0) * 1000) / 1000
                    line_size = round((line_bottom - line_top) * 1000) / 1000
                x0_ = end_x1 if left == end else round((left + shift_x) * 1000) / 1000
                end, end_x1 = right, round((right + shift_x) * 1000) / 1000
                append({"text": letter, "x0": x0_, "x1": end_x1, "top": line_top, "bottom": line_bottom,
                        "size": line_size, "upright": up})
                continue
        else:
            y1 = rect.top
            if clipping and not (cx0 <= (left + right) / 2 <= cx1 and cy0 <= (y0 + y1) / 2 <= cy1):
                continue
        # the character's matrix on the displayed page: upright when it is not rotated nor mirrored there
        ua, ub, uc, ud = ma * a + mb * c, ma * b + mb * d, mc * a + md * c, mc * b + md * d
        upright = 0 < ua * ud and ub * uc == 0
        x0, top_, x1, bottom_ = place.box(left, y0, right, y1)
        # PDFium keeps positions in single precision: rounded, they compare as the printed figures do
        x0, x1 = round(x0 * 1000) / 1000, round(x1 * 1000) / 1000
        top_, bottom_ = round(top_ * 1000) / 1000, round(bottom_ * 1000) / 1000
        append({"text": letter, "x0": x0, "x1": x1, "top": top_, "bottom": bottom_,
                "size": round((bottom_ - top_) * 1000) / 1000, "upright": upright})
    return _once(chars), unmapped


_CHECK = False  # True: every character's matrix and size are asked too, and must be its text object's


# PDFium functions the reader calls per character or per text object, and what they return: an int or a pointer
_CALLS = {
    "map_error": ("FPDFText_HasUnicodeMapError", ctypes.c_int), "loose_box": ("FPDFText_GetLooseCharBox", ctypes.c_int),
    "matrix": ("FPDFText_GetMatrix", ctypes.c_int), "font_size": ("FPDFText_GetFontSize", ctypes.c_double),
    "origin": ("FPDFText_GetCharOrigin", ctypes.c_int), "generated": ("FPDFText_IsGenerated", ctypes.c_int),
    "hyphen": ("FPDFText_IsHyphen", ctypes.c_int), "object": ("FPDFText_GetTextObject", ctypes.c_void_p),
    "clip_path": ("FPDFPageObj_GetClipPath", ctypes.c_void_p), "count_paths": ("FPDFClipPath_CountPaths", ctypes.c_int),
    "count_segments": ("FPDFClipPath_CountPathSegments", ctypes.c_int),
    "segment": ("FPDFClipPath_GetPathSegment", ctypes.c_void_p), "point": ("FPDFPathSegment_GetPoint", ctypes.c_int),
}


def _library():
    """PDFium's ctypes library as pypdfium2 loaded it (``library[name]`` is a new function object each time), or
    None with another pypdfium2 layout."""
    try:
        import pypdfium2_raw.bindings as bindings

        return bindings._libs["pdfium"]
    except (ImportError, AttributeError, KeyError):
        return None


def _bare(library, name: str, restype=ctypes.c_int):
    """PDFium's function `name` as a function object of its own without argtypes: its arguments (ctypes objects,
    handles, small ints) are passed as given, which costs half a call through pypdfium2.raw's, whose argtypes
    check and convert every argument (a page has thousands of characters and path segments)."""
    function = library[name]
    function.argtypes, function.restype = None, restype
    return function


class _Fast:
    """The functions of ``_CALLS`` without argtypes, called with ``c_void_p`` handles and ready ``byref``
    arguments; pointers come back as ints."""

    def __init__(self, library):
        for attribute, (name, restype) in _CALLS.items():
            setattr(self, attribute, _bare(library, name, restype))


class _Wrapped:
    """The same functions through pypdfium2.raw, for another pypdfium2 layout (slower, same results)."""

    def __init__(self):
        for attribute, (name, restype) in _CALLS.items():
            setattr(self, attribute, self._call(getattr(raw, name), restype is ctypes.c_void_p))

    @staticmethod
    def _call(function, gives_pointer: bool):
        handle_type = function.argtypes[0]

        def call(handle, *args):
            result = function(ctypes.cast(handle, handle_type), *args)
            return (ctypes.cast(result, ctypes.c_void_p).value if result else None) if gives_pointer else result
        return call


_FAST: list = []


def _fast():
    """The functions, made once."""
    if not _FAST:
        library = _library()
        _FAST.append(_Wrapped() if library is None else _Fast(library))
    return _FAST[0]


def _object_address():
    """FPDFText_GetTextObject giving the object's address as an int (None for none): compared at no cost."""
    return _fast().object


def _once(chars: list[dict]) -> list[dict]:
    """The characters with a glyph printed again at the same spot left out: fake bold draws the same glyph
    several times, a few hundredths of its size apart (``表表表表表表``); such a stack is one character. Two
    characters are one when they are the same and their boxes are within ``STACKED`` of their size (kept
    characters are filed by the square of a grid they lie in; a look-up reads that square and, near its sides,
    the next ones)."""
    filed: dict = {}
    kept = []
    step = _BIN
    for c in chars:
        x, y, text = c["x0"], c["top"], c["text"]
        fx, fy = int(x // step), int(y // step)
        key = (text, fx, fy)
        tolerance = STACKED * c["size"]
        squares = [key]
        if x - fx * step < tolerance:
            squares.append((text, fx - 1, fy))
        elif (fx + 1) * step - x < tolerance:
            squares.append((text, fx + 1, fy))
        if y - fy * step < tolerance:
            squares += [(t, sx, fy - 1) for t, sx, _ in squares]
        elif (fy + 1) * step - y < tolerance:
            squares += [(t, sx, fy + 1) for t, sx, _ in squares]
        stacked = False
        for square in squares:
            for o in filed.get(square, ()):
                if abs(o["x0"] - x) <= tolerance and abs(o["top"] - y) <= tolerance:
                    stacked = True
                    break
        if stacked:
            continue
        kept.append(c)
        mine = filed.get(key)
        if mine is None:
            filed[key] = [c]
        else:
            mine.append(c)
    return kept


def visible_box(page) -> tuple[float, float, float, float]:
    """The part of the page that is shown: crop box ∩ media box, in page space (left, bottom, right, top)."""
    x0, y0, x1, y1 = page.get_mediabox()
    cx0, cy0, cx1, cy1 = page.get_cropbox()
    box = (max(x0, cx0), max(y0, cy0), min(x1, cx1), min(y1, cy1))
    return box if box[2] > box[0] and box[3] > box[1] else (x0, y0, x1, y1)


class _Clips:
    """The box a text object is visible in: the page's visible box cut by the bounding boxes of the object's
    clipping paths (a superset of what is visible, so nothing shown is lost). The last object's is kept, and each
    clipping path's box by the address of its points: objects drawn under the same path share them (PDFium keeps
    one copy), so a page of a glyph per text object reads a few paths, not one per glyph."""

    def __init__(self, page_box: tuple):
        self.page_box = page_box
        self.last = None
        self.box = page_box
        self.paths: dict = {}
        self.by_data: dict = {}  # a clipping state's data (its address) -> the box
        self.x, self.y = ctypes.c_float(), ctypes.c_float()
        self.x_ref, self.y_ref = ctypes.byref(self.x), ctypes.byref(self.y)
        self.fast = _fast()

    def _path(self, clip, p: int, first: int) -> tuple | None:
        fast = self.fast
        n = fast.count_segments(clip, p)
        if n <= 0:
            return None
        key = (first, n)
        box = self.paths.get(key)
        if box is None:
            x, y, x_ref, y_ref = self.x, self.y, self.x_ref, self.y_ref
            point, segment = fast.point, fast.segment
            xs, ys = [], []
            for k in range(n):
                point(ctypes.c_void_p(segment(clip, p, k)), x_ref, y_ref)
                xs.append(x.value)
                ys.append(y.value)
            box = self.paths[key] = (min(xs), min(ys), max(xs), max(ys))
        return box

    def __call__(self, address: int | None) -> tuple:
        """The box of the text object at this address (as FPDFText_GetTextObject gives it; None for none)."""
        if address == self.last:
            return self.box
        self.last = address
        clip = self.fast.clip_path(ctypes.c_void_p(address)) if address else None
        self.box = self.of_clip(ctypes.c_void_p(clip), self.fast.count_paths(ctypes.c_void_p(clip))) if clip \
            else self.unclipped
        return self.box

    @property
    def unclipped(self) -> tuple:
        """The box of an object drawn without a clipping path: the visible page's."""
        x0, y0, x1, y1 = self.page_box
        return x0 - 0.5, y0 - 0.5, x1 + 0.5, y1 + 0.5

    def of_data(self, clip: int, data: int) -> tuple:
        """The box of an object drawn with this clipping path (its address), whose data (not null) is at this
        address, made the first time the data is seen (objects drawn in one clipping state share it; see
        _clip_data_known) and filed by it. A path holding data has one path or more: if it has none, PDFium's layout
        is not the one known, and clipping paths are asked path by path from then on."""
        handle = ctypes.c_void_p(clip)
        paths = self.fast.count_paths(handle)
        if paths <= 0:
            _CLIP_DATA[0] = False
            return self.unclipped
        box = self.by_data[data] = self.of_clip(handle, paths)
        return box

    def of_clip(self, clip, paths: int) -> tuple:
        """The box of an object drawn with this clipping path (a handle) of so many paths."""
        x0, y0, x1, y1 = self.page_box
        for p in range(paths):
            first = self.fast.segment(clip, p, 0)
            box = self._path(clip, p, first) if first else None
            if box is None:
                continue
            x0, y0, x1, y1 = max(x0, box[0]), max(y0, box[1]), min(x1, box[2]), min(y1, box[3])
        return x0 - 0.5, y0 - 0.5, x1 + 0.5, y1 + 0.5


# A clipping path as PDFium gives it (FPDFPageObj_GetClipPath) is the object's CPDF_ClipPath, whose one member is a
# pointer to the clipping state's data (its paths), held by every object drawn in that state and null for an
# object drawn without one. On a page of a glyph per text object (150,000 on 140 pages), each under a clipping path
# of two paths, the box is then looked up by one read instead of six calls an object. None until checked.
_CLIP_DATA: list = [None]


def _clip_data_known() -> bool:
    """Whether clipping paths hold their data as PDFium's layout is known to: checked once per process on two
    clipping paths made here (the data of each is its own: not null, not the other's; each has one path). Turned
    off for the process where a page's clipping path reads as holding data and has no path (_Clips.of_data)."""
    if _CLIP_DATA[0] is None:
        made = [raw.FPDF_CreateClipPath(0, 0, 10, 10), raw.FPDF_CreateClipPath(5, 5, 20, 30)]
        try:
            addresses = [ctypes.cast(m, ctypes.c_void_p).value for m in made]
            words = [ctypes.c_void_p.from_address(a).value if a else None for a in addresses]
            _CLIP_DATA[0] = all(addresses) and all(words) and words[0] != words[1] and words[0] not in addresses \
                and all(raw.FPDFClipPath_CountPaths(m) == 1 for m in made)
        finally:
            for m in made:
                if m:
                    raw.FPDF_DestroyClipPath(m)
    return bool(_CLIP_DATA[0])


class TooManyPaths(Exception):
    """A page draws more path segments than ``MAX_SEGMENTS``: no ruled table is looked for on it."""


MAX_SEGMENTS = 250_000  # path segments on one page; a printed table has a few thousand


def edges(page, place: Frame) -> list[dict]:
    """The horizontal and vertical edges of the page's paths (lines first, then rectangles, then others).
    Raises TooManyPaths on a page drawing an absurd number of path segments (a hostile or broken file)."""
    reader = _Paths(place)
    handle = page.raw
    get, kind_of = reader.pdfium.get_object, reader.pdfium.kind_of
    for k in range(reader.pdfium.count_objects(handle)):
        obj = get(handle, k)
        kind = kind_of(obj)
        if kind == _PATH or kind == _FORM:
            reader.collect(obj, kind, None)
    return reader.lines + reader.rects + reader.curves


_PATH, _FORM = raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_FORM
_MOVETO, _BEZIERTO = raw.FPDF_SEGMENT_MOVETO, raw.FPDF_SEGMENT_BEZIERTO


class _Handle(ctypes.c_void_p):
    """A PDFium handle as a function returns it: a subclass of c_void_p is kept as it is (c_void_p itself would
    become an int, which ctypes passes as a 32-bit int), so it goes back to PDFium without conversion."""


class _Functions:
    """The PDFium functions the edges are read with (``_bare``; pypdfium2.raw's with another layout)."""

    def __init__(self):
        library = _library()

        def bare(name: str, restype=ctypes.c_int):
            return getattr(raw, name) if library is None else _bare(library, name, restype)  # raw's: slower

        self.count_objects = bare("FPDFPage_CountObjects")
        self.get_object = bare("FPDFPage_GetObject", _Handle)
        self.kind_of = bare("FPDFPageObj_GetType")
        self.matrix = bare("FPDFPageObj_GetMatrix")
        self.draw_mode = bare("FPDFPath_GetDrawMode")
        self.count_segments = bare("FPDFPath_CountSegments")
        self.segment = bare("FPDFPath_GetPathSegment", _Handle)
        self.address = bare("FPDFPath_GetPathSegment", ctypes.c_void_p)  # the segment's address, an int
        self.point = bare("FPDFPathSegment_GetPoint")
        self.segment_type = bare("FPDFPathSegment_GetType")
        self.closes = bare("FPDFPathSegment_GetClose")
        self.count_children = bare("FPDFFormObj_CountObjects")
        self.child = bare("FPDFFormObj_GetObject", _Handle)
        self.in_memory = library is not None and _segments_in_memory_match(self)


# PDFium keeps a path's segments in one array of CFX_Path::Point {float x, y; uint8 type (0 line, 1 bezier,
# 2 move: FPDF_SEGMENT_*'s values); bool closes} (12 bytes), and FPDFPath_GetPathSegment(path, k) is the address
# of the k-th: a path's segments are read with one copy of that array instead of three calls a segment
_SEGMENT = 12
_POINT = struct.Struct("=ff4x")  # a segment's x and y


def _segments_in_memory_match(functions: _Functions) -> bool:
    """Whether the segments read from PDFium's array are those its functions give, on a path made here with
    every kind of segment (once per process; if not, as after a change of PDFium's layout, they are asked)."""
    path = raw.FPDFPageObj_CreateNewPath(1.5, 2.25)
    try:
        raw.FPDFPath_LineTo(path, 3.125, -4.5)
        raw.FPDFPath_BezierTo(path, 5.5, 6.75, 7.0, 8.5, 9.25, 10.125)
        raw.FPDFPath_Close(path)
        raw.FPDFPath_MoveTo(path, 11.5, 12.0)
        raw.FPDFPath_LineTo(path, -13.75, 14.5)
        count = raw.FPDFPath_CountSegments(path)
        first = functions.address(path, 0)
        return count == 7 and functions.address(path, count - 1) == first + _SEGMENT * (count - 1) \
            and _asked(functions, path, count) == _copied(first, count)
    finally:
        raw.FPDFPageObj_Destroy(path)


def _asked(functions: _Functions, path, count: int) -> tuple[list, bytes, bytes]:
    """A path's segments, asked segment by segment: their points (x, y), their types (FPDF_SEGMENT_*), a byte
    each, and whether each closes its subpath, a byte each."""
    x, y = ctypes.c_float(), ctypes.c_float()
    x_ref, y_ref = ctypes.byref(x), ctypes.byref(y)
    points, types, closes = [], bytearray(), bytearray()
    for k in range(count):
        segment = functions.segment(path, k)
        functions.point(segment, x_ref, y_ref)
        points.append((x.value, y.value))
        types.append(functions.segment_type(segment))
        closes.append(bool(functions.closes(segment)))
    return points, bytes(types), bytes(closes)


def _copied(first: int, count: int) -> tuple[list, bytes, bytes]:
    """A path's segments as ``_asked`` gives them, read from PDFium's array at address `first`."""
    data = ctypes.string_at(first, _SEGMENT * count)
    return [*_POINT.iter_unpack(data)], data[8::_SEGMENT], data[9::_SEGMENT]


_FUNCTIONS: list = []


def _functions() -> _Functions:
    """The functions, made on first use (once per process)."""
    if not _FUNCTIONS:
        _FUNCTIONS.append(_Functions())
    return _FUNCTIONS[0]


_CHECK_SEGMENTS = False  # True: every path's segments are asked too, and must be those copied


class _Paths:
    """A page's edges, collected path by path: lines, rectangles and others, as _shape sorts them."""

    def __init__(self, place: Frame):
        self.pdfium = _functions()
        self.frame = (place.a, place.b, place.c, place.d, place.e, place.f, place.height, place.top, place.left)
        self.lines: list[dict] = []
        self.rects: list[dict] = []
        self.curves: list[dict] = []
        self.budget = MAX_SEGMENTS
        self.m = raw.FS_MATRIX()
        self.m_ref = ctypes.byref(self.m)
        self.fill, self.stroke = ctypes.c_int(), ctypes.c_int()
        self.mode_refs = ctypes.byref(self.fill), ctypes.byref(self.stroke)

    def collect(self, obj, kind: int, parent: tuple | None) -> None:
        pdfium, m = self.pdfium, self.m
        pdfium.matrix(obj, self.m_ref)
        matrix = (m.a, m.b, m.c, m.d, m.e, m.f)
        if parent is not None:
            matrix = _multiply(matrix, parent)
        if kind == _FORM:
            for k in range(pdfium.count_children(obj)):
                child = pdfium.child(obj, ctypes.c_ulong(k))
                kind = pdfium.kind_of(child)
                if kind == _PATH or kind == _FORM:
                    self.collect(child, kind, matrix)
            return
        pdfium.draw_mode(obj, *self.mode_refs)
        filled_only = bool(self.fill.value) and not self.stroke.value
        count = pdfium.count_segments(obj)
        self.budget -= max(count, 0)
        if self.budget < 0:
            raise TooManyPaths
        if count <= 0:
            return
        xy, types, closes = self._segments(obj, count)
        a, b, c, d, e, f = matrix
        pa, pb, pc, pd, pe, pf, height, top, left = self.frame
        points = []
        for x, y in xy:  # a loop, not comprehensions: each is a function call in Python 3.11
            px, py = a * x + c * y + e, b * x + d * y + f
            points.append((pa * px + pc * py + pe + left, height - (pb * px + pd * py + pf) + top))  # place.point
        if types == _LINE:  # the usual paths, without a loop over their segments: a line
            _line(points, self.lines)
        elif types == _FOUR_SIDES and not closes[2] and not closes[3]:  # a rectangle (it may close on its last)
            if not _rectangle(points, self.rects, filled_only):
                _curves(points, self.curves)
        else:
            for shape, pts in _subpaths(points, types, closes):
                _shape(shape, pts, self.lines, self.rects, self.curves, filled_only)

    def _segments(self, obj, count: int) -> tuple[list, bytes, bytes]:
        pdfium = self.pdfium
        if pdfium.in_memory:
            first = pdfium.address(obj, 0)
            # the segments lie one after the other (they did on the path made to check; checked on each path)
            if first and (count == 1 or pdfium.address(obj, count - 1) == first + _SEGMENT * (count - 1)):
                segments = _copied(first, count)
                if _CHECK_SEGMENTS:
                    assert segments == _asked(pdfium, obj, count), segments
                return segments
        return _asked(pdfium, obj, count)


_LINE = bytes([raw.FPDF_SEGMENT_MOVETO, raw.FPDF_SEGMENT_LINETO])
_FOUR_SIDES = bytes([raw.FPDF_SEGMENT_MOVETO] + [raw.FPDF_SEGMENT_LINETO] * 4)


def _subpaths(points: list, types: bytes, closes: bytes) -> list[tuple[str, list]]:
    """A path's subpaths as pdfminer saw them: its operators (``m``, ``l``, ``c``, ``h`` for a line back to
    the start that closes it) and the points they reach (a Bézier curve's control points left out)."""
    subpaths: list[list] = []
    for point, op, close in zip(points, types, closes):
        if op == _MOVETO or not subpaths:
            subpaths.append([["m"], [point], 0])
            continue
        ops, pts, beziers = subpaths[-1]
        if op == _BEZIERTO:
            subpaths[-1][2] += 1
            if subpaths[-1][2] % 3:
                continue  # a control point
            ops.append("c")
        else:
            ops.append("l")
        pts.append(point)
        if ops[-1] == "l" and point == pts[0] and len(ops) > 2 and close:
            ops[-1] = "h"  # closed: pdfminer's ``h`` back to the start
    return [("".join(ops), pts) for ops, pts, _ in subpaths]


def _shape(shape: str, pts: list, lines, rects, curves, filled_only: bool = False) -> None:
    """Classify a subpath as pdfminer did: a line, a rectangle, or a curve made of its points."""
    if shape in ("mlh", "ml") and len(pts) >= 2:
        _line(pts, lines)
    elif not (shape in ("mlllh", "mllll") and len(pts) == 5 and _rectangle(pts, rects, filled_only)):
        _curves(pts, curves)


# min(a, b) and max(a, b) of two values, written as ``b if b < a else a`` and ``b if b > a else a``: the same
# value (and the same zero, -0.0 or 0.0) without the cost of a call, on tens of thousands of segments a page

def _line(pts: list, lines: list) -> None:
    (x0, t0), (x1, t1) = pts[0], pts[1]
    top, bottom = t1 if t1 < t0 else t0, t1 if t1 > t0 else t0
    left, right = x1 if x1 < x0 else x0, x1 if x1 > x0 else x0
    lines.append({"x0": left, "x1": right, "top": top, "bottom": bottom, "width": right - left,
                  "height": bottom - top, "orientation": "h" if top == bottom else "v"})


def _rectangle(pts: list, rects: list, filled_only: bool) -> bool:
    """Its four sides when the five points go round a rectangle (and back to the first); else False."""
    (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = pts
    if not (pts[0] == pts[4] and ((x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0)
                                  or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0))):
        return False
    left, right = x2 if x2 < x0 else x0, x2 if x2 > x0 else x0
    top, bottom = y2 if y2 < y0 else y0, y2 if y2 > y0 else y0
    width, height = right - left, bottom - top
    fill = {"fill": len(rects)} if filled_only and min(width, height) > RULE else {}
    # a fill (behind text, or a shaded cell) is a border only along rules: pdf_grid decides
    rects.extend([
        {"x0": left, "x1": right, "top": top, "bottom": top, "width": width, "height": 0, "orientation": "h",
         **fill},
        {"x0": left, "x1": right, "top": bottom, "bottom": bottom, "width": width, "height": 0,
         "orientation": "h", **fill},
        {"x0": left, "x1": left, "top": top, "bottom": bottom, "width": 0, "height": height,
         "orientation": "v", **fill},
        {"x0": right, "x1": right, "top": top, "bottom": bottom, "width": 0, "height": height,
         "orientation": "v", **fill},
    ])
    return True


def _curves(pts: list, curves: list) -> None:
    for (x0, t0), (x1, t1) in zip(pts, pts[1:]):
        curves.append({"x0": x1 if x1 < x0 else x0, "x1": x1 if x1 > x0 else x0,
                       "top": t1 if t1 < t0 else t0, "bottom": t1 if t1 > t0 else t0,
                       "width": abs(x0 - x1), "height": abs(t0 - t1),
                       "orientation": "v" if x0 == x1 else ("h" if t0 == t1 else None)})


def _multiply(m: tuple, n: tuple) -> tuple:
    """m then n (row vectors, as PDF matrices)."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def image_covered(page, share: float = 0.3) -> bool:
    """Whether images cover at least ``share`` of the page (a page printed as a picture: a scanned table, a
    performance-targets form pasted as an image). Only asked of pages without text."""
    width, height = page.get_size()
    covered = 0.0
    for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_IMAGE], max_depth=2):
        x0, y0, x1, y1 = obj.get_bounds()
        covered += max(0.0, min(x1, width) - max(x0, 0.0)) * max(0.0, min(y1, height) - max(y0, 0.0))
    return width > 0 and height > 0 and covered >= share * width * height
