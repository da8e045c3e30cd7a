"""Keep the committed notebooks clean: no outputs except the ones CI checks.

The notebooks under notebooks/ are templates. They are committed without outputs, except
the cells marked `# NBVAL_CHECK_OUTPUT`, whose stored output is what `pytest --nbval-lax`
compares against a fresh run on the seed corpus (so a changed figure fails CI).

  python -m analysis.reports.notebooks check     # exit 1 if a notebook carries other outputs
  python -m analysis.reports.notebooks refresh   # re-run on data/processed, store checked outputs
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import nbformat

from ..atomic import write_text

ROOT = Path(__file__).resolve().parent.parent
MARK = "# NBVAL_CHECK_OUTPUT"


def checked(cell: dict) -> bool:
    return cell.get("cell_type") == "code" and MARK in cell.get("source", "")


def problems(nb_path: Path) -> list[str]:
    """What makes a committed notebook unclean (outputs, counts, missing parameters cell)."""
    nb = nbformat.read(str(nb_path), as_version=4)
    out = []
    if not any("parameters" in c.get("metadata", {}).get("tags", []) for c in nb.cells):
        out.append(f"{nb_path.name}: no cell tagged 'parameters'")
    for i, c in enumerate(nb.cells):
        if c.cell_type != "code":
            continue
        if c.get("execution_count") is not None and not (checked(c) and c.outputs):
            out.append(f"{nb_path.name} cell {i}: has an execution count")
        if c.outputs and not checked(c):
            out.append(f"{nb_path.name} cell {i}: has outputs but is not marked {MARK}")
        if checked(c) and not c.outputs:
            out.append(f"{nb_path.name} cell {i}: marked {MARK} but has no stored output")
    return out


def strip(
    nb: nbformat.NotebookNode, executed: nbformat.NotebookNode | None = None
) -> nbformat.NotebookNode:
    """Clear every output and count; checked cells take their outputs from `executed`.

    Cells are matched by source (papermill adds an injected-parameters cell, so indices
    shift); only stream and plain-text outputs are kept, which are deterministic.
    """
    by_source = {}
    if executed is not None:
        for c in executed.cells:
            if checked(c):
                by_source[c.source] = c.outputs
    for c in nb.cells:
        if c.cell_type != "code":
            continue
        c.execution_count = None
        c.metadata.pop("execution", None)
        c.metadata.pop("papermill", None)
        outs = []
        if checked(c):
            for o in by_source.get(c.source, []):
                if o.get("output_type") == "stream" and o.get("name") == "stdout":
                    outs.append(nbformat.v4.new_output("stream", name="stdout", text=o["text"]))
        c.outputs = outs
        if outs:  # nbval treats a cell without a count as never run and refuses its outputs
            c.execution_count = 1
    nb.metadata.pop("papermill", None)
    return nb


def refresh(notebooks_dir: Path, processed_dir: Path | None = None) -> list[Path]:
    """Execute each notebook with its defaults and store only the checked outputs."""
    import papermill as pm

    changed = []
    for path in sorted(notebooks_dir.glob("*.ipynb")):
        nb = nbformat.read(str(path), as_version=4)
        executed = None
        if any(checked(c) for c in nb.cells):
            with tempfile.TemporaryDirectory() as tmp:
                params = {"processed_dir": str(processed_dir)} if processed_dir else {}
                out = Path(tmp) / path.name
                pm.execute_notebook(
                    str(path),
                    str(out),
                    parameters=params,
                    progress_bar=False,
                    cwd=str(notebooks_dir),
                )
                executed = nbformat.read(str(out), as_version=4)
        text = nbformat.writes(strip(nb, executed)) + "\n"
        if write_text(path, text):
            changed.append(path)
    return changed


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m analysis.reports.notebooks",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("command", choices=["check", "refresh", "strip"])
    ap.add_argument("--notebooks", default=str(ROOT / "notebooks"))
    ap.add_argument("--processed", default=None, help="processed tables (default: data/processed)")
    args = ap.parse_args(argv)
    nb_dir = Path(args.notebooks)
    if args.command == "check":
        found = [p for path in sorted(nb_dir.glob("*.ipynb")) for p in problems(path)]
        for p in found:
            print(p, file=sys.stderr)
        return 1 if found else 0
    if args.command == "strip":
        for path in sorted(nb_dir.glob("*.ipynb")):
            nb = nbformat.read(str(path), as_version=4)
            keep = {c.source: c.outputs for c in nb.cells if checked(c)}
            fake = nbformat.v4.new_notebook(
                cells=[nbformat.v4.new_code_cell(s, outputs=o) for s, o in keep.items()]
            )
            write_text(path, nbformat.writes(strip(nb, fake)) + "\n")
        return 0
    for p in refresh(nb_dir, Path(args.processed) if args.processed else None):
        print(f"updated {p}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
