"""The package's layout keeps its shape: stages in flow order, no cycles, a lazy face.

The figures come from scripts/import_graph.py, which reads every import of the source
(also those inside functions); docs/architecture.md draws the same graph.
"""

from __future__ import annotations

import ast
import importlib.util
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "analysis"


def _script(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


G = _script("import_graph")


def test_no_cycles_no_upward_imports_and_every_import_resolves():
    f = G.figures(PKG)
    assert f["module cycles"] == [] and f["folder cycles"] == []
    assert f["upward imports"] == []
    assert f["imports of no module"] == []
    assert f["modules of no stage"] == []


def test_the_graph_counter_sees_a_cycle_an_upward_import_and_a_missing_module(tmp_path):
    pkg = tmp_path / "analysis"
    files = {
        "__init__.py": "",
        "read/__init__.py": '"""In: bytes. Out: text."""\n',
        "read/load.py": "from ..facts import rules\n",  # upward: read may not use facts
        "facts/__init__.py": "",
        "facts/rules.py": "from . import engine\n",
        # cycle, missing
        "facts/engine.py": "def f():\n    from . import rules\n    from ..read import gone\n",
    }
    for rel, text in files.items():
        (pkg / rel).parent.mkdir(parents=True, exist_ok=True)
        (pkg / rel).write_text(text, encoding="utf-8")
    f = G.figures(pkg)
    assert f["module cycles"] == [["analysis.facts.engine", "analysis.facts.rules"]]
    assert f["upward imports"] == [("analysis.read.load", "analysis.facts.rules")]
    assert f["imports of no module"] == [("analysis.facts.engine", "analysis.read.gone")]


def test_each_stage_folder_says_what_comes_in_and_what_goes_out_and_imports_nothing():
    folders = sorted(p.parent for p in PKG.glob("*/__init__.py"))
    assert [p.name for p in folders] == [
        "build",
        "document",
        "facts",
        "quality",
        "read",
        "reports",
        "tables",
    ]
    for folder in folders:
        tree = ast.parse((folder / "__init__.py").read_text(encoding="utf-8"))
        doc = ast.get_docstring(tree) or ""
        assert "In:" in doc and "Out:" in doc, folder.name
        # a package's code would run whenever any of its modules is imported
        assert len(tree.body) == 1, f"{folder.name}/__init__.py holds more than its docstring"


def test_the_face_and_the_page_helpers_do_not_load_the_extractor():
    code = textwrap.dedent("""
        import sys
        import analysis
        from analysis.reports import charts, data, html
        heavy = ("analysis.extract", "analysis.document.convert", "opencc")
        print([m for m in heavy if m in sys.modules])
        print(analysis.extract_bytes.__module__)
    """)
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    ).stdout
    assert out.splitlines() == ["[]", "analysis.extract"]


def test_generated_corpora_stay_out_of_the_production_package():
    g = G.imports(G.modules(PKG))
    users = sorted(m for m, deps in g.items() if "analysis.synth" in deps)
    assert users == []


def test_the_character_data_module_is_up_to_date():
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_chardata.py"), "--check"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr


def test_reading_a_file_needs_no_opencc():
    code = (
        "import sys; import analysis.read.load as L; "
        "L.load_bytes('a.txt', '政府資訊公開工作年度報告'.encode('big5')); "
        "print('opencc' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    ).stdout
    assert out.strip() == "False"
