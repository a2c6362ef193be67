r"""Exact Markov-chain models of the benchmark variants, and relative value iteration.

The state at a decision epoch of ``InventoryLostSales-v0`` with lead time :math:`L \ge 1`
is reduced, without loss, to :math:`u = (y, q_1, \dots, q_{L-1})` where :math:`y = x +
q_0` is the stock available for this period's demand (on hand plus the arrival due now)
and :math:`q_k` the later arrivals. The env observes :math:`(x, q_0, \dots, q_{L-1})`;
every policy in this package, and the optimum, depend on :math:`x` and :math:`q_0` only
through their sum (the arrival comes before demand). Ordering :math:`a` gives cost
:math:`c(y) = h\,E(y-D)^+ + p\,E(D-y)^+ + c\,a + K[a>0]` and next state
:math:`((y-D)^+ + q_1, q_2, \dots, q_{L-1}, a)`. With :math:`L = 0` the state is the
on-hand stock :math:`x` and :math:`y = x + a`. These transitions are exact: the
demand's tail is never truncated ((y - D)^+ = 0 for every D >= y).

``InventoryBackorder-v0`` is reduced to the inventory position :math:`i` before
ordering (the textbook reduction): ordering up to :math:`y = i + a` costs
:math:`G(y) = h\,E(y - D^{(L+1)})^+ + p\,E(D^{(L+1)} - y)^+` (the expected cost of period
:math:`t+L`, when everything ordered by :math:`t` has arrived) and leads to
:math:`i' = y - D`. The per-period demand is cut at its :math:`1 - 10^{-12}` quantile
(the tail mass is put on the last point and reported).

Both are truncated at a largest inventory position ``max_position`` (and, for
backorders, a lowest one); the truncation is checked on the states reachable from the
empty system, and :func:`solve_optimal` enlarges it until it does not bind.
"""

from __future__ import annotations

import math
import numbers
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse

from gym_inventory.errors import ConfigError

__all__ = [
    "ChainSpace",
    "RVIResult",
    "check_tol",
    "relative_value_iteration",
    "stationary_distribution",
]

#: Demand tail probability cut off in backorder chains (put on the last point).
DEMAND_TAIL = 1e-12

#: Memory guards (a few GB at most): (state, action) pairs, transitions, and the
#: dense state-index box ``(max_position + 1) ** dim`` of lost-sales chains.
MAX_PAIRS = 12_000_000
MAX_TRANSITIONS = 40_000_000
MAX_BOX = 100_000_000


def _simplex(dim: int, M: int) -> np.ndarray:
    """Every vector of ``dim`` non-negative ints with sum <= ``M``, lexicographic order."""
    pts = np.arange(M + 1, dtype=np.int64)[:, None]
    for _ in range(dim - 1):
        room = M - pts.sum(axis=1) + 1
        start = np.concatenate([[0], np.cumsum(room)[:-1]])
        owner = np.repeat(np.arange(len(pts)), room)
        last = np.arange(int(room.sum())) - start[owner]
        pts = np.concatenate([pts[owner], last[:, None]], axis=1)
    return pts


def check_tol(value: Any, name: str = "tol") -> float:
    """Validate a relative stopping tolerance of value iteration: a real in (0, 1).

    The iteration stops once the gap of the bounds on the average cost is at most ``tol``
    times the cost (at least 1); ``tol >= 1`` would accept bounds that say nothing (the
    first iterate), ``tol <= 0`` is never reached. Raises :class:`ConfigError`.
    """
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
    if not ok or not 0.0 < float(value) < 1.0:  # also rejects nan
        raise ConfigError(f"{name} must be a real number in (0, 1), got {value!r}")
    return float(value)


@dataclass
class RVIResult:
    """Result of relative value iteration.

    ``lower``/``upper`` are the Odoni bounds on the optimal (or the policy's) average
    cost: ``min(TV - V) <= g <= max(TV - V)``.
    """

    gain: float
    lower: float
    upper: float
    values: np.ndarray
    choice: np.ndarray  # index of the chosen row of each state
    iterations: int
    seconds: float


def relative_value_iteration(
    P: sparse.csr_matrix,
    cost: np.ndarray,
    seg_starts: np.ndarray | None = None,
    *,
    tol: float = 1e-9,
    max_iter: int = 100_000,
    stop_above: float | None = None,
) -> RVIResult:
    """Average-cost relative value iteration, vectorised.

    Parameters
    ----------
    P : scipy.sparse.csr_matrix, shape (n_rows, n_states)
        Transition probabilities of each (state, action) row.
    cost : ndarray, shape (n_rows,)
        Expected one-period cost of each row.
    seg_starts : ndarray, optional
        First row of each state (rows of a state are contiguous, actions ascending);
        ``None`` when there is one row per state (evaluating a fixed policy).
    tol : float
        Stop when ``max(TV - V) - min(TV - V) <= tol * max(1, |g|)``; in (0, 1).
    max_iter : int
        Raise :class:`ConfigError` if not converged by then (e.g. a periodic chain).
    stop_above : float, optional
        Also stop as soon as the lower bound ``min(TV - V)`` exceeds it (a candidate
        that is provably worse than a known cost; the result's ``lower`` says so).
    """
    tol = check_tol(tol)
    t0 = time.perf_counter()
    n = P.shape[1]
    V = np.zeros(n)
    Q = np.empty(P.shape[0])
    for it in range(1, max_iter + 1):  # noqa: B007 (``it`` is reported)
        Q[:] = P @ V
        Q += cost
        TV = Q if seg_starts is None else np.minimum.reduceat(Q, seg_starts)
        d = TV - V
        lo, hi = float(d.min()), float(d.max())
        V = TV - TV[0]
        if hi - lo <= tol * max(1.0, abs(hi)) or (stop_above is not None and lo > stop_above):
            break
    else:
        raise ConfigError(
            f"relative value iteration did not converge in {max_iter} iterations "
            f"(gap {hi - lo:g}); the chain may be periodic"
        )
    if seg_starts is None:
        choice = np.arange(n)
    else:
        Q[:] = P @ V
        Q += cost
        best = np.minimum.reduceat(Q, seg_starts)
        lengths = np.diff(np.append(seg_starts, len(Q)))
        owner = np.repeat(np.arange(n), lengths)
        ok = np.flatnonzero(Q <= best[owner] + 1e-9 * max(1.0, abs(hi)))
        _, first = np.unique(owner[ok], return_index=True)
        choice = ok[first]  # the smallest optimal action of each state
    return RVIResult(
        gain=0.5 * (lo + hi),
        lower=lo,
        upper=hi,
        values=V,
        choice=choice,
        iterations=it,
        seconds=time.perf_counter() - t0,
    )


def stationary_distribution(
    P: sparse.csr_matrix, *, tol: float = 1e-14, max_iter: int = 100_000
) -> np.ndarray:
    """Stationary distribution of a unichain transition matrix, by power iteration
    (averaging two successive iterates, so periodic chains converge too)."""
    n = P.shape[0]
    pi = np.full(n, 1.0 / n)
    PT = P.T.tocsr()
    for _ in range(max_iter):
        nxt = 0.5 * (pi + PT @ pi)
        if np.abs(nxt - pi).sum() < tol:
            return nxt
        pi = nxt
    raise ConfigError(f"the stationary distribution did not converge in {max_iter} iterations")


class ChainSpace:
    """Truncated state space and transitions of a benchmark variant configuration.

    Parameters
    ----------
    view : EnvView
        A ``"periodic"`` env configuration with a fixed lead time, unlimited capacity and
        a stationary demand source with a closed-form ``distribution()``.
    max_position : int
        Largest inventory position (after ordering) represented.
    low : int, optional
        Backorders only: lowest inventory position represented (default: minus the
        demand cut-off minus one).
    """

    def __init__(self, view, max_position: int, low: int | None = None) -> None:
        cfg = view.config
        if view.family != "periodic":
            raise ConfigError(
                "exact methods need InventoryLostSales-v0 or InventoryBackorder-v0, got "
                f"{view.env_id}"
            )
        if cfg.stochastic_lead_time:
            raise ConfigError("exact methods need a fixed (int) lead_time")
        if math.isfinite(cfg.capacity):
            raise ConfigError("exact methods need capacity=inf")
        if not view.demand.stationary:
            raise ConfigError("exact methods need i.i.d. (stationary) demand")
        try:
            dist = view.demand.distribution(0)
        except NotImplementedError as exc:
            raise ConfigError(
                f"exact methods need a demand source with a closed-form distribution, got "
                f"{view.demand!r}"
            ) from exc
        self.view = view
        self.L = L = cfg.lead_time
        self.M = M = int(max_position)
        self.backlog = cfg.backlog
        self.h, self.p = cfg.holding_cost, cfg.penalty_cost
        self.c, self.K = cfg.unit_cost, cfg.fixed_cost
        self.max_order = view.max_order
        self.mean = float(dist.mean())
        if self.backlog:
            dmax = int(dist.ppf(1.0 - DEMAND_TAIL))
            pmf = dist.pmf(np.arange(dmax + 1))
            self.tail = float(dist.sf(dmax))
            pmf[-1] += self.tail
            self.pmf = pmf
            self.low = -dmax - 1 if low is None else int(low)
            if self.low > 0 or self.low >= M:
                raise ConfigError(f"low must be <= 0 and < max_position, got {self.low}")
            self.states = np.arange(self.low, M + 1)[:, None]
            self.G = self._backorder_G(dist, dmax)
        else:
            self.tail = 0.0
            d = np.arange(M + 1)
            self.pmf = dist.pmf(d)
            self.sf_ge = dist.sf(d - 1)  # P(D >= y)
            emin = np.cumsum(d * self.pmf) - d * self.pmf + d * self.sf_ge  # E min(D, y)
            self.G = self.h * (d - emin) + self.p * (self.mean - emin)
            dim = max(L, 1)
            if (M + 1) ** dim > MAX_BOX:
                raise ConfigError(
                    f"the truncated state space is too large ({math.comb(M + dim, dim)} "
                    f"states for max_position={M}, lead_time={L}); use a smaller instance"
                )
            self.states = _simplex(dim, M)
            self.index = np.full((M + 1,) * dim, -1, dtype=np.int32)
            self.index[tuple(self.states.T)] = np.arange(len(self.states), dtype=np.int32)
        self.n_states = len(self.states)

    def _backorder_G(self, dist, dmax: int) -> np.ndarray:
        pmf = self.pmf
        for _ in range(self.L):
            pmf = np.convolve(pmf, self.pmf)
        y = np.arange(self.low, self.M + 1)
        d = np.arange(len(pmf))
        cdf_below = np.concatenate([[0.0], np.cumsum(pmf)])  # P(D < k), k = 0..len
        part = np.concatenate([[0.0], np.cumsum(d * pmf)])  # E[D; D < k]
        k = np.clip(y, 0, len(pmf))
        emin = part[k] + y * (1.0 - cdf_below[k])  # E min(D, y) (y < 0: y)
        mean = (self.L + 1) * self.mean
        return self.h * (y - emin) + self.p * (mean - emin)

    # ------------------------------------------------------------- states
    def position(self) -> np.ndarray:
        """Inventory position of each state, ``(n_states,)``."""
        return self.states.sum(axis=1)

    def observations(self) -> np.ndarray:
        """One env observation per state, ``(n_states, 1 + L)`` float32 (see module doc)."""
        obs = np.zeros((self.n_states, 1 + self.L), dtype=np.float32)
        obs[:, 0] = self.states[:, 0]
        if not self.backlog and self.L >= 2:
            obs[:, 2:] = self.states[:, 1:]
        return obs

    def state_of(self, obs: np.ndarray) -> np.ndarray:
        """State index of observations ``(B, 1 + L)``; -1 outside the truncation."""
        obs = np.rint(np.asarray(obs, dtype=np.float64)).astype(np.int64)
        if self.backlog:
            ip = obs.sum(axis=1)
            return np.where((ip >= self.low) & (ip <= self.M), ip - self.low, -1)
        u = obs[:, :1].copy()
        if self.L >= 1:
            u[:, 0] += obs[:, 1]
            u = np.concatenate([u, obs[:, 2:]], axis=1)
        out = np.full(len(obs), -1, dtype=np.int64)
        ok = (u.sum(axis=1) <= self.M) & (u >= 0).all(axis=1)
        out[ok] = self.index[tuple(u[ok].T)]
        return out

    # -------------------------------------------------------- transitions
    def rows(self, actions: np.ndarray | None = None, states: np.ndarray | None = None):
        """Transition matrix and costs of (state, action) rows.

        ``actions=None`` gives every feasible action of every state (the position after
        ordering at most ``max_position``, the order at most ``max_order``), rows grouped
        by state with actions ascending; otherwise one row per state with the given
        action (per state of ``states``, state indices, if given: rows of part of the
        chain). Returns ``(P, cost, state_of_row, action_of_row, seg_starts)``.
        """
        pos = self.position()
        if actions is None:
            n_act = np.minimum(self.M - pos, self.max_order) + 1
            total = int(n_act.sum())
            if total > MAX_PAIRS:
                raise ConfigError(
                    f"{total} (state, action) pairs exceed the limit {MAX_PAIRS}; use a "
                    "smaller instance"
                )
            seg_starts = np.concatenate([[0], np.cumsum(n_act)[:-1]])
            s = np.repeat(np.arange(self.n_states), n_act)
            a = np.arange(total) - np.repeat(seg_starts, n_act)
        else:
            s = np.arange(self.n_states) if states is None else np.asarray(states, np.int64)
            a = np.asarray(actions, dtype=np.int64)
            seg_starts = None
        order_cost = self.c * a + self.K * (a > 0)
        if self.backlog:
            P, cost = self._backorder_rows(s, a)
        else:
            P, cost = self._lost_rows(s, a)
        return P, cost + order_cost, s, a, seg_starts

    def _lost_rows(self, s: np.ndarray, a: np.ndarray):
        u = self.states[s]
        L = self.L
        if L == 0:
            y = u[:, 0] + a
            w = np.zeros((len(s), 1), dtype=np.int64)
        else:
            y = u[:, 0]
            w = np.concatenate([u[:, 1:], a[:, None]], axis=1)
        cost = self.G[y]
        n_next = y + 1
        total = int(n_next.sum())
        if total > MAX_TRANSITIONS:
            raise ConfigError(
                f"{total} transitions exceed the limit {MAX_TRANSITIONS}; use a smaller instance"
            )
        start = np.concatenate([[0], np.cumsum(n_next)[:-1]])
        r = np.repeat(np.arange(len(s)), n_next)
        z = np.arange(total) - start[r]
        yr = y[r]
        prob = np.where(z == 0, self.sf_ge[yr], self.pmf[yr - z])
        nxt = w[r]
        nxt[:, 0] += z
        col = self.index[tuple(nxt.T)]
        P = sparse.csr_matrix((prob, (r, col)), shape=(len(s), self.n_states))
        return P, cost

    def _backorder_rows(self, s: np.ndarray, a: np.ndarray):
        y = self.states[s, 0] + a
        cost = self.G[y - self.low]
        nd = len(self.pmf)
        r = np.repeat(np.arange(len(s)), nd)
        d = np.tile(np.arange(nd), len(s))
        col = np.maximum(y[r] - d, self.low) - self.low
        prob = np.tile(self.pmf, len(s))
        P = sparse.csr_matrix((prob, (r, col)), shape=(len(s), self.n_states))
        return P, cost

    def empty_state(self) -> int:
        """Index of the empty system (nothing on hand, nothing in transit)."""
        return int(self.state_of(np.zeros((1, 1 + self.L)))[0])

    def lumped(self, y: np.ndarray) -> np.ndarray:
        """Backorders: probability that ordering up to ``y`` leads below ``low`` (those
        transitions are put on ``low``, the truncation)."""
        tail = np.concatenate([np.cumsum(self.pmf[::-1])[::-1], [0.0]])  # P(D >= k)
        k = np.clip(y - self.low + 1, 0, len(self.pmf))
        return tail[k]

    def reachable(self, P_policy: sparse.csr_matrix) -> np.ndarray:
        """Boolean mask of the states reachable from the empty system under a policy."""
        from scipy.sparse.csgraph import breadth_first_order

        order = breadth_first_order(P_policy, self.empty_state(), return_predecessors=False)
        mask = np.zeros(self.n_states, dtype=bool)
        mask[order] = True
        return mask
