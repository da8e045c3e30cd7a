"""Count the package's import graph: modules, edges, levels, cycles and upward imports.

Read statically from the source (every `import`, also those inside functions, since a
function-level import is still a dependency), at two grains: modules, and folders (a stage
folder is one node; a module at the package root is its own node).

    .venv/bin/python scripts/import_graph.py            # the figures
    .venv/bin/python scripts/import_graph.py --edges    # and every folder edge

- *levels*: the longest chain of imports, counted in nodes (cycles collapsed to one node);
- *cycles*: groups of nodes that import each other, directly or not;
- *upward*: an import of a later stage by an earlier one, or between two stages of one
  rank (facts and tables are siblings: neither may use the other); see STAGES.

tests/test_layout.py asserts no cycles and no upward imports with the same functions.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "analysis"


# The flow, in order: a module may import from an earlier rank, or from its own folder.
STAGES: list[tuple[str, ...]] = [
    (
        "analysis.issues",
        "analysis.metrics",
        "analysis.labels",
        "analysis.atomic",
    ),  # shared vocabulary
    ("analysis.read",),  # 1 bytes → text + grids
    ("analysis.document",),  # 2 normalized text, sentences, offsets
    ("analysis.facts", "analysis.tables", "analysis.quality"),  # 3 metadata and prose figures |
    # table cells and checks | required parts, sentence fingerprints, deadlines
    ("analysis.extract",),  # the spine: one file → one record
    ("analysis.tidy",),  # records → rows (the tables' schema)
    ("analysis.build",),  # 4 records → tidy tables
    ("analysis.dataset",),  # the one door to the tidy tables
    ("analysis.reports",),  # 5 tidy tables → notebooks → HTML
    ("analysis", "analysis.cli", "analysis.__main__", "analysis.synth"),  # the face, the CLI, tools
]


def stage_of(mod: str) -> str | None:
    """The stage a module belongs to: its folder, or itself at the package root.

    >>> stage_of("analysis.facts.rules"), stage_of("analysis.extract"), stage_of("analysis")
    ('analysis.facts', 'analysis.extract', 'analysis')
    """
    key = folder_of(mod)
    return key if any(key in row for row in STAGES) else None


def stage_rank(mod: str) -> int | None:
    st = stage_of(mod)
    return next((i for i, row in enumerate(STAGES) if st in row), None)


def module_name(path: Path, pkg: Path = PKG) -> str:
    """'analysis.facts.figures' for analysis/facts/figures.py ('analysis.read' for its __init__)."""
    rel = path.relative_to(pkg.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules(pkg: Path = PKG) -> dict[str, Path]:
    return {
        module_name(p, pkg): p for p in sorted(pkg.rglob("*.py")) if "__pycache__" not in p.parts
    }


def _resolve(mod: str, is_pkg: bool, level: int, target: str | None) -> str:
    base = mod.split(".") if is_pkg else mod.split(".")[:-1]
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join(base + ([target] if target else []))


def _defined(path: Path) -> set[str]:
    """The names a module defines at its top level (to tell `from pkg import name` of a
    function or constant from that of a submodule)."""
    names: set[str] = set()
    for node in ast.parse(path.read_bytes()).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names


def imports(mods: dict[str, Path]) -> dict[str, set[str]]:
    """module → the package modules it imports (a name imported from a package that is a
    module of its own counts as that module; a name a package does not define, as a
    module of it that may not exist)."""
    out: dict[str, set[str]] = {}
    for mod, path in mods.items():
        is_pkg = path.name == "__init__.py"
        deps: set[str] = set()
        for node in ast.walk(ast.parse(path.read_bytes())):
            if isinstance(node, ast.ImportFrom):
                src = (
                    _resolve(mod, is_pkg, node.level, node.module)
                    if node.level
                    else (node.module or "")
                )
                if not src.startswith("analysis"):
                    continue
                for a in node.names:
                    sub = f"{src}.{a.name}"
                    package = src in mods and mods[src].name == "__init__.py"
                    if sub in mods or (package and a.name not in _defined(mods[src])):
                        deps.add(sub)
                    else:
                        deps.add(src)
            elif isinstance(node, ast.Import):
                deps.update(a.name for a in node.names if a.name.startswith("analysis"))
        # importing a.b.c runs a and a.b too, but those are only the face and the stage
        # docstrings: the edge that matters is to the module named
        out[mod] = {d for d in deps if d != mod}
    return out


def unresolved(graph: dict[str, set[str]], mods: dict[str, Path]) -> list[tuple[str, str]]:
    """Imports of package modules that do not exist (a move that left an import behind;
    inside a try or a function it would fail only when that line runs)."""
    return sorted((a, b) for a, deps in graph.items() for b in deps if b not in mods)


def folder_of(mod: str) -> str:
    """The node of a module at folder grain: 'analysis.facts' for analysis.facts.rules."""
    parts = mod.split(".")
    return ".".join(parts[:2])


def collapse(graph: dict[str, set[str]], key) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for a, deps in graph.items():
        ka = key(a)
        out.setdefault(ka, set())
        for b in deps:
            kb = key(b)
            if kb != ka:
                out[ka].add(kb)
    return out


def sccs(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components (Tarjan), each sorted; only those of 2+ nodes are cycles."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def levels(graph: dict[str, set[str]]) -> int:
    """The longest import chain in nodes, with each cycle counted as one node."""
    comps = sccs(graph)
    comp_of = {v: i for i, c in enumerate(comps) for v in c}
    dag: dict[int, set[int]] = {i: set() for i in range(len(comps))}
    for a, deps in graph.items():
        for b in deps:
            if comp_of[a] != comp_of[b]:
                dag[comp_of[a]].add(comp_of[b])
    depth: dict[int, int] = {}
    for i in range(len(comps)):  # Tarjan lists a component after all it reaches
        depth[i] = 1 + max((depth[j] for j in dag[i]), default=0)
    return max(depth.values(), default=0)


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    return [c for c in sccs(graph) if len(c) > 1]


def upward(graph: dict[str, set[str]]) -> list[tuple[str, str]]:
    """Imports of a later stage by an earlier one, or of a sibling stage of the same rank."""
    out = []
    for a, deps in sorted(graph.items()):
        ra = stage_rank(a)
        for b in sorted(deps):
            rb = stage_rank(b)
            if ra is None or rb is None or stage_of(a) == stage_of(b):
                continue
            if rb > ra or (rb == ra and ra != len(STAGES) - 1):  # the face may use its own row
                out.append((a, b))
    return out


def unplaced(mods: Iterable[str]) -> list[str]:
    """Modules of no stage in STAGES (a new folder or root module must be given one)."""
    return [m for m in mods if stage_rank(m) is None]


def n_edges(graph: dict[str, Iterable[str]]) -> int:
    return sum(len(list(v)) for v in graph.values())


def figures(pkg: Path = PKG) -> dict[str, object]:
    mods = modules(pkg)
    everything = imports(mods)
    missing = unresolved(everything, mods)
    g = {a: {b for b in deps if b in mods} for a, deps in everything.items()}
    fg = collapse(g, folder_of)
    return {
        "modules": len(mods),
        "module edges": n_edges(g),
        "module levels": levels(g),
        "module cycles": cycles(g),
        "folders": len(fg),
        "folder edges": n_edges(fg),
        "folder levels": levels(fg),
        "folder cycles": cycles(fg),
        "upward imports": upward(g),
        "modules of no stage": unplaced(mods),
        "imports of no module": missing,
        "_folder_graph": fg,
    }


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--edges", action="store_true", help="print every folder-level edge")
    ap.add_argument("--pkg", default=str(PKG), help="the package folder (default: analysis/)")
    args = ap.parse_args()
    f = figures(Path(args.pkg))
    fg = f.pop("_folder_graph")
    for k, v in f.items():
        print(
            f"{k:16} {len(v) if isinstance(v, list) else v}"
            + (f"  {v}" if isinstance(v, list) and v else "")
        )
    if args.edges:
        for a in sorted(fg):  # type: ignore[union-attr]
            print(f"{a} -> {', '.join(sorted(fg[a]))}")  # type: ignore[index]
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
