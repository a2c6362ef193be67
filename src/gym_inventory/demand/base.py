"""The demand-source protocol.

A :class:`DemandSource` describes the demand of **one product** period by period. It
never owns randomness: the environment passes its own ``np_random`` generator, so the
same seed gives the same demand, bit for bit. :class:`~gym_inventory.demand.stream.
DemandStream` draws blocks of periods per batch member from it and feeds the kernel.
"""

from __future__ import annotations

import abc
from collections.abc import Callable
from typing import Any

import numpy as np

from gym_inventory.demand.sampler import DemandTable

__all__ = ["DemandSource", "stochastic_round", "table_of"]

_UNSET = object()


class DemandSource(abc.ABC):
    """Demand of one product over periods ``0, 1, 2, ...`` of an episode.

    Subclasses implement :meth:`sample` and :meth:`mean`; those whose per-period
    distribution is known also implement :meth:`distribution`, and may offer it as a
    :class:`~gym_inventory.demand.sampler.DemandTable` (:meth:`demand_table`) so that
    :class:`DemandStream` draws them by inverse CDF, vectorised over products and batch
    members. A source without a table is drawn through its own :meth:`sample`.
    """

    def demand_table(self) -> DemandTable | None:
        """The per-period distributions as a table for inverse-CDF draws, or None.

        A source returning a table must draw exactly what the table's
        :meth:`~gym_inventory.demand.sampler.DemandTable.sample` draws, since
        :class:`DemandStream` uses the table instead of :meth:`sample`. Built-in sources
        build it on first use and keep it.
        """
        return None

    def _cached_table(self, build: Callable[[], DemandTable | None]) -> DemandTable | None:
        table = self.__dict__.get("_table", _UNSET)
        if table is _UNSET:
            table = self.__dict__["_table"] = build()
        return table  # type: ignore[return-value]

    def table_at_means(self, means: np.ndarray) -> DemandTable | None:
        """A table with one state per entry of ``means``: :meth:`sample_at_mean`'s law there.

        Only for stationary sources; the default uses :meth:`finite_pmf` (None without it).
        """
        pmf = self.finite_pmf()
        if pmf is None:
            return None
        values, probs = pmf
        own = float(values @ probs)
        rows = []
        for m in np.asarray(means, dtype=np.float64).tolist():
            v, p = _scaled_pmf(values, probs, m / own if own > 0 else 0.0)
            rows.append(DemandTable.from_values(v, p))
        if any(r is None for r in rows):
            return None
        return DemandTable(
            np.arange(len(rows)),
            np.concatenate([r.k0 for r in rows]),
            [c for r in rows for c in r.cdfs],
        )

    def finite_pmf(self) -> tuple[np.ndarray, np.ndarray] | None:
        """``(values, probs)`` of a stationary source with a finite support, or None."""
        return None

    @abc.abstractmethod
    def sample(self, rng: np.random.Generator, periods: np.ndarray) -> np.ndarray:
        """Draw demand for the given periods.

        Parameters
        ----------
        rng : numpy.random.Generator
            The caller's generator (the env's ``np_random``); the only randomness used.
        periods : ndarray of int, shape (n,)
            Period indices counted from the start of the episode.

        Returns
        -------
        ndarray of float64, shape (n,)
            Non-negative integer-valued demand, one per period.
        """

    @abc.abstractmethod
    def mean(self, periods: np.ndarray) -> np.ndarray:
        """Expected demand of the given periods, float64 array of shape ``(n,)``."""

    def distribution(self, period: int) -> Any:
        """The demand distribution of ``period`` as a frozen ``scipy.stats`` distribution.

        Raises :class:`NotImplementedError` when the source has no closed form.
        """
        raise NotImplementedError(f"{type(self).__name__} has no closed-form distribution")

    @property
    def stationary(self) -> bool:
        """Whether every period has the same distribution (i.i.d. demand)."""
        return False

    # ---- what lets :class:`~gym_inventory.demand.SeasonalDemand` run over any base
    def sample_at_mean(self, rng: np.random.Generator, means: np.ndarray) -> np.ndarray:
        """Draw one demand per entry of ``means``, from this family moved to that mean.

        Only for stationary sources. The default draws ``x`` from the source and rounds
        ``x * means / mean`` stochastically (down, or up with probability equal to the
        fractional part), which keeps the mean exact and the demand integer. Families
        with a natural member at any mean (Poisson, negative binomial) override it.

        Parameters
        ----------
        rng : numpy.random.Generator
            The caller's generator.
        means : ndarray of float, shape (n,)
            Non-negative target means.

        Returns
        -------
        ndarray of float64, shape (n,)
        """
        means = np.asarray(means, dtype=np.float64)
        own = float(self.mean(np.zeros(1, dtype=np.int64))[0])
        scale = means / own if own > 0 else np.zeros_like(means)
        x = self.sample(rng, np.zeros(len(means), dtype=np.int64)) * scale
        return stochastic_round(rng, x)

    def distribution_at_mean(self, mean: float) -> Any:
        """The frozen ``scipy.stats`` distribution of :meth:`sample_at_mean` at ``mean``.

        The default handles stationary sources whose :meth:`distribution` has a finite
        support: with ``s = mean / own mean``, each value ``v`` of probability ``p`` puts
        ``p * (1 - f)`` on ``floor(s v)`` and ``p * f`` on ``floor(s v) + 1``, ``f`` the
        fractional part of ``s v``. Raises :class:`NotImplementedError` otherwise.
        """
        from scipy import stats

        d = self.distribution(0)
        lo, hi = d.support()
        if not (self.stationary and np.isfinite(hi) and hi - lo <= 1_000_000):
            raise NotImplementedError(
                f"{type(self).__name__} has no closed-form distribution at another mean"
            )
        own = float(d.mean())
        k = np.arange(lo, hi + 1)
        return stats.rv_discrete(
            values=_scaled_pmf(k, d.pmf(k), float(mean) / own if own > 0 else 0.0)
        )


def _scaled_pmf(k: np.ndarray, p: np.ndarray, scale: float) -> tuple[np.ndarray, np.ndarray]:
    """The pmf of ``k * scale`` rounded stochastically, ``k`` with probabilities ``p``."""
    x = k * scale
    low = np.floor(x)
    frac = x - low
    values, inv = np.unique(np.r_[low, low + 1], return_inverse=True)
    return values, np.bincount(inv, weights=np.r_[p * (1 - frac), p * frac])


def table_of(source: DemandSource) -> DemandTable | None:
    """The source's table, unless a subclass overrides ``sample`` below ``demand_table``.

    (A subclass of a built-in source that draws its own way is drawn through ``sample``.)
    """
    mro = type(source).__mro__
    sample = next(c for c in mro if "sample" in c.__dict__)
    table = next(c for c in mro if "demand_table" in c.__dict__)
    if sample is not table and issubclass(sample, table):
        return None
    return source.demand_table()


def stochastic_round(rng: np.random.Generator, x: np.ndarray) -> np.ndarray:
    """Round non-negative ``x`` down, or up with probability equal to its fractional part.

    Unbiased (``E[result] = x``); draws ``len(x)`` uniforms from ``rng``.
    """
    low = np.floor(x)
    return low + (rng.random(len(x)) < (x - low))
