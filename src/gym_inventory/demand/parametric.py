"""Parametric demand sources (i.i.d. and hour-of-week seasonal)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from gym_inventory.core.config import check_int, check_real
from gym_inventory.demand.base import DemandSource
from gym_inventory.errors import ConfigError

__all__ = ["HOURS_PER_WEEK", "PoissonDemand", "SeasonalDemand"]

HOURS_PER_WEEK = 168


class PoissonDemand(DemandSource):
    """I.i.d. Poisson demand with mean ``mean`` per period.

    Examples
    --------
    >>> import numpy as np
    >>> src = PoissonDemand(5.0)
    >>> float(src.mean(np.arange(3))[0])
    5.0
    """

    def __init__(self, mean: float) -> None:
        self.lam = check_real("mean", mean)

    def sample(self, rng: np.random.Generator, periods: np.ndarray) -> np.ndarray:
        return rng.poisson(self.lam, size=len(periods)).astype(np.float64)

    def mean(self, periods: np.ndarray) -> np.ndarray:
        return np.full(len(periods), self.lam)

    def distribution(self, period: int):
        from scipy import stats

        return stats.poisson(self.lam)

    @property
    def stationary(self) -> bool:
        return True

    def __repr__(self) -> str:
        return f"PoissonDemand(mean={self.lam!r})"


class SeasonalDemand(DemandSource):
    """Poisson demand whose mean follows an hour-of-week profile.

    Period ``t`` is hour ``(t + start_hour) % 168`` of the week, hour 0 being day 0
    (Instacart's ``order_dow`` 0) at 00:00. Its mean is ``mean * profile[h] /
    mean(profile)``, so ``mean`` is the average demand per hour over a week.

    Parameters
    ----------
    profile : sequence of 168 non-negative floats
        Relative demand of each hour of the week (any scale; not all zero).
    mean : float
        Average demand per hour over a week.
    start_hour : int
        Hour of the week of period 0.
    """

    def __init__(self, profile: Sequence[float], mean: float, start_hour: int = 0) -> None:
        prof = np.asarray(profile, dtype=np.float64)
        if prof.shape != (HOURS_PER_WEEK,):
            raise ConfigError(f"profile must have 168 entries (hours of a week), got {prof.shape}")
        if not np.isfinite(prof).all() or (prof < 0).any() or prof.sum() <= 0:
            raise ConfigError("profile must be finite, non-negative and not all zero")
        self.mean_per_hour = check_real("mean", mean)
        self.start_hour = check_int("start_hour", start_hour, high=HOURS_PER_WEEK - 1)
        self.rates = prof * (self.mean_per_hour / prof.mean())

    def _rates(self, periods: np.ndarray) -> np.ndarray:
        return self.rates[(np.asarray(periods) + self.start_hour) % HOURS_PER_WEEK]

    def sample(self, rng: np.random.Generator, periods: np.ndarray) -> np.ndarray:
        return rng.poisson(self._rates(periods)).astype(np.float64)

    def mean(self, periods: np.ndarray) -> np.ndarray:
        return self._rates(periods).copy()

    def distribution(self, period: int):
        from scipy import stats

        return stats.poisson(float(self._rates(np.array([period]))[0]))

    def __repr__(self) -> str:
        return f"SeasonalDemand(mean={self.mean_per_hour!r}, start_hour={self.start_hour})"


def daily_shape_profile() -> np.ndarray:
    """A smooth stand-in hour-of-week profile (quiet nights, a midday peak).

    Used as ``Inventory-v0``'s default only until real Instacart profiles ship.
    """
    hours = np.arange(HOURS_PER_WEEK) % 24
    day = np.exp(-0.5 * ((hours - 13.0) / 4.0) ** 2)
    return 0.05 + day
