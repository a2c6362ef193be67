"""Empirical demand: replay or bootstrap an observed series."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from gym_inventory.core.config import MAX_QUANTITY, check_int
from gym_inventory.demand.base import DemandSource
from gym_inventory.demand.parametric import finite_table_at_means
from gym_inventory.demand.sampler import DemandTable
from gym_inventory.errors import ConfigError, DataError, require

__all__ = ["EmpiricalDemand"]

_MODES = ("replay", "bootstrap")


def _series_from(data: Any, column: str | None) -> tuple[np.ndarray, str]:
    """The demand series held by ``data`` and a description of where it came from."""
    if isinstance(data, (str, os.PathLike)):
        pd = require("pandas", "data", "EmpiricalDemand from a CSV file")
        path = Path(data)
        if not path.is_file():
            raise DataError(f"demand CSV file {str(path)!r} does not exist")
        try:
            data = pd.read_csv(path, encoding="utf-8-sig")
        except (ValueError, UnicodeDecodeError, OSError) as exc:
            raise DataError(f"cannot read demand CSV file {str(path)!r}: {exc}") from exc
        where = f"CSV file {str(path)!r}"
    else:
        where = type(data).__name__
    if hasattr(data, "columns"):  # a DataFrame
        cols = list(data.columns)
        if column is None:
            if len(cols) != 1:
                raise ConfigError(
                    f"column= must name the demand column of the {where}; it has {cols}"
                )
            column = cols[0]
        elif column not in cols:
            raise DataError(f"the {where} has no column {column!r}; it has {cols}")
        data = data[column]
        where += f", column {column!r}"
    elif column is not None:
        raise ConfigError("column= only applies to a DataFrame or a CSV file")
    try:
        arr = np.asarray(data, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise DataError(f"demand series from {where} is not numeric: {exc}") from exc
    return arr, where


class EmpiricalDemand(DemandSource):
    """Demand taken from an observed series, replayed in order or bootstrapped.

    Parameters
    ----------
    data : array-like, pandas Series/DataFrame, or path to a CSV file
        One demand value per period: non-negative integers (floats holding integers are
        fine). A DataFrame or CSV file needs ``column=`` unless it has one column.
    mode : {"replay", "bootstrap"}
        ``"replay"``: period ``t`` gets ``series[(start + t) % len(series)]`` (no
        randomness; :meth:`mean` is the value itself). ``"bootstrap"``: every period draws
        an independent value uniformly from the series (i.i.d. with the empirical
        distribution).
    column : str, optional
        Column of a DataFrame or CSV file.
    start : int
        Replay only: the series index of period 0.

    Examples
    --------
    >>> import numpy as np
    >>> src = EmpiricalDemand([3, 0, 5])
    >>> src.sample(np.random.default_rng(0), np.arange(4)).tolist()
    [3.0, 0.0, 5.0, 3.0]
    """

    def __init__(
        self, data: Any, mode: str = "replay", column: str | None = None, start: int = 0
    ) -> None:
        if mode not in _MODES:
            raise ConfigError(f"mode must be one of {_MODES}, got {mode!r}")
        arr, where = _series_from(data, column)
        if arr.ndim != 1 or len(arr) == 0:
            raise DataError(
                f"demand series from {where} must be 1-D and non-empty, got shape {arr.shape}"
            )
        bad = ~(np.isfinite(arr) & (arr >= 0) & (arr == np.floor(arr)))
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise DataError(
                f"demand series from {where} must hold non-negative integers; "
                f"entry {i} is {float(arr[i])!r}"
            )
        if arr.max() > MAX_QUANTITY:
            i = int(np.argmax(arr))
            raise DataError(
                f"demand series from {where} must hold values <= MAX_QUANTITY = "
                f"{MAX_QUANTITY:g}; entry {i} is {float(arr[i])!r}"
            )
        self.series = arr
        self.mode = mode
        self.start = check_int("start", start)

    def sample(self, rng: np.random.Generator, periods: np.ndarray) -> np.ndarray:
        if self.mode == "replay":
            return self.series[(np.asarray(periods) + self.start) % len(self.series)]
        table = self.demand_table()
        if table is None:  # values too far apart for a table
            return self.series[rng.integers(0, len(self.series), size=len(periods))]
        return table.sample(rng, periods)

    def demand_table(self) -> DemandTable | None:
        if self.mode == "replay":
            return None  # nothing random to draw
        return self._cached_table(lambda: self.table_at_means(np.array([self.series.mean()])))

    def table_at_means(self, means: np.ndarray) -> DemandTable | None:
        return finite_table_at_means(self, means)

    def finite_pmf(self) -> tuple[np.ndarray, np.ndarray] | None:
        if self.mode == "replay":
            return None
        values, counts = np.unique(self.series, return_counts=True)
        return values, counts / counts.sum()

    def mean(self, periods: np.ndarray) -> np.ndarray:
        if self.mode == "replay":
            return self.series[(np.asarray(periods) + self.start) % len(self.series)].copy()
        return np.full(len(periods), self.series.mean())

    def distribution(self, period: int) -> Any:
        stats = require("scipy.stats", "all", "DemandSource.distribution()")
        if self.mode == "replay":
            return stats.rv_discrete(values=(self.mean(np.array([period])), [1.0]))
        return stats.rv_discrete(values=self.finite_pmf())

    @property
    def stationary(self) -> bool:
        return self.mode == "bootstrap"

    def __repr__(self) -> str:
        return f"EmpiricalDemand(<{len(self.series)} periods>, mode={self.mode!r})"
