"""The demand-source protocol and the block stream that feeds the kernel.

A :class:`DemandSource` describes the demand of **one product** period by period. It
never owns randomness: the environment passes its own ``np_random`` generator, so the
same seed gives the same demand, bit for bit. :class:`DemandStream` draws blocks of
``block`` periods per batch member — one ``rng.random`` call per member, turned into
demand by exact inverse CDF for every source with a
:class:`~gym_inventory.demand.sampler.DemandTable`, plus each other source's own
``sample`` — and hands the kernel one ``(batch, products)`` slice per step.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from gym_inventory.demand.sampler import DemandTable, InverseCDF
from gym_inventory.errors import ConfigError

__all__ = ["DEFAULT_BLOCK", "DemandSource", "DemandStream", "stochastic_round"]

_UNSET = object()
_CHUNK = 1 << 15  # uniforms turned into demand per chunk of a refill
_LAZY = 64  # periods of a refill turned into demand at once, as they are reached

#: Periods drawn per refill of a :class:`DemandStream`. Part of the reproducibility
#: contract: the single env and every member of a vector env draw the same blocks.
DEFAULT_BLOCK = 256


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


def _table_of(source: DemandSource) -> DemandTable | None:
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


def _deferred_copy(
    rng: np.random.Generator, spare: np.random.Generator | None
) -> np.random.Generator | None:
    """A copy of ``rng`` (reusing ``spare``'s generator when it can) to draw a block's
    uniforms later, or None where deferring could change the stream: only PCG64 and
    PCG64DXSM generators without a buffered 32-bit value, which ``advance`` past the
    block exactly as drawing it would (one 64-bit output per double)."""
    bg = rng.bit_generator
    if type(bg) not in (np.random.PCG64, np.random.PCG64DXSM):
        return None
    state = bg.state
    if state["has_uint32"]:
        return None
    if spare is None or type(spare.bit_generator) is not type(bg):
        spare = np.random.Generator(type(bg)(0))
    spare.bit_generator.state = state
    return spare


class DemandStream:
    """Feeds per-period demand (and lead-time uniforms) to a batch of kernels.

    Each batch member has its own generator and its own position in time. A member's
    randomness is drawn in blocks of ``block`` periods, in this order (the
    reproducibility contract): one ``rng.random((block, T + L))`` call, whose first ``T``
    columns are the uniforms of the ``T`` products whose source has a
    :meth:`~DemandSource.demand_table` and does not override ``sample`` below it (in
    product order; turned into demand by inverse CDF) and whose last ``L`` columns (``L``
    = number of products when ``lead_uniforms``, else 0) are the lead-time uniforms;
    then, for each other product in order, ``source.sample(rng, periods)``. The single
    env (one member) and the vector env (many) therefore consume every generator
    identically, and a single product with a table draws what ``source.sample`` draws.
    :meth:`next` serves all members at once; :meth:`next1` serves a stream of one
    member and one product as plain floats. (With one member, many products and no
    lead-time uniforms, a refill moves a PCG64 generator past its block at once and
    draws the block's uniforms from a copy as :meth:`next` reaches them: the same
    numbers, and none for periods an episode never reaches.)

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
        tables = [_table_of(s) for s in sources]
        self._tab = [p for p, t in enumerate(tables) if t is not None]
        self._plug = [p for p, t in enumerate(tables) if t is None]
        tabled = [tables[p] for p in self._tab]
        # One sampler per cycle length: (columns among the table products, sampler)
        by_cycle: dict[int, list[int]] = {}
        for j, t in enumerate(tabled):
            by_cycle.setdefault(len(t.phase), []).append(j)
        self._groups = [
            (
                cols if len(cols) < len(self._tab) else slice(None),
                # a guide of up to 16 entries per draw of a refill
                InverseCDF([tabled[j] for j in cols], 16 * batch_size * block * len(tabled)),
            )
            for cols in by_cycle.values()
        ]
        T, L = len(self._tab), (P if lead_uniforms else 0)
        self._u = np.zeros((batch_size, block, T + L))  # each member's draw, in place
        self._views = list(self._u)
        # Period-major, so that each period's (batch, products) slice is contiguous.
        self._demand = np.zeros((block, batch_size, P))
        self.lead_u = np.zeros((block, batch_size, P)) if lead_uniforms else None
        self.start = np.zeros(batch_size, dtype=np.int64)  # period of block[:, 0]
        # Next index in each member's block. While every member is at the same index
        # (the usual case) that index is ``_sync_pos`` and ``_pos`` is not kept up to date.
        self._pos = np.full(batch_size, block, dtype=np.int64)
        self._sync_pos: int | None = block
        self._rows = np.arange(batch_size)
        self._one = batch_size == 1 and P == 1
        self._list: list[float] = []  # next1: the block as floats
        self._list_u: list[float] | None = None
        self.rngs: list[np.random.Generator] = []
        # The last refill's (start period -> members) whose uniforms are not all demand
        # yet (periods ``_done:``), or None; turned into demand ``_lazy`` periods at a time.
        self._pending: dict[int, Any] | None = None
        self._done = block
        # (next1 reads the whole block as floats: drawn at once)
        self._lazy = block if self._one else _LAZY
        # One member, no lead-time uniforms: a refill may also defer drawing its uniforms
        # (see _draw); then ``_deferred`` draws the block's periods ``_drawn:``.
        self._defer = batch_size == 1 and not self._one and not lead_uniforms and T > 0
        self._deferred: np.random.Generator | None = None
        self._drawn = block

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._views = list(self._u)  # views of the draw buffer (pickled as copies)

    @property
    def demand(self) -> np.ndarray:
        """Every member's current block of demand, shape ``(block, batch, products)``."""
        self._finish()
        return self._demand

    @property
    def pos(self) -> np.ndarray:
        """Each member's next index in its block, shape ``(batch_size,)`` (a copy)."""
        if self._sync_pos is not None:
            return np.full(self.batch_size, self._sync_pos, dtype=np.int64)
        return self._pos.copy()

    def reset(
        self,
        rngs: Sequence[np.random.Generator],
        index: Sequence[int] | np.ndarray | None = None,
    ) -> None:
        """Restart the members in ``index`` (all by default) at period 0 and draw.

        ``rngs`` holds every member's generator (length ``batch_size``).
        """
        self.rngs = list(rngs)
        if index is None:
            self._draw(range(self.batch_size), 0)
            self._sync_pos = 0
            return
        if self._sync_pos is not None:
            self._pos.fill(self._sync_pos)
        self._draw(np.asarray(index).reshape(-1).tolist(), 0)
        pos = self._pos
        self._sync_pos = int(pos[0]) if (pos == pos[0]).all() else None

    def _draw(self, members: Sequence[int], start: int | None) -> None:
        """Draw the next block of each member (from period ``start``, or where it is).

        The uniforms (and the other sources' samples) are drawn now; a refill of every
        member turns its uniforms into demand a few periods at a time, as :meth:`next`
        reaches them (:meth:`_transform`; elementwise, so the values are the same), which
        skips the periods of a block an episode never reaches.
        """
        block = self.block
        everyone = len(members) == self.batch_size
        if not everyone:
            self._finish()  # the others' pending demand, before their uniforms change
        idx = slice(None) if everyone else list(members)
        starts = [start] * len(members) if start is not None else (self.start[idx] + block).tolist()
        plug_periods: dict[int, np.ndarray] = {}
        U, views, demand = self._u, self._views, self._demand
        defer = self._defer and everyone and self._lazy < block
        for b, first in zip(members, starts, strict=True):
            rng = self.rngs[b]
            if defer and (deferred := _deferred_copy(rng, self._deferred)) is not None:
                # the same uniforms, drawn as next() reaches them (never, for periods an
                # episode does not reach) from a copy of rng; rng moves past them now
                rng.bit_generator.advance(views[b].size)
                self._deferred, self._drawn = deferred, 0
            else:
                rng.random(out=views[b])
                self._drawn = block
            if self._plug:
                if first not in plug_periods:
                    plug_periods[first] = np.arange(first, first + block)
                    plug_periods[first].flags.writeable = False
                for p in self._plug:
                    demand[:, b, p] = self.sources[p].sample(rng, plug_periods[first])
        T = len(self._tab)
        if T:
            groups: dict[int, Any] = {}
            if len(set(starts)) == 1:  # the usual case: every member at the same period
                groups[starts[0]] = range(self.batch_size) if everyone else list(members)
            else:
                for b, first in zip(members, starts, strict=True):
                    groups.setdefault(first, []).append(b)
            self._pending = groups
            self._done = 0
            if not (everyone and self._lazy < block):
                self._finish()
        if self.lead_u is not None:
            self.lead_u[:, idx] = U[idx, :, T:].transpose(1, 0, 2)
        self.start[idx] = starts
        self._pos[idx] = 0
        if self._one:
            self._list = demand[:, 0, 0].tolist()
            self._list_u = None if self.lead_u is None else self.lead_u[:, 0, 0].tolist()

    def _finish(self) -> None:
        """Turn every pending uniform of the last refill into demand."""
        if self._pending is not None:
            self._transform(self._done, self.block)

    def _transform(self, a: int, b: int) -> None:
        """Demand of periods ``a:b`` of the pending refill's blocks, from their uniforms.

        In chunks of members small enough to keep the temporaries in cache; each chunk's
        (members, periods) values go transposed into the period-major block.
        """
        groups, U, demand = self._pending, self._u, self._demand
        if self._drawn < b:  # deferred uniforms (one member): draw them, in order
            self._deferred.random(out=U[0, self._drawn : b])
            self._drawn = b
        T = len(self._tab)
        tab = slice(None) if T == len(self.sources) else self._tab
        step = max(1, _CHUNK // ((b - a) * T))
        for first, rows in groups.items():
            periods = range(first + a, first + b)
            for cols, icdf in self._groups:
                base = icdf.base(periods)
                dest = tab if isinstance(cols, slice) else [self._tab[j] for j in cols]
                for c in range(0, len(rows), step):
                    r = rows[c : c + step]
                    sel = slice(r.start, r.stop) if isinstance(r, range) else r
                    u = U[sel, a:b, :T] if isinstance(cols, slice) else U[sel][:, a:b, cols]
                    vals = icdf.draw(u, base).transpose(1, 0, 2)
                    if isinstance(sel, slice) or isinstance(dest, slice):
                        demand[a:b, sel, dest] = vals
                    else:  # two index lists: their cross product
                        demand[np.ix_(range(a, b), sel, dest)] = vals
        self._done = b
        if b == self.block:
            self._pending = None

    def next(self) -> tuple[np.ndarray, np.ndarray | None]:
        """The current period's ``(demand, lead_u)``, each ``(batch, products)``; advance.

        The arrays may be views of the stream's blocks (``demand`` and ``lead_u``, shape
        ``(block, batch, products)``): use them before the next call.
        """
        k = self._sync_pos
        if k is not None:
            if k == self.block:
                self._draw(range(self.batch_size), None)
                k = 0
            if self._pending is not None and k >= self._done:
                self._transform(k, min(k + self._lazy, self.block))
            self._sync_pos = k + 1
            d = self._demand[k]
            u = None if self.lead_u is None else self.lead_u[k]
            return d, u
        self._finish()
        pos = self._pos
        ended = np.flatnonzero(pos == self.block).tolist()
        if ended:
            self._draw(ended, None)
        d = self._demand[pos, self._rows]
        u = None if self.lead_u is None else self.lead_u[pos, self._rows]
        pos += 1
        if (pos == pos[0]).all():
            self._sync_pos = int(pos[0])
        return d, u

    def next1(self) -> tuple[float, float | None]:
        """:meth:`next` for a stream of one member and one product, as plain floats."""
        k = self._sync_pos
        if k == self.block:
            self._draw([0], None)
            k = 0
        self._sync_pos = k + 1
        u = self._list_u
        return self._list[k], (None if u is None else u[k])

    def peek_mean(self, horizon: int) -> np.ndarray:
        """Expected demand of each member's next ``horizon`` periods, ``(batch, horizon, P)``."""
        out = np.zeros((self.batch_size, horizon, len(self.sources)))
        pos = self.pos
        for b in range(self.batch_size):
            periods = np.arange(horizon) + self.start[b] + pos[b]
            for p, s in enumerate(self.sources):
                out[b, :, p] = s.mean(periods)
        return out
