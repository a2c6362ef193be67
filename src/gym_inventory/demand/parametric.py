"""Parametric demand sources: the i.i.d. families (the seasonal wrapper is in
:mod:`gym_inventory.demand.seasonal`).

Every source draws non-negative integer-valued demand as ``float64`` and reports its
exact mean; :meth:`~gym_inventory.demand.DemandSource.distribution` returns a frozen
``scipy.stats`` distribution (scipy is imported only then).

Memory is bounded by :data:`~gym_inventory.core.config.MAX_SUPPORT`: no source
enumerates more values than that, whatever its parameters (a wider table is not built and
the source draws directly; a :class:`NormalDemand` whose grid would be wider is refused).
Means, values and ``mu`` are at most :data:`~gym_inventory.core.config.MAX_QUANTITY`
(a negative binomial's variance at most its square), like every stock in the kernel.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from gym_inventory.core.config import (
    MAX_QUANTITY,
    MAX_SUPPORT,
    _check_pmf,
    check_int,
    check_limit,
    check_real,
)
from gym_inventory.demand.base import DemandSource
from gym_inventory.demand.sampler import DemandTable
from gym_inventory.errors import ConfigError, require

__all__ = [
    "ConstantDemand",
    "DiscreteDemand",
    "NegativeBinomialDemand",
    "NormalDemand",
    "PoissonDemand",
    "finite_table_at_means",
]

#: Most values in one row of a table (as ``DemandTable.from_values``); wider: no table.
_ROW_LIMIT = 100_000


def _stats():
    return require("scipy.stats", "all", "DemandSource.distribution()")


def _table_from_scipy(dist: Any, limit: int = _ROW_LIMIT) -> DemandTable | None:
    """One state per entry of a vectorised frozen scipy discrete distribution.

    None if a row would span more than ``limit`` values, or the table (states x widest
    row) more than :data:`~gym_inventory.core.config.MAX_SUPPORT`.
    """
    # scipy's quantiles fail far out in the tails: go twice as far from the median as
    # the 1e-14 quantiles (the tables then trim the ends below CUT).
    med, q_lo, q_hi = dist.median(), dist.ppf(1e-14), dist.isf(1e-14)
    lo = np.maximum(0.0, 2 * q_lo - med - 20)
    hi = 2 * q_hi - med + 20
    if not (np.isfinite(hi).all() and np.isfinite(lo).all()):
        return None
    width = int((hi - lo).max()) + 1
    if width > limit or width * len(lo) > MAX_SUPPORT:
        return None
    k0 = lo.astype(np.int64)
    k = k0[:, None] + np.arange(width)
    args = [np.asarray(a)[:, None] for a in dist.args]
    return DemandTable.from_pmf(np.arange(len(k0)), k0, dist.dist.pmf(k, *args))


def _poisson_table(lam: np.ndarray, limit: int = _ROW_LIMIT) -> DemandTable | None:
    """One state per Poisson mean in ``lam`` (numpy only).

    None if a row would span ``limit`` values or more, or the table (states x widest row)
    more than :data:`~gym_inventory.core.config.MAX_SUPPORT`.

    Each row spans ``lam -/+ 14 sqrt(lam)`` plus a margin (tails beyond hold far less than
    ``2**-60``). The pmf is computed relative to ``m = max(1, floor(lam))``:
    ``log p(k) - log p(m) = (k - m) log(lam / m) - sum log(j / m)`` (sums of small
    ``log1p`` terms, so accurate to a few ulps), and normalised over the row. For
    ``lam < 1`` (so ``m = 1``) ``log(lam / m)`` is ``log(lam)`` itself: ``log1p(lam - 1)``
    would lose ``lam`` to rounding (``1e-17 - 1 == -1``, hence ``-inf`` and a NaN row).
    Each row is scaled by its largest term before ``exp``, so no mean, however small
    (down to the smallest subnormal), overflows: a mean below ``2**-53`` gives a table
    that always draws 0, its exact law up to a uniform double's resolution.
    """
    sd = np.sqrt(lam)
    k0 = np.maximum(0.0, np.floor(lam - 14 * sd - 30))
    width = int((np.ceil(lam + 14 * sd + 40) - k0).max()) + 1
    if width >= limit or width * len(lam) > MAX_SUPPORT:
        return None
    k = k0[:, None] + np.arange(width)
    m = np.maximum(1.0, np.floor(lam))[:, None]
    csum = np.cumsum(np.log1p((np.maximum(k, 1.0) - m) / m), axis=1)
    at_m = np.take_along_axis(csum, np.minimum(m - k0[:, None], width - 1).astype(np.int64), 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_ratio = np.where(lam < 1, np.log(lam), np.log1p((lam - m[:, 0]) / m[:, 0]))
        logp = (k - m) * log_ratio[:, None] - (csum - at_m)
    logp[lam == 0] = np.where(k[lam == 0] == 0, 0.0, -np.inf)
    logp -= logp.max(axis=1, keepdims=True)  # 0 at the mode: exp cannot overflow
    pmf = np.exp(logp)
    pmf /= pmf.sum(axis=1, keepdims=True)
    return DemandTable.from_pmf(np.arange(len(lam)), k0.astype(np.int64), pmf)


def finite_table_at_means(source: DemandSource, means: np.ndarray) -> DemandTable | None:
    """:meth:`~gym_inventory.demand.DemandSource.table_at_means` of a finite-pmf source,
    or None when the table would hold more than
    :data:`~gym_inventory.core.config.MAX_SUPPORT` values, or a row more than 100 000
    (checked before building anything).

    At mean ``m`` the values ``v`` become ``v * m / own`` rounded stochastically, so a
    state spans ``floor(max v * s) + 1 - floor(min v * s) + 1`` values, ``s = m / own``.
    """
    pmf = source.finite_pmf()
    if pmf is None:
        return None
    values, probs = pmf
    own = float(values @ probs)
    scale = np.asarray(means, dtype=np.float64) / own if own > 0 else np.zeros(len(means))
    with np.errstate(over="ignore", invalid="ignore"):
        width = np.floor(values.max() * scale) - np.floor(values.min() * scale) + 2
        if not np.isfinite(width).all() or width.max() > _ROW_LIMIT or width.sum() > MAX_SUPPORT:
            return None
    return DemandSource.table_at_means(source, means)


class _Stationary(DemandSource):
    """I.i.d. demand: the same distribution every period."""

    def table_at_means(self, means: np.ndarray) -> DemandTable | None:
        return finite_table_at_means(self, means)

    def demand_table(self) -> DemandTable | None:
        return self._cached_table(lambda: self.table_at_means(np.array([self._mean])))

    def sample(self, rng: np.random.Generator, periods: np.ndarray) -> np.ndarray:
        table = self.demand_table()
        if table is not None:
            return table.sample(rng, periods)
        # too wide a support for a table: draw directly
        pmf = self.finite_pmf()
        if pmf is not None:
            return rng.choice(pmf[0], size=len(periods), p=pmf[1]).astype(np.float64)
        return self.sample_at_mean(rng, np.full(len(periods), self._mean))

    def mean(self, periods: np.ndarray) -> np.ndarray:
        return np.full(len(periods), self._mean)

    def distribution(self, period: int) -> Any:
        return self.distribution_at_mean(self._mean)

    @property
    def stationary(self) -> bool:
        return True


class PoissonDemand(_Stationary):
    """I.i.d. Poisson demand with mean ``mean`` per period (variance = mean).

    At another mean ``m`` (see :meth:`~gym_inventory.demand.DemandSource.sample_at_mean`)
    it is Poisson with mean ``m``.

    Examples
    --------
    >>> import numpy as np
    >>> src = PoissonDemand(5.0)
    >>> float(src.mean(np.arange(3))[0])
    5.0
    """

    def __init__(self, mean: float) -> None:
        self.lam = check_limit("mean", check_real("mean", mean), "MAX_QUANTITY")
        self._mean = self.lam

    def table_at_means(self, means: np.ndarray) -> DemandTable | None:
        return _poisson_table(np.asarray(means, dtype=np.float64))

    def sample_at_mean(self, rng: np.random.Generator, means: np.ndarray) -> np.ndarray:
        return rng.poisson(means).astype(np.float64)

    def distribution_at_mean(self, mean: float) -> Any:
        return _stats().poisson(mean)

    def __repr__(self) -> str:
        return f"PoissonDemand(mean={self.lam!r})"


class NegativeBinomialDemand(_Stationary):
    r"""I.i.d. over-dispersed demand: negative binomial with a given mean and variance.

    With :math:`n = \mu^2 / (\sigma^2 - \mu)` and :math:`p = \mu / \sigma^2` it is
    ``scipy.stats.nbinom(n, p)`` (the number of failures before the ``n``-th success),
    so the mean is :math:`\mu` and the variance :math:`\sigma^2 = \mu + \mu^2 / n`.
    At another mean :math:`m` it keeps the shape ``n`` (variance :math:`m + m^2 / n`).

    Parameters
    ----------
    mean : float
        Mean demand per period, > 0.
    variance : float
        Variance per period, strictly greater than ``mean`` (over-dispersion; use
        :class:`PoissonDemand` for variance = mean).
    """

    def __init__(self, mean: float, variance: float) -> None:
        mu = check_limit("mean", check_real("mean", mean, low_inclusive=False), "MAX_QUANTITY")
        var = check_real("variance", variance)
        if var > MAX_QUANTITY**2:
            raise ConfigError(
                f"variance must be <= MAX_QUANTITY**2 = {MAX_QUANTITY**2:g} (a standard "
                f"deviation up to MAX_QUANTITY), got {variance!r}"
            )
        if var <= mu:
            raise ConfigError(
                f"variance must be > mean ({mu:g}) for a negative binomial, got {variance!r}"
            )
        n = mu * mu / (var - mu)
        if not (0 < n < math.inf):
            raise ConfigError(
                f"mean**2 / (variance - mean), the negative binomial shape n, must be a "
                f"positive finite float; mean={mean!r} and variance={variance!r} give {n!r}"
            )
        self._mean, self.variance, self.n = mu, var, n

    def _p(self, mean: Any) -> Any:
        return self.n / (self.n + mean)

    def table_at_means(self, means: np.ndarray) -> DemandTable | None:
        means = np.asarray(means, dtype=np.float64)
        return _table_from_scipy(_stats().nbinom(np.full(len(means), self.n), self._p(means)))

    def sample_at_mean(self, rng: np.random.Generator, means: np.ndarray) -> np.ndarray:
        return rng.negative_binomial(self.n, self._p(means)).astype(np.float64)

    def distribution_at_mean(self, mean: float) -> Any:
        return _stats().nbinom(self.n, self._p(mean))

    def __repr__(self) -> str:
        return f"NegativeBinomialDemand(mean={self._mean!r}, variance={self.variance!r})"


def _normal_grid(mu: float, sigma: float) -> tuple[int, int]:
    """First and last value of the grid of :func:`_rounded_normal_pmf` (``sigma > 0``)."""
    lo = max(0, math.floor(mu - 12 * sigma))
    return lo, max(lo + 1, math.ceil(mu + 12 * sigma))


def _rounded_normal_pmf(mu: float, sigma: float) -> tuple[np.ndarray, np.ndarray]:
    """Support and pmf of ``max(0, round(X))``, ``X ~ Normal(mu, sigma)`` (12 sigma wide)."""
    if sigma == 0:
        return np.array([max(0.0, float(np.rint(mu)))]), np.array([1.0])
    lo, hi = _normal_grid(mu, sigma)
    k = np.arange(lo, hi + 1, dtype=np.float64)
    # Phi((k + 0.5 - mu) / sigma) via erfc, which is accurate in both tails.
    with np.errstate(over="ignore"):  # a tiny sigma makes z infinite: erfc handles it
        z = (k + 0.5 - mu) / (sigma * math.sqrt(2))
    cdf = np.fromiter(map(math.erfc, (-z).tolist()), np.float64, len(z))
    cdf *= 0.5
    pmf = np.diff(cdf, prepend=0.0)  # everything below lo + 0.5 goes to lo (0 or negligible)
    return k, pmf / pmf.sum()


class NormalDemand(_Stationary):
    r"""I.i.d. normal demand rounded to the nearest integer and truncated at 0.

    Demand is :math:`\max(0, \mathrm{round}(X))` with :math:`X \sim N(\mu, \sigma^2)`.
    Rounding and truncation move the mean away from :math:`\mu` when :math:`\mu` is
    within a few :math:`\sigma` of 0; :meth:`mean` and :meth:`distribution` are those of
    the demand actually drawn (computed exactly from the normal CDF). Moved to another
    mean ``m`` (in :class:`SeasonalDemand`), a draw is multiplied by ``m / mean`` and
    rounded stochastically, which keeps the mean exactly ``m`` (scaling :math:`\mu` and
    :math:`\sigma` instead would not, because of the truncation).

    Parameters
    ----------
    mu : float
        Mean of the underlying normal.
    sigma : float
        Standard deviation of the underlying normal (>= 0).
    """

    def __init__(self, mu: float, sigma: float) -> None:
        self.mu = check_limit("mu", check_real("mu", mu, low=None), "MAX_QUANTITY")
        self.sigma = check_real("sigma", sigma)
        if self.sigma > 0:
            lo, hi = _normal_grid(self.mu, self.sigma)
            if hi - lo + 1 > MAX_SUPPORT:
                raise ConfigError(
                    f"NormalDemand(mu={mu!r}, sigma={sigma!r}) needs a grid of "
                    f"{float(hi - lo + 1):.7g} "
                    f"values (mu +/- 12 sigma, from 0) for its exact pmf and mean; at most "
                    f"MAX_SUPPORT = {MAX_SUPPORT} are allowed (sigma <= {MAX_SUPPORT // 24 - 1}"
                    " always fits)"
                )
        self._pmf = _rounded_normal_pmf(self.mu, self.sigma)
        self._pmf[0].flags.writeable = self._pmf[1].flags.writeable = False
        self._mean = float(self._pmf[0] @ self._pmf[1])

    def finite_pmf(self) -> tuple[np.ndarray, np.ndarray]:
        return self._pmf

    def distribution(self, period: int) -> Any:
        return _stats().rv_discrete(values=self._pmf)

    def __repr__(self) -> str:
        return f"NormalDemand(mu={self.mu!r}, sigma={self.sigma!r})"


class DiscreteDemand(_Stationary):
    """I.i.d. demand from any probability mass function.

    Parameters
    ----------
    pmf : sequence of float
        Probabilities (summing to 1) of ``values``.
    values : sequence of int, optional
        The distinct non-negative demand values; ``0, 1, ..., len(pmf) - 1`` by default.

    Examples
    --------
    >>> import numpy as np
    >>> float(DiscreteDemand([0.5, 0.0, 0.5]).mean(np.arange(1))[0])
    1.0
    """

    def __init__(self, pmf: Sequence[float], values: Sequence[int] | None = None) -> None:
        self.pmf = np.array(_check_pmf("pmf", pmf))
        if values is None:
            vals = np.arange(len(self.pmf), dtype=np.float64)
        else:
            if len(values) != len(self.pmf):
                raise ConfigError(
                    f"values must have one entry per pmf entry ({len(self.pmf)}), got {len(values)}"
                )
            vals = np.array(
                [
                    check_limit(f"values[{i}]", check_int(f"values[{i}]", v), "MAX_QUANTITY")
                    for i, v in enumerate(values)
                ],
                dtype=np.float64,
            )
            if len(np.unique(vals)) != len(vals):
                raise ConfigError(f"values must be distinct, got {list(values)!r}")
        self.values = vals
        self._mean = float(vals @ self.pmf)

    def finite_pmf(self) -> tuple[np.ndarray, np.ndarray]:
        return self.values, self.pmf

    def distribution(self, period: int) -> Any:
        return _stats().rv_discrete(values=(self.values, self.pmf))

    def __repr__(self) -> str:
        return f"DiscreteDemand(pmf={self.pmf.tolist()!r}, values={self.values.tolist()!r})"


class ConstantDemand(_Stationary):
    """The same demand ``value`` every period (no randomness drawn).

    At another mean ``m`` it is ``m`` rounded stochastically (see
    :meth:`~gym_inventory.demand.DemandSource.sample_at_mean`).
    """

    def __init__(self, value: int) -> None:
        self.value = check_limit("value", check_int("value", value), "MAX_QUANTITY")
        self._mean = float(self.value)

    def sample(self, rng: np.random.Generator, periods: np.ndarray) -> np.ndarray:
        return np.full(len(periods), self._mean)

    def demand_table(self) -> None:
        return None  # nothing random to draw

    def finite_pmf(self) -> tuple[np.ndarray, np.ndarray]:
        return np.array([self._mean]), np.array([1.0])

    def distribution(self, period: int) -> Any:
        return _stats().rv_discrete(values=([self.value], [1.0]))

    def __repr__(self) -> str:
        return f"ConstantDemand(value={self.value!r})"
