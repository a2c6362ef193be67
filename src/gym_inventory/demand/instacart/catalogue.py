"""The product catalogue, best sellers, a text summary and the reconstructed calendar."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from gym_inventory.core.calendar import HOURS_PER_WEEK
from gym_inventory.core.config import check_int
from gym_inventory.demand.instacart.counts import (
    check_orders,
    counts_arrays,
    hour_of_week_counts,
    load_counts,
)
from gym_inventory.demand.instacart.files import EVAL_SETS, DataFile, locate, read
from gym_inventory.errors import ConfigError, DataError, require

__all__ = ["products", "reconstruct_calendar", "summary", "top_products"]


def products(path: str | os.PathLike | None = None) -> Any:
    """The product catalogue with aisle and department names.

    Returns
    -------
    pandas.DataFrame
        Columns ``product_id, product_name, aisle_id, aisle, department_id,
        department``, sorted by ``product_id``. In names, ``\\"`` is read as ``"``.
    """
    pf = locate(path, "products")
    p = _read_table(pf, ["product_id", "aisle_id", "department_id"], ["product_name"])
    p["product_name"] = p["product_name"].str.replace('\\"', '"', regex=False)
    for name in ("aisle", "department"):
        f = locate(path, f"{name}s")
        t = _read_table(f, [f"{name}_id"], [name])
        if t[f"{name}_id"].duplicated().any():
            raise DataError(f"{f.label}: column {name + '_id'!r} must be unique")
        p = p.merge(t, on=f"{name}_id", how="left")
        if p[name].isna().any():
            bad = p.loc[p[name].isna(), f"{name}_id"].iloc[0]
            raise DataError(f"{pf.label}: {name}_id {bad} is not in {f.label}")
    cols = ["product_id", "product_name", "aisle_id", "aisle", "department_id", "department"]
    return p[cols].sort_values("product_id", ignore_index=True)


def _read_table(f: DataFile, ids: Sequence[str], text: Sequence[str]) -> Any:
    """A small CSV as a DataFrame: integer columns ``ids`` and text columns ``text``."""
    pd = require("pandas", "data", "reading the Instacart data")
    return pd.DataFrame(read(f, {**dict.fromkeys(ids, "int64"), **dict.fromkeys(text, "string")}))


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
    f = locate(path, "orders")
    sets, n = np.unique(read(f, {"eval_set": "string"})["eval_set"], return_counts=True)
    lines = [f"Instacart data: {where}", "", "rows:"]
    lines.append(
        f"  orders.csv                  {n.sum():>12,}  ("
        + ", ".join(f"{s} {c:,}" for s, c in zip(sets.tolist(), n.tolist(), strict=True))
        + ")"
    )
    for s in EVAL_SETS:
        key, count = counts_arrays(path, (s,))
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
    f = locate(path, "orders")
    cols = {
        "order_id": "int64",
        "user_id": "int64",
        "order_number": "int64",
        "order_dow": "int8",
        "order_hour_of_day": "int8",
        "days_since_prior_order": "float64",
    }
    o = read(f, cols, nullable=("days_since_prior_order",))
    check_orders(f, o)
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
