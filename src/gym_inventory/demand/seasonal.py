"""The hour-of-week seasonal wrapper over any stationary demand source."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from gym_inventory.core.calendar import HOURS_PER_WEEK
from gym_inventory.core.config import MAX_QUANTITY, check_int, check_real
from gym_inventory.demand.base import DemandSource
from gym_inventory.demand.parametric import PoissonDemand
from gym_inventory.demand.sampler import DemandTable
from gym_inventory.errors import ConfigError

__all__ = ["SeasonalDemand"]


class SeasonalDemand(DemandSource):
    """Demand whose mean follows an hour-of-week profile, over any stationary base.

    Period ``t`` is hour ``h = (t + start_hour) % 168`` of the week, hour 0 being day 0
    (Instacart's ``order_dow`` 0) at 00:00. Demand in hour ``h`` is the base moved to the
    mean ``mean * profile[h] / mean(profile)`` (see
    :meth:`~gym_inventory.demand.DemandSource.sample_at_mean`), so ``mean`` is the average
    demand per hour over a week.

    Parameters
    ----------
    profile : sequence of 168 non-negative floats
        Relative demand of each hour of the week (any scale; not all zero).
    mean : float, optional
        Average demand per hour over a week. Required when ``base`` is None; defaults to
        the base's mean otherwise.
    start_hour : int
        Hour of the week of period 0.
    base : DemandSource, optional
        A stationary source (Poisson, negative binomial, normal, discrete, constant,
        empirical bootstrap, ...). Default: ``PoissonDemand(mean)``.

    Examples
    --------
    >>> import numpy as np
    >>> src = SeasonalDemand(np.r_[np.ones(84), 3 * np.ones(84)], mean=4.0)
    >>> src.mean(np.array([0, 100])).tolist()
    [2.0, 6.0]
    """

    def __init__(
        self,
        profile: Sequence[float],
        mean: float | None = None,
        start_hour: int = 0,
        base: DemandSource | None = None,
    ) -> None:
        prof = np.asarray(profile, dtype=np.float64)
        if prof.shape != (HOURS_PER_WEEK,):
            raise ConfigError(f"profile must have 168 entries (hours of a week), got {prof.shape}")
        if not np.isfinite(prof).all() or (prof < 0).any() or prof.sum() <= 0:
            raise ConfigError("profile must be finite, non-negative and not all zero")
        if base is None:
            if mean is None:
                raise ConfigError("SeasonalDemand needs mean= when no base= is given")
            base = PoissonDemand(mean)
        elif not isinstance(base, DemandSource) or not base.stationary:
            raise ConfigError(
                f"base must be a stationary gym_inventory.demand.DemandSource, got {base!r}"
            )
        base_mean = float(base.mean(np.zeros(1, dtype=np.int64))[0])
        self.mean_per_hour = base_mean if mean is None else check_real("mean", mean)
        if base_mean == 0 and self.mean_per_hour > 0:
            raise ConfigError(f"base {base!r} has mean 0, so it cannot be scaled to mean {mean}")
        self.base = base
        self.start_hour = check_int("start_hour", start_hour, high=HOURS_PER_WEEK - 1)
        prof = prof / prof.max()  # scale first: a tiny (even subnormal) profile can't overflow
        self.rates = prof * (self.mean_per_hour / prof.mean())  # mean of each hour
        if self.rates.max() > MAX_QUANTITY:
            raise ConfigError(
                f"the busiest hour's mean demand, mean * max(profile) / mean(profile) = "
                f"{self.rates.max():g}, must be <= MAX_QUANTITY = {MAX_QUANTITY:g}"
            )

    def _rates(self, periods: np.ndarray) -> np.ndarray:
        return self.rates[(np.asarray(periods) + self.start_hour) % HOURS_PER_WEEK]

    def demand_table(self) -> DemandTable | None:
        return self._cached_table(self._build_table)

    def _build_table(self) -> DemandTable | None:
        rates, inv = np.unique(self.rates, return_inverse=True)
        table = self.base.table_at_means(rates)
        if table is not None:
            table.phase = table.phase[
                inv[(np.arange(HOURS_PER_WEEK) + self.start_hour) % HOURS_PER_WEEK]
            ]
        return table

    def sample(self, rng: np.random.Generator, periods: np.ndarray) -> np.ndarray:
        table = self.demand_table()
        if table is not None:
            return table.sample(rng, periods)
        return self.base.sample_at_mean(rng, self._rates(periods))

    def mean(self, periods: np.ndarray) -> np.ndarray:
        return self._rates(periods).copy()

    def distribution(self, period: int) -> Any:
        return self.base.distribution_at_mean(float(self._rates(np.array([period]))[0]))

    def __repr__(self) -> str:
        return (
            f"SeasonalDemand(mean={self.mean_per_hour!r}, start_hour={self.start_hour}, "
            f"base={self.base!r})"
        )
