"""The `indicators` table: how well each body reports, per report and over the corpus.

Per report, from its record alone (rows written with the report's slice, so an unchanged
slice keeps them): timeliness (`quality.timeliness`), completeness (`quality.parts`, found at
extraction) and consistency (the record's table identities and prose-versus-table checks).

Over the corpus, once per build after the slices are written: repetition (the share of a
report's sentence shingles found in the same body's report of the year before, flagged above
50%), templates (near-identical reports of different bodies in the same year, Jaccard ≥ 0.8)
and coverage (years between a body's first and last report with none in the corpus). They
are computed with numpy from the sentence hashes each slice saved beside its pieces
(`fingerprints.npz`), into a piece folder of their own keyed by the slices' keys: an
unchanged corpus recomputes nothing. Sentences found in the reports of very many bodies
(the format's boilerplate) are left out of both, so that a shared standard phrase is
neither a copy nor a template.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..quality import timeliness
from ..quality.fingerprints import names_of, passages, unpack
from ..quality.parts import NAMES

REPEAT_FLAG = 0.5  # more than this share repeated from the year before is flagged
TEMPLATE_JACCARD = 0.8  # two bodies' reports at least this alike share a template
MIN_SHINGLES = 5  # fewer sentences than this: too little text to judge repetition or templates
BOILERPLATE_BODIES = 30  # a sentence in at least this many bodies' reports (or 1%) is boilerplate
MINHASH_ROUNDS = 6  # candidate pairs share a minimum hash in one of these many permutations
PIECE_YEAR = "__partition_year"  # as in build/write.py (which imports this module)
FINGERPRINTS = "fingerprints.npz"
# statuses that are a problem to show (the others: on time, complete, passed, ok, cannot assess)
PROBLEMS = ("late", "inconsistent", "incomplete", "failed", "flagged", "no report in the corpus")
CANNOT = "cannot assess"


def _row(
    rec: dict[str, Any],
    indicator: str,
    status: str,
    value: float | None,
    detail: str,
    evidence: str | None,
) -> dict[str, Any]:
    return {
        "report_id": rec.get("file"),
        "agency": rec.get("agency"),
        "report_year": rec.get("report_year"),
        "indicator": indicator,
        "status": status,
        "value": value,
        "detail": detail,
        "evidence": evidence,
    }


def _timeliness(rec: dict[str, Any]) -> dict[str, Any]:
    t = timeliness.assess(rec.get("report_year"), rec.get("publish_date"), rec.get("agency"))
    date = rec.get("publish_date")
    evidence = f"发布日期 {date} (来源: {rec.get('date_source') or '未知'})" if date else None
    return _row(rec, "timeliness", t["status"], t["value"], t["detail"], evidence)


def _completeness(rec: dict[str, Any]) -> dict[str, Any]:
    parts = rec.get("parts") or {}
    if not parts.get("regime"):
        return _row(rec, "completeness", CANNOT, None, "报告年度不明,无法确定应有的组成部分", None)
    present, missing = parts.get("present") or [], parts.get("missing") or []
    total = len(present) + len(missing)
    found = "、".join(NAMES[k] for k in present) or "无"
    if missing:
        detail = f"按{parts['source']}应有{total}部分,缺少: " + "、".join(NAMES[k] for k in missing)
        return _row(rec, "completeness", "incomplete", float(len(missing)), detail, found)
    detail = f"按{parts['source']}应有的{total}部分均有"
    return _row(rec, "completeness", "complete", 0.0, detail, found)


def _consistency(rec: dict[str, Any]) -> dict[str, Any]:
    checks = rec.get("checks") or []
    failed = [c for c in checks if c.get("status") == "fail"]
    passed = sum(1 for c in checks if c.get("status") == "pass")
    if failed:
        detail = f"{len(failed)}项核对未通过(共{len(checks)}项): " + "; ".join(
            f"{c.get('check')}: {c.get('message')}" for c in failed
        )
        cells = sorted({str(x) for c in failed for x in (c.get("cells") or [])})
        return _row(rec, "consistency", "failed", float(len(failed)), detail, ", ".join(cells))
    if passed:
        return _row(rec, "consistency", "passed", 0.0, f"{passed}项核对均通过", None)
    why = "没有可核对的表格或数字" if not checks else "各项核对均因单元格为空或数字为约数无法判断"
    return _row(rec, "consistency", CANNOT, None, why, None)


def report_rows(rec: dict[str, Any]) -> list[dict[str, Any]]:
    """The per-report indicator rows of one record (timeliness, completeness, consistency)."""
    return [_timeliness(rec), _completeness(rec), _consistency(rec)]


class SliceFingerprints:
    """The sentence hashes of one slice's reports, saved beside its pieces for the corpus step."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.body: list[str] = []
        self.agency: list[str] = []
        self.place: list[str] = []
        self.year: list[int] = []
        self.counts: list[int] = []
        self.hashes: list[int] = []
        self.text_sha: list[int] = []  # of each report's text: the passages are cut from it

    def add(self, rec: dict[str, Any]) -> None:
        agency, year = rec.get("agency"), rec.get("report_year")
        if not agency or year is None:
            return  # no body or no year: nothing to compare it with
        hs = unpack(rec.get("fingerprint") or "")
        self.ids.append(rec["file"])
        self.body.append(rec.get("agency_key") or agency)
        self.agency.append(agency)
        self.place.append(rec.get("place") or "")
        self.year.append(int(year))
        self.counts.append(len(hs))
        self.hashes.extend(hs)
        self.text_sha.append(text_hash(rec.get("text") or ""))

    def save(self, folder: Path) -> str:
        """Save the hashes; returns a digest of what was saved (`digest`)."""
        arrays = dict(
            ids=np.array(self.ids, dtype=str),
            body=np.array(self.body, dtype=str),
            agency=np.array(self.agency, dtype=str),
            place=np.array(self.place, dtype=str),
            year=np.array(self.year, dtype=np.int64),
            counts=np.array(self.counts, dtype=np.int64),
            hashes=np.array(self.hashes, dtype=np.int64),
        )
        np.savez(folder / FINGERPRINTS, **arrays, text_sha=np.array(self.text_sha, dtype=np.int64))
        return digest(arrays)


def text_hash(text: str) -> int:
    """A 64-bit hash of a report's text (a signed int, as numpy keeps it).

    >>> text_hash("公开信息12条。") == text_hash("公开信息12条。") != text_hash("公开信息13条。")
    True
    """
    return int.from_bytes(
        hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest(),
        "little",
        signed=True,
    )


def digest(arrays: dict[str, np.ndarray]) -> str:
    """A hash of a slice's saved sentence hashes and report fields (the .npz file's own bytes
    hold a time stamp), so that the corpus step is keyed by what it reads. The texts' hashes
    are left out: they are keyed report by report, only where a passage was cut
    (`corpus_task`)."""
    h = hashlib.sha1()
    for k in sorted(a for a in arrays if a != "text_sha"):
        a = np.ascontiguousarray(arrays[k])
        h.update(f"{k}:{a.dtype.str}:{a.shape}".encode())
        h.update(a.tobytes())
    return h.hexdigest()[:16]


def filter_fingerprints(source: Path, folder: Path, gone: set[str]) -> str:
    """A slice's saved hashes without the reports in `gone` (found to be duplicates after the
    slice was written): what `SliceFingerprints` would have saved without them; returns
    their digest."""
    path = source / FINGERPRINTS
    if not path.exists():
        return ""
    with np.load(path) as f:
        data = {k: f[k] for k in f.files}
    keep = ~np.isin(data["ids"], np.array(sorted(gone), dtype=str))
    ends = np.cumsum(data["counts"])
    starts = ends - data["counts"]
    hashes = [data["hashes"][s:e] for s, e, k in zip(starts, ends, keep) if k]
    out = {  # in the file's order: the same rows give the same bytes as `save`
        k: (np.concatenate(hashes) if hashes else np.array([], dtype=np.int64))
        if k == "hashes"
        # a string array as `save` makes it: as wide as its longest string (a duplicate's
        # longer name left out narrows it), or the digest would differ from a direct save's
        else (np.array(v[keep].tolist(), dtype=str) if v.dtype.kind == "U" else v[keep])
        for k, v in data.items()
    }
    np.savez(folder / FINGERPRINTS, **out)
    return digest(out)


def _load(folders: list[str]) -> dict[str, np.ndarray]:
    """Every slice's saved hashes and fields, one after the other; `text_sha` only if every
    slice saved it."""
    keys = ("ids", "body", "agency", "place", "year", "counts", "hashes")
    old = False
    parts: dict[str, list[np.ndarray]] = {k: [] for k in keys + ("slice",)}
    for i, f in enumerate(folders):
        p = Path(f) / FINGERPRINTS
        if not p.exists():
            continue
        with np.load(p) as z:
            for k in keys:
                parts[k].append(z[k])
            parts["slice"].append(np.full(len(z["ids"]), i, dtype=np.int64))
            if "text_sha" in z.files:
                parts.setdefault("text_sha", []).append(z["text_sha"])
            else:
                old = True
    if not parts["ids"]:
        empty = {k: np.array([], dtype=np.int64) for k in keys + ("slice",)}
        for k in ("ids", "body", "agency", "place"):
            empty[k] = np.array([], dtype=str)
        return empty
    if old:
        parts.pop("text_sha", None)
    return {k: np.concatenate(v) for k, v in parts.items()}


def _mix(*cols: np.ndarray) -> np.ndarray:
    """One 64-bit key from int columns (multiply-xorshift; wraps on purpose)."""
    out = np.zeros(len(cols[0]), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for c in cols:
            out = (out ^ c.astype(np.uint64)) * np.uint64(0x9E3779B97F4A7C15)
            out ^= out >> np.uint64(29)
    return out


def _member(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Whether each element of `a` is in `b`: one sort and a binary search (np.isin's hash
    table was several times slower on millions of hashes).

    >>> _member(np.array([3, 5, 9]), np.array([9, 3])).tolist()
    [True, False, True]
    """
    if len(b) == 0:
        return np.zeros(len(a), dtype=bool)
    s = np.sort(b)
    order = np.argsort(a)  # sorted queries: the search walks memory in order
    sa = a[order]
    hit = np.empty(len(a), dtype=bool)
    hit[order] = s[np.minimum(np.searchsorted(s, sa), len(s) - 1)] == sa
    return hit


def _row_of(data: dict[str, Any], year: np.ndarray, i: int, indicator: str) -> dict:
    """The fields every corpus indicator row of report `i` starts with."""
    return {
        "report_id": data["id_strs"][i],
        "agency": data["agency_strs"][i],
        "report_year": int(year[i]),
        "indicator": indicator,
        "evidence": None,
    }


# the details most rows share, made once (a national corpus has ~230,000 corpus rows)
_NO_TEMPLATE = f"未发现同年度其他机关与之近乎相同(Jaccard ≥ {TEMPLATE_JACCARD})的报告"


@functools.lru_cache(maxsize=None)
def _too_few(n: int) -> str:
    return f"可比较的句子太少({n}句),无法判断"


@functools.lru_cache(maxsize=None)
def _no_year_before(year: int) -> str:
    return f"语料中没有该机关{year - 1}年度的报告,无法比较"


def _strings(data: dict[str, Any]) -> None:
    """Each report's id and agency as one str object, shared by all of its rows (a national
    corpus has ~230,000 corpus rows: a copy each was ~40 MB)."""
    if "id_strs" not in data:
        seen: dict[str, str] = {}
        data["id_strs"] = data["ids"].tolist()
        data["agency_strs"] = [seen.setdefault(a, a) for a in data["agency"].tolist()]


def corpus_rows(data: dict[str, np.ndarray]) -> tuple[list[dict[str, Any]], dict[int, set]]:
    """Repetition, template and coverage rows from the corpus's hashes (numpy), and for each
    flagged report the hashes whose passages are to be shown: ({report index: hashes})."""
    n = len(data["ids"])
    rows: list[dict[str, Any]] = []
    show: dict[int, set] = {}
    if n == 0:
        return rows, show
    _strings(data)
    _, body = np.unique(data["body"], return_inverse=True)
    year = data["year"]
    counts = data["counts"]
    owner = np.repeat(np.arange(n), counts)  # the report each hash belongs to
    h = data["hashes"]
    # boilerplate: hashes in the reports of very many bodies
    n_bodies = int(body.max()) + 1
    limit = max(BOILERPLATE_BODIES, int(0.01 * n_bodies))
    _, first = np.unique(_mix(h, body[owner]), return_index=True)  # one per (hash, body)
    uh, per = np.unique(np.sort(h[first]), return_counts=True)
    boiler = uh[per >= limit]
    keep = ~_member(h, boiler)
    h, owner = h[keep], owner[keep]
    size = np.bincount(owner, minlength=n)
    bounds = np.searchsorted(owner, np.arange(n + 1))  # owner is sorted: report i's hashes
    # repetition: (body, year - 1, hash) among the corpus's (body, year, hash)
    b_o, y_o = body[owner], year[owner]
    here = _mix(b_o, y_o, h)
    before = _mix(b_o, y_o - 1, h)
    repeated = _member(before, here)
    rep = np.bincount(owner[repeated], minlength=n)
    report_key = _mix(body, year)
    has_prev = _member(_mix(body, year - 1), report_key)
    for i in range(n):
        base = _row_of(data, year, i, "repetition")
        if not has_prev[i]:
            rows.append(
                base
                | {
                    "status": CANNOT,
                    "value": None,
                    "detail": _no_year_before(int(year[i])),
                }
            )
            continue
        if size[i] < MIN_SHINGLES:
            rows.append(
                base
                | {
                    "status": CANNOT,
                    "value": None,
                    "detail": _too_few(int(size[i])),
                }
            )
            continue
        share = float(rep[i]) / float(size[i])
        flag = share > REPEAT_FLAG
        detail = (
            f"{int(rep[i])}/{int(size[i])}句({share:.0%})与该机关{int(year[i]) - 1}年度报告"
            f"相同(年份、数字和机关名称不计),{'超过' if flag else '未超过'}50%"
        )
        rows.append(
            base
            | {"status": "flagged" if flag else "ok", "value": round(share, 4), "detail": detail}
        )
        if flag:
            a, b = bounds[i], bounds[i + 1]
            show[len(rows) - 1] = set(h[a:b][repeated[a:b]].tolist())
    rows += _templates(data, body, year, h, bounds, size, show, len(rows))
    rows += _coverage(data, body, year)
    return rows, show


def _templates(data, body, year, h, bounds, size, show, offset) -> list[dict[str, Any]]:
    """Near-identical reports of different bodies in the same year: candidates share a minimum
    hash under one of a few permutations (MinHash), then each pair's exact Jaccard decides."""
    n = len(size)
    ok = size >= MIN_SHINGLES
    owner = np.repeat(np.arange(n), size)
    sel = ok[owner]
    ho, oo = h[sel].astype(np.uint64), owner[sel]
    cand: set[tuple[int, int]] = set()
    if len(oo):
        starts = np.flatnonzero(np.r_[True, oo[1:] != oo[:-1]])
        who = oo[starts]
        with np.errstate(over="ignore"):
            for r in range(MINHASH_ROUNDS):
                perm = (ho ^ np.uint64(0x5BD1E995 * (r + 1))) * np.uint64(0xFF51AFD7ED558CCD | 1)
                mins = np.minimum.reduceat(perm, starts)
                key = _mix(mins.view(np.int64), year[who])
                order = np.argsort(key, kind="stable")
                ks, ws = key[order], who[order]
                edges = np.flatnonzero(np.r_[True, ks[1:] != ks[:-1], True])
                for g in np.flatnonzero(np.diff(edges) >= 2):  # groups of two reports or more
                    a, b = edges[g], edges[g + 1]
                    group = ws[a:b][:64]
                    for x in range(len(group)):
                        for y in range(x + 1, len(group)):
                            i, j = int(group[x]), int(group[y])
                            if body[i] != body[j]:
                                cand.add((min(i, j), max(i, j)))
    sets: dict[int, set] = {}

    def hs(i: int) -> set:
        if i not in sets:
            sets[i] = set(h[bounds[i] : bounds[i + 1]].tolist())
        return sets[i]

    best: dict[int, tuple[float, int, set]] = {}
    for i, j in sorted(cand):
        a, b = hs(i), hs(j)
        shared = a & b
        jac = len(shared) / len(a | b)
        if jac >= TEMPLATE_JACCARD:
            for x, y in ((i, j), (j, i)):
                if x not in best or jac > best[x][0]:
                    best[x] = (jac, y, shared)
    rows = []
    for i in range(n):
        base = _row_of(data, year, i, "template")
        if not ok[i]:
            rows.append(
                base
                | {
                    "status": CANNOT,
                    "value": None,
                    "detail": _too_few(int(size[i])),
                }
            )
        elif i in best:
            jac, other, shared = best[i]
            detail = (
                f"与{data['agency'][other]}的{int(year[other])}年度报告"
                f"({data['ids'][other]})近乎相同: Jaccard {jac:.2f} ≥ {TEMPLATE_JACCARD}"
                "(年份、数字和机关名称不计)"
            )
            show[offset + len(rows)] = shared
            rows.append(base | {"status": "flagged", "value": round(jac, 4), "detail": detail})
        else:
            rows.append(
                base
                | {
                    "status": "ok",
                    "value": None,
                    "detail": _NO_TEMPLATE,
                }
            )
    return rows


def _coverage(data, body, year) -> list[dict[str, Any]]:
    """Years between a body's first and last report in the corpus with no report of it."""
    rows = []
    order = np.lexsort((year, body))
    b, y = body[order], year[order]
    edges = np.flatnonzero(np.r_[True, b[1:] != b[:-1], True])
    for s, e in zip(edges[:-1], edges[1:]):
        years = set(y[s:e].tolist())
        first, last = min(years), max(years)
        name = str(data["agency"][order[s]])
        for gap in range(first, last + 1):
            if gap in years:
                continue
            detail = (
                f"语料中没有该机关{gap}年度的报告(已有{first}–{last}年度中的"
                f"{len(years)}份)。可能只是语料未收录,不等于该机关未发布"
            )
            rows.append(
                {
                    "report_id": None,
                    "agency": name,
                    "report_year": gap,
                    "indicator": "coverage",
                    "status": "no report in the corpus",
                    "value": None,
                    "detail": detail,
                    "evidence": None,
                }
            )
    return rows


def _texts(folders: list[str], want: dict[int, list[str]]) -> dict[str, str]:
    """The texts of the reports named in `want` ({slice index: report ids}) from the pieces."""
    out: dict[str, str] = {}
    for i, ids in want.items():
        p = Path(folders[i]) / "texts.arrow"
        if not p.exists():
            continue
        wanted = pa.array(ids)
        with pa.memory_map(str(p)) as src:
            reader = pa.ipc.open_file(src)
            for b in range(reader.num_record_batches):  # a batch at a time: memory stays low
                batch = reader.get_batch(b)
                t = batch.filter(pc.is_in(batch.column("report_id"), wanted))
                out.update(zip(t.column("report_id").to_pylist(), t.column("text").to_pylist()))
    return out


def _evidence(rows: list[dict], show: dict[int, set], data: dict, folders: list[str]) -> list[int]:
    """The repeated or shared passages of the flagged rows, cut from their reports' texts;
    returns the reports (indices into `data`) whose texts were read.

    One slice's texts at a time: at national scale the flagged reports' texts together are
    ~100 MB, and a passage needs only its own report's text."""
    index = {str(r): i for i, r in enumerate(data["ids"])}
    want: dict[int, list[int]] = {}  # slice -> the rows to cut passages for
    for k in show:
        want.setdefault(int(data["slice"][index[rows[k]["report_id"]]]), []).append(k)
    for s, ks in sorted(want.items()):
        texts = _texts(folders, {s: [rows[k]["report_id"] for k in ks]})
        for k in ks:
            i = index[rows[k]["report_id"]]
            names = names_of(str(data["agency"][i]), str(data["place"][i]) or None)
            found = passages(texts.get(rows[k]["report_id"], ""), names, show[k])
            rows[k]["evidence"] = " / ".join(found) if found else None
    return sorted({index[rows[k]["report_id"]] for k in show})


def corpus_task(
    root: Path,
    version: str,
    tasks: list[tuple[str, Any, Any, Any]],
    stats: dict[str, Any],
    write: Callable[[Path, list[dict[str, Any]]], dict[str, Any]],
    inputs: list[tuple[str, str]] | None = None,
) -> tuple[str, list, None, None]:
    """The corpus indicators as one more piece folder of the write (made here if missing),
    keyed by exactly what they are made of. A task tuple for `write.write_tables`.

    `inputs` has, for each slice, the digest of its saved hashes and that of its texts (or
    the slice's own key for both). Every row depends on the hashes of every slice; the
    texts are read only to cut the flagged reports' passages. So the key is the hashes'
    digests plus the text hashes (saved with the sentence hashes) of the reports whose
    passages were cut, the last time the indicators were made with these hashes
    (`_EVIDENCE_INDEX` remembers which).
    A changed report whose sentences are the same (a corrected figure, a file saved
    again: figures, years and names are not in the hashes) then leaves them as they are,
    unless its passage is shown; at 100,000 reports they take ~8 s to make.
    """
    folders = [t[0] for t in tasks]
    pairs = inputs if inputs is not None else [(Path(f).name,) * 2 for f in folders]
    hkey = hashlib.sha1(
        json.dumps([version, "indicators", [h for h, _ in pairs]]).encode()
    ).hexdigest()
    index_file = root.parent / _EVIDENCE_INDEX
    try:
        index = json.loads(index_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        index = {}
    if not isinstance(index, dict):
        index = {}
    used = index.get(hkey)
    memo = dict(index[_TEXTS]) if isinstance(index.get(_TEXTS), dict) else {}
    final = None
    if isinstance(used, list):  # [[slice, report id], ...] whose passages were cut last time
        texts = _text_hashes(folders, used, memo)
        if texts is not None:
            final = root / f"indicators-{_key(hkey, used, texts)}"
            if memo != index.get(_TEXTS):
                _write_index(index_file, {hkey: used, _TEXTS: memo})
    t0 = time.monotonic()
    if final is None or not (final / "result.json").exists():
        data = _load(folders)
        rows, show = corpus_rows(data)
        cut = _evidence(rows, show, data, folders)
        used = [[int(data["slice"][i]), str(data["ids"][i])] for i in cut]
        texts = [int(data["text_sha"][i]) for i in cut] if "text_sha" in data else None
        if texts is None:  # slices saved before the texts' hashes: keyed by all their texts
            used, texts = [], [t for _, t in pairs]
        final = root / f"indicators-{_key(hkey, used, texts)}"
        tmp = Path(tempfile.mkdtemp(prefix=".piece-", dir=root))
        try:
            result = write(tmp, rows)  # a piece like a slice's (`write.corpus_piece`)
            (tmp / "result.json").write_text(json.dumps(result, sort_keys=True), encoding="utf-8")
            tmp.rename(final)
        except OSError:
            if not (final / "result.json").exists():
                raise
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        memo = {}
        for (s, rid), t in zip(used, texts if used else []):
            memo.setdefault(os.path.basename(folders[s]), {})[rid] = t
        _write_index(index_file, {hkey: used, _TEXTS: memo})
        stats["indicators_computed"] = True
    stats["indicators_s"] = time.monotonic() - t0
    if stats.get("indicators_computed") and not stats.get("quiet"):
        print(f"  corpus indicators in {stats['indicators_s']:.2f} s", file=sys.stderr)
    return (str(final), [], None, None)


def _key(hkey: str, used: list, texts: list) -> str:
    return hashlib.sha1(json.dumps([hkey, used, texts]).encode()).hexdigest()[:24]


def _text_hashes(folders: list[str], used: list, memo: dict[str, Any]) -> list[int] | None:
    """The saved text hashes of the reports in `used` ([slice, report id]), or None if one of
    them is not there (a slice saved before text hashes, or the slices changed).

    `memo` has those of the last build by piece folder ({folder name: {report id: hash}}):
    a folder's name is a hash of what made it, so only the changed slices' saved hashes
    are read (at national scale, the flagged passages are spread over nearly every slice).
    It is updated with what was read.
    """
    want: dict[int, list[str]] = {}
    for item in used:
        if not (isinstance(item, list) and len(item) == 2 and isinstance(item[0], int)):
            return None
        if not 0 <= item[0] < len(folders):
            return None
        want.setdefault(item[0], []).append(str(item[1]))
    found: dict[tuple[int, str], int] = {}
    for s, ids in want.items():
        name = os.path.basename(folders[s])
        of = memo.get(name)
        if not isinstance(of, dict) or any(rid not in of for rid in ids):
            try:
                with np.load(Path(folders[s]) / FINGERPRINTS) as z:
                    if "text_sha" not in z.files:
                        return None
                    every = dict(zip(z["ids"].tolist(), z["text_sha"].tolist()))
            except (OSError, ValueError):
                return None
            of = memo[name] = {rid: every[rid] for rid in ids if rid in every}
        for rid in ids:
            if rid not in of:
                return None
            found[(s, rid)] = of[rid]
    in_use = {os.path.basename(folders[s]) for s in want}
    for name in [n for n in memo if n not in in_use]:  # slices changed since: never asked again
        del memo[name]
    return [found[(item[0], str(item[1]))] for item in used]


# .cache/<this>: {digest of the corpus's hashes: [[slice, report id], ...] whose texts gave
# passages} (the last one only)
_EVIDENCE_INDEX = "indicators-evidence.json"
_TEXTS = "texts"  # and {piece folder name: {report id: text hash}} of those reports


def _write_index(path: Path, index: dict[str, list]) -> None:
    from ..atomic import write_text

    write_text(path, json.dumps(index))
