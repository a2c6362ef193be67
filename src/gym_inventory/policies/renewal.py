r"""Exact best-of-family search for :math:`(s, S)` and :math:`(s, Q)` by renewal formulas.

Where the inventory position after ordering is a renewal (or uniform) process, the long-run
average cost of every member of these families has a closed form, so the tuners can
enumerate every candidate inside bounds that provably contain the best one, instead of a
local search that may stop at a poor local optimum.

Applies to ``InventoryBackorder-v0`` (any fixed lead time :math:`L`: the textbook reduction
to the inventory position, the one-period cost :math:`G(y) = h\,E(y - D^{(L+1)})^+ +
p\,E(D^{(L+1)} - y)^+` and :math:`c` per unit demanded) and, for :math:`(s, S)`, to
``InventoryLostSales-v0`` with :math:`L = 0` (the position is the stock, :math:`G(y) = h\,
E(y - D)^+ + p\,E(D - y)^+ + c\,E\min(D, y)`), both with i.i.d. demand of known
distribution and unlimited capacity. The demand is cut at its :math:`1 - 10^{-12}` quantile
like the Markov chains of :mod:`gym_inventory.policies.markov`, so the costs agree with
:func:`~gym_inventory.policies.exact_average_cost` to round-off.

:math:`(s, S)`, ordering when :math:`IP \le s` (Zheng & Federgruen 1991, "Finding optimal
(s, S) policies is about as simple as evaluating a single policy", *Operations Research*
39(4), eqs. (2)-(3)): with :math:`m(0) = 1/(1 - p_0)`, :math:`m(j) = \sum_{l=1}^{j} p_l\,
m(j - l) / (1 - p_0)` and :math:`M(n) = \sum_{j<n} m(j)`,

.. math:: c(s, S) = \frac{K + \sum_{j=0}^{S-s-1} m(j)\,G(S - j)}{M(S - s)}.

For a quasi-convex :math:`G` with minimiser :math:`y^*` and any upper bound :math:`\bar c`
on the optimal cost, the optimum satisfies :math:`G(s^*) \ge c^* \ge G(s^* + 1)` and
:math:`S^* \le \max\{y \ge y^* : G(y) \le c^*\}` (their Lemma 2 and Theorem 1 bounds), so
:math:`\max\{y < y^* : G(y) \ge \bar c\} \le s^* < S^* \le \max\{y \ge y^* : G(y) \le
\bar c\}`; every pair in that box is evaluated.

:math:`(s, nQ)` with backorders: the position after ordering is uniform on
:math:`s+1, \dots, s+Q` (the position chain is doubly stochastic; irreducible when the
demand's support has greatest common divisor 1), so :math:`c(s, Q) = \frac1Q
\sum_{y=s+1}^{s+Q} G(y) + \frac KQ \sum_{k=1}^{Q} P(D \ge k)`. For convex :math:`G` the
best window average :math:`\min_s \frac1Q\sum G` does not decrease with :math:`Q`, so the
search over :math:`Q` stops once it exceeds the best cost found.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gym_inventory.policies.markov import DEMAND_TAIL

__all__ = ["RenewalModel", "best_s_Q", "best_s_S", "renewal_model"]

#: Widest box of candidate levels searched (bounds the work; wider falls back to local search).
MAX_WIDTH = 20_000


@dataclass(frozen=True)
class RenewalModel:
    """One-period costs of a configuration with a renewal formula (see module doc).

    ``pmf`` is the one-period demand (tail on its last point), ``G(y)`` the expected
    period cost at position ``y`` after ordering (unit cost included), ``y_star`` its
    minimiser, ``K`` the fixed cost, ``lost`` whether sales are lost (then ``s >= 0``),
    ``max_order`` the env's largest order.
    """

    pmf: np.ndarray
    pmf_L: np.ndarray
    h: float
    p: float
    c: float
    K: float
    lost: bool
    max_order: int
    y_star: int

    def G(self, y: np.ndarray) -> np.ndarray:
        y = np.asarray(y, dtype=np.int64)
        pmf = self.pmf_L
        d = np.arange(len(pmf))
        below = np.concatenate([[0.0], np.cumsum(pmf)])  # P(D < k)
        part = np.concatenate([[0.0], np.cumsum(d * pmf)])  # E[D; D < k]
        k = np.clip(y, 0, len(pmf))
        emin = part[k] + y * (1.0 - below[k])  # E min(D, y); y itself when y < 0
        mean_L = float(d @ pmf)  # mean demand over L + 1 periods
        if self.lost:
            # lost sales, L = 0: c per unit sold, so the cost is that of the penalty p - c
            return self.h * (y - emin) + (self.p - self.c) * (mean_L - emin) + self.c * mean_L
        # backorders: every unit demanded is ordered once, c per period's mean demand
        mean = float(np.arange(len(self.pmf)) @ self.pmf)
        return self.h * (y - emin) + self.p * (mean_L - emin) + self.c * mean

    def renewal_m(self, n: int) -> np.ndarray:
        """Zheng & Federgruen's :math:`m(0..n-1)` (expected periods at :math:`S - j`)."""
        pk = np.zeros(n)
        k = min(n, len(self.pmf))
        pk[:k] = self.pmf[:k]
        m = np.empty(n)
        q = 1.0 - pk[0]
        m[0] = 1.0 / q
        for j in range(1, n):
            m[j] = pk[1 : j + 1] @ m[j - 1 :: -1] / q
        return m


def renewal_model(view) -> RenewalModel | None:
    """The :class:`RenewalModel` of an env configuration, or ``None`` where no renewal
    formula applies (lost sales with :math:`L > 0`, a stochastic lead time, finite
    capacity, non-stationary demand, ``holding_cost = 0``, ...)."""
    from gym_inventory.policies.tuning import exact_supported

    if not exact_supported(view):
        return None
    cfg = view.config
    lost = not cfg.backlog
    if lost and cfg.lead_time != 0:
        return None
    h, p, c = cfg.holding_cost, cfg.penalty_cost, cfg.unit_cost
    if h <= 0 or (p - c if lost else p) <= 0:
        return None  # G is not bounded on both sides: the family may have no best member
    dist = view.demand.distribution(0)
    dmax = int(dist.ppf(1.0 - DEMAND_TAIL))
    pmf = dist.pmf(np.arange(dmax + 1))
    pmf[-1] += float(dist.sf(dmax))
    if pmf[0] >= 1.0:
        return None
    pmf_L = pmf
    for _ in range(cfg.lead_time if not lost else 0):
        pmf_L = np.convolve(pmf_L, pmf)
    model = RenewalModel(pmf, pmf_L, h, p, c, cfg.fixed_cost, lost, view.max_order, 0)
    ys = np.arange(len(pmf_L) + 1)
    y_star = int(ys[np.argmin(model.G(ys))])
    return RenewalModel(pmf, pmf_L, h, p, c, cfg.fixed_cost, lost, view.max_order, y_star)


def _level_bounds(model: RenewalModel, c_bar: float) -> tuple[int, int] | None:
    # lo = max{y < y*: G(y) >= c_bar} (<= s*), hi = max{y >= y*: G(y) <= c_bar} (>= S*):
    # G is convex, so grow a window around y* until both ends are outside the level set.
    w = 16
    while w <= MAX_WIDTH:
        y = np.arange(model.y_star - w, model.y_star + w + 1)
        g = model.G(y)
        if g[0] >= c_bar and g[-1] > c_bar:
            left = y < model.y_star
            lo = int(y[left & (g >= c_bar)].max())
            hi = int(y[(y >= model.y_star) & (g <= c_bar)].max())
            return lo, hi
        w *= 2
    return None


def best_s_S(model: RenewalModel) -> tuple[int, int, float, int] | None:
    """The best :math:`(s, S)` and its average cost, by enumerating the box of the module
    doc. Returns ``(s, S, cost, pairs evaluated)``, or ``None`` when the box is too wide.

    Only pairs the env carries out as such are candidates: every order (at most
    :math:`S - s - 1 + d_{max}` with backorders, :math:`S` with lost sales) within
    ``max_order``."""
    y0 = model.y_star
    # an upper bound on c*: (y* - 1, y*), order up to y* whenever the position drops
    c_bar = float((model.K + model.renewal_m(1)[0] * model.G(y0)) / model.renewal_m(1)[0])
    box = _level_bounds(model, c_bar)
    if box is None:
        return None
    lo, hi = box[0] - 1, box[1] + 1  # one unit of slack against ties and round-off
    if model.lost:
        lo = max(lo, 0)  # with lost sales the stock never drops below 0
    # only pairs whose every order fits in max_order (the env would cut a larger one): an
    # order is at most S - (s + 1 - dmax) with backorders, S with lost sales
    dmax = len(model.pmf) - 1
    gap_max = hi - lo if model.lost else min(hi - lo, model.max_order + 1 - dmax)
    if model.lost:
        hi = min(hi, model.max_order)
    m = model.renewal_m(max(gap_max, 1))
    Mn = np.cumsum(m)  # M(1..n)
    best = (math.inf, 0, 0)
    pairs = 0
    for S in range(y0, hi + 1):
        k = min(S - lo, gap_max)  # s = S - 1 .. S - k, i.e. S - s = 1 .. k
        if k <= 0:
            continue
        cost = (model.K + np.cumsum(m[:k] * model.G(S - np.arange(k)))) / Mn[:k]
        i = int(np.argmin(cost))
        pairs += k
        if cost[i] < best[0] - 1e-12:
            best = (float(cost[i]), S - (i + 1), S)
    if best[0] == math.inf or (gap_max < hi - lo and best[2] - best[1] >= gap_max):
        return None  # no candidate, or max_order binds at the best: the box proves nothing
    if model.lost:
        # s = -1 never orders (the stock never drops below 0): cost G(0) from the empty system
        never = float(model.G(np.array([0]))[0])
        if never < best[0] - 1e-12:
            best = (never, -1, max(y0, 1))
    cost, s, S = best
    return s, S, cost, pairs


def best_s_Q(model: RenewalModel, max_Q: int) -> tuple[int, int, float, int] | None:
    """The best :math:`(s, nQ)` with backorders and ``Q <= max_Q``, by the uniform formula
    of the module doc. Returns ``(s, Q, cost, pairs evaluated)``, or ``None`` when the
    formula does not apply (lost sales, a demand whose support has a common divisor > 1).

    For each :math:`Q` the fixed-cost term does not depend on :math:`s`, and the window
    :math:`s+1..s+Q` of least total :math:`G` contains :math:`y^*` (:math:`G` convex), so
    the :math:`Q` windows through :math:`y^*` are compared.
    """
    support = np.flatnonzero(model.pmf > 0)
    if model.lost or math.gcd(*support.tolist()) != 1:
        return None
    dmax = len(model.pmf) - 1
    ge = np.zeros(max_Q + 2)  # P(D >= k), k = 0..max_Q + 1
    tail = np.concatenate([np.cumsum(model.pmf[::-1])[::-1], [0.0]])
    k = min(len(ge), len(tail))
    ge[:k] = tail[:k]
    y0 = model.y_star
    best = (math.inf, 0, 0)
    pairs = 0
    for Q in range(1, max_Q + 1):
        if dmax - 1 + Q > model.max_order:
            break  # an order can reach dmax - 1 + Q units: beyond it the env would cut it
        y = np.arange(y0 - Q + 1, y0 + Q)
        csum = np.concatenate([[0.0], np.cumsum(model.G(y))])
        avg = (csum[Q:] - csum[:-Q]) / Q  # window y[i] .. y[i] + Q - 1: s = y[i] - 1
        i = int(np.argmin(avg))
        pairs += len(avg)
        if avg[i] >= best[0]:
            break  # the best window average only grows with Q, the fixed-cost term is >= 0
        cost = float(avg[i] + model.K * ge[1 : Q + 1].sum() / Q)
        if cost < best[0] - 1e-12:
            best = (cost, int(y[i]) - 1, Q)
    if best[0] == math.inf:
        return None
    cost, s, Q = best
    return s, Q, cost, pairs
