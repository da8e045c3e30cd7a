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
        stack.extend(_imports_of(path.read_bytes(), mod, path.name == "__init__.py"))
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
