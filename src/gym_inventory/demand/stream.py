"""The block stream that feeds demand (and lead-time uniforms) to a batch of kernels.

Each batch member has its own generator (its env's ``np_random``) and its own position
in time. A member's randomness is drawn in blocks of ``block`` periods, in this order
(the reproducibility contract):

1. one ``rng.random((block, T + L))`` call: its first ``T`` columns are the uniforms of
   the ``T`` products whose source has a :meth:`~gym_inventory.demand.DemandSource.
   demand_table` (and does not override ``sample`` below it), in product order, turned
   into demand by exact inverse CDF; its last ``L`` columns (``L`` = number of products
   when ``lead_uniforms``, else 0) are the lead-time uniforms;
2. for each other product in order, ``source.sample(rng, periods)``.

When every product has a table and all members' bit generators are of one kind, the
block is drawn inside compiled code (:func:`~gym_inventory.demand.sampler.draw_blocks`),
uniform by uniform through NumPy's ``bit_generator.ctypes`` interface: the values
``rng.random`` would give, in the same order, so the two ways are one contract.

A member draws its next block as soon as it has used the last one (at the end of the
:meth:`DemandStream.next` call that reaches it). The single env (one member) and the
vector env (many) therefore consume every generator identically, and a single product
with a table draws what ``source.sample`` draws.
"""

from __future__ import annotations

import ctypes
import functools
from collections.abc import Sequence

import numpy as np
from numba import njit

from gym_inventory.demand.base import DemandSource, table_of
from gym_inventory.demand.sampler import InverseCDF, draw_blocks, draw_members
from gym_inventory.errors import ConfigError

__all__ = ["DEFAULT_BLOCK", "DemandStream", "take_period"]

#: Periods drawn per refill of a :class:`DemandStream`. Part of the reproducibility
#: contract: the single env and every member of a vector env draw the same blocks.
DEFAULT_BLOCK = 256


class DemandStream:
    """Per-period demand and lead-time uniforms for ``batch_size`` members.

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
    first_period : int
        The period number of each episode's first step (e.g. the hour of the week the
        episode starts at): demand of step ``t`` follows the sources' period
        ``first_period + t``.

    Attributes
    ----------
    demand : ndarray, shape (batch_size, block, products)
        Each member's current block of demand.
    lead_u : ndarray, shape (batch_size, block, products) or None
        Each member's current block of lead-time uniforms.
    start, pos : ndarray of int, shape (batch_size,)
        The period number of each member's ``demand[b, 0]``, and its next index.
    """

    def __init__(
        self,
        sources: Sequence[DemandSource],
        batch_size: int = 1,
        block: int = DEFAULT_BLOCK,
        lead_uniforms: bool = False,
        first_period: int = 0,
    ) -> None:
        sources = tuple(sources)
        for i, s in enumerate(sources):
            if not isinstance(s, DemandSource):
                raise ConfigError(
                    f"demand source {i} must be a gym_inventory.demand.DemandSource, "
                    f"got {type(s).__name__}"
                )
        self.sources = sources
        self.batch_size = B = batch_size
        self.block = block
        self.first_period = first_period
        P = len(sources)
        tables = [table_of(s) for s in sources]
        self._tabled = np.array([p for p, t in enumerate(tables) if t is not None], dtype=np.int64)
        self._plugged = [p for p, t in enumerate(tables) if t is None]
        self._icdf = InverseCDF([t for t in tables if t is not None]) if len(self._tabled) else None
        T = len(self._tabled)
        self._columns = T + (P if lead_uniforms else 0)
        self._uniforms: np.ndarray | None = None  # (B, block, columns), for rng.random draws
        # Member-major, like the uniforms: a refill writes each member's block in one
        # pass (period-major blocks, 32 KB apart per period for 4,096 members, made
        # refills 7x slower and the per-step reads 3x faster: 30 % more in all).
        self.demand = np.zeros((B, block, P))
        self.lead_u = np.zeros((B, block, P)) if lead_uniforms else None
        self.start = np.zeros(B, dtype=np.int64)
        self.pos = np.zeros(B, dtype=np.int64)
        self.rngs: list[np.random.Generator] = []
        # Each member's bit-generator state, and the one ``next_double`` they share (None
        # when the members' bit generators differ in kind): what draw_blocks takes.
        self._states = np.zeros(B, dtype=np.uint64)
        self._functions = np.zeros(B, dtype=np.uint64)  # each one's next_double address
        self._next_double = None
        self._now = np.zeros((B, P))  # next()'s demand
        self._now_u = np.zeros((B, P))  # (zeros without lead-time uniforms)
        self._all = np.ones(B, dtype=np.bool_)
        has_lead_u = self.lead_u is not None
        self._compiled_args = (
            self.demand, self.lead_u if has_lead_u else self.demand, has_lead_u, self.pos,
            self._now, self._now_u,
        )  # fmt: skip

    def reset(
        self,
        rngs: Sequence[np.random.Generator],
        index: Sequence[int] | np.ndarray | None = None,
    ) -> None:
        """Restart the members in ``index`` (all by default) at ``first_period``; draw.

        ``rngs`` holds every member's generator (length ``batch_size``).
        """
        old, self.rngs = self.rngs, list(rngs)
        self._bind([b for b, rng in enumerate(self.rngs) if b >= len(old) or rng is not old[b]])
        members = np.arange(self.batch_size) if index is None else np.asarray(index).reshape(-1)
        self.start[members] = self.first_period - self.block  # (the refill adds a block)
        self._refill(members)

    def _bind(self, members: Sequence[int]) -> None:
        """Note where the bit generators of ``members`` keep their state, for draw_blocks."""
        for b in members:
            interface = self.rngs[b].bit_generator.ctypes
            self._states[b] = interface.state_address
            self._functions[b] = ctypes.cast(interface.next_double, ctypes.c_void_p).value
        shared = len(self.rngs) == self.batch_size and (self._functions == self._functions[0]).all()
        self._next_double = _next_double(int(self._functions[0])) if shared else None

    def __getstate__(self) -> dict:
        # Addresses and C function pointers belong to this process's generators: a copy
        # (pickle, deepcopy) notes its own generators' addresses instead.
        return {**self.__dict__, "_next_double": None}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._bind(range(len(self.rngs)))

    def next(self, active: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray | None]:
        """The current period's ``(demand, lead_u)`` of the active members (all by
        default), each ``(batch, products)`` (zeros for the others); advance them.

        The arrays are the stream's own buffers: use them before the next call.
        """
        if take_period(*self.compiled_args(), self._all if active is None else active):
            self.refill_ended()
        return self._now, (self._now_u if self.lead_u is not None else None)

    def compiled_args(self) -> tuple:
        """The arrays :func:`take_period` takes before ``active`` (the same objects on
        every call): the blocks (the demand block in place of lead-time uniforms where
        there are none), each member's position, and the current period's demand and
        lead-time uniforms (zeros where there are none)."""
        return self._compiled_args

    def refill_ended(self) -> None:
        """Draw the next block of every member at the end of its block."""
        self._refill(np.flatnonzero(self.pos == self.block))

    def _refill(self, members: np.ndarray) -> None:
        """Draw the next block of each of ``members`` (the contract's order)."""
        block = self.block
        self.start[members] += block
        self.pos[members] = 0
        starts = self.start[members]
        T = len(self._tabled)
        if not self._plugged and self._next_double is not None:
            icdf = self._icdf
            draw_blocks(
                self._next_double, self._states, members, starts, self._tabled, icdf.phase,
                icdf.cycle, icdf.guide, icdf.bins, icdf.cdf, icdf.first, icdf.k0, self.demand,
                self.demand if self.lead_u is None else self.lead_u, self.lead_u is not None,
            )  # fmt: skip
            return
        if self._uniforms is None:
            self._uniforms = np.zeros((self.batch_size, block, self._columns))
        for b, start in zip(members.tolist(), starts.tolist(), strict=True):
            rng = self.rngs[b]
            rng.random(out=self._uniforms[b])
            for p in self._plugged:
                self.demand[b, :, p] = self.sources[p].sample(rng, np.arange(start, start + block))
        if T:
            icdf = self._icdf
            draw_members(
                self._uniforms, members, starts, self._tabled, icdf.phase, icdf.cycle,
                icdf.guide, icdf.bins, icdf.cdf, icdf.first, icdf.k0, self.demand,
            )  # fmt: skip
        if self.lead_u is not None:
            self.lead_u[members] = self._uniforms[members, :, T:]

    def peek_mean(self, horizon: int) -> np.ndarray:
        """Expected demand of each member's next ``horizon`` periods, ``(batch, horizon, P)``."""
        out = np.zeros((self.batch_size, horizon, len(self.sources)))
        for b in range(self.batch_size):
            periods = np.arange(horizon) + self.start[b] + self.pos[b]
            for p, s in enumerate(self.sources):
                out[b, :, p] = s.mean(periods)
        return out


@functools.cache
def _next_double(address: int) -> ctypes._CFuncPtr:
    """A bit generator's ``double next_double(void *state)`` at ``address`` (from NumPy's
    documented ``bit_generator.ctypes`` interface): the function ``rng.random`` calls."""
    return ctypes.CFUNCTYPE(ctypes.c_double, ctypes.c_void_p)(address)


@njit(cache=True)
def take_period(demand, lead_u, has_lead_u, pos, out, out_u, active):
    """Copy each active member's current period of ``demand`` (and ``lead_u``) into
    ``out`` (and ``out_u``), zeros for the others, and advance it; returns how many
    members reached the end of their block (:meth:`DemandStream.refill_ended` is due)."""
    ended = 0
    for b in range(len(pos)):
        for p in range(out.shape[1]):
            out[b, p] = demand[b, pos[b], p] if active[b] else 0.0
            if has_lead_u:
                out_u[b, p] = lead_u[b, pos[b], p] if active[b] else 0.0
        if active[b]:
            pos[b] += 1
            if pos[b] == demand.shape[1]:
                ended += 1
    return ended
