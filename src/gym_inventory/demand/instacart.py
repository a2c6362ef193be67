r"""The Instacart Market Basket Analysis data as demand.

The public dataset ("The Instacart Online Grocery Shopping Dataset 2017", the Kaggle
competition "Instacart Market Basket Analysis") has six files: ``orders.csv``,
``order_products__prior.csv``, ``order_products__train.csv``, ``products.csv``,
``aisles.csv`` and ``departments.csv``. Orders carry no calendar date, only the day of
week (``order_dow``, 0-6), the hour of day (``order_hour_of_day``, 0-23) and the days
since the user's previous order (``days_since_prior_order``, capped at 30).

``path`` arguments
------------------
``path=None`` is the small real sample bundled with the package (6,090 orders, 60,807
order lines; see ``gym_inventory/demand/data/README.md``). Otherwise ``path`` is either

* a directory holding the files as ``<name>.csv``, ``<name>.csv.gz`` or
  ``<name>.csv.zip`` (Kaggle's download ships each file as ``<name>.csv.zip``), or
* one ``.zip`` archive holding them (in any sub-folder, each as ``.csv``, ``.csv.gz`` or
  ``.csv.zip``; nested zips are read into memory).

The reader (pyarrow) accepts the quirks of real copies of the files: a UTF-8 byte-order
mark, CRLF line ends, hours written ``08`` or ``8``, quoted product names holding
commas, and non-ASCII text. Product names in the original ``products.csv`` escape a
double quote as ``\""`` inside a quoted field; :func:`products` turns ``\"`` back into
``"``.

Aggregates are cached (see :func:`load_counts`) in ``$GYM_INVENTORY_CACHE_DIR`` or, by
default, ``$XDG_CACHE_HOME/gym-inventory`` (``~/.cache/gym-inventory``).

Bad data raises :class:`~gym_inventory.errors.DataError` naming the file: a missing file
or column, a non-numeric or missing id, a day or hour out of range, a duplicated order,
an unreadable archive. Order lines whose order is not in ``orders.csv`` ("orphans") are
left out of the counts with a :class:`InstacartDataWarning` giving their number, or
raise with ``orphans="raise"``.
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import hashlib
import io
import os
import re
import warnings
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from gym_inventory.core.config import check_int, check_real
from gym_inventory.demand.base import DemandSource
from gym_inventory.demand.parametric import (
    HOURS_PER_WEEK,
    NegativeBinomialDemand,
    PoissonDemand,
    SeasonalDemand,
)
from gym_inventory.demand.sampler import DemandTable
from gym_inventory.errors import ConfigError, DataError, require

__all__ = [
    "DATA_DIR",
    "EVAL_SETS",
    "InstacartDataWarning",
    "InstacartDemand",
    "cache_dir",
    "hour_of_week_counts",
    "load_counts",
    "products",
    "reconstruct_calendar",
    "summary",
    "top_products",
]

#: The bundled sample.
DATA_DIR = Path(__file__).parent / "data"
#: Order-line files, by ``eval_set``.
EVAL_SETS = ("prior", "train")
#: Bumped whenever the cached aggregate's format or meaning changes.
_CACHE_VERSION = 1
#: Largest supported product id (the counts are a dense array of id x hour of week).
MAX_PRODUCT_ID = 1 << 22
_BLOCK = 1 << 25  # pyarrow block size: 32 MB
_COLUMNS = ["product_id", "order_dow", "order_hour_of_day", "order_count"]


class InstacartDataWarning(UserWarning):
    """Suspicious but usable Instacart data (for instance order lines without an order)."""


# ---------------------------------------------------------------------------- files
@dataclass(frozen=True)
class _DataFile:
    """One Instacart CSV file, plain or compressed, on disk or inside an archive."""

    name: str  # e.g. "orders"
    outer: Path  # the file on disk (the .csv, .csv.gz, .csv.zip or archive .zip)
    member: str | None = None  # member of an archive zip

    @property
    def label(self) -> str:
        return f"{self.outer}!{self.member}" if self.member else str(self.outer)

    def stat_key(self) -> str:
        st = self.outer.stat()
        return f"{self.outer.resolve()}|{self.member}|{st.st_size}|{st.st_mtime_ns}"

    @contextlib.contextmanager
    def open(self) -> Iterator[Any]:
        """A binary stream of the CSV text (decompressed)."""
        try:
            with contextlib.ExitStack() as stack:
                if self.member is None:
                    kind = _kind(self.outer.name)
                    if kind == "zip":
                        zf = stack.enter_context(zipfile.ZipFile(self.outer))
                        yield stack.enter_context(zf.open(_csv_member(zf, self.name, self.label)))
                        return
                    f = stack.enter_context(open(self.outer, "rb"))
                else:
                    zf = stack.enter_context(zipfile.ZipFile(self.outer))
                    kind, f = _kind(self.member), stack.enter_context(zf.open(self.member))
                    if kind == "zip":  # a zip inside the archive: needs seeking, read it
                        raw = zipfile.ZipFile(io.BytesIO(f.read()))
                        yield stack.enter_context(raw.open(_csv_member(raw, self.name, self.label)))
                        return
                if kind == "gz":
                    f = stack.enter_context(gzip.GzipFile(fileobj=f))
                yield f
        except (zipfile.BadZipFile, zlib.error, EOFError, gzip.BadGzipFile) as exc:
            raise DataError(f"cannot read {self.label}: {type(exc).__name__}: {exc}") from exc


def _kind(filename: str) -> str:
    low = filename.lower()
    return "zip" if low.endswith(".zip") else "gz" if low.endswith(".gz") else "csv"


def _csv_member(zf: zipfile.ZipFile, name: str, label: str) -> str:
    names = [n for n in zf.namelist() if not n.endswith("/") and "__MACOSX" not in n]
    for n in names:
        if n.rsplit("/", 1)[-1] == f"{name}.csv":
            return n
    csvs = [n for n in names if n.lower().endswith(".csv")]
    if len(csvs) == 1:
        return csvs[0]
    raise DataError(f"{label} must hold {name}.csv; it holds {names}")


def _locate(path: str | os.PathLike | None, name: str) -> _DataFile:
    """Find Instacart file ``name`` (e.g. ``"orders"``) under ``path``."""
    root = DATA_DIR if path is None else Path(path).expanduser()
    exts = (".csv", ".csv.gz", ".csv.zip")
    if root.is_dir():
        for ext in exts:
            f = root / f"{name}{ext}"
            if f.is_file():
                return _DataFile(name, f)
        raise DataError(
            f"Instacart file {name}.csv (or {name}.csv.gz / {name}.csv.zip) not found in "
            f"directory {str(root)!r}"
        )
    if root.is_file() and root.suffix.lower() == ".zip":
        try:
            with zipfile.ZipFile(root) as zf:
                members = zf.namelist()
        except (zipfile.BadZipFile, OSError) as exc:
            raise DataError(f"cannot read archive {str(root)!r}: {exc}") from exc
        for ext in exts:
            for m in members:
                if m.rsplit("/", 1)[-1] == f"{name}{ext}" and "__MACOSX" not in m:
                    return _DataFile(name, root, m)
        raise DataError(f"archive {str(root)!r} holds no {name}.csv (or .csv.gz / .csv.zip)")
    raise DataError(
        f"Instacart path {str(root)!r} must be a directory of the CSV files or a .zip "
        "archive holding them"
    )


def _header(f: _DataFile) -> list[str]:
    with f.open() as stream:
        head = b""
        while b"\n" not in head:
            chunk = stream.read(1 << 16)
            if not chunk:
                break
            head += chunk
    if not head.strip():
        raise DataError(f"{f.label} is empty (expected a CSV header line)")
    try:
        line = head.split(b"\n", 1)[0].decode("utf-8-sig").rstrip("\r")
    except UnicodeDecodeError as exc:
        raise DataError(f"{f.label} is not UTF-8 text: {exc}") from exc
    return next(csv.reader([line]))


def _batches(
    f: _DataFile, columns: dict[str, str], nullable: Sequence[str] = ()
) -> Iterator[dict[str, np.ndarray]]:
    """Stream ``columns`` (name -> arrow type name) of ``f`` as NumPy arrays, block by block.

    Memory stays bounded by the block size however large the file is.
    """
    pa = require("pyarrow", "data", "reading the Instacart data")
    pcsv = require("pyarrow.csv", "data", "reading the Instacart data")
    header = _header(f)
    missing = [c for c in columns if c not in header]
    if missing:
        raise DataError(
            f"{f.label} lacks column(s) {missing}; expected {list(columns)}, found {header}"
        )
    types = {c: getattr(pa, t)() for c, t in columns.items()}
    try:
        with f.open() as stream:
            reader = pcsv.open_csv(
                stream,
                read_options=pcsv.ReadOptions(block_size=_BLOCK),
                convert_options=pcsv.ConvertOptions(
                    include_columns=list(columns), column_types=types
                ),
            )
            for batch in reader:
                out = {}
                for c in columns:
                    col = batch.column(c)
                    if col.null_count and c not in nullable:
                        raise DataError(f"{f.label}: column {c!r} has empty value(s)")
                    out[c] = col.to_numpy(zero_copy_only=False)
                yield out
    except pa.ArrowInvalid as exc:
        msg = str(exc)
        m = re.search(r"column #(\d+): (Row #\d+: )?CSV conversion error to (\w+): (.*)", msg)
        if m and int(m.group(1)) < len(header):
            what = "integers" if m.group(3).startswith(("int", "uint")) else "numbers"
            row = f" ({m.group(2)[:-2].lower()} of the data)" if m.group(2) else ""
            raise DataError(
                f"{f.label}: column {header[int(m.group(1))]!r} must hold {what}; {m.group(4)}{row}"
            ) from exc
        raise DataError(f"cannot parse {f.label}: {msg}") from exc
    except OSError as exc:
        raise DataError(f"cannot read {f.label}: {exc}") from exc


def _read(
    f: _DataFile, columns: dict[str, str], nullable: Sequence[str] = ()
) -> dict[str, np.ndarray]:
    """Read ``columns`` (name -> arrow type name) of ``f`` whole into NumPy arrays."""
    parts = list(_batches(f, columns, nullable))
    return {
        c: np.concatenate([p[c] for p in parts])
        if parts
        else np.array([], dtype=object if t == "string" else t)
        for c, t in columns.items()
    }


# ----------------------------------------------------------------------- aggregation
def _order_hours(path: str | os.PathLike | None) -> tuple[_DataFile, np.ndarray, np.ndarray]:
    """Orders as (file, order_id, hour of week = 24 * dow + hour), validated."""
    f = _locate(path, "orders")
    o = _read(f, {"order_id": "int64", "order_dow": "int8", "order_hour_of_day": "int8"})
    _check_orders(f, o)
    return f, o["order_id"], o["order_dow"].astype(np.int16) * 24 + o["order_hour_of_day"]


def _check_orders(f: _DataFile, o: dict[str, np.ndarray]) -> None:
    """Days in 0..6, hours in 0..23, non-negative order ids."""
    for name, hi in (("order_dow", 6), ("order_hour_of_day", 23)):
        v = o[name]
        bad = (v < 0) | (v > hi)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise DataError(
                f"{f.label}: column {name!r} must be in 0..{hi}; row {i + 1} has {int(v[i])}"
            )
    if len(o["order_id"]) and o["order_id"].min() < 0:
        raise DataError(f"{f.label}: column 'order_id' must be non-negative")


class _OrderIndex:
    """Maps order ids to a value per order (-1 for ids not in ``orders.csv``).

    A dense array indexed by id when ids are compact (as in Instacart: 1..3.4 M), a
    sorted search otherwise.
    """

    def __init__(self, f: _DataFile, oid: np.ndarray, values: np.ndarray) -> None:
        top = int(oid.max()) + 1 if len(oid) else 1
        self.dense = top <= 4 * len(oid) + (1 << 20)
        if self.dense:
            self.lut = np.full(top, -1, dtype=np.int64)
            self.lut[oid] = values
            unique = np.count_nonzero(self.lut >= 0) == len(oid)
        else:
            order = np.argsort(oid, kind="stable")
            self.ids, self.values = oid[order], np.asarray(values, dtype=np.int64)[order]
            unique = not (self.ids[1:] == self.ids[:-1]).any()
        if not unique:
            n = int((np.unique(oid, return_counts=True)[1] > 1).sum())
            raise DataError(f"{f.label}: order_id must be unique; {n} id(s) repeat")

    def __call__(self, o: np.ndarray) -> np.ndarray:
        if self.dense:
            out = self.lut[np.clip(o, 0, len(self.lut) - 1)]
            out[(o < 0) | (o >= len(self.lut))] = -1
            return out
        i = np.minimum(np.searchsorted(self.ids, o), len(self.ids) - 1)
        return np.where(self.ids[i] == o, self.values[i], -1)  # sparse => ids not empty


def _aggregate(path: str | os.PathLike | None, eval_set: str) -> tuple[np.ndarray, np.ndarray, int]:
    """Counts of one eval set as (key = product_id * 168 + hour of week, count, orphans)."""
    orders, oid, how = _order_hours(path)
    lines = _locate(path, f"order_products__{eval_set}")
    index = _OrderIndex(orders, oid, how)
    counts = np.zeros(0, dtype=np.int64)
    orphans = 0
    for x in _batches(lines, {"order_id": "int64", "product_id": "int64"}):
        o, p = x["order_id"], x["product_id"]
        if len(p) and (p.min() < 0 or p.max() >= MAX_PRODUCT_ID):
            raise DataError(
                f"{lines.label}: column 'product_id' must be in 0..{MAX_PRODUCT_ID - 1}, "
                f"got {int(p.min() if p.min() < 0 else p.max())}"
            )
        h = index(o)
        found = h >= 0
        n_found = int(np.count_nonzero(found))
        if n_found < len(h):
            orphans += len(h) - n_found
            p, h = p[found], h[found]
        batch = np.bincount(p * HOURS_PER_WEEK + h, minlength=len(counts))
        batch[: len(counts)] += counts
        counts = batch
    nz = np.flatnonzero(counts)
    return nz, counts[nz], orphans


def cache_dir() -> Path:
    """Where aggregates are cached: ``$GYM_INVENTORY_CACHE_DIR``, else
    ``$XDG_CACHE_HOME/gym-inventory`` (default ``~/.cache/gym-inventory``)."""
    env = os.environ.get("GYM_INVENTORY_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(xdg) / "gym-inventory"


#: In-process memo of the last few aggregates (many sources built from one download).
_MEMO: dict[str, tuple[np.ndarray, np.ndarray, int]] = {}


def _memo(
    ident: str, value: tuple[np.ndarray, np.ndarray, int]
) -> tuple[np.ndarray, np.ndarray, int]:
    for a in value[:2]:
        a.flags.writeable = False
    while len(_MEMO) >= 4:
        _MEMO.pop(next(iter(_MEMO)))
    _MEMO[ident] = value
    return value


def _cached_aggregate(
    path: str | os.PathLike | None, eval_set: str, cache: bool
) -> tuple[np.ndarray, np.ndarray, int]:
    if path is None:
        return _bundled_aggregate(eval_set)
    if not cache:
        return _aggregate(path, eval_set)
    files = [_locate(path, "orders"), _locate(path, f"order_products__{eval_set}")]
    ident = "\n".join([f"v{_CACHE_VERSION}", eval_set, *(f.stat_key() for f in files)])
    if ident in _MEMO:
        return _MEMO[ident]
    target = cache_dir() / f"counts-{hashlib.sha256(ident.encode()).hexdigest()[:24]}.npz"
    if target.is_file():
        try:
            with np.load(target) as z:
                return _memo(ident, (z["key"], z["count"], int(z["orphans"])))
        except (OSError, ValueError, KeyError, zipfile.BadZipFile):
            pass  # a damaged cache entry is recomputed and rewritten
    key, count, orphans = _memo(ident, _aggregate(path, eval_set))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".{os.getpid()}.tmp.npz")
        np.savez(tmp, key=key, count=count, orphans=np.int64(orphans))
        os.replace(tmp, target)
    except OSError as exc:
        warnings.warn(
            f"cannot write the Instacart cache in {str(target.parent)!r} ({exc}); "
            "set GYM_INVENTORY_CACHE_DIR to a writable directory",
            InstacartDataWarning,
            stacklevel=3,
        )
    return key, count, orphans


@cache
def _bundled_aggregate(eval_set: str) -> tuple[np.ndarray, np.ndarray, int]:
    """The bundled sample's counts, pre-aggregated in ``data/counts.npz`` (NumPy only).

    A test checks them against a fresh aggregation of the bundled CSV files;
    ``_write_bundled_counts()`` rebuilds them.
    """
    with np.load(DATA_DIR / "counts.npz") as z:
        key, count = z[f"{eval_set}_key"], z[f"{eval_set}_count"]
    key.flags.writeable = count.flags.writeable = False
    return key, count, 0


def _write_bundled_counts() -> None:  # pragma: no cover - maintenance helper
    arrays = {}
    for s in EVAL_SETS:
        key, count, orphans = _aggregate(DATA_DIR, s)
        assert orphans == 0
        arrays[f"{s}_key"], arrays[f"{s}_count"] = key.astype(np.int32), count.astype(np.int32)
    np.savez_compressed(DATA_DIR / "counts.npz", **arrays)


def _check_eval_sets(eval_sets: Any) -> tuple[str, ...]:
    if isinstance(eval_sets, str):
        eval_sets = (eval_sets,)
    sets = tuple(eval_sets)
    bad = [s for s in sets if s not in EVAL_SETS]
    if not sets or bad or len(set(sets)) != len(sets):
        raise ConfigError(f"eval_sets must be distinct names among {EVAL_SETS}, got {eval_sets!r}")
    return sets


def _counts_arrays(
    path: str | os.PathLike | None,
    eval_sets: Any,
    orphans: str = "warn",
    cache: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """(key, count) summed over ``eval_sets``; keys sorted, counts > 0."""
    if orphans not in ("warn", "raise", "ignore"):
        raise ConfigError(f"orphans must be 'warn', 'raise' or 'ignore', got {orphans!r}")
    parts = [(s, *_cached_aggregate(path, s, cache)) for s in _check_eval_sets(eval_sets)]
    for s, _, _, n in parts:
        if n and orphans != "ignore":
            msg = (
                f"{n} line(s) of order_products__{s} in {str(path)!r} have an order_id "
                "missing from orders.csv; they are left out of the counts"
            )
            if orphans == "raise":
                raise DataError(msg)
            warnings.warn(msg + " (orphans='raise' makes this an error)", InstacartDataWarning, 3)
    if len(parts) == 1:
        return parts[0][1], parts[0][2]
    keys, inv = np.unique(np.concatenate([p[1] for p in parts]), return_inverse=True)
    counts = np.bincount(inv, weights=np.concatenate([p[2] for p in parts]))
    return keys, counts.astype(np.int64)


def load_counts(
    path: str | os.PathLike | None = None,
    eval_sets: Sequence[str] = ("prior",),
    *,
    orphans: str = "warn",
    cache: bool = True,
) -> Any:
    """Order lines per product per (day of week, hour of day).

    Parameters
    ----------
    path : path-like, optional
        The data (see the module docstring); ``None`` is the bundled sample.
    eval_sets : sequence of {"prior", "train"}
        Which order-line files to count (summed).
    orphans : {"warn", "raise", "ignore"}
        What to do about order lines whose ``order_id`` is not in ``orders.csv``: they are
        never counted; ``"warn"`` issues an :class:`InstacartDataWarning` with their
        number, ``"raise"`` raises :class:`~gym_inventory.errors.DataError`.
    cache : bool
        Reuse (and store) the aggregate of each order-line file in :func:`cache_dir`,
        keyed by the size and modification time of ``orders`` and the order-line file.

    Returns
    -------
    pandas.DataFrame
        Columns ``product_id`` (int64), ``order_dow`` (int8, 0-6), ``order_hour_of_day``
        (int8, 0-23), ``order_count`` (int64): one row per key with a non-zero count,
        sorted by the three keys.
    """
    pd = require("pandas", "data", "load_counts")
    key, count = _counts_arrays(path, eval_sets, orphans, cache)
    key = key.astype(np.int64)
    how = key % HOURS_PER_WEEK
    return pd.DataFrame(
        {
            "product_id": key // HOURS_PER_WEEK,
            "order_dow": (how // 24).astype(np.int8),
            "order_hour_of_day": (how % 24).astype(np.int8),
            "order_count": count.astype(np.int64),
        },
        columns=_COLUMNS,
    )


def hour_of_week_counts(
    product_id: int | None,
    path: str | os.PathLike | None = None,
    eval_sets: Sequence[str] = ("prior",),
) -> np.ndarray:
    """Order lines of ``product_id`` (all products when None) per hour of the week.

    Hour ``h = 24 * order_dow + order_hour_of_day``; float64 array of shape ``(168,)``.
    Needs only NumPy for the bundled sample.
    """
    key, count = _counts_arrays(path, eval_sets)
    if product_id is not None:
        lo = np.searchsorted(key, product_id * HOURS_PER_WEEK)
        hi = np.searchsorted(key, (product_id + 1) * HOURS_PER_WEEK)
        key, count = key[lo:hi], count[lo:hi]
    return np.bincount(key % HOURS_PER_WEEK, weights=count, minlength=HOURS_PER_WEEK)


# -------------------------------------------------------------------------- products
def products(path: str | os.PathLike | None = None) -> Any:
    """The product catalogue with aisle and department names.

    Returns
    -------
    pandas.DataFrame
        Columns ``product_id, product_name, aisle_id, aisle, department_id,
        department``, sorted by ``product_id``. In names, ``\\"`` is read as ``"``.
    """
    pf = _locate(path, "products")
    p = _read_table(pf, ["product_id", "aisle_id", "department_id"], ["product_name"])
    p["product_name"] = p["product_name"].str.replace('\\"', '"', regex=False)
    for name in ("aisle", "department"):
        f = _locate(path, f"{name}s")
        t = _read_table(f, [f"{name}_id"], [name])
        if t[f"{name}_id"].duplicated().any():
            raise DataError(f"{f.label}: column {name + '_id'!r} must be unique")
        p = p.merge(t, on=f"{name}_id", how="left")
        if p[name].isna().any():
            bad = p.loc[p[name].isna(), f"{name}_id"].iloc[0]
            raise DataError(f"{pf.label}: {name}_id {bad} is not in {f.label}")
    cols = ["product_id", "product_name", "aisle_id", "aisle", "department_id", "department"]
    return p[cols].sort_values("product_id", ignore_index=True)


def _read_table(f: _DataFile, ids: Sequence[str], text: Sequence[str]) -> Any:
    """A small CSV as a DataFrame: integer columns ``ids`` and text columns ``text``."""
    pd = require("pandas", "data", "reading the Instacart data")
    return pd.DataFrame(_read(f, {**dict.fromkeys(ids, "int64"), **dict.fromkeys(text, "string")}))


def top_products(
    n: int,
    path: str | os.PathLike | None = None,
    department: str | int | None = None,
    aisle: str | int | None = None,
    eval_sets: Sequence[str] = ("prior",),
) -> Any:
    """The ``n`` products with the most order lines, optionally within a department/aisle.

    Parameters
    ----------
    n : int
        How many (fewer are returned if fewer products have order lines).
    path : path-like, optional
        The data; ``None`` is the bundled sample.
    department, aisle : str or int, optional
        Keep only this department / aisle (its name, or its id).
    eval_sets : sequence of {"prior", "train"}
        Which order lines count.

    Returns
    -------
    pandas.DataFrame
        Columns ``product_id, product_name, aisle, department, aisle_id,
        department_id, order_count``, by decreasing ``order_count`` (ties by id).

    Examples
    --------
    >>> int(top_products(1).product_id[0])  # the bundled sample's best seller: Banana
    24852
    """
    n = check_int("n", n, low=1)
    counts = load_counts(path, eval_sets)
    totals = counts.groupby("product_id", as_index=False)["order_count"].sum()
    cat = products(path)
    for field, value in (("department", department), ("aisle", aisle)):
        if value is None:
            continue
        col = f"{field}_id" if isinstance(value, (int, np.integer)) else field
        if not (cat[col] == value).any():
            raise ConfigError(
                f"{field} {value!r} is not in the data; e.g. {sorted(cat[field].unique())[:8]}"
            )
        cat = cat[cat[col] == value]
    out = totals.merge(cat, on="product_id", how="inner")
    out = out.sort_values(["order_count", "product_id"], ascending=[False, True])
    cols = [
        "product_id",
        "product_name",
        "aisle",
        "department",
        "aisle_id",
        "department_id",
        "order_count",
    ]
    return out[cols].head(n).reset_index(drop=True)


def summary(
    path: str | os.PathLike | None = None,
    top: int = 10,
    output: str | os.PathLike | None = "instacart_heatmap.png",
) -> str:
    """A text summary of the data; saves the day-of-week x hour heat map to ``output``.

    Row counts of every file (orders by ``eval_set``), the ``top`` products with names,
    and the store's prior order lines per day of week and hour (a PNG; skipped when
    ``output`` is None). This is ``gym-inventory instacart summary [PATH]``.
    """
    where = "the bundled sample" if path is None else str(path)
    f = _locate(path, "orders")
    sets, n = np.unique(_read(f, {"eval_set": "string"})["eval_set"], return_counts=True)
    lines = [f"Instacart data: {where}", "", "rows:"]
    lines.append(
        f"  orders.csv                  {n.sum():>12,}  ("
        + ", ".join(f"{s} {c:,}" for s, c in zip(sets.tolist(), n.tolist(), strict=True))
        + ")"
    )
    for s in EVAL_SETS:
        key, count = _counts_arrays(path, (s,))
        lines.append(
            f"  order_products__{s + '.csv':12s}{int(count.sum()):>12,}  "
            f"({len(np.unique(key // HOURS_PER_WEEK)):,} products ordered)"
        )
    cat = products(path)
    lines.append(
        f"  products.csv                {len(cat):>12,}  "
        f"({cat.aisle.nunique()} aisles, {cat.department.nunique()} departments)"
    )
    best = top_products(top, path)
    lines += ["", f"top {len(best)} products (prior order lines):"]
    for r in best.itertuples(index=False):
        lines.append(
            f"  {r.product_id:>6d}  {r.product_name[:44]:44s} {r.department[:14]:14s}"
            f" {r.order_count:>10,}"
        )
    if output is not None:
        from gym_inventory.plotting import plot_hour_of_week

        fig = plot_hour_of_week(
            hour_of_week_counts(None, path), f"Instacart prior order lines ({where})"
        )
        fig.savefig(output, dpi=100)
        require("matplotlib.pyplot", "plot", "the heat map").close(fig)
        lines += ["", f"heat map (day of week x hour) saved to {output}"]
    return "\n".join(lines)


# ---------------------------------------------------------------------------- timeline
def reconstruct_calendar(
    path: str | os.PathLike | None = None, weeks: int = 52, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Give every order an absolute hour on a reconstructed calendar (seeded).

    Each user's orders are taken in ``order_number`` order and split into runs of
    consecutive numbers (a gap in the numbering, as in a sample, starts a new run). A
    run's first order is placed on a day drawn uniformly among the days of the first
    ``weeks`` weeks that fall on its ``order_dow``; each next order comes
    ``days_since_prior_order`` days later, at its own ``order_hour_of_day``. Hour 0 is day
    0 (``order_dow`` 0) at 00:00.

    Returns
    -------
    order_id : ndarray of int64
    hour : ndarray of int64
        Absolute hour of each order.
    """
    weeks = check_int("weeks", weeks, low=1)
    f = _locate(path, "orders")
    cols = {
        "order_id": "int64",
        "user_id": "int64",
        "order_number": "int64",
        "order_dow": "int8",
        "order_hour_of_day": "int8",
        "days_since_prior_order": "float64",
    }
    o = _read(f, cols, nullable=("days_since_prior_order",))
    _check_orders(f, o)
    order = np.lexsort((o["order_number"], o["user_id"]))
    user, number = o["user_id"][order], o["order_number"][order]
    gap = np.nan_to_num(o["days_since_prior_order"][order], nan=0.0)
    if (gap < 0).any():
        raise DataError(f"{f.label}: column 'days_since_prior_order' must be >= 0")
    new = np.ones(len(order), dtype=bool)
    new[1:] = (user[1:] != user[:-1]) | (number[1:] != number[:-1] + 1)
    run = np.cumsum(new) - 1
    rng = np.random.default_rng(seed)
    first = np.flatnonzero(new)
    start_day = 7 * rng.integers(0, weeks, size=len(first)) + o["order_dow"][order][first]
    gap[new] = 0.0
    cum = np.cumsum(gap)
    day = start_day[run] + (cum - cum[first][run]).astype(np.int64)
    hour = day * 24 + o["order_hour_of_day"][order]
    return o["order_id"][order], hour


def _timeline(
    product_id: int, path: Any, eval_sets: tuple[str, ...], weeks: int, seed: int
) -> np.ndarray:
    oid, hour = reconstruct_calendar(path, weeks, seed)
    index = _OrderIndex(_locate(path, "orders"), oid, hour)
    hours = []
    for s in eval_sets:
        lines = _locate(path, f"order_products__{s}")
        for x in _batches(lines, {"order_id": "int64", "product_id": "int64"}):
            h = index(x["order_id"][x["product_id"] == product_id])
            hours.append(h[h >= 0])
    h = np.concatenate(hours)
    if len(h) == 0:
        raise DataError(f"product {product_id} has no order lines in {eval_sets} at {path!r}")
    return np.bincount(h, minlength=24 * 7 * weeks).astype(np.float64)


class _PoissonReplay(DemandSource):
    """Poisson demand with a replayed (cyclic) series of means."""

    def __init__(self, rates: np.ndarray, start: int) -> None:
        self.rates, self.start = rates, start

    def _r(self, periods: np.ndarray) -> np.ndarray:
        return self.rates[(np.asarray(periods) + self.start) % len(self.rates)]

    def sample(self, rng: np.random.Generator, periods: np.ndarray) -> np.ndarray:
        table = self.demand_table()
        if table is None:  # means too large for a table
            return rng.poisson(self._r(periods)).astype(np.float64)
        return table.sample(rng, periods)

    def demand_table(self) -> DemandTable | None:
        return self._cached_table(self._build_table)

    def _build_table(self) -> DemandTable | None:
        rates, inv = np.unique(self.rates, return_inverse=True)
        table = PoissonDemand(0.0).table_at_means(rates)
        if table is not None:
            n = len(self.rates)
            table.phase = table.phase[inv[(np.arange(n) + self.start) % n]]
        return table

    def mean(self, periods: np.ndarray) -> np.ndarray:
        return self._r(periods).copy()

    def distribution(self, period: int) -> Any:
        return require("scipy.stats", "all", "distribution()").poisson(
            float(self._r(np.array([period]))[0])
        )


# ---------------------------------------------------------------------------- source
#: Mean demand per hour of :class:`InstacartDemand` in ``"profile"`` mode by default.
DEFAULT_MEAN = 10.0


class InstacartDemand(DemandSource):
    r"""Demand of one Instacart product, from its real order lines.

    ``mode="profile"`` (default): the product's **hour-of-week profile** — its order
    lines per hour of the week (``24 * order_dow + order_hour_of_day``) — drives a
    :class:`~gym_inventory.demand.SeasonalDemand` whose average over the week is
    ``mean`` (default :data:`DEFAULT_MEAN` = 10 units per hour; the data hold no dates,
    so the absolute rate is a choice). Demand in each hour is Poisson or negative
    binomial around ``mean * profile[h] / mean(profile)``.

    *Smoothing.* Hours in which a sparse product happened not to sell would otherwise get
    zero demand. The profile is ``c[h] + smoothing * s[h]``, where ``c`` are the
    product's counts and ``s`` is the whole store's hour-of-week share (all products,
    summing to 1): ``smoothing`` pseudo-lines spread like the store's traffic
    (empirical-Bayes shrinkage towards the store profile). With the default 168 (one per
    hour on average) a best seller of the full data (~470,000 lines) is unchanged and a
    product with a handful of lines follows the store.

    ``mode="timeline"``: a seeded reconstruction of a calendar
    (:func:`reconstruct_calendar`: each user's first order on a random day of the first
    ``weeks`` weeks matching its ``order_dow``, later orders ``days_since_prior_order``
    days apart at their own hour) gives the product's **real hourly series** of order
    lines, which is replayed cyclically from hour ``start_hour``. With ``mean=None`` the
    counts are replayed as they are; with ``mean`` the series is scaled to that average
    and demand is Poisson around it. Limits: the series ramps up over the first
    ``weeks`` weeks as users join and fades as their histories end (it is not
    stationary); ``days_since_prior_order`` is capped at 30 in the data, so longer gaps
    are shortened to 30 days; day of week after the first order follows the gaps, which
    may disagree with a later order's recorded ``order_dow``; users' calendars are
    independent (no common events). In the bundled sample most users have one order, so
    the series is sparse.

    Parameters
    ----------
    product_id : int
        Instacart ``product_id`` (e.g. 24852, Banana).
    mode : {"profile", "timeline"}
    mean : float, optional
        Average demand per hour (see above).
    path : path-like, optional
        The data (see :mod:`gym_inventory.demand.instacart`); None = bundled sample.
    eval_sets : sequence of {"prior", "train"}
        Order lines counted.
    sampler : {"poisson", "negative_binomial"}
        Profile mode: the distribution around each hour's mean.
    variance_ratio : float, optional
        Negative binomial only: variance / mean of the weekly-average hour (> 1;
        default 2).
    smoothing : float
        Profile mode: pseudo-lines spread like the store profile (see above).
    start_hour : int
        Hour of the week (profile) or of the reconstructed calendar (timeline) of period 0.
    weeks : int
        Timeline mode: first orders are spread over this many weeks.
    seed : int
        Timeline mode: seed of the calendar reconstruction (not of the demand draws,
        which use the env's generator).

    Examples
    --------
    >>> import numpy as np
    >>> src = InstacartDemand(24852, mean=10.0)
    >>> round(float(src.mean(np.arange(168)).mean()), 6)
    10.0
    """

    def __init__(
        self,
        product_id: int,
        mode: str = "profile",
        mean: float | None = None,
        path: str | os.PathLike | None = None,
        eval_sets: Sequence[str] = ("prior",),
        sampler: str = "poisson",
        variance_ratio: float | None = None,
        smoothing: float = 168.0,
        start_hour: int = 0,
        weeks: int = 52,
        seed: int = 0,
    ) -> None:
        self.product_id = check_int("product_id", product_id)
        self.mode = mode
        self.path = path
        sets = _check_eval_sets(eval_sets)
        if mean is not None:
            mean = check_real("mean", mean)
        if sampler not in ("poisson", "negative_binomial"):
            raise ConfigError(f"sampler must be 'poisson' or 'negative_binomial', got {sampler!r}")
        if variance_ratio is not None and sampler != "negative_binomial":
            raise ConfigError("variance_ratio only applies to sampler='negative_binomial'")
        smoothing = check_real("smoothing", smoothing)
        start_hour = check_int("start_hour", start_hour)
        self.inner: DemandSource
        if mode == "profile":
            counts = hour_of_week_counts(self.product_id, path, sets)
            if counts.sum() == 0:
                raise DataError(
                    f"product {self.product_id} has no order lines in {sets} of "
                    f"{'the bundled sample' if path is None else repr(str(path))}"
                )
            store = hour_of_week_counts(None, path, sets)
            self.counts = counts
            self.profile = counts + smoothing * store / store.sum()
            m = DEFAULT_MEAN if mean is None else mean
            if sampler == "poisson":
                base: DemandSource = PoissonDemand(m)
            else:
                ratio = 2.0 if variance_ratio is None else variance_ratio
                ratio = check_real("variance_ratio", ratio, low=1.0, low_inclusive=False)
                base = NegativeBinomialDemand(m, m * ratio)
            if start_hour >= HOURS_PER_WEEK:
                raise ConfigError(f"start_hour must be an int <= 167, got {start_hour}")
            self.inner = SeasonalDemand(self.profile, m, start_hour, base)
        elif mode == "timeline":
            if sampler != "poisson":
                raise ConfigError("sampler only applies to mode='profile'")
            series = _timeline(self.product_id, path, sets, weeks, check_int("seed", seed))
            self.series = series
            if mean is None:
                from gym_inventory.demand.empirical import EmpiricalDemand

                self.inner = EmpiricalDemand(series, mode="replay", start=start_hour)
            else:
                self.inner = _PoissonReplay(series * (mean / series.mean()), start_hour)
        else:
            raise ConfigError(f"mode must be 'profile' or 'timeline', got {mode!r}")

    def sample(self, rng: np.random.Generator, periods: np.ndarray) -> np.ndarray:
        return self.inner.sample(rng, periods)

    def demand_table(self) -> DemandTable | None:
        return self.inner.demand_table()

    def mean(self, periods: np.ndarray) -> np.ndarray:
        return self.inner.mean(periods)

    def distribution(self, period: int) -> Any:
        return self.inner.distribution(period)

    @property
    def stationary(self) -> bool:
        return False

    def __repr__(self) -> str:
        return f"InstacartDemand({self.product_id}, mode={self.mode!r}, inner={self.inner!r})"
