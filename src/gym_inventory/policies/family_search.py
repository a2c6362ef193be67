r"""Exact best-of-family search for lost sales with a lead time :math:`L \ge 1`.

``InventoryLostSales-v0`` with :math:`L \ge 1` has no renewal formula, but its Markov chain
is finite (:mod:`gym_inventory.policies.markov`), so every candidate can be evaluated
exactly. What makes the search finite is a *lower bound* on the average cost of every
member of a family, computed from the demand alone: a candidate is evaluated only when its
bound is below the best cost found, and each loop stops where the bound, which does not
decrease along it, reaches that cost. The incumbent is the local search's result, so the
answer is never worse than it.

Notation: :math:`\mu = E D`, :math:`IP_t` the position after ordering in period
:math:`t`, :math:`\ell` the long-run lost sales per period, :math:`\eta(y) = h\,E(y -
D^{(L+1)})^+` (nondecreasing, convex), :math:`\Delta\eta(y) = \eta(y) - \eta(y - 1)`.
Facts used, valid for every policy with a bounded position (all three families here):

(F1) long-run orders = sales = :math:`\mu - \ell`, so the cost is :math:`hH + p\ell + c(\mu
- \ell) + K f` with :math:`H` the mean stock on hand and :math:`f` the order frequency;
(F2) everything in the position at :math:`t` has arrived by period :math:`t + L` and later
orders have not, so the stock at the end of :math:`t + L` is at least :math:`(IP_t -
D_t - \dots - D_{t+L})^+` and :math:`hH \ge E\,\eta(IP)` (the demands are independent of
:math:`IP_t`);
(F3) at most :math:`IP_t` units are available in period :math:`t + L`, so :math:`\ell \ge
E(D - \bar y)^+` when :math:`IP \le \bar y` always;
(F4) the stock in period :math:`t` includes the arrival :math:`a_{t-L}` (independent of
:math:`D_t`), so :math:`hH \ge E\,\psi(a) \ge \psi(\mu - \ell)` with :math:`\psi(x) = h\,E(x
- D)^+` interpolated linearly (Jensen; :math:`\psi` is convex).

The bounds are linear (or convex piecewise linear) in :math:`\ell`, minimised over the
feasible :math:`\ell` at their breakpoints.

:class:`~gym_inventory.policies.CappedBaseStock` :math:`(S, r)`: orders are at most
:math:`r`, so :math:`\ell \ge \mu - r` and :math:`f \ge (\mu - \ell)/r`; :math:`r \ge S` is
the base stock :math:`S` (the cap never binds), so :math:`r \le S`. The position after
ordering is :math:`\min(S, IP - \text{sales} + r) \ge \min(S, (IP - D)^+ + r)`, a map
nondecreasing in :math:`IP`, :math:`S` and :math:`r`, so :math:`IP_t \ge Z_t` on every path
with :math:`Z_{t+1} = \min(S, (Z_t - D_t)^+ + r)`, a one-dimensional chain solved exactly:
:math:`hH \ge E\,\eta(Z) =: H_Z(S, r)`, nondecreasing in :math:`S` and :math:`r`. Each
:math:`S` loop stops where :math:`\min_\ell[p\ell + c(\mu - \ell)] + H_Z` reaches the best
cost; the :math:`r` loop stops past :math:`\mu` where that bound at :math:`S = r` does.
Where it never closes (an :math:`r < \mu` for which neither :math:`p(\mu - r)` nor
(F4) exceeds the best cost, and :math:`H_Z` stays bounded in :math:`S`), the search gives
up (``None``) and ``tune`` keeps its local search.

:class:`~gym_inventory.policies.SS` :math:`(s, S)` and :class:`~gym_inventory.policies.SQ`
:math:`(s, Q)`: no order while :math:`IP > s`, so after the first order :math:`IP \ge s +
1` and :math:`hH \ge \eta(s + 1)`, which ends the :math:`s` loop. Right after an order the
position is at least :math:`T` (:math:`S`; for :math:`(s, Q)` :math:`\max(Q, s + 1)`, the
order being at least :math:`Q`) and then falls by the sales, at most the demand, so it
stays :math:`\ge T - j` for at least :math:`E\#\{k \ge 0: D_1 + \dots + D_k \le j\} \ge
(j+1)/\mu` periods (Wald), :math:`j \le T - s - 1`. An order is at most :math:`U` units
(:math:`S`; :math:`s + Q`), so orders come at least every :math:`U/(\mu - \ell)` periods on
average and :math:`P(IP \ge T - j) \ge (\mu - \ell)(j + 1)/(\mu U)`. Hence :math:`hH \ge
\eta(s+1) + \frac{\mu - \ell}{\mu} W` with :math:`W = \frac1U \sum_{y=s+2}^{T} \Delta\eta(y)
(T - y + 1)`, which grows without bound and does not decrease in :math:`S` (in :math:`Q`):
the :math:`S` (:math:`Q`) loop stops where :math:`\eta(s+1) + \min(p\mu, c\mu + W)`
reaches the best cost. :math:`s < 0` never orders (cost :math:`p\mu`).

Only members whose orders the env carries out whole are candidates (every order at most
``max_order``: :math:`r`, :math:`S`, :math:`s + Q`); a box that would need more gives
``None``. The demand's tail beyond its :math:`1 - 10^{-12}` quantile is put on its last
point, which only lowers :math:`\eta`, :math:`\psi` and :math:`E(D - y)^+` (the bounds stay
valid); a bound prunes only above the best cost times :math:`1 + 10^{-9}`.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from scipy import sparse

from gym_inventory.policies.markov import DEMAND_TAIL, ChainSpace, relative_value_iteration

__all__ = ["ChainEvaluator", "LostSalesBounds", "best_capped", "best_reorder", "lost_sales_L"]

#: Relative margin above the best cost before a bound prunes (round-off of the evaluator).
MARGIN = 1e-9
#: Largest order-up-to level a search may need (beyond it the chain is too large anyway).
MAX_LEVEL = 400
#: Largest chain (states at the position bound) a candidate may need.
MAX_STATES = 1_000_000


def level_limit(view) -> int:
    """Largest position bound whose chain has at most :data:`MAX_STATES` states."""
    L = view.config.lead_time
    S = 1
    while S < MAX_LEVEL and math.comb(S + 1 + L, L) <= MAX_STATES:
        S += 1
    return S


def lost_sales_L(view) -> bool:
    """Whether ``view`` is lost sales with ``L >= 1`` and an exact chain (see module doc)."""
    from gym_inventory.policies.tuning import exact_supported

    cfg = view.config
    return (
        exact_supported(view)
        and not cfg.backlog
        and cfg.lead_time >= 1
        and cfg.holding_cost > 0
        and view.action_mode == "quantity"
    )


class LostSalesBounds:
    """The demand-only quantities of the module doc's bounds for one configuration."""

    def __init__(self, view) -> None:
        cfg = view.config
        self.h, self.p, self.c, self.K = (
            cfg.holding_cost,
            cfg.penalty_cost,
            cfg.unit_cost,
            cfg.fixed_cost,
        )
        self.L = cfg.lead_time
        dist = view.demand.distribution(0)
        self.mu = float(dist.mean())
        dmax = int(dist.ppf(1.0 - DEMAND_TAIL))
        pmf = dist.pmf(np.arange(dmax + 1))
        pmf[-1] += float(dist.sf(dmax))  # tail on the last point: every bound only drops
        self.pmf = pmf
        pmf_L = pmf
        for _ in range(self.L):
            pmf_L = np.convolve(pmf_L, pmf)
        y = np.arange(MAX_LEVEL + 2)
        self.eta = self.h * _plus_part(y, pmf_L)  # eta(y), y = 0..MAX_LEVEL + 1
        self.psi = self.h * _plus_part(y, pmf)  # psi(a) at integers
        self.lost_below = _plus_part(-y, pmf[::-1], shift=len(pmf) - 1)  # E(D - y)^+

    def order_part(self, lo: float, per_unit: float = 0.0) -> float:
        r""":math:`\min_{\ell \in [lo, \mu]} p\ell + (\mu - \ell)(c + per\_unit)` (linear)."""
        lo = min(max(lo, 0.0), self.mu)
        return min(self.p * lo + (self.mu - lo) * (self.c + per_unit), self.p * self.mu)

    def jensen(self, lo: float, per_unit: float = 0.0) -> float:
        r"""(F4): :math:`\min_{\ell \in [lo, \mu]} p\ell + (\mu-\ell)(c + per\_unit) +
        \psi(\mu - \ell)`, convex piecewise linear, so minimal at a breakpoint."""
        lo = min(max(lo, 0.0), self.mu)
        pts = [lo, self.mu] + [self.mu - a for a in range(int(self.mu - lo) + 1)]
        best = math.inf
        for ell in pts:
            if lo - 1e-12 <= ell <= self.mu + 1e-12:
                x = self.mu - ell
                k = math.floor(x)
                psi = self.psi[k] + (x - k) * (self.psi[k + 1] - self.psi[k])
                best = min(best, self.p * ell + x * (self.c + per_unit) + psi)
        return best

    def capped_holding(self, S: int, r: int) -> float:
        """:math:`H_Z(S, r)`: :math:`E\\,\\eta(Z)` at the stationary law of the chain
        :math:`Z' = \\min(S, (Z - D)^+ + r)` on ``0..S`` (unichain: zero demand leads to S)."""
        z = np.arange(S + 1)
        d = np.arange(len(self.pmf))
        nxt = np.minimum(S, np.maximum(z[:, None] - d[None, :], 0) + r)
        P = np.zeros((S + 1, S + 1))
        np.add.at(P, (np.repeat(z, len(d)), nxt.ravel()), np.tile(self.pmf, S + 1))
        A = P.T - np.eye(S + 1)
        A[-1] = 1.0
        b = np.zeros(S + 1)
        b[-1] = 1.0
        pi = np.clip(np.linalg.solve(A, b), 0.0, None)
        return float(pi @ self.eta[: S + 1]) / float(pi.sum())

    def reorder_holding(self, s: int, top: int, biggest: int) -> float:
        """``W`` of the module doc: :math:`\\frac1U\\sum_{y=s+2}^{T} \\Delta\\eta(y)(T-y+1)`."""
        if top < s + 2:
            return 0.0
        y = np.arange(s + 2, top + 1)
        return float((self.eta[y] - self.eta[y - 1]) @ (top - y + 1)) / biggest


def _plus_part(y: np.ndarray, pmf: np.ndarray, shift: int = 0) -> np.ndarray:
    # E(y + shift - X)^+ for X ~ pmf on 0..len - 1, vectorised over y
    x = np.arange(len(pmf))
    return np.maximum((y + shift)[:, None] - x[None, :], 0) @ pmf


class ChainEvaluator:
    """Exact average cost of policies of one configuration on the chain of
    :class:`~gym_inventory.policies.markov.ChainSpace`, built on the states reachable
    from the empty system only (by breadth-first rows of ``ChainSpace.rows``), spaces
    cached by position bound. The same chain as
    :func:`~gym_inventory.policies.exact_average_cost`."""

    def __init__(self, view, tol: float = 1e-10) -> None:
        self.view, self.tol = view, tol
        self.spaces: dict[int, tuple[ChainSpace, np.ndarray, np.ndarray]] = {}
        self.evaluations = 0

    def cost(self, policy, stop_above: float = math.inf) -> float:
        """The policy's average cost; ``inf`` once it provably exceeds ``stop_above``."""
        M = int(policy.position_bound())
        if M not in self.spaces:
            sp = ChainSpace(self.view, M)
            self.spaces[M] = (sp, sp.observations(), sp.position())
        space, obs, pos = self.spaces[M]
        self.evaluations += 1
        seen = np.zeros(space.n_states, dtype=bool)
        frontier = np.array([space.empty_state()])
        seen[frontier] = True
        blocks, order = [], []
        while frontier.size:
            a = np.asarray(policy.act(obs[frontier]), dtype=np.int64)
            if (pos[frontier] + a > M).any():
                raise AssertionError("a policy exceeded its own position bound")
            P, cost, *_ = space.rows(a, states=frontier)
            blocks.append((P, cost))
            order.append(frontier)
            cols = np.unique(P.indices)
            frontier = cols[~seen[cols]]
            seen[frontier] = True
        idx = np.concatenate(order)
        P = sparse.vstack([b[0] for b in blocks], format="csr")[:, idx]
        cost = np.concatenate([b[1] for b in blocks])
        stop = None if math.isinf(stop_above) else stop_above
        res = relative_value_iteration(sparse.csr_matrix(P), cost, tol=self.tol, stop_above=stop)
        return math.inf if stop is not None and res.lower > stop else res.gain


def incumbent(cls, view, evaluator: ChainEvaluator) -> tuple[tuple[int, ...], float, int]:
    """The local search of ``cls.tune`` with exact costs: the start of an exhaustive search."""
    from gym_inventory.policies.tuning import local_search

    space = cls.search_space(view)

    def f(x):
        return evaluator.cost(cls(*space.params(x), env_id=view.env_id, **view.env_kwargs))

    x, value, n = local_search(f, space)
    return space.params(x), value, n


def _prunes(bound: float, best: float) -> bool:
    return bound > best + MARGIN * max(1.0, abs(best))


def best_capped(
    view, make: Callable[[int, int], object], start: tuple[int, int], start_cost: float
) -> tuple[tuple[int, int], float, int] | None:
    """The best :math:`(S, r)` of :class:`~gym_inventory.policies.CappedBaseStock`
    (module doc), from the incumbent ``start``; ``None`` where the bounds do not close."""
    B, ev = LostSalesBounds(view), ChainEvaluator(view)
    best, arg = start_cost, tuple(start)
    top = level_limit(view)
    for r in range(1, min(view.max_order, top) + 1):
        lo_r = max(B.mu - r, 0.0)
        at_least = max(B.jensen(0.0), B.order_part(0.0) + B.capped_holding(r, r))
        if r >= B.mu and _prunes(at_least, best):
            break  # for r >= mu both bounds are constant or nondecreasing in r (and S >= r)
        if _prunes(B.jensen(lo_r, B.K / r), best):
            continue  # every S
        if not _prunes(B.order_part(lo_r) + B.capped_holding(top, r), best):
            return None  # this r's S loop would not close within chains we can evaluate
        S = r
        while True:
            H = B.capped_holding(S, r)
            if _prunes(B.order_part(lo_r) + H, best):
                break  # nondecreasing in S
            lo = max(lo_r, float(B.lost_below[S]))
            if not _prunes(B.order_part(lo, B.K / r) + H, best):
                c = ev.cost(make(S, r), best * (1 + MARGIN))
                if c < best - 1e-12:
                    best, arg = c, (S, r)
            S += 1
    return arg, best, ev.evaluations


def best_reorder(
    view,
    make: Callable[[int, int], object],
    start: tuple[int, int],
    start_cost: float,
    kind: str,
) -> tuple[tuple[int, int], float, int] | None:
    """The best :math:`(s, S)` (``kind="SS"``, second parameter ``S``) or :math:`(s, Q)`
    (``kind="SQ"``, second parameter ``Q``) with :math:`s \\ge 0` (module doc), from the
    incumbent ``start``; ``None`` where an order could exceed ``max_order``."""
    B, ev = LostSalesBounds(view), ChainEvaluator(view)
    best, arg = start_cost, tuple(start)
    if B.p * B.mu < best - 1e-12:  # s < 0: never order, lose everything
        best, arg = B.p * B.mu, (-1, 1)
    limit = min(view.max_order, level_limit(view))
    W0 = B.reorder_holding(0, limit, limit)  # s = 0 at the largest allowed order
    if not _prunes(float(B.eta[1]) + min(B.p * B.mu, B.c * B.mu + W0), best):
        return None  # the s = 0 loop cannot close in time: give up before evaluating
    s = 0
    while not _prunes(float(B.eta[s + 1]) + min(B.p, B.c) * B.mu, best):
        x = s + 1 if kind == "SS" else 1  # S (or Q)
        while True:
            top, biggest = (x, x) if kind == "SS" else (max(x, s + 1), s + x)
            if biggest > limit:
                return None  # an order could be cut, or the chain too large: no proof
            W = B.reorder_holding(s, top, biggest)
            base = float(B.eta[s + 1])
            if _prunes(base + min(B.p * B.mu, B.c * B.mu + W), best) and (
                kind == "SS" or x >= s + 1
            ):
                break  # nondecreasing in S (in Q once Q >= s + 1)
            lo = float(B.lost_below[biggest])
            if not _prunes(base + B.order_part(lo, B.K / biggest + W / B.mu), best):
                c = ev.cost(make(s, x), best * (1 + MARGIN))
                if c < best - 1e-12:
                    best, arg = c, (s, x)
            x += 1
        s += 1
    return arg, best, ev.evaluations
