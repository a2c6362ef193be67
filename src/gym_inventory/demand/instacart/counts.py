"""Order lines per product and hour of the week: aggregation, cache, :func:`load_counts`.

An order-line file is aggregated once into ``(key, count)`` with ``key = product_id * 168
+ hour of week`` (sorted, counts > 0), cached on disk (see :func:`load_counts`) and memoised
in the process. The bundled sample's aggregates ship pre-computed in ``data/counts.npz``
so that the default demand needs only NumPy.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator, Sequence
from functools import cache
from typing import Any

import numpy as np

from gym_inventory.core.calendar import HOURS_PER_WEEK
from gym_inventory.demand.instacart.cache import (
    Aggregate,
    clear_digests,
    content_key,
    read_entry,
    write_entry,
)
from gym_inventory.demand.instacart.files import (
    DATA_DIR,
    EVAL_SETS,
    DataFile,
    InstacartDataWarning,
    batches,
    locate,
    read,
)
from gym_inventory.errors import ConfigError, DataError, require

__all__ = [
    "MAX_PRODUCT_ID",
    "OrderIndex",
    "aggregate",
    "check_eval_sets",
    "check_orders",
    "clear_memo",
    "counts_arrays",
    "hour_of_week_counts",
    "load_counts",
]

#: Largest supported product id (the counts are a dense array of id x hour of week).
MAX_PRODUCT_ID = 1 << 22
COLUMNS = ["product_id", "order_dow", "order_hour_of_day", "order_count"]


def check_orders(f: DataFile, o: dict[str, np.ndarray]) -> None:
    """Days in 0..6, hours in 0..23, non-negative order ids, or :class:`DataError`."""
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


def order_hours(path: str | os.PathLike | None) -> tuple[DataFile, np.ndarray, np.ndarray]:
    """Orders as (file, order_id, hour of week = 24 * dow + hour), validated."""
    f = locate(path, "orders")
    o = read(f, {"order_id": "int64", "order_dow": "int8", "order_hour_of_day": "int8"})
    check_orders(f, o)
    return f, o["order_id"], o["order_dow"].astype(np.int16) * 24 + o["order_hour_of_day"]


class OrderIndex:
    """Maps order ids to a value per order (-1 for ids not in ``orders.csv``).

    A dense array indexed by id when ids are compact (as in Instacart: 1..3.4 M), a
    sorted search otherwise. Raises :class:`DataError` naming ``f`` if ids repeat.
    """

    def __init__(self, f: DataFile, oid: np.ndarray, values: np.ndarray) -> None:
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

    def code(self, o: np.ndarray) -> np.ndarray:
        """A compact code of each id in ``orders.csv``, increasing with the id."""
        return o if self.dense else np.searchsorted(self.ids, o)

    def order_id(self, code: int) -> int:
        """The id of :meth:`code` ``code``."""
        return int(code if self.dense else self.ids[code])


class DuplicateLines:
    """Counts order lines that repeat an (order, product) pair, batch by batch.

    Lines sorted by order id (as in the Instacart files) are checked block by block, the
    last order of a block carried into the next: a stable sort of each block (measured on
    the full-size synthetic data of ``benchmarks/instacart_load.py``: 0.5 s of a 4.0 s
    cold load of the prior lines). Lines not sorted by order id are checked by
    :meth:`finish` with one sort of every key, which needs the file read again
    (``rescan``).
    """

    def __init__(self) -> None:
        self.in_order = True
        self.last = -1
        self.carry = np.zeros(0, dtype=np.int64)
        self.count = 0
        self.example: int | None = None

    def _check(self, keys: np.ndarray) -> np.ndarray:
        s = np.sort(keys, kind="stable")  # timsort: nearly sorted keys cost little
        same = s[1:] == s[:-1]
        if same.any():
            self.count += int(np.count_nonzero(same))
            if self.example is None:
                self.example = int(s[1:][same][0])
        return s

    def add(self, code: np.ndarray, product: np.ndarray) -> None:
        """Check one block: order codes (:meth:`OrderIndex.code`) and product ids."""
        if not self.in_order or not len(code):
            return
        if code[0] < self.last or (np.diff(code) < 0).any():
            self.in_order = False
            return
        keys = code * MAX_PRODUCT_ID + product
        if code[0] == self.last:
            keys = np.concatenate([self.carry, keys])
        s = self._check(keys)
        self.last = int(code[-1])
        self.carry = np.unique(s[np.searchsorted(s, self.last * MAX_PRODUCT_ID) :])

    def finish(self, rescan: Iterator[tuple[np.ndarray, np.ndarray]]) -> None:
        """Check lines not sorted by order: ``rescan`` yields every block's codes, products."""
        if self.in_order:
            return
        self.count, self.example = 0, None
        self._check(np.concatenate([c * MAX_PRODUCT_ID + p for c, p in rescan] or [self.carry]))


def _lines(
    lines: DataFile, index: OrderIndex
) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray, int]]:
    """Blocks of ``lines`` as (order id, product id, hour of week, orphans) of the lines
    whose order is in ``index``, product ids checked."""
    for x in batches(lines, {"order_id": "int64", "product_id": "int64"}):
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
            o, p, h = o[found], p[found], h[found]
        yield o, p, h, len(found) - n_found


def aggregate(path: str | os.PathLike | None, eval_set: str) -> Aggregate:
    """Counts of one eval set as (key = product_id * 168 + hour of week, count, orphans).

    Raises :class:`DataError` if a line repeats an (order, product) pair.
    """
    orders, oid, how = order_hours(path)
    lines = locate(path, f"order_products__{eval_set}")
    index = OrderIndex(orders, oid, how)
    counts = np.zeros(0, dtype=np.int64)
    orphans = 0
    repeats = DuplicateLines()
    for o, p, h, n in _lines(lines, index):
        orphans += n
        repeats.add(index.code(o), p)
        batch = np.bincount(p * HOURS_PER_WEEK + h, minlength=len(counts))
        batch[: len(counts)] += counts
        counts = batch
    repeats.finish((index.code(o), p) for o, p, _, _ in _lines(lines, index))
    if repeats.example is not None:
        first = divmod(repeats.example, MAX_PRODUCT_ID)
        raise DataError(
            f"{lines.label}: {repeats.count} line(s) repeat an (order_id, product_id) pair "
            f"listed before, e.g. order_id {index.order_id(first[0])}, product_id {first[1]}; "
            "expected each product at most once per order (drop the repeated rows)"
        )
    nz = np.flatnonzero(counts)
    return nz, counts[nz], orphans


#: In-process memo of the last few aggregates (many sources built from one download).
_MEMO: dict[str, Aggregate] = {}


def clear_memo() -> None:
    """Forget the aggregates and file digests memoised in this process (not the disk cache)."""
    _MEMO.clear()
    clear_digests()


def _memo(ident: str, value: Aggregate) -> Aggregate:
    for a in value[:2]:
        a.flags.writeable = False
    while len(_MEMO) >= 4:
        _MEMO.pop(next(iter(_MEMO)))
    _MEMO[ident] = value
    return value


def cached_aggregate(path: str | os.PathLike | None, eval_set: str, cache: bool) -> Aggregate:
    """:func:`aggregate`, through the memo and the disk cache (unless ``cache`` is False).

    Entries are keyed by the files' content and verified on reading; a bad one is
    rebuilt (see :mod:`gym_inventory.demand.instacart.cache`).
    """
    if path is None:
        return bundled_aggregate(eval_set)
    if not cache:
        return aggregate(path, eval_set)
    files = [locate(path, "orders"), locate(path, f"order_products__{eval_set}")]
    ident = content_key(eval_set, files)
    if ident in _MEMO:
        return _MEMO[ident]
    entry = read_entry(ident, MAX_PRODUCT_ID * HOURS_PER_WEEK)
    if entry is not None:
        return _memo(ident, entry)
    value = _memo(ident, aggregate(path, eval_set))
    write_entry(ident, value)
    return value


@cache
def bundled_aggregate(eval_set: str) -> Aggregate:
    """The bundled sample's counts, pre-aggregated in ``data/counts.npz`` (NumPy only).

    A test checks them against a fresh aggregation of the bundled CSV files;
    :func:`write_bundled_counts` rebuilds them.
    """
    with np.load(DATA_DIR / "counts.npz") as z:
        key, count = z[f"{eval_set}_key"], z[f"{eval_set}_count"]
    key.flags.writeable = count.flags.writeable = False
    return key, count, 0


def write_bundled_counts() -> None:  # pragma: no cover - maintenance helper
    """Rewrite ``data/counts.npz`` from the bundled CSV files."""
    arrays = {}
    for s in EVAL_SETS:
        key, count, orphans = aggregate(DATA_DIR, s)
        assert orphans == 0
        arrays[f"{s}_key"], arrays[f"{s}_count"] = key.astype(np.int32), count.astype(np.int32)
    np.savez_compressed(DATA_DIR / "counts.npz", **arrays)


def check_eval_sets(eval_sets: Any) -> tuple[str, ...]:
    """``eval_sets`` as a tuple of distinct names among :data:`EVAL_SETS`, or ConfigError."""
    if isinstance(eval_sets, str):
        eval_sets = (eval_sets,)
    sets = tuple(eval_sets)
    bad = [s for s in sets if s not in EVAL_SETS]
    if not sets or bad or len(set(sets)) != len(sets):
        raise ConfigError(f"eval_sets must be distinct names among {EVAL_SETS}, got {eval_sets!r}")
    return sets


def counts_arrays(
    path: str | os.PathLike | None,
    eval_sets: Any,
    orphans: str = "warn",
    cache: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """(key, count) summed over ``eval_sets``; keys sorted, counts > 0."""
    if orphans not in ("warn", "raise", "ignore"):
        raise ConfigError(f"orphans must be 'warn', 'raise' or 'ignore', got {orphans!r}")
    parts = [(s, *cached_aggregate(path, s, cache)) for s in check_eval_sets(eval_sets)]
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
        The data (see :mod:`gym_inventory.demand.instacart`); ``None`` is the bundled
        sample.
    eval_sets : sequence of {"prior", "train"}
        Which order-line files to count (summed).
    orphans : {"warn", "raise", "ignore"}
        What to do about order lines whose ``order_id`` is not in ``orders.csv``: they are
        never counted; ``"warn"`` issues an :class:`InstacartDataWarning` with their
        number, ``"raise"`` raises :class:`~gym_inventory.errors.DataError`.
    cache : bool
        Reuse (and store) the aggregate of each order-line file in
        :func:`~gym_inventory.demand.instacart.cache.cache_dir`, keyed by the content
        (size and CRC-32) of ``orders`` and the order-line file; an entry that fails its
        checks is rebuilt with an :class:`InstacartDataWarning`.

    Returns
    -------
    pandas.DataFrame
        Columns ``product_id`` (int64), ``order_dow`` (int8, 0-6), ``order_hour_of_day``
        (int8, 0-23), ``order_count`` (int64): one row per key with a non-zero count,
        sorted by the three keys.
    """
    pd = require("pandas", "data", "load_counts")
    key, count = counts_arrays(path, eval_sets, orphans, cache)
    key = key.astype(np.int64)
    how = key % HOURS_PER_WEEK
    return pd.DataFrame(
        {
            "product_id": key // HOURS_PER_WEEK,
            "order_dow": (how // 24).astype(np.int8),
            "order_hour_of_day": (how % 24).astype(np.int8),
            "order_count": count.astype(np.int64),
        },
        columns=COLUMNS,
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
    key, count = counts_arrays(path, eval_sets)
    if product_id is not None:
        lo = np.searchsorted(key, product_id * HOURS_PER_WEEK)
        hi = np.searchsorted(key, (product_id + 1) * HOURS_PER_WEEK)
        key, count = key[lo:hi], count[lo:hi]
    return np.bincount(key % HOURS_PER_WEEK, weights=count, minlength=HOURS_PER_WEEK)
