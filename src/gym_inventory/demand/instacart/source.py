""":class:`InstacartDemand`: one product's demand from its real order lines."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from gym_inventory.core.calendar import HOURS_PER_WEEK
from gym_inventory.core.config import check_int, check_real
from gym_inventory.demand.base import DemandSource
from gym_inventory.demand.instacart.catalogue import reconstruct_calendar
from gym_inventory.demand.instacart.counts import (
    OrderIndex,
    check_eval_sets,
    counts_arrays,
    hour_of_week_counts,
)
from gym_inventory.demand.instacart.files import batches, locate
from gym_inventory.demand.parametric import NegativeBinomialDemand, PoissonDemand
from gym_inventory.demand.sampler import DemandTable
from gym_inventory.demand.seasonal import SeasonalDemand
from gym_inventory.errors import ConfigError, DataError, require

__all__ = ["DEFAULT_MEAN", "InstacartDemand", "PoissonReplay"]


def _timeline(
    product_id: int, path: Any, eval_sets: tuple[str, ...], weeks: int, seed: int
) -> np.ndarray:
    """The product's order lines per hour of the reconstructed calendar."""
    counts_arrays(path, eval_sets)  # the cached aggregate's checks: duplicates, orphans, ids
    oid, hour = reconstruct_calendar(path, weeks, seed)
    index = OrderIndex(locate(path, "orders"), oid, hour)
    hours = []
    for s in eval_sets:
        lines = locate(path, f"order_products__{s}")
        for x in batches(lines, {"order_id": "int64", "product_id": "int64"}):
            h = index(x["order_id"][x["product_id"] == product_id])
            hours.append(h[h >= 0])
    h = np.concatenate(hours)
    if len(h) == 0:
        raise DataError(f"product {product_id} has no order lines in {eval_sets} at {path!r}")
    return np.bincount(h, minlength=24 * 7 * weeks).astype(np.float64)


class PoissonReplay(DemandSource):
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
        sets = check_eval_sets(eval_sets)
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
                self.inner = PoissonReplay(series * (mean / series.mean()), start_hour)
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
