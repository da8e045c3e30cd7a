"""Page images to text and grids by OCR (RapidOCR on onnxruntime, its models in the wheel).

Some reports put their tables in as pictures, or are scans. RapidOCR (Apache-2.0) reads
Chinese print well, runs on the CPU, and ships its detection and recognition models in its
wheel, so nothing is fetched at run time. OCR takes seconds a page, so:

- it runs only on image files and on PDF pages without a text layer, never on text or
  web pages;
- its result is cached by the image's content hash (`ANALYSIS_OCR_CACHE`, a folder; the
  build points it at data/processed/.cache/ocr), so a re-run of an unchanged file costs
  nothing, and a build prints each page it reads when `ANALYSIS_OCR_PROGRESS` is set.

Tables are rebuilt from the picture: the ruling lines (found with OpenCV morphology) give
the cells, a border missing between two cells merges them, and each recognised character
goes to the cell its centre stands in. Every grid made here has `ocr=True`: its figures are
less sure, and the table reader counts them as checked only where the table's sums hold.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from .compose import Composer, join_text, place
from .rules import tables_from_rules

ENGINE_VERSION = "rapidocr-3.10.0/2"  # part of the cache key: a new engine reads afresh
_engine: Any = None
_memo: dict[str, dict] = {}  # this process's results, by image hash


def engine() -> Any:
    """The OCR engine, made once per process (loading the models takes a second)."""
    global _engine
    if _engine is None:
        import logging

        from rapidocr import RapidOCR

        _engine = RapidOCR(params={"Global.log_level": "error"})
        logging.getLogger("RapidOCR").setLevel(logging.ERROR)
    return _engine


def _key(image) -> str:
    h = hashlib.sha256(f"{ENGINE_VERSION}|{image.mode}|{image.size}".encode())
    h.update(image.tobytes())
    return h.hexdigest()


def _cache_dir() -> Path | None:
    d = os.environ.get("ANALYSIS_OCR_CACHE")
    return Path(d) if d else None


def _ruling(gray) -> dict:
    """Horizontal and vertical ruling segments of a page image, in pixels.

    h: (y, x0, x1); v: (x, y0, y1). A segment is a run of ink at least 1/25 of the page
    wide (or 1/60 high), which letters never are.
    """
    import cv2
    import numpy as np

    ink = (gray < 160).astype(np.uint8) * 255
    h_img, w_img = ink.shape
    hk = cv2.getStructuringElement(cv2.MORPH_RECT, (max(w_img // 25, 20), 1))
    vk = cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(h_img // 60, 20)))
    hor = cv2.morphologyEx(ink, cv2.MORPH_OPEN, hk)
    ver = cv2.morphologyEx(ink, cv2.MORPH_OPEN, vk)
    segs: dict[str, list] = {"h": [], "v": []}
    for name, mask in (("h", hor), ("v", ver)):
        n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        for i in range(1, n):
            x, y, w, h, _ = (int(v) for v in stats[i])
            if name == "h":
                segs["h"].append((y + h / 2, x, x + w))
            else:
                segs["v"].append((x + w / 2, y, y + h))
    return segs


BAND = 1600  # pixels: the engine scales larger images down, and small print gets lost


def bands(gray, band: int = BAND) -> list[tuple[int, int]]:
    """A tall page cut into bands of at most about `band` rows, each cut on a blank row
    (or on a ruling line, the thinnest ink), so no line of text is cut in two."""
    h = gray.shape[0]
    if h <= band * 5 // 4:
        return [(0, h)]
    ink = (gray < 160).sum(axis=1)
    cuts, start = [], 0
    while h - start > band * 5 // 4:
        lo, hi = start + band * 3 // 4, start + band
        cut = lo + int(ink[lo:hi].argmin())
        cuts.append((start, cut))
        start = cut
    cuts.append((start, h))
    return cuts


def ocr_image(image) -> dict:
    """{"size", "words": [[x0, top, x1, bottom, text, score]], "h", "v"} of a PIL image.

    Cached by content hash in memory and, when `ANALYSIS_OCR_CACHE` is set, on disk.
    """
    import numpy as np

    image = image.convert("RGB")
    key = _key(image)
    if key in _memo:
        return _memo[key]
    folder = _cache_dir()
    path = folder / key[:2] / f"{key}.json" if folder else None
    if path is not None and path.exists():
        try:
            res = json.loads(path.read_text(encoding="utf-8"))
            _memo[key] = res
            return res
        except (OSError, json.JSONDecodeError):
            pass  # a damaged entry is redone
    arr = np.array(image)
    gray = np.array(image.convert("L"))
    words = []
    for top, bottom in bands(gray):
        out = engine()(arr[top:bottom], return_word_box=True)
        for line in out.word_results or ():
            for word in line:
                if not isinstance(word, (tuple, list)) or len(word) != 3:  # (nothing found)
                    continue
                text, score, box = word
                xs = [p[0] for p in box]
                ys = [p[1] + top for p in box]
                words.append([min(xs), min(ys), max(xs), max(ys), text, float(score)])
    res = {"size": list(image.size), "words": words, **_ruling(gray)}
    _memo[key] = res
    if path is not None:
        from ..atomic import atomic_path

        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(path, keep_if_same=False) as tmp:
            tmp.write_text(json.dumps(res, ensure_ascii=False), encoding="utf-8")
    return res


MAX_SECONDS = 600.0  # OCR of one document: past this it is refused, not waited for


class OcrTimeout(Exception):
    pass


def read_images(images: list, name: str, budget: float = MAX_SECONDS) -> list[dict]:
    """OCR results of a document's page images, saying each page on stderr in a build;
    OcrTimeout when the pages take longer than `budget` seconds (cached pages cost none)."""
    results = []
    progress = os.environ.get("ANALYSIS_OCR_PROGRESS")
    started = time.perf_counter()
    for i, img in enumerate(images):
        if time.perf_counter() - started > budget:
            raise OcrTimeout(
                f"{name}: OCR stopped after {budget:.0f} s at page {i + 1} of {len(images)}; "
                "the document is too long to read by OCR as one report"
            )
        t = time.perf_counter()
        results.append(ocr_image(img))
        if progress:
            print(
                f"  OCR {name} page {i + 1}/{len(images)}: {time.perf_counter() - t:.1f} s",
                file=sys.stderr,
                flush=True,
            )
    return results


def _inside(w: list, box) -> bool:
    cx, cy = (w[0] + w[2]) / 2, (w[1] + w[3]) / 2
    return box[0] <= cx <= box[2] and box[1] <= cy <= box[3]


def _lines(words: list) -> list[list]:
    """Words grouped into lines (overlapping vertically), each line left to right."""
    lines: list[list] = []
    for w in sorted(words, key=lambda w: (w[1] + w[3]) / 2):
        cy = (w[1] + w[3]) / 2
        if lines:
            last = lines[-1]
            top = min(x[1] for x in last)
            bottom = max(x[3] for x in last)
            if top <= cy <= bottom:
                last.append(w)
                continue
        lines.append([w])
    return [sorted(ln, key=lambda w: w[0]) for ln in lines]


def _line_text(line: list) -> str:
    """A line's text: a wide gap between words is a space, CJK otherwise join."""
    parts, prev = [], None
    for w in line:
        if prev is not None and w[0] - prev[2] > 1.5 * (w[3] - w[1]):
            parts.append(" ")
        parts.append(w[4])
        prev = w
    return "".join(parts).strip()


_LOOKALIKE = str.maketrans({"o": "0", "O": "0", "D": "0", "l": "1", "I": "1", "|": "1"})


def figure_glyphs(text: str) -> str:
    """A cell OCR read as digits with a letter of the same shape (o for 0, l for 1): the digits.

    Only a cell of nothing but digits and such letters is changed, so a label never is;
    the table's sums still check the figure, as every OCR'd one.

    >>> figure_glyphs("o"), figure_glyphs("1o5"), figure_glyphs("other"), figure_glyphs("口")
    ('0', '105', 'other', '口')
    """
    if text and len(text) <= 8 and all(ch.isdigit() or ch in "oOlI|D" for ch in text):
        if any(ch.isdigit() for ch in text) or len(text) == 1:
            return text.translate(_LOOKALIKE)
    return text


def write_ocr_page(out: Composer, res: dict, page: int) -> list[float]:
    """An OCR'd page into the composer: lines of text and rebuilt tables, top to bottom.

    Returns the scores of the words placed in table cells (the caller may report them).
    """
    tables = tables_from_rules(res["h"], res["v"], tol=5.0)
    words = res["words"]
    blocks: list[tuple[float, str, Any]] = []
    rest = [w for w in words if not any(_inside(w, t[0]) for t in tables)]
    lines = _lines(rest)
    # a line reaching the right margin was wrapped: the paragraph goes on below
    rights = sorted(max(w[2] for w in ln) for ln in lines if len(_line_text(ln)) > 15)
    right = rights[int(0.9 * (len(rights) - 1))] if rights else 0.0
    para, para_top, wrapped = "", 0.0, False
    for line in lines:
        text = _line_text(line)
        height = max(w[3] for w in line) - min(w[1] for w in line)
        if para and wrapped:
            para = join_text([para, text])
        else:
            if para:
                blocks.append((para_top, "line", para))
            para, para_top = text, min(w[1] for w in line)
        wrapped = bool(right) and max(w[2] for w in line) >= right - 1.5 * height
    if para:
        blocks.append((para_top, "line", para))
    scores: list[float] = []
    for bbox, cells in tables:
        mine = [w for w in words if _inside(w, bbox)]
        positioned = []
        for x0, top, x1, bottom in cells:
            inside = [w for w in mine if _inside(w, (x0, top, x1, bottom))]
            scores += [w[5] for w in inside]
            text = figure_glyphs(join_text([_line_text(ln) for ln in _lines(inside)]))
            positioned.append((x0, top, x1, bottom, text))
        blocks.append((bbox[1], "table", positioned))
    for _, kind, item in sorted(blocks, key=lambda b: b[0]):
        if kind == "line":
            out.line(item, page)
        else:
            texts, copies, boxes = place(item, tol=4.0)
            out.table(texts, copies, [page] * len(texts), boxes, "ocr", ocr=True)
    return scores
