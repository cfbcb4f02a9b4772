"""Fingerprints of everything a step's outcome depends on, so that a step whose inputs did not change can keep
what it made before (a raw load, an edition's dbt build) instead of making it again."""

from __future__ import annotations

import ast
import hashlib
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

from ieo.settings import PROJECT_ROOT


class Fingerprint:
    """A sha256 over labelled parts: two fingerprints are equal only when they saw the same parts in the same order."""

    def __init__(self) -> None:
        self._digest = hashlib.sha256()

    def add(self, label: str, value: str) -> None:
        self._digest.update(f"{label}\0{value}\0".encode())

    def add_file(self, label: str, path: Path) -> None:
        with path.open("rb") as handle:
            self.add(label, hashlib.file_digest(handle, "sha256").hexdigest())

    def add_modules(self, root: str, packages: tuple[str, ...]) -> None:
        """The source of ``root`` and of every project module it can run (``module_sources``)."""
        for name, path in sorted(module_sources(root, packages).items()):
            self.add_file(f"module/{name}", path)

    def add_libraries(self, distributions: Iterable[str]) -> None:
        for distribution in distributions:
            self.add(f"library/{distribution}", library_version(distribution))

    def hexdigest(self) -> str:
        return self._digest.hexdigest()


def library_version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "not installed"


def module_sources(root: str, packages: tuple[str, ...]) -> dict[str, Path]:
    """The modules of ``packages`` that importing ``root`` and calling into it can run: ``root`` and every such
    module it imports, at any depth, including imports inside functions and the packages that contain them, each
    with its source file. Found by reading the sources, so nothing is imported."""
    found: dict[str, Path] = {}
    pending = [root]
    while pending:
        name = pending.pop()
        path = _project_source(name, packages)
        if path is None or name in found:
            continue
        found[name] = path
        parts = name.split(".")
        pending += [".".join(parts[:i]) for i in range(1, len(parts))]
        for node in ast.walk(ast.parse(path.read_bytes(), filename=str(path))):
            if isinstance(node, ast.Import):
                pending += [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                pending += [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
    return found


def _project_source(module: str, packages: tuple[str, ...]) -> Path | None:
    """The source file of a module of ``packages``, or None for anything else (a name imported from a module, a
    library)."""
    if module.split(".")[0] not in packages:
        return None
    base = PROJECT_ROOT.joinpath(*module.split("."))
    return next((path for path in (base.with_suffix(".py"), base / "__init__.py") if path.is_file()), None)
