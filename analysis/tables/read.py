"""The three standard tables of the 2019/2021 report format: cells, headline figures, checks.

Interface used by analysis.extract:
- read_tables(doc) -> dict with keys "layout" (None, "template2019", "template2021",
  optionally suffixed "-subtotal"), "cells" (list of cell dicts), "metrics" ({name: record}),
  "checks" (list of check dicts) and "issues" (list of `analysis.issues.Issue`).
- merge_metrics(prose_metrics, tables) -> metrics, preferring table figures; it also adds a
  prose-vs-table check to tables["checks"] for every figure both give.

Tables hold the richest figures of a report, so when one is present its figures replace
what the prose rules found, and the prose figure is kept beside it for comparison. A
prose report costs a few substring tests: nothing else here runs unless the text has
words only the standard tables use.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..document.rows import has_cell_border
from ..document.sentences import Document
from ..issues import Issue
from .checks import FAIL, cell_id, fmt, prose_vs_table, table3_checks, table4_checks
from .four import Table4, locate_table4, read_fifteen, read_table4
from .gaps import drop_mislabelled, read_by_order
from .glued import glued_table3, glued_table4
from .provenance import OCR_PENALTY, Sources, apply_derived, derive_totals, mark_checked
from .template import (
    T2_BY_KEY,
    T2_HEADER_2019,
    T2_HEADER_2021,
    T2_METRICS,
    T3_GROUP_ITEMS,
    T3_METRICS,
    T3_OTHER_2019,
    T4_COLS,
    T4_ROWS,
    t3_row_label,
)
from .three import Table3, read_table3
from .tokens import LineIndex, Tokens, tokenize
from .two import Table2, read_table2

# words only the standard tables use (a prose report has none of them)
_GATE = ("本年新收", "第二十条", "尚未审", "直接起诉", "复议后起诉", "信息内容")
_AREA_END = re.compile(r"^\s*[五六][、.]\s*\S")
_CONFIDENCE = {"cells": 0.95, "stream": 0.9, "block": 0.85, "glued": 0.85}


def _empty() -> dict[str, Any]:
    return {"layout": None, "cells": [], "metrics": {}, "checks": [], "issues": []}


# words prose uses too ('…的信息内容…'): alone, they open the tables only on a line that is
# not prose
_WEAK_GATE = ("信息内容", "第二十条")


def _in_prose(text: str, i: int) -> bool:
    ls, le = text.rfind("\n", 0, i) + 1, text.find("\n", i)
    line = text[ls : le if le >= 0 else len(text)]
    return not has_cell_border(line) and ("。" in line or len(line) > 80)


def _may_hold_tables(text: str) -> bool:
    """Whether a gate word stands where a table could be (reading tables costs time on prose)."""
    for w in _GATE:
        i = text.find(w)
        if w not in _WEAK_GATE and i >= 0:
            return True
        while i >= 0:
            if not _in_prose(text, i):
                return True
            i = text.find(w, i + 1)
    return False


def _area(doc: Document) -> tuple[int, int] | None:
    """Normalized offsets of the part of the report that holds the tables."""
    text = doc.norm.text
    hits = [i for i in (text.find(w) for w in _GATE) if i >= 0]
    if not hits or not _may_hold_tables(text):
        return None
    first = min(hits)
    li = next((i for i, (s, e, _) in enumerate(doc.lines) if e >= first), None)
    if li is None:
        return None
    # take in the short header lines above (a heading, column headers), not prose paragraphs
    k = li
    while (
        k > 0 and li - k < 8 and len(doc.lines[k - 1][2]) <= 80 and "。" not in doc.lines[k - 1][2]
    ):
        k -= 1
    start = doc.lines[k][0]
    end = len(text)
    last = max(
        text.rfind(w) for w in _GATE
    )  # the 五、 heading that ends the tables comes after them all
    for i in range(li + 1, len(doc.lines)):
        s, e, t = doc.lines[i]
        if s > last and _AREA_END.match(t) and i not in doc.rows and len(t) <= 60:
            end = s
            break
    return start, end


def read_tables(doc: Document) -> dict[str, Any]:
    """Tables 二, 三 and 四 of a template report as cells, metrics, checks and issues."""
    area = _area(doc)
    if area is None:
        return _empty()
    name = Path(doc.loaded.source).name
    start, end = area
    tok = tokenize(doc, start, end)
    if not tok.label and not tok.runs:
        return _empty()
    reaches_end = tok.at_doc_end and end >= len(doc.norm.text)
    n = len(tok.label)

    def offset(li: int) -> int:
        return tok.pos[li] if li < n else tok.end + 1

    t4_li = locate_table4(tok, 0)
    t3_hi = t4_li if t4_li is not None else n
    t3 = read_table3(tok, 0, t3_hi, offset(t3_hi), reaches_end and t4_li is None, None, name)
    t2_hi = t3.first_li if t3 is not None else t3_hi
    t2 = read_table2(
        tok, 0, t2_hi, offset(t2_hi), reaches_end and t3 is None and t4_li is None, name
    )
    hint = t2.layout if t2 is not None else _header_layout(tok.label[:t2_hi])
    if t3 is not None and t3.layout is None and hint:
        t3 = read_table3(tok, 0, t3_hi, offset(t3_hi), reaches_end and t4_li is None, hint, name)
    t4 = read_table4(tok, t4_li, end, reaches_end, name) if t4_li is not None else None
    t3, t4 = _glued(doc.norm.text, tok, start, end, name, t3, t4)

    issues: list[Issue] = []
    if tok.dropped_tail is not None:
        issues.append(
            Issue(
                "warning",
                "table-cut-off",
                f"{name}: the text ends right after the figure "
                f"{doc.original(tok.dropped_tail.start, tok.dropped_tail.end)!r}, "
                f"which may be cut short; left empty",
            )
        )
    # table 二's columns tell the formats apart best; some 2021 reports keep the 2019 table
    # 三's single (六)其他处理 row, so table 三 decides only where table 二 cannot
    layouts = [x for x in ((t2.layout if t2 else None), (t3.layout if t3 else None), hint) if x]
    if t3 and t2 and t3.layout and t2.layout and t3.layout != t2.layout:
        issues.append(
            Issue(
                "info",
                "table-layout-mixed",
                f"{name}: table 二 has the {t2.layout} layout but table 三 the {t3.layout} one; "
                f"each is read in its own",
            )
        )
    if not layouts and t3 is None and t2 is None and t4 is None:
        return _empty()
    layout = "template" + (layouts[0] if layouts else "2019")
    if t3 and (t3.subtotal_rows or t3.subtotal_column):
        layout += "-subtotal"

    lines = LineIndex(doc.norm.text)
    src = Sources(doc)
    cells: list[dict[str, Any]] = []
    checks: list[dict[str, Any]] = []
    metrics: dict[str, dict[str, Any]] = {}
    if t2 is not None:
        issues.extend(t2.issues)
        cells.extend(_cells2(doc, t2, lines, src))
    if t3 is not None:
        issues.extend(t3.issues)
        cells.extend(_cells3(doc, t3, lines, src))
        checks.extend(table3_checks(t3.grid, t3.rows, t3.columns))
    if t4 is not None:
        issues.extend(t4.issues)
        cells.extend(_cells4(doc, t4, lines, src))
        checks.extend(table4_checks(t4.grid))
    failed = [c for c in checks if c["status"] == FAIL]
    if failed:
        shown = "; ".join(c["message"] for c in failed[:3])
        more = f" (and {len(failed) - 3} more)" if len(failed) > 3 else ""
        issues.append(
            Issue(
                "warning",
                "table-check-failed",
                f"{name}: {len(failed)} table check(s) fail: {shown}{more}",
            )
        )
    bad_cells = {c for chk in failed for c in chk["cells"]}
    derived = derive_totals(t3, t4)
    if derived:
        apply_derived(cells, t3, t4, derived)
    mark_checked(cells, checks)
    by_id = {cell_id(c["table"], c["row_key"], c["col_key"]): c for c in cells}
    if t2 is not None and t2.layout:
        metrics.update(_metrics2(t2, by_id, bad_cells))
    if t3 is not None:
        metrics.update(_metrics3(doc, t3, by_id, bad_cells))
    if t4 is not None:
        metrics.update(_metrics4(doc, t4, by_id, bad_cells))
    return {
        "layout": layout,
        "cells": cells,
        "metrics": metrics,
        "checks": checks,
        "issues": issues,
    }


def _placed(grid: dict[str, list[Any]]) -> int:
    return sum(v is not None for row in grid.values() for v in row)


def _glued(
    text: str,
    tok: Tokens,
    start: int,
    end: int,
    name: str,
    t3: Table3 | None,
    t4: Table4 | None,
) -> tuple[Table3 | None, Table4 | None]:
    """Tables 三 and 四 read again as glued text (`glued`), where that places more cells.

    Only tried when the ordinary reading left most of a table empty, so a table that reads
    well costs nothing more.
    """
    if t3 is None or _placed(t3.grid) < 0.5 * 7 * len(t3.rows):
        g3 = glued_table3(text, start, end, name)
        if g3 is not None and _placed(g3.grid) > (_placed(t3.grid) if t3 else 0):
            if t3 is not None and t3.layout and g3.layout != t3.layout:
                g3 = None
            if g3 is not None:
                t3 = g3
    if t3 is None or t3.placement in ("cells", "block"):
        # stricter than the reading by labels where it applies (some rows of cells lack
        # their label, and the sums confirm every column), so it is preferred there
        g3 = read_by_order(tok, start, end, name)
        if g3 is not None:
            t3 = g3
        elif t3 is not None:
            drop_mislabelled(t3, tok, name)
    if t4 is None or _placed(t4.grid) == 0:
        lo = t3.where[t3.rows[-1]][1] if t3 is not None and t3.rows[-1] in t3.where else start
        g4 = glued_table4(text, lo, end, name)
        if g4 is not None and _placed(g4.grid) > 0:
            t4 = Table4(g4.grid, g4.spans, g4.where, "glued", g4.flags, g4.issues)
        else:
            t4 = read_fifteen(tok, lo, end) or t4
    return t3, t4


def _header_layout(label: str) -> str | None:
    n21, n19 = len(T2_HEADER_2021.findall(label)), len(T2_HEADER_2019.findall(label))
    return "2021" if n21 > n19 else "2019" if n19 > n21 else None


_EMPTY_CELL = "the cell is empty in the report"


def _row(
    lines: LineIndex,
    table: str,
    row: str,
    row_label: str,
    columns: list[tuple[str, str]],
    values: list[Any],
    spans: list[tuple[int, int] | None],
    where: tuple[int, int] | None,
    evidence: str | None,
    flag: str | None,
) -> list[dict[str, Any]]:
    """The cell records of one table row, in column order.

    What the cells of a row share (labels, evidence, the row's line and flag) is worked
    out once per row rather than once per cell: a template report has some 200 cells.
    A cell's line is that of its figure, or of the row where the figure is missing.
    """
    row_line = lines.line(where[0]) if where else None
    # line numbers only grow with the offset, so when the row starts and ends on one line, every
    # figure within it stands on that line too (the usual case: a pipe row); no look-up needed
    one_line = bool(where) and lines.line(where[1]) == row_line
    empty_flag = _EMPTY_CELL if flag is None else flag
    out = []
    for i, (col, col_label) in enumerate(columns):
        value, span = values[i], spans[i]
        if not span:
            at = row_line
        elif one_line and where[0] <= span[0] <= where[1]:  # type: ignore[index]
            at = row_line
        else:
            at = lines.line(span[0])
        out.append(
            {
                "table": table,
                "row_key": row,
                "col_key": col,
                "row_label": row_label,
                "col_label": col_label,
                "value": value,
                "line": at,
                "evidence": evidence,
                "flag": empty_flag if value is None else flag,
            }
        )
    return out


def _evidence(doc: Document, where: tuple[int, int] | None) -> str | None:
    return doc.original(*where) if where else None


def _cells2(doc: Document, t: Table2, lines: LineIndex, src: Sources) -> list[dict[str, Any]]:
    out = []
    for r in t.rows:
        w = t.where.get(r)
        cols, label = t.columns[r], T2_BY_KEY[r].label
        row = _row(
            lines, "二", r, label, cols, t.grid[r], t.spans[r], w, _evidence(doc, w), t.flags.get(r)
        )
        out.extend(src.mark(row, t.spans[r], w))
    return out


def _cells3(doc: Document, t: Table3, lines: LineIndex, src: Sources) -> list[dict[str, Any]]:
    out = []
    for r in t.rows:
        w = t.where.get(r)
        label = t3_row_label(r)
        row = _row(
            lines,
            "三",
            r,
            label,
            t.columns,
            t.grid[r],
            t.spans[r],
            w,
            _evidence(doc, w),
            t.flags.get(r),
        )
        out.extend(src.mark(row, t.spans[r], w))
    return out


def _cells4(doc: Document, t: Table4, lines: LineIndex, src: Sources) -> list[dict[str, Any]]:
    out = []
    where = t.where if t.where[1] > t.where[0] else None
    ev = _evidence(doc, where)
    for r, rlabel in T4_ROWS:
        row = _row(
            lines, "四", r, rlabel, T4_COLS, t.grid[r], t.spans[r], where, ev, t.flags.get(r)
        )
        out.extend(src.mark(row, t.spans[r], where))
    return out


def _record(
    value: Any,
    ids: list[str],
    by_id: dict[str, dict],
    bad: set[str],
    evidence: str | None,
    span: str | None,
    rule: str,
    placement: str,
    extra_flags: list[str] | None = None,
) -> dict[str, Any]:
    flags = list(extra_flags or [])
    conf = _CONFIDENCE.get(placement, 0.85)
    doubtful = [i for i in ids if i in bad]
    if doubtful:
        flags.append("a table check involving " + ", ".join(doubtful) + " fails")
        conf -= 0.25
    for i in ids:
        f = by_id[i].get("flag")
        if f:
            flags.append(f"{i}: {f}")
    used = [by_id[i] for i in ids]
    checked = all(c["checked"] for c in used)
    ocr = any(c["ocr"] for c in used)
    if ocr and not checked:
        conf -= OCR_PENALTY
    line = by_id[ids[0]].get("line")
    return {
        "value": value,
        "evidence": evidence,
        "span": span,
        "approximate": False,
        "confidence": round(conf, 2),
        "source": "table",
        "rule": rule,
        "line": line,
        "flags": flags,
        "cells": ids,
        "cell_source": used[0]["source"],
        "page": used[0]["page"],
        "box": used[0]["box"] if len(used) == 1 else None,
        "ocr": ocr,
        "checked": checked,
        "derived": any(c["derived"] for c in used),
    }


def _span_text(doc: Document, span: tuple[int, int] | None) -> str | None:
    return doc.original(*span) if span else None


def _metrics2(t: Table2, by_id: dict[str, dict], bad: set[str]) -> dict[str, dict]:
    out = {}
    for (layout, r, c), metric in T2_METRICS.items():
        if layout != t.layout or r not in t.grid:
            continue
        cid = cell_id("二", r, c)
        cell = by_id.get(cid)
        if cell is None or cell["value"] is None:
            continue
        out[metric] = _record(
            cell["value"],
            [cid],
            by_id,
            bad,
            cell["evidence"],
            None,
            f"表二 {cell['row_label']} × {cell['col_label']}",
            "cells",
        )
    return out


def _metrics3(doc: Document, t: Table3, by_id: dict[str, dict], bad: set[str]) -> dict[str, dict]:
    out = {}
    ti = [c for c, _ in t.columns].index("total")
    for metric, row in T3_METRICS.items():
        if row in T3_GROUP_ITEMS:
            sub = f"{row}_subtotal"
            if row == "other" and T3_OTHER_2019 in t.rows:
                parts = [T3_OTHER_2019]
            elif sub in t.rows and t.grid[sub][ti] is not None:
                parts = [sub]
            else:
                parts = T3_GROUP_ITEMS[row]
        else:
            parts = [row]
        if any(p not in t.grid or t.grid[p][ti] is None for p in parts):
            continue
        value = sum(t.grid[p][ti] for p in parts)  # type: ignore[misc]
        ids = [cell_id("三", p, "total") for p in parts]
        spans = [t.where[p] for p in parts if p in t.where]
        ev = (min(a for a, _ in spans), max(b for _, b in spans)) if spans else None
        label = t3_row_label(parts[0]) if len(parts) == 1 else t3_row_label(row) + " (各项之和)"
        rec = _record(
            value,
            ids,
            by_id,
            bad,
            doc.original(*ev) if ev else None,
            _span_text(doc, t.spans[parts[0]][ti]) if len(parts) == 1 else None,
            f"表三 {label} × 总计",
            t.placement,
            [f"sum of {len(parts)} rows of table 三"] if len(parts) > 1 else None,
        )
        out[metric] = rec
    return out


def _metrics4(doc: Document, t: Table4, by_id: dict[str, dict], bad: set[str]) -> dict[str, dict]:
    out = {}
    ev = doc.original(*t.where) if t.where[1] > t.where[0] else None
    rec_total = t.grid["reconsideration"][4]
    if rec_total is not None:
        out["reconsideration_cases"] = _record(
            rec_total,
            [cell_id("四", "reconsideration", "total")],
            by_id,
            bad,
            ev,
            _span_text(doc, t.spans["reconsideration"][4]),
            "表四 行政复议 × 总计",
            t.placement,
        )
    a, b = t.grid["litigation_direct"][4], t.grid["litigation_after_reconsideration"][4]
    if a is not None and b is not None:
        out["litigation_cases"] = _record(
            a + b,
            [
                cell_id("四", "litigation_direct", "total"),
                cell_id("四", "litigation_after_reconsideration", "total"),
            ],
            by_id,
            bad,
            ev,
            None,
            "表四 行政诉讼 未经复议直接起诉 总计 + 复议后起诉 总计",
            t.placement,
            [f"sum of 未经复议直接起诉 总计 ({a:g}) and 复议后起诉 总计 ({b:g})"],
        )
    return out


def merge_metrics(
    prose: dict[str, dict], tables: dict[str, Any], file: str = "the report"
) -> dict[str, dict]:
    """Table figures win; the prose figure stays beside them and is checked against them."""
    merged = dict(prose)
    checks = tables.setdefault("checks", []) if isinstance(tables, dict) else []
    for name, rec in (tables.get("metrics") or {}).items():
        if rec.get("value") is None:
            continue
        new = dict(rec)
        p = prose.get(name)
        if p is not None:
            new["prose_value"] = p.get("value")
            new["prose_evidence"] = p.get("evidence")
            if p.get("value") is not None:
                chk = prose_vs_table(name, p, rec)
                checks.append(chk)
                if chk["status"] == FAIL:
                    # never picked silently: the table's figure stands, both are flagged
                    new["flags"] = [*new.get("flags", []), "prose disagrees: " + chk["message"]]
                    new["confidence"] = round(new.get("confidence", 0.85) - 0.1, 2)
                    issues = tables.setdefault("issues", [])
                    issues.append(
                        Issue(
                            "warning",
                            "prose-table-mismatch",
                            f"{file}: {name}: the prose says {p.get('evidence')!r} but the table "
                            f"gives {fmt(rec['value'])}; the table's figure is kept, both flagged",
                        )
                    )
        merged[name] = new
    return merged
