"""The on-disk cache of aggregated order lines: content keys and verified entries.

An entry is keyed by the **content** of the files it was computed from (their size and a
CRC-32 of their bytes, not their path or modification time), so an edit is always seen,
even one that keeps the size and restores the modification time. An entry stores the key
it was written for, a total and a CRC-32 of its own arrays; an entry that fails any check
(unreadable, other data's entry, arrays of the wrong shape, type or sum, checksum mismatch)
is reported with an :class:`~gym_inventory.demand.instacart.files.InstacartDataWarning` and
rebuilt from the data by the caller, never used and never left to fail the next call.

Cost of the content key, measured on the synthetic full-size data of
``benchmarks/instacart_load.py`` (orders + prior lines, 675 MB, in the page cache, one core):
``zlib.crc32`` in 1 MiB chunks takes 0.30 s (reading alone 0.10 s), against 4.2 s for the
cold load and 0.12 s for reading a cached entry; ``hashlib.blake2b`` would take 0.80 s and
``hashlib.sha256`` 0.43 s (this CPU has SHA instructions). End to end, the
benchmark's cached load went from 0.12 s (keyed by mtime) to 0.41 s. A 32-bit checksum misses
a change with probability 2**-32, acceptable for a cache. Within one process a file's digest
is reused while its inode, size, modification time and status-change time (``st_ctime``,
which ``os.utime`` cannot set back) are unchanged, so building many sources from one download
hashes it once; on Windows, where ``st_ctime`` is the creation time, it is always re-hashed.
"""

from __future__ import annotations

import hashlib
import os
import warnings
import zipfile
import zlib
from pathlib import Path

import numpy as np

from gym_inventory.demand.instacart.files import DataFile, InstacartDataWarning

__all__ = ["cache_dir", "clear_digests", "content_key", "read_entry", "write_entry"]

#: Bumped whenever the cached aggregate's format or meaning changes.
CACHE_VERSION = 2
_CHUNK = 1 << 20
#: Arrays of an entry, besides ``key``/``count``: line counts, its own key, its checksum.
_FIELDS = ("key", "count", "orphans", "total", "ident", "checksum")

Aggregate = tuple[np.ndarray, np.ndarray, int]

_DIGESTS: dict[tuple[object, ...], str] = {}


def cache_dir() -> Path:
    """Where aggregates are cached: ``$GYM_INVENTORY_CACHE_DIR``, else
    ``$XDG_CACHE_HOME/gym-inventory`` (default ``~/.cache/gym-inventory``)."""
    env = os.environ.get("GYM_INVENTORY_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(xdg) / "gym-inventory"


def clear_digests() -> None:
    """Forget the file digests memoised in this process."""
    _DIGESTS.clear()


def file_digest(path: Path) -> str:
    """``"<size>-<crc32>"`` of the bytes of ``path`` (see the module docstring for cost)."""
    st = path.stat()
    stamp = (str(path.resolve()), st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
    stamp += (st.st_ctime_ns,)
    if os.name != "nt" and stamp in _DIGESTS:
        return _DIGESTS[stamp]
    crc, size = 0, 0
    buf = bytearray(_CHUNK)
    view = memoryview(buf)
    with open(path, "rb") as fh:
        while n := fh.readinto(buf):
            crc = zlib.crc32(view[:n], crc)
            size += n
    digest = f"{size}-{crc:08x}"
    while len(_DIGESTS) >= 16:
        _DIGESTS.pop(next(iter(_DIGESTS)))
    _DIGESTS[stamp] = digest
    return digest


def content_key(what: str, files: list[DataFile]) -> str:
    """The cache key of ``what`` (e.g. an eval set) computed from ``files``.

    A file inside an archive is keyed by the whole archive's content and the member's name.
    """
    parts = [f"v{CACHE_VERSION}", what]
    parts += [f"{f.name}={f.member or ''}@{file_digest(f.outer)}" for f in files]
    return "\n".join(parts)


def entry_path(ident: str) -> Path:
    """The file in :func:`cache_dir` for key ``ident``."""
    return cache_dir() / f"counts-{hashlib.sha256(ident.encode()).hexdigest()[:24]}.npz"


def _checksum(key: np.ndarray, count: np.ndarray, orphans: int, ident: str) -> int:
    crc = zlib.crc32(np.ascontiguousarray(key, dtype="<i8").data)
    crc = zlib.crc32(np.ascontiguousarray(count, dtype="<i8").data, crc)
    return zlib.crc32(f"{orphans}|{ident}".encode(), crc)


def _problem(z: dict[str, np.ndarray], ident: str, key_limit: int) -> str | None:
    """What is wrong with the arrays ``z`` of an entry claimed to be for ``ident``."""
    missing = [f for f in _FIELDS if f not in z]
    if missing:
        return f"it lacks {missing}"
    if z["ident"].shape != () or str(z["ident"]) != ident:
        return "it was written for other data"
    key, count = z["key"], z["count"]
    scalars = [z[f] for f in ("orphans", "total", "checksum")]
    if any(a.dtype != np.int64 for a in (key, count, *scalars)):
        return "its arrays are not int64"
    if key.ndim != 1 or count.shape != key.shape or any(a.shape != () for a in scalars):
        return f"its arrays have shapes key {key.shape}, count {count.shape}"
    if len(key) and (key[0] < 0 or key[-1] >= key_limit or (np.diff(key) <= 0).any()):
        return f"its keys are not strictly increasing in 0..{key_limit - 1}"
    if (count <= 0).any() or int(z["orphans"]) < 0:
        return "it holds counts <= 0"
    if int(count.sum()) != int(z["total"]):
        return f"its counts sum to {int(count.sum())}, not the {int(z['total'])} it records"
    if _checksum(key, count, int(z["orphans"]), ident) != int(z["checksum"]):
        return "its checksum does not match its arrays"
    return None


def read_entry(ident: str, key_limit: int) -> Aggregate | None:
    """The verified entry for ``ident``; None if there is none or it is bad (with a warning).

    Parameters
    ----------
    ident : str
        The entry's key (:func:`content_key`).
    key_limit : int
        Keys must be below this.
    """
    target = entry_path(ident)
    if not target.is_file():
        return None
    z: dict[str, np.ndarray] | None = None
    try:
        with open(target, "rb") as fh:  # np.load(path) leaks the file if it is no zip
            npz = np.load(fh, allow_pickle=False)
            if isinstance(npz, np.lib.npyio.NpzFile):
                with npz:
                    z = {f: npz[f] for f in npz.files}
        problem = "it is not an .npz archive" if z is None else _problem(z, ident, key_limit)
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:
        problem = f"it cannot be read ({type(exc).__name__}: {exc})"
    if problem is None and z is not None:
        return z["key"], z["count"], int(z["orphans"])
    warnings.warn(
        f"Instacart cache entry {str(target)!r} is bad ({problem}); rebuilding it from the data",
        InstacartDataWarning,
        stacklevel=4,
    )
    return None


def write_entry(ident: str, value: Aggregate) -> None:
    """Store ``value`` under ``ident`` (atomically); warn if the cache is not writable."""
    target = entry_path(ident)
    key, count, orphans = value
    arrays = {
        "key": np.asarray(key, dtype=np.int64),
        "count": np.asarray(count, dtype=np.int64),
        "orphans": np.int64(orphans),
        "total": np.int64(count.sum()),
        "ident": np.array(ident),
        "checksum": np.int64(_checksum(key, count, orphans, ident)),
    }
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".{os.getpid()}.tmp.npz")
        np.savez(tmp, **arrays)
        os.replace(tmp, target)
    except OSError as exc:
        warnings.warn(
            f"cannot write the Instacart cache in {str(target.parent)!r} ({exc}); "
            "set GYM_INVENTORY_CACHE_DIR to a writable directory",
            InstacartDataWarning,
            stacklevel=4,
        )
