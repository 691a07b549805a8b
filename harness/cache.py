"""A content-addressed cache on disk for parsed files, grades and model answers.

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
import struct
import threading
import time
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any, BinaryIO

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
        # threads of one process write apart too, so a name per thread
        partial = path.with_name(f"{key}.{os.getpid()}.{threading.get_ident()}.partial")
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            try:
                partial.write_bytes(data)
            except FileNotFoundError:  # the first entry in its folder
                path.parent.mkdir(parents=True, exist_ok=True)
                partial.write_bytes(data)
            partial.replace(path)
        except OSError:
            return  # a cache that cannot be written is only slower


class AnswerJournal:
    """Model answers in append-only segment files, one segment per process.

    An answer costs one write to an open file instead of a new file and a
    rename, which a run at high concurrency notices. Each record is a header
    (payload length and key) and a pickled payload; a record cut short by a
    crash ends its segment's readable part and is ignored. Entries that older
    versions wrote as a file per key are still read.
    """

    HEADER = struct.Struct(">I16s")

    def __init__(self, root: Path) -> None:
        self.folder = root / "answers" / "journal"
        self.legacy = DiskCache(root, "answers", versioned=False)
        self._lock = threading.Lock()
        self._index: dict[bytes, tuple[Path, int, int]] | None = None
        self._segment: BinaryIO | None = None
        self._segment_path = self.folder / f"{time.time_ns()}-{os.getpid()}.seg"
        # looked for once: a miss then costs no file system call
        self._has_legacy = self.legacy.folder.is_dir()
        self._closed = False

    def get(self, key: str) -> Any:
        with self._lock:
            if self._index is None:
                self._index = self._scan()
            where = self._index.get(bytes.fromhex(key))
        if where is None:
            return self.legacy.get(key) if self._has_legacy else None
        path, offset, length = where
        try:
            with path.open("rb") as handle:
                handle.seek(offset)
                return pickle.loads(handle.read(length))
        except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError):
            return None

    def put(self, key: str, value: Any) -> None:
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        digest = bytes.fromhex(key)
        with self._lock:
            if self._closed:
                return  # the cache was reconfigured while this call was out
            try:
                handle = self._open()
                offset = handle.tell() + self.HEADER.size
                handle.write(self.HEADER.pack(len(data), digest) + data)
                handle.flush()
            except OSError:
                return  # a cache that cannot be written is only slower
            if self._index is not None:
                self._index[digest] = (self._segment_path, offset, len(data))

    def _open(self) -> BinaryIO:
        if self._segment is None:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._segment = self._segment_path.open("ab")
        return self._segment

    def _scan(self) -> dict[bytes, tuple[Path, int, int]]:
        index: dict[bytes, tuple[Path, int, int]] = {}
        for path in sorted(self.folder.glob("*.seg")):
            try:
                with path.open("rb") as handle:
                    size = os.fstat(handle.fileno()).st_size
                    index.update(self._records(path, handle, size))
            except OSError:
                continue
        return index

    def _records(
        self, path: Path, handle: BinaryIO, size: int
    ) -> Iterator[tuple[bytes, tuple[Path, int, int]]]:
        offset = 0
        while offset + self.HEADER.size <= size:
            length, digest = self.HEADER.unpack(handle.read(self.HEADER.size))
            start = offset + self.HEADER.size
            if start + length > size:
                return  # cut short by a crash while it was written
            yield digest, (path, start, length)
            offset = start + length
            handle.seek(offset)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            if self._segment is not None:
                self._segment.close()
                self._segment = None


_caches: dict[str, DiskCache | None] = {}
_journals: dict[Path, AnswerJournal] = {}
_journals_lock = threading.Lock()


def configure(root: Path | None) -> None:
    """Use the cache under ``root`` in this process, or none when ``root`` is None."""
    os.environ[CACHE_ENV + "_DISABLED"] = "" if root else "1"
    if root is not None:
        os.environ[CACHE_ENV] = str(root)
    _caches.clear()
    for journal in _journals.values():
        journal.close()
    _journals.clear()


def get_cache(namespace: str, versioned: bool = True) -> DiskCache | None:
    """The cache for a namespace, as configured (worker processes inherit it)."""
    if namespace not in _caches:
        disabled = os.environ.get(CACHE_ENV + "_DISABLED") == "1"
        _caches[namespace] = (
            None if disabled else DiskCache(default_root(), namespace, versioned)
        )
    return _caches[namespace]


def answer_cache() -> AnswerJournal | None:
    """The journal of model answers, as configured; answers outlive code changes."""
    if os.environ.get(CACHE_ENV + "_DISABLED") == "1":
        return None
    root = default_root()
    with _journals_lock:  # threads asking at once must share one journal
        if root not in _journals:
            _journals[root] = AnswerJournal(root)
        return _journals[root]
