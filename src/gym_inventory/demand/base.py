"""The demand-source protocol and the block stream that feeds the kernel.

A :class:`DemandSource` describes the demand of **one product** period by period. It
never owns randomness: the environment passes its own ``np_random`` generator, so the
same seed gives the same demand, bit for bit. Sources draw many periods in one
vectorised call; :class:`DemandStream` asks each source for blocks of ``block`` periods
per batch member and hands the kernel one ``(batch, products)`` slice per step.
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from typing import Any

import numpy as np

from gym_inventory.errors import ConfigError

__all__ = ["DEFAULT_BLOCK", "DemandSource", "DemandStream", "stochastic_round"]

#: Periods drawn per refill of a :class:`DemandStream`. Part of the reproducibility
#: contract: the single env and every member of a vector env draw the same blocks.
DEFAULT_BLOCK = 256


class DemandSource(abc.ABC):
    """Demand of one product over periods ``0, 1, 2, ...`` of an episode.

    Subclasses implement :meth:`sample` and :meth:`mean`; those whose per-period
    distribution is known also implement :meth:`distribution`.
    """

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
        p = d.pmf(k)
        x = k * (float(mean) / own if own > 0 else 0.0)
        low = np.floor(x)
        frac = x - low
        values, inv = np.unique(np.r_[low, low + 1], return_inverse=True)
        probs = np.bincount(inv, weights=np.r_[p * (1 - frac), p * frac])
        return stats.rv_discrete(values=(values, probs))


def stochastic_round(rng: np.random.Generator, x: np.ndarray) -> np.ndarray:
    """Round non-negative ``x`` down, or up with probability equal to its fractional part.

    Unbiased (``E[result] = x``); draws ``len(x)`` uniforms from ``rng``.
    """
    low = np.floor(x)
    return low + (rng.random(len(x)) < (x - low))


class DemandStream:
    """Feeds per-period demand (and lead-time uniforms) to a batch of kernels.

    Each batch member has its own generator and its own position in time. A member's
    randomness is drawn in blocks of ``block`` periods: for each product in order,
    ``source.sample(rng, periods)``, then (when ``lead_uniforms``) ``rng.random((block,
    n_products))``. The single env (one member) and the vector env (many) therefore
    consume every generator identically.

    Parameters
    ----------
    sources : sequence of DemandSource
        One source per product.
    batch_size : int
        Number of members.
    block : int
        Periods per draw.
    lead_uniforms : bool
        Also draw one uniform per period and product for stochastic lead times.
    """

    def __init__(
        self,
        sources: Sequence[DemandSource],
        batch_size: int = 1,
        block: int = DEFAULT_BLOCK,
        lead_uniforms: bool = False,
    ) -> None:
        sources = tuple(sources)
        for i, s in enumerate(sources):
            if not isinstance(s, DemandSource):
                raise ConfigError(
                    f"demand source {i} must be a gym_inventory.demand.DemandSource, "
                    f"got {type(s).__name__}"
                )
        self.sources = sources
        self.batch_size = batch_size
        self.block = block
        P = len(sources)
        self.demand = np.zeros((batch_size, block, P))
        self.lead_u = np.zeros((batch_size, block, P)) if lead_uniforms else None
        self.start = np.zeros(batch_size, dtype=np.int64)  # period of block[:, 0]
        self.pos = np.full(batch_size, block, dtype=np.int64)  # next index in block
        self._sync_pos: int | None = None  # the common position when all agree
        self.rngs: list[np.random.Generator] = []

    def reset(
        self,
        rngs: Sequence[np.random.Generator],
        index: Sequence[int] | np.ndarray | None = None,
    ) -> None:
        """Restart the members in ``index`` (all by default) at period 0 and draw.

        ``rngs`` holds every member's generator (length ``batch_size``).
        """
        self.rngs = list(rngs)
        members = range(self.batch_size) if index is None else np.asarray(index).tolist()
        for b in members:
            self._refill(b, 0)
        self._sync_pos = int(self.pos[0]) if (self.pos == self.pos[0]).all() else None

    def _refill(self, b: int, start: int) -> None:
        rng = self.rngs[b]
        periods = np.arange(start, start + self.block)
        for p, source in enumerate(self.sources):
            self.demand[b, :, p] = source.sample(rng, periods)
        if self.lead_u is not None:
            self.lead_u[b] = rng.random((self.block, len(self.sources)))
        self.start[b] = start
        self.pos[b] = 0

    def next(self) -> tuple[np.ndarray, np.ndarray | None]:
        """The current period's ``(demand, lead_u)``, each ``(batch, products)``; advance."""
        k = self._sync_pos
        if k is not None:
            if k == self.block:
                for b in range(self.batch_size):
                    self._refill(b, int(self.start[b]) + self.block)
                k = 0
            self._sync_pos = k + 1
            self.pos += 1
            d = self.demand[:, k]
            u = None if self.lead_u is None else self.lead_u[:, k]
            return d, u
        for b in np.flatnonzero(self.pos == self.block):
            self._refill(int(b), int(self.start[b]) + self.block)
        rows = np.arange(self.batch_size)
        d = self.demand[rows, self.pos]
        u = None if self.lead_u is None else self.lead_u[rows, self.pos]
        self.pos += 1
        if (self.pos == self.pos[0]).all():
            self._sync_pos = int(self.pos[0])
        return d, u

    def peek_mean(self, horizon: int) -> np.ndarray:
        """Expected demand of each member's next ``horizon`` periods, ``(batch, horizon, P)``."""
        out = np.zeros((self.batch_size, horizon, len(self.sources)))
        for b in range(self.batch_size):
            periods = np.arange(horizon) + self.start[b] + self.pos[b]
            for p, s in enumerate(self.sources):
                out[b, :, p] = s.mean(periods)
        return out
