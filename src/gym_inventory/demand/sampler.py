"""Exact inverse-CDF sampling of integer demand from tabulated distributions.

A source whose per-period distribution is known describes it as a :class:`DemandTable`:
a few *states* (one per distinct distribution: one for i.i.d. demand, one per hour of the
week for seasonal demand, ...), each a cumulative distribution over a run of consecutive
integers, and the state of every period. A draw is then ``X = min{k : u < F(k)}`` for a
uniform ``u = rng.random()``: the distribution drawn is the stated one, up to the
resolution of a uniform double: every value's probability is within ``2**-53`` (plus the
rounding of ``F``, below ``1e-13``) of its pmf. Tables leave out the values below the
first ``k`` with ``F(k) >= 2**-60`` and above the first ``k`` where ``F(k)`` rounds to 1
(a tail mass below ``2**-53``). ``F`` is computed as the cumulative sum from below in
the lower half and as one minus the survival function (summed from the far tail) in the
upper half, so the tail thresholds are accurate to a few ulps.

Speed comes from a guide table (:class:`InverseCDF`): ``[0, 1)`` is cut into ``M`` equal
bins per state; a bin holding no step of ``F`` stores its value ``v``, so most draws are
one multiply and one table lookup; a bin holding a step stores ``-(v + 1)``, ``v`` its
first value, and its draws are resolved exactly by walking ``F`` from ``v`` (most stop
after 0 or 1 step; the long walks of a row's last bin, which holds the upper tail, compare
32 thresholds at a time). Entries are the smallest signed integers holding every value
(int8 for most demand: 16 bytes per row of 16 bins). ``M`` only changes the speed, never a
drawn value.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["CUT", "GUIDE_MAX", "GUIDE_MIN", "DemandTable", "InverseCDF", "cdf_rows"]

#: Mass below which the far ends of a support are left out of a table (the upper end is
#: also cut where ``F`` rounds to 1).
CUT = 2.0**-60
#: Guide entries of an :class:`InverseCDF`: at most ``GUIDE_MAX`` (16 MB as float32);
#: by default ``GUIDE_MIN``, which keeps a single env's start-up cheap.
GUIDE_MIN, GUIDE_MAX = 1 << 16, 1 << 22
_MAX_BINS = 4096
_TAIL = 32  # thresholds compared at once on a long walk


def cdf_rows(pmf: np.ndarray) -> np.ndarray:
    """Accurate cumulative thresholds of each row of ``pmf`` (states x consecutive values).

    Row entries are ``P(X <= k)``: the cumulative sum from below where it is at most
    1/2, and ``1 - P(X > k)`` (tail summed from the far end) above. The last entry of a
    row whose tail is cut is therefore 1.0.
    """
    pmf = np.atleast_2d(np.asarray(pmf, dtype=np.float64))
    low = np.cumsum(pmf, axis=1)
    sf = np.cumsum(pmf[:, ::-1], axis=1)[:, ::-1]  # P(X >= k)
    sf = np.concatenate([sf[:, 1:], np.zeros((len(pmf), 1))], axis=1)  # P(X > k)
    return np.where(low <= 0.5, low, 1.0 - sf)


class DemandTable:
    """The per-period distributions of a source, for :class:`InverseCDF` sampling.

    Parameters
    ----------
    phase : ndarray of int, shape (cycle,)
        The state of period ``t`` is ``phase[t % cycle]``.
    k0 : ndarray of int, shape (S,)
        First value of each state's support.
    cdfs : sequence of S ndarrays of float
        ``cdfs[s][i] = P(X <= k0[s] + i)`` (non-decreasing, last entry >= 1), e.g. from
        :func:`cdf_rows`.
    """

    def __init__(self, phase: np.ndarray, k0: np.ndarray, cdfs: Sequence[np.ndarray]) -> None:
        self.phase = np.asarray(phase, dtype=np.int64)
        self.k0 = np.asarray(k0, dtype=np.int64)
        self.cdfs = [np.asarray(c, dtype=np.float64) for c in cdfs]
        self._sampler: InverseCDF | None = None

    @classmethod
    def from_pmf(cls, phase: np.ndarray, k0: np.ndarray, pmf: np.ndarray) -> DemandTable:
        """From a ``(S, W)`` pmf over values ``k0[s] + 0..W-1``; trims the far ends."""
        pmf = np.atleast_2d(np.asarray(pmf, dtype=np.float64))
        cdf = cdf_rows(pmf)
        below = np.cumsum(pmf, axis=1) < CUT  # values left out at the bottom
        above = np.concatenate([1.0 - cdf[:, :-1] < CUT, np.ones((len(pmf), 1), bool)], axis=1)
        first = below.sum(axis=1)
        last = np.argmax(above, axis=1)  # the first value whose tail above is cut
        k0 = np.asarray(k0, dtype=np.int64) + first
        rows = [cdf[s, a : b + 1] for s, (a, b) in enumerate(zip(first, last, strict=True))]
        for r in rows:
            r[-1] = 1.0
        return cls(phase, k0, rows)

    @classmethod
    def from_values(
        cls, values: np.ndarray, probs: np.ndarray, limit: int = 100_000
    ) -> DemandTable | None:
        """One state from a finite pmf on non-negative integer ``values`` (None if too wide)."""
        values = np.asarray(values, dtype=np.int64)
        lo, hi = int(values.min()), int(values.max())
        if hi - lo >= limit:
            return None
        pmf = np.bincount(values - lo, weights=probs, minlength=hi - lo + 1)
        return cls.from_pmf(np.zeros(1, dtype=np.int64), np.array([lo]), pmf)

    @property
    def sampler(self) -> InverseCDF:
        """This table's :class:`InverseCDF` (built on first use)."""
        if self._sampler is None:
            self._sampler = InverseCDF([self])
        return self._sampler

    def sample(self, rng: np.random.Generator, periods: np.ndarray) -> np.ndarray:
        """``len(periods)`` draws from ``rng.random(len(periods))``, float64."""
        u = rng.random(len(periods))
        s = self.sampler
        return s.draw(u, s.base(np.asarray(periods))[:, 0]).astype(np.float64)


class InverseCDF:
    """Guide-table inverse-CDF sampler for tables sharing one cycle length ``C``.

    Its rows are the pairs (phase, table), phase-major, so the rows of one period lie
    together in memory; :meth:`base` gives their guide offsets. ``entries`` bounds the
    size of the guide (rows x bins; between ``GUIDE_MIN`` and ``GUIDE_MAX`` entries):
    more bins cost more to build and hold, and make draws faster. Values must be
    non-negative.
    """

    def __init__(self, tables: Sequence[DemandTable], entries: int = GUIDE_MIN) -> None:
        cycle = len(tables[0].phase)
        if any(len(t.phase) != cycle for t in tables):
            raise ValueError("InverseCDF tables must share one cycle length")
        self.cycle, n = cycle, len(tables)
        # cdf rows stored once per (table, state); guide rows per (phase, table)
        first = np.cumsum([0] + [len(t.k0) for t in tables])
        cdfs = [c for t in tables for c in t.cdfs]
        self.cdf = np.concatenate(cdfs)
        lens = np.array([len(c) for c in cdfs])
        cstart = np.cumsum(np.r_[0, lens])
        state = (np.stack([t.phase for t in tables], axis=1) + first[:-1]).reshape(-1)
        k_first = np.concatenate([t.k0 for t in tables])
        if k_first.min() < 0:
            raise ValueError("InverseCDF values must be non-negative")
        R = len(state)
        M = 1
        while M < _MAX_BINS and 2 * M * R <= max(GUIDE_MIN, min(entries, GUIDE_MAX)):
            M *= 2
        self.bins, self._shift = M, M.bit_length() - 1
        # Bin j of a row covers u in [j/M, (j+1)/M): its first value v is k0 + lo, lo the
        # least i with F(i) > j/M; the bin is pure if F(lo) >= (j+1)/M. Pure bins store v,
        # the others -(v + 1), whose cdf position is v + delta[row].
        top = int((k_first + lens).max())
        dtype = next(t for t in (np.int8, np.int16, np.int32, np.int64) if top <= np.iinfo(t).max)
        guide = np.empty((len(cdfs), M), dtype)
        edges = np.arange(1, M + 1) / M
        step = max(1, (1 << 18) // M)  # states per pass: temporaries of ~2 MB each
        for a in range(0, len(cdfs), step):
            b = min(a + step, len(cdfs))
            # lo[s, j] = #{i : F_s(i) <= j/M} = #{i : ceil(M F_s(i)) <= j} (M F is exact)
            owner = np.repeat(np.arange(b - a), lens[a:b])
            key = np.ceil(self.cdf[cstart[a] : cstart[b]] * M)
            np.minimum(key, M, out=key)
            counts = np.bincount(
                owner * (M + 1) + key.astype(np.int64), minlength=(b - a) * (M + 1)
            )
            lo = np.cumsum(counts.reshape(b - a, M + 1)[:, :M], axis=1)
            pure = self.cdf[cstart[a:b, None] + lo] >= edges
            lo += k_first[a:b, None]
            guide[a:b] = np.where(pure, lo, -1 - lo)
        self.guide = guide[state].reshape(-1)
        self._delta = (cstart[:-1] - k_first)[state]
        self._rows = (np.arange(cycle)[:, None] * n + np.arange(n)) * M  # (C, n)
        self._scratch: dict[tuple[int, ...], tuple[np.ndarray, ...]] = {}

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_scratch": {}}

    def base(self, periods: np.ndarray | range) -> np.ndarray:
        """Guide offsets of the rows of ``periods`` x tables, int64 ``(len(periods), n)``.

        For a ``range`` of consecutive periods within one cycle, a read-only view.
        """
        if isinstance(periods, range) and periods.step == 1 and len(periods):
            a = periods.start % self.cycle
            if a + len(periods) <= self.cycle:
                return self._rows[a : a + len(periods)]
        return self._rows[np.asarray(periods) % self.cycle]

    def draw(self, u: np.ndarray, base: np.ndarray) -> np.ndarray:
        """Values for uniforms ``u`` in the rows given by ``base`` (:meth:`base`).

        ``base`` broadcasts against ``u``. Returns an array of ``u``'s shape in the
        guide's integer dtype; it is a buffer reused by the next call with the same
        shape.
        """
        scratch = self._scratch.get(u.shape)
        if scratch is None:  # reused buffers: no fresh (page-faulting) memory per call
            scratch = self._scratch[u.shape] = (
                np.empty(u.shape, dtype=np.int64),
                np.empty(u.shape, dtype=self.guide.dtype),
                np.empty(u.shape, dtype=bool),
            )
        idx, out, neg = scratch
        np.multiply(u, self.bins, out=idx, casting="unsafe")  # truncation = floor (u >= 0)
        idx += base
        np.take(self.guide, idx, out=out, mode="clip")  # every index is valid
        np.less(out, 0, out=neg)
        hard = np.flatnonzero(neg)
        if hard.size:
            flat = out.reshape(-1)
            delta = self._delta.take(idx.reshape(-1).take(hard) >> self._shift)
            pos = delta - 1
            pos -= flat.take(hard)  # cdf position of the bin's first value
            if u.flags.c_contiguous:
                uh = u.reshape(-1).take(hard)
            else:
                uh = u[np.unravel_index(hard, u.shape)]
            self._walk(uh, pos)
            pos -= delta
            flat[hard] = pos
        return out

    def _walk(self, u: np.ndarray, pos: np.ndarray) -> None:
        """Move each ``pos`` (in ``cdf``) up to the first threshold above its ``u``.

        Exact: ``u < 1`` and every row of ``cdf`` ends with an entry >= 1, so no walk
        leaves its row. Most walks stop after 0 or 1 step: two passes over all, then
        passes over those still moving; the few long walks (the upper tail, in a row's
        last bin) look at ``_TAIL`` thresholds at a time.
        """
        cdf = self.cdf
        pos += u >= cdf.take(pos)  # (a walk that stopped compares again and stays)
        moved = u >= cdf.take(pos)
        pos += moved
        todo = np.flatnonzero(moved)
        while todo.size > _TAIL:
            at = pos.take(todo)
            moved = u.take(todo) >= cdf.take(at)
            at += moved
            pos[todo] = at
            todo = todo[moved]
        if todo.size:
            ahead = np.arange(_TAIL)
            ut = u.take(todo)[:, None]
            while todo.size:
                at = pos.take(todo)
                below = ut >= cdf.take(at[:, None] + ahead, mode="clip")  # last entry >= 1
                first = below.argmin(axis=1)  # the first False; 0 if all are True
                more = (first == 0) & below[:, 0]
                pos[todo] = at + np.where(more, _TAIL, first)
                todo, ut = todo[more], ut[more]
