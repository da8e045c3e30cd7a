"""Versions of the code, so that a change to what decides a result invalidates that result.

The build caches each report's record under the version of the extractor's own source
(`code_version`), and each table slice under the version of everything that writes the
tables (`writer_version`); the report step fingerprints the code that draws a page the
same way. All three are hashes of an import closure read statically from the source, so
they do not depend on what else happens to be imported, and an edit to an unrelated
module (a notebook helper, the benchmark) does not throw a cache away.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path

PKG = Path(__file__).resolve().parent.parent  # the analysis/ folder
PACKAGE = PKG.name


def module_path(mod: str) -> Path | None:
    """The source file of a package module ('analysis.facts.rules'), or None.

    >>> module_path("analysis.build.versions").name
    'versions.py'
    >>> module_path("analysis.read").name
    '__init__.py'
    >>> module_path("analysis").name
    '__init__.py'
    >>> module_path("analysis.nothing") is None
    True
    """
    parts = mod.split(".")
    if parts[0] != PACKAGE:
        return None
    if len(parts) == 1:
        return PKG / "__init__.py"
    rel = Path(*parts[1:])
    for p in (PKG / rel.with_suffix(".py"), PKG / rel / "__init__.py"):
        if p.is_file():
            return p
    return None


@functools.lru_cache(maxsize=None)
def _imports_of(source: bytes, mod: str, is_pkg: bool) -> tuple[str, ...]:
    """The package modules one source file imports, parsed once per content (a build asks
    for the versions three times, and parsing the package is most of a warm build).

    Imports inside functions count too: they are dependencies all the same.
    """
    here = mod.split(".") if is_pkg else mod.split(".")[:-1]
    out: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - (node.level - 1)]
                src = ".".join(base + ([node.module] if node.module else []))
            else:
                src = node.module or ""
            if src.split(".")[0] != PACKAGE:
                continue
            for a in node.names:  # a name may be a module of its own (from . import tidy)
                sub = f"{src}.{a.name}"
                out.append(sub if module_path(sub) is not None else src)
        elif isinstance(node, ast.Import):
            out += [a.name for a in node.names if a.name.split(".")[0] == PACKAGE]
    return tuple(out)


# The imports found in a module's source, kept on disk by the source's hash (`use_cache`):
# parsing the package takes 1-2.5 s on this machine, most of a build that has little to do.
# A source that changed has another hash, so an entry can never give a stale answer.
_disk: dict[str, list[str]] = {}
_disk_used: dict[str, list[str]] = {}
_disk_loaded: set[str] = set()  # the keys the file held when it was read
_disk_path: Path | None = None


def use_cache(path: Path | None) -> None:
    """Keep the imports of each parsed source in `path` (a JSON file) from now on."""
    global _disk_path
    _disk_path = Path(path) if path is not None else None
    _disk.clear()
    _disk_used.clear()
    _disk_loaded.clear()
    if _disk_path is not None:
        try:
            got = json.loads(_disk_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            got = {}
        if isinstance(got, dict):
            _disk.update(got)
            _disk_loaded.update(got)


def save_cache() -> None:
    """Write the entries this process used (an old source's entry is dropped with it)."""
    if _disk_path is None or set(_disk_used) == _disk_loaded:  # nothing new, nothing stale
        return
    from ..atomic import write_text

    _disk_path.parent.mkdir(parents=True, exist_ok=True)
    write_text(_disk_path, json.dumps(_disk_used, sort_keys=True))


def _imports_cached(source: bytes, mod: str, is_pkg: bool) -> tuple[str, ...]:
    if _disk_path is None:
        return _imports_of(source, mod, is_pkg)
    key = f"{mod}:{int(is_pkg)}:{hashlib.sha1(source).hexdigest()}"
    got = _disk.get(key)
    if not isinstance(got, list):
        got = _disk[key] = list(_imports_of(source, mod, is_pkg))
    _disk_used[key] = got
    return tuple(got)


def closure(*start: str, skip: Iterable[str] = ()) -> list[str]:
    """The package modules that `start` imports, directly or not, with the packages they
    sit in (importing analysis.facts.rules runs analysis/facts/__init__.py too).

    Modules under a name in `skip` are left out with what only they import.
    """
    skipped = tuple(skip)
    seen: set[str] = set()
    packages: set[str] = set()
    stack = list(start)
    while stack:
        mod = stack.pop()
        if mod in seen or any(mod == s or mod.startswith(s + ".") for s in skipped):
            continue
        path = module_path(mod)
        if path is None:
            continue
        seen.add(mod)
        parts = mod.split(".")
        packages.update(".".join(parts[:i]) for i in range(1, len(parts)))
        stack.extend(_imports_cached(path.read_bytes(), mod, path.name == "__init__.py"))
    # a package a module sits in counts by its own source only: the stage packages hold a
    # docstring, and the face's imports are lazy (tests/test_layout.py keeps them so)
    return sorted(seen | packages)


def fingerprint(modules: Iterable[str], n: int = 12) -> str:
    """A short hash of the modules' names and sources."""
    h = hashlib.sha1()
    for mod in sorted(modules):
        path = module_path(mod)
        h.update(mod.encode())
        h.update(path.read_bytes() if path is not None else b"(missing)")
    return h.hexdigest()[:n]


def code_version() -> str:
    """Hash of the extractor's own source: a code change invalidates the record cache by itself."""
    return fingerprint(closure(f"{PACKAGE}.extract"))


def writer_version() -> str:
    """Hash of everything that decides the tables (the build, tidy, the checks, the extractor)."""
    return fingerprint(closure(f"{PACKAGE}.build.run"))


def package_digest() -> str:
    """A hash of every source and data file of the package (names and bytes).

    Stricter than the versions above (any edit anywhere in the package changes it) and much
    cheaper (no parsing): the build's up-to-date check uses it, and falls back to the
    versions when it changed.
    """
    h = hashlib.sha1()
    for root, dirs, files in os.walk(PKG):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__" and not d.startswith("."))
        for name in sorted(files):
            if name.endswith((".py", ".txt", ".json", ".csv")):
                path = os.path.join(root, name)
                h.update(os.path.relpath(path, PKG).encode() + b"\0")
                with open(path, "rb") as fh:
                    h.update(hashlib.sha1(fh.read()).digest())
    return h.hexdigest()
