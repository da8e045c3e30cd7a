"""Where a figure stands in its document: the page number, and for OCR'd table figures a
small picture of the table row cut from the page, so an analyst can check it by eye.

The crop is made from the raw file (the build records the folder it read), at report time:
the processed tables keep only the page and the box, never pictures.

>>> page_label(3), page_label(None), page_label(float("nan"))
('第3页', '', '')
>>> parse_box("10.0,20.5,110,40"), parse_box(""), parse_box(None)
((10.0, 20.5, 110.0, 40.0), None, None)
>>> row_box((50, 20, 80, 40), [(0, 21, 45, 39), (85, 19, 120, 41), (0, 60, 45, 80)])
(0, 19, 120, 41)
"""

from __future__ import annotations

import base64
import io
import json
import math
from pathlib import Path

Box = tuple[float, float, float, float]
MAX_WIDTH = 640  # pixels of a crop on the page: a row stays legible, the page stays small


def page_label(page: object) -> str:
    if page is None or (isinstance(page, float) and math.isnan(page)):
        return ""
    return f"第{int(page)}页"


def parse_box(box: object) -> Box | None:
    """A box as the tables hold it ("x0,top,x1,bottom"), or None."""
    if not isinstance(box, str) or not box.strip():
        return None
    parts = [float(p) for p in box.replace("[", "").replace("]", "").split(",")]
    return (parts[0], parts[1], parts[2], parts[3]) if len(parts) == 4 else None


def row_box(cell: Box, others: list[Box]) -> Box:
    """The box of the whole table row a cell stands in: the cell joined with every box on
    the same page whose middle lies within the cell's height."""
    x0, top, x1, bottom = cell
    for b in others:
        if top <= (b[1] + b[3]) / 2 <= bottom:
            x0, top, x1, bottom = min(x0, b[0]), min(top, b[1]), max(x1, b[2]), max(bottom, b[3])
    return (x0, top, x1, bottom)


_RAW_DIRS: dict[tuple[str, int, int], str | None] = {}


def raw_dir_of(processed_dir: Path) -> Path | None:
    """The folder of report files the build read (`build-state.json`), if still there.

    The state is tens of MB at 100,000 reports, so a kernel reads it once per build (keyed by
    the file's size and time), not once per agency page with an OCR'd figure.
    """
    path = processed_dir / "build-state.json"
    try:
        st = path.stat()
        key = (str(path.resolve()), st.st_size, st.st_mtime_ns)
        if key not in _RAW_DIRS:
            _RAW_DIRS.clear()
            _RAW_DIRS[key] = json.loads(path.read_text(encoding="utf-8")).get("raw_dir")
    except (OSError, ValueError):
        return None
    raw = _RAW_DIRS[key]
    return Path(raw) if raw and Path(raw).is_dir() else None


def crop_png(data: bytes, page: int, box: Box, pad: int = 6) -> bytes | None:
    """A PNG of `box` (padded) on page `page` of a PDF or image file, or None."""
    from ..read.page_image import page_image

    img = page_image(data, page)
    if img is None:
        return None
    x0, top, x1, bottom = box
    area = (
        max(0, int(x0) - pad),
        max(0, int(top) - pad),
        min(img.width, int(math.ceil(x1)) + pad),
        min(img.height, int(math.ceil(bottom)) + pad),
    )
    if area[2] <= area[0] or area[3] <= area[1]:
        return None
    crop = img.crop(area)
    if crop.width > MAX_WIDTH:
        crop = crop.resize((MAX_WIDTH, max(1, round(crop.height * MAX_WIDTH / crop.width))))
    out = io.BytesIO()
    crop.save(out, format="PNG", optimize=True)
    return out.getvalue()


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def ocr_rows(view, processed_dir: str | Path | None = None) -> list[dict[str, str]]:
    """The OCR'd table figures of an agency's view, each with its page and a crop of its table
    row from the raw file (empty where the file or the page cannot be read again).

    `view` is an `analysis.reports.data.AgencyView`; its metrics and cells carry `page`,
    `box` and `ocr` (tidy's provenance columns).
    """
    from .. import dataset

    m = view.metrics
    if "ocr" not in m.columns or not m["ocr"].fillna(False).astype(bool).any():
        return []
    raw = raw_dir_of(dataset._base(processed_dir))
    files = dict(zip(view.reports["report_id"], view.reports["file"]))
    cells = view.cells
    has_boxes = {"page", "box", "report_id"} <= set(cells.columns)
    data_of: dict[str, bytes | None] = {}
    out = []
    for r in m.loc[m["ocr"].fillna(False).astype(bool)].itertuples(index=False):
        box, page = parse_box(r.box), r.page
        uri = ""
        if raw is not None and box is not None and page_label(page):
            rid = r.report_id
            if rid not in data_of:
                try:
                    data_of[rid] = (raw / files.get(rid, rid)).read_bytes()
                except OSError:
                    data_of[rid] = None
            if has_boxes:
                same = cells.loc[(cells["report_id"] == rid) & (cells["page"] == page)]
                box = row_box(box, [b for b in map(parse_box, same["box"]) if b is not None])
            box = (0.0, *box[1:])  # from the page's left edge: the row's label cells too
            png = crop_png(data_of[rid], int(page), box) if data_of[rid] else None
            uri = data_uri(png) if png else ""
        why = "原文件或页面无法再次读取" if box is not None else "合计自多个单元格，见上表"
        out.append(
            {
                "年份": "" if r.report_year is None else str(int(r.report_year)),
                "指标": r.label if isinstance(r.label, str) else r.metric,
                "数值": "" if r.value is None or math.isnan(r.value) else f"{r.value:g}",
                "页码": page_label(page),
                "核对": "已核对（表内等式成立）" if r.checked else "未核对",
                "图": uri,
                "说明": "" if uri else why,
                "报告": r.report_id,
            }
        )
    return out
