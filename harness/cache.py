"""A content-addressed cache on disk for parsed files and answer grades.

Entries are keyed by a hash of their inputs and stored under a fingerprint of
the code that produced them, so a change to the parser or a grader never serves
a stale result. The cache lives in ``$IACBENCH_CACHE``, else
``$XDG_CACHE_HOME/iacbench``, else ``~/.cache/iacbench``; deleting that folder
clears it, and ``--no-cache`` bypasses it.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from functools import cache
from pathlib import Path
from typing import Any

CACHE_ENV = "IACBENCH_CACHE"
_PACKAGES = ("harness", "graders")


def default_root() -> Path:
    configured = os.environ.get(CACHE_ENV)
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "iacbench"


@cache
def code_fingerprint() -> str:
    """A hash of the harness and grader sources: results depend on nothing else."""
    digest = hashlib.blake2b(digest_size=8)
    here = Path(__file__).resolve().parent.parent
    for package in _PACKAGES:
        for path in sorted((here / package).rglob("*")):
            if path.suffix in (".py", ".json") and "__pycache__" not in path.parts:
                digest.update(path.relative_to(here).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def key_of(*parts: Any) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for part in parts:
        digest.update(repr(part).encode("utf-8", "surrogatepass"))
        digest.update(b"\x00")
    return digest.hexdigest()


class DiskCache:
    """Pickled values in files named by key; a failed read is a miss."""

    def __init__(self, root: Path, namespace: str, versioned: bool = True) -> None:
        # results the code computes live under its fingerprint; model answers
        # do not depend on the code and survive its changes
        self.folder = root / namespace / (code_fingerprint() if versioned else "any")

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / key

    def get(self, key: str) -> Any:
        try:
            with self._path(key).open("rb") as handle:
                return pickle.load(handle)
        except (
            OSError,
            EOFError,
            pickle.UnpicklingError,
            AttributeError,
            ImportError,
            IndexError,
            TypeError,
            ValueError,
        ):
            return None

    def put(self, key: str, value: Any) -> None:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
            with partial.open("wb") as handle:
                pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
            partial.replace(path)
        except OSError:
            return  # a cache that cannot be written is only slower


_caches: dict[str, DiskCache | None] = {}


def configure(root: Path | None) -> None:
    """Use the cache under ``root`` in this process, or none when ``root`` is None."""
    os.environ[CACHE_ENV + "_DISABLED"] = "" if root else "1"
    if root is not None:
        os.environ[CACHE_ENV] = str(root)
    _caches.clear()


def get_cache(namespace: str, versioned: bool = True) -> DiskCache | None:
    """The cache for a namespace, as configured (worker processes inherit it)."""
    if namespace not in _caches:
        disabled = os.environ.get(CACHE_ENV + "_DISABLED") == "1"
        _caches[namespace] = (
            None if disabled else DiskCache(default_root(), namespace, versioned)
        )
    return _caches[namespace]
