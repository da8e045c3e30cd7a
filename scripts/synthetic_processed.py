"""A processed corpus of any size for the report step's benchmark and scale tests.

Building 100,000 reports takes ten minutes; the pages only need the tidy tables. So the
counted reports of a small corpus built for real (the seeds in the browser test, what
scripts/bench_reports.py generates with analysis.synth) serve as templates: each of N
agencies × Y years gets a copy of one template's rows (figures, table cells, checks,
issues) under its own report id, name, province, level and year, with the figures scaled
by a factor of the agency so that the distributions are spread. Nothing here is real
data; it only has the real shapes.

  .venv/bin/python scripts/synthetic_processed.py OUT --templates data/processed --agencies 1000
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis import dataset  # noqa: E402

TABLES = ("reports", "metrics", "issues", "cells", "checks", "texts")


def _era(year: int) -> str:
    return "prose" if year < 2019 else ("template2019" if year < 2021 else "template2021")


PROVINCES = (
    "河北省 山西省 辽宁省 吉林省 黑龙江省 江苏省 浙江省 安徽省 福建省 江西省 山东省 河南省 湖北省 "
    "湖南省 广东省 海南省 四川省 贵州省 云南省 陕西省 甘肃省 青海省 内蒙古自治区 广西壮族自治区 "
    "西藏自治区 宁夏回族自治区 新疆维吾尔自治区 北京市 天津市 上海市 重庆市"
).split()
CITIES = (
    "石家庄市 唐山市 太原市 大同市 沈阳市 大连市 长春市 吉林市 哈尔滨市 齐齐哈尔市 南京市 苏州市 "
    "杭州市 宁波市 合肥市 芜湖市 福州市 厦门市 南昌市 新余市 济南市 青岛市 郑州市 洛阳市 武汉市 "
    "宜昌市 长沙市 株洲市 广州市 深圳市 海口市 三亚市 成都市 绵阳市 贵阳市 遵义市 昆明市 大理市 "
    "西安市 宝鸡市 兰州市 天水市 西宁市 海东市 呼和浩特市 包头市 南宁市 柳州市 拉萨市 日喀则市 "
    "银川市 石嘴山市 乌鲁木齐市 克拉玛依市"
).split()
COUNTIES = "张店区 临淄区 鼓楼区 思明区 雁塔区 武侯区 天河区 岳麓区 历下区 江岸区".split()
DEPARTMENTS = (
    "商务局 教育局 财政局 公安局 民政局 人力资源和社会保障局 自然资源局 生态环境局 "
    "住房和城乡建设局 交通运输局 水利局 农业农村局 文化和旅游局 卫生健康委员会 应急管理局 审计局 "
    "市场监督管理局 统计局 医疗保障局 司法局 人民政府办公室"
).split()


def agency_names(n: int) -> list[tuple[str, str, str, str]]:
    """n distinct (agency, province, place, level): places × departments, like a real crawl
    (the province of a generated city is only nominal: these are not real data).

    >>> agency_names(2)[0][1:], len({a for a, *_ in agency_names(5000)})
    (('河北省', '河北省', 'provincial'), 5000)
    """
    places = [(p, p, "provincial") for p in PROVINCES]
    places += [(c, PROVINCES[i // 2 % len(PROVINCES)], "prefecture") for i, c in enumerate(CITIES)]
    places += [(c, PROVINCES[i % len(PROVINCES)], "county") for i, c in enumerate(COUNTIES)]
    out: list[tuple[str, str, str, str]] = []
    k = 0
    while len(out) < n:
        for place, province, level in places:
            dept = DEPARTMENTS[k % len(DEPARTMENTS)]
            if level == "provincial" and dept.endswith("局"):
                dept = dept[:-1] + "厅"
            round_ = k // len(DEPARTMENTS)
            out.append(
                (place + dept + (f"第{round_}分局" if round_ else ""), province, place, level)
            )
            if len(out) == n:
                break
        k += 1
    return out


def make(
    out_dir: str | Path,
    n_agencies: int,
    years: list[int],
    template_dir: str | Path,
    drop: float = 0.08,
) -> Path:
    """Write reports/metrics/issues/cells/checks/texts parquet files for n_agencies × years.

    `drop` is the share of agency-years left without a report, so coverage has gaps.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    t = {name: dataset.load(name, template_dir) for name in TABLES}
    reps = t["reports"][t["reports"]["status"] == "ok"].reset_index(drop=True)
    by_era: dict[str, list[int]] = {}
    for i, y in enumerate(reps["report_year"]):
        by_era.setdefault(_era(int(y)) if pd.notna(y) else "prose", []).append(i)
    names = agency_names(n_agencies)
    rows = []  # (new id, template row, agency index, year)
    for ai in range(n_agencies):
        for y in years:
            h = int(hashlib.blake2b(f"{ai}/{y}".encode(), digest_size=8).hexdigest(), 16)
            if (h % 1000) / 1000 < drop:
                continue
            pool = by_era.get(_era(y)) or list(range(len(reps)))
            rows.append((f"syn{ai:06d}_{y}.txt", pool[h % len(pool)], ai, y))
    plan = pd.DataFrame(rows, columns=["new_id", "tpl", "ai", "year"])
    plan["old_id"] = reps["report_id"].to_numpy()[plan["tpl"].to_numpy()]
    plan["agency"] = [names[a][0] for a in plan["ai"]]
    plan["province"] = [names[a][1] for a in plan["ai"]]
    plan["place"] = [names[a][2] for a in plan["ai"]]
    plan["level"] = [names[a][3] for a in plan["ai"]]
    # a factor per agency (0.3 – 3), so agencies differ while a report stays self-consistent
    plan["factor"] = 0.3 + (plan["ai"].to_numpy() * 2654435761 % 1000) / 370.0

    def clone(frame: pd.DataFrame, scale: str | None = None) -> pd.DataFrame:
        """Every row of the templates once per report that copies them, under the new ids."""
        own = [c for c in ("agency", "report_year", "place", "level", "province") if c in frame]
        keyed = frame.drop(columns=own).merge(
            plan.drop(columns=["tpl", "ai"]), left_on="report_id", right_on="old_id"
        )
        keyed = keyed.sort_values("new_id", kind="stable")
        keyed["report_id"] = keyed["new_id"]
        keyed["report_year"] = keyed["year"].astype("int64")
        if scale:
            keyed[scale] = (keyed[scale] * keyed["factor"]).round()
        cols = list(frame.columns) + (["province"] if name == "reports" else [])
        return keyed[list(dict.fromkeys(cols))].reset_index(drop=True)

    out_tables = {}
    for name, scale in (
        ("reports", None),
        ("metrics", "value"),
        ("cells", "value"),
        ("issues", None),
        ("checks", None),
    ):
        out_tables[name] = clone(reps if name == "reports" else t[name], scale)
    r = out_tables["reports"]
    r["file"] = r["report_id"]
    r["sha256"] = [hashlib.sha256(x.encode()).hexdigest() for x in r["report_id"]]
    r["duplicate_of"] = None
    out_tables["texts"] = t["texts"].iloc[0:0]
    for name, frame in out_tables.items():
        frame.to_parquet(out / f"{name}.parquet", index=False)
    # no indicators are computed for copied rows: an empty table, so the indicators page runs
    import pyarrow.parquet as pq

    from analysis import tidy

    pq.write_table(tidy.INDICATORS_SCHEMA.empty_table(), out / "indicators.parquet")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("out")
    ap.add_argument("--agencies", type=int, default=1000)
    ap.add_argument("--years", default="2014-2023", help="first-last")
    ap.add_argument("--templates", required=True, help="a built processed folder to copy from")
    args = ap.parse_args(argv)
    a, b = (int(x) for x in args.years.split("-"))
    out = make(args.out, args.agencies, list(range(a, b + 1)), args.templates)
    n = len(pd.read_parquet(out / "reports.parquet", columns=["report_id"]))
    print(f"wrote {n:,} reports of {args.agencies:,} agencies to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
