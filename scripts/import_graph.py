"""Count the package's import graph: modules, edges, levels, cycles and upward imports.

Read statically from the source (every `import`, also those inside functions, since a
function-level import is still a dependency), at two grains: modules, and folders (a stage
folder is one node; a module at the package root is its own node).

    .venv/bin/python scripts/import_graph.py            # the figures
    .venv/bin/python scripts/import_graph.py --edges    # and every folder edge

- *levels*: the longest chain of imports, counted in nodes (cycles collapsed to one node);
- *cycles*: groups of nodes that import each other, directly or not;
- *upward*: an import of a later stage by an earlier one (see `analysis.layout.STAGES`).

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


def module_name(path: Path, pkg: Path = PKG) -> str:
    """'analysis.facts.figures' for analysis/facts/figures.py ('analysis.read' for its __init__)."""
    rel = path.relative_to(pkg.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules(pkg: Path = PKG) -> dict[str, Path]:
    return {module_name(p, pkg): p for p in sorted(pkg.rglob("*.py")) if "__pycache__" not in p.parts}


def _resolve(mod: str, is_pkg: bool, level: int, target: str | None) -> str:
    base = mod.split(".") if is_pkg else mod.split(".")[:-1]
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join(base + ([target] if target else []))


def imports(mods: dict[str, Path]) -> dict[str, set[str]]:
    """module → the package modules it imports (a name imported from a package that is a
    module of its own counts as that module)."""
    out: dict[str, set[str]] = {}
    for mod, path in mods.items():
        is_pkg = path.name == "__init__.py"
        deps: set[str] = set()
        for node in ast.walk(ast.parse(path.read_bytes())):
            if isinstance(node, ast.ImportFrom):
                src = _resolve(mod, is_pkg, node.level, node.module) if node.level else (node.module or "")
                if not src.startswith("analysis"):
                    continue
                for a in node.names:
                    sub = f"{src}.{a.name}"
                    deps.add(sub if sub in mods else src)
            elif isinstance(node, ast.Import):
                deps.update(a.name for a in node.names if a.name.startswith("analysis"))
        # importing a.b.c runs a and a.b too, but those are only the face and the stage
        # docstrings: the edge that matters is to the module named
        out[mod] = {d for d in deps if d in mods and d != mod}
    return out


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


def upward(graph: dict[str, set[str]], rank) -> list[tuple[str, str]]:
    """Imports of a later stage by an earlier one (`rank` gives a module's stage, or None)."""
    out = []
    for a, deps in sorted(graph.items()):
        ra = rank(a)
        for b in sorted(deps):
            rb = rank(b)
            if ra is not None and rb is not None and rb > ra:
                out.append((a, b))
    return out


def n_edges(graph: dict[str, Iterable[str]]) -> int:
    return sum(len(list(v)) for v in graph.values())


def figures(pkg: Path = PKG) -> dict[str, object]:
    mods = modules(pkg)
    g = imports(mods)
    fg = collapse(g, folder_of)
    try:
        sys.path.insert(0, str(pkg.parent))
        from analysis.layout import stage_rank

        up = upward(g, stage_rank)
    except ImportError:  # a tree without the stage table
        up = []
    return {"modules": len(mods), "module edges": n_edges(g), "module levels": levels(g),
            "module cycles": cycles(g), "folders": len(fg), "folder edges": n_edges(fg),
            "folder levels": levels(fg), "folder cycles": cycles(fg), "upward imports": up,
            "_folder_graph": fg}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--edges", action="store_true", help="print every folder-level edge")
    ap.add_argument("--pkg", default=str(PKG), help="the package folder (default: analysis/)")
    args = ap.parse_args()
    f = figures(Path(args.pkg))
    fg = f.pop("_folder_graph")
    for k, v in f.items():
        print(f"{k:16} {len(v) if isinstance(v, list) else v}" + (f"  {v}" if isinstance(v, list) and v else ""))
    if args.edges:
        for a in sorted(fg):  # type: ignore[union-attr]
            print(f"{a} -> {', '.join(sorted(fg[a]))}")  # type: ignore[index]
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
