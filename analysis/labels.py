"""Chinese labels of the coded columns of the `reports` table, defined once.

The build writes codes (`level = "prefecture"`, `format = "template2021"`); pages, charts
and the manifest check show or accept them through these tables.

>>> LEVEL_LABELS["prefecture"]
'地市级'
>>> sorted(LEVELS)
['county', 'national', 'prefecture', 'provincial', 'township']
"""

from __future__ import annotations

LEVEL_LABELS = {
    "national": "国家",
    "provincial": "省级",
    "prefecture": "地市级",
    "county": "县级",
    "township": "乡镇级",  # towns and street offices (facts.divisions)
}
LEVELS = frozenset(LEVEL_LABELS)
SCRIPT_LABELS = {"simplified": "简体", "traditional": "繁体", "mixed": "简繁混合"}
FORMAT_LABELS = {
    "prose": "文字（2019年前格式）",
    "template2019": "2019年表格格式",
    "template2021": "2021年表格格式",
}
