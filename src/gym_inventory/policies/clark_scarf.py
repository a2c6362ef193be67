r"""The exact optimum of a serial supply chain with backorders (Clark & Scarf 1960).

A serial chain of ``N`` stages (stage 0 the retailer, stage ``N-1`` the top, supplied by an
unlimited outside supplier), i.i.d. integer demand at the retailer, backorders, linear
holding and penalty costs and no ordering costs: an echelon base-stock policy is optimal, and
its levels follow from one-dimensional recursions (Clark & Scarf 1960, in the form of Chen &
Zheng 1994, "Lower bounds for multi-echelon stochastic inventory systems", Management
Science 40(11)). :func:`solve_serial` computes them, exactly on a truncated demand support
with a stated bound on the truncation error; :meth:`SerialSystem.cost` evaluates any vector
of echelon levels the same way.

**The period** is that of :mod:`gym_inventory.multi.supply_chain_v0`: link ``i`` brings stock
into stage ``i`` with lead time :math:`L_i \ge 0` (shipped in period :math:`t`, it arrives at
the start of :math:`t+L_i`, before demand). Period :math:`t`: arrivals; every stage orders;
shipping from the top down (stage :math:`i+1` ships :math:`\min(\text{on hand}, \text{owed}
+ \text{order}_i)`); demand at the retailer, the rest backlogged; costs: :math:`h_i` per unit
on hand at stage :math:`i` at the end of the period (installation holding, own stock only,
nothing for stock in transit) and :math:`p` per unit backlogged at the retailer.

**The recursion.** Echelon holding rates :math:`h^e_i = h_i - h_{i+1}` (:math:`h_N = 0`),
:math:`\mu` the mean demand, :math:`D^{(n)}` the demand of :math:`n` periods, :math:`X_i` the
echelon stock of stage :math:`i` plus its inbound pipeline after shipping:

.. math::

    G_0(y) &= h^e_0\,(y - (L_0+1)\mu) + (p + h_0)\,E[(D^{(L_0+1)} - y)^+] \\
    G_i(y) &= h^e_i\,(y - (L_i+1)\mu) + E[G_{i-1}(\min(S_{i-1}, y - D^{(L_i)}))],
    \quad S_i = \arg\min_y G_i(y).

:math:`G_{N-1}(S_{N-1})` is the cost per period with stock in transit on link :math:`i`
charged at the upstream rate :math:`h_{i+1}` (the Chen–Zheng accounting). Ours charges
nothing in transit; in steady state link :math:`i` holds :math:`L_i\mu` units in transit
on average, so

.. math::

    C_{\text{ours}} = C_{\text{CZ}} - \mu \sum_{i=0}^{N-2} h_{i+1} L_i .

Snyder & Shen ("Fundamentals of Supply Chain Theory", §6.2; stockpyl's ``ssm_serial``) write
the same recursion with :math:`E[h_j(y - D_j)]` and :math:`D_j` the demand of :math:`L_j`
periods at every stage: their instance with lead times :math:`(L^{SS}_1, \dots, L^{SS}_N)`
is ours with :math:`L_0 = L^{SS}_1 - 1` and :math:`L_i = L^{SS}_{i+1}`, the same optimal
levels, and :math:`C_{SS} = C_{\text{CZ}} + \mu h_1` (their upper echelons are charged before
the period's demand).

Examples
--------
>>> sol = solve_serial(5.0, lead_times=(0, 1, 2), holding_costs=(7, 4, 2), penalty_cost=37.12)
>>> sol.levels
(9, 15, 26)
>>> round(sol.average_cost, 4), round(sol.snyder_shen_cost, 4)
(42.0467, 72.0467)
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gym_inventory.core.config import MAX_QUANTITY, check_int, check_real
from gym_inventory.demand.base import DemandSource
from gym_inventory.demand.parametric import DiscreteDemand, PoissonDemand
from gym_inventory.errors import ConfigError

__all__ = ["SerialCost", "SerialSolution", "SerialSystem", "solve_serial"]

#: Largest number of stages.
MAX_STAGES = 64
#: Largest grid of echelon positions the recursion may use (memory and time).
MAX_GRID = 2_000_000


def _frozen_distribution(demand: Any) -> Any:
    """A frozen scipy.stats distribution on the non-negative integers, from ``demand``."""
    if isinstance(demand, numbers.Real) and not isinstance(demand, bool):
        return PoissonDemand(demand).distribution(0)
    if isinstance(demand, DemandSource):
        if not demand.stationary:
            raise ConfigError(f"demand must be stationary (i.i.d.), got {demand!r}")
        try:
            return demand.distribution(0)
        except NotImplementedError as exc:
            raise ConfigError(f"demand {demand!r} has no closed-form distribution") from exc
    if isinstance(demand, (Sequence, np.ndarray)) and not isinstance(demand, str):
        return DiscreteDemand(list(np.asarray(demand, dtype=np.float64).ravel())).distribution(0)
    dist = getattr(demand, "dist", None)
    if dist is None or not hasattr(demand, "pmf"):
        raise ConfigError(
            "demand must be a Poisson mean, a pmf over 0, 1, ..., a stationary DemandSource or "
            f"a frozen scipy.stats discrete distribution, got {demand!r}"
        )
    from scipy import stats

    if not isinstance(dist, stats.rv_discrete):
        raise ConfigError(f"demand must be a discrete distribution, got {demand!r}")
    lo = demand.support()[0]
    if lo < 0 or not np.isfinite(lo):
        raise ConfigError(f"demand must be supported on the non-negative integers, got {demand!r}")
    return demand


def _check_seq(name: str, values: Any, n: int | None, check: Any) -> tuple:
    if isinstance(values, (str, bytes)) or not isinstance(values, (Sequence, np.ndarray)):
        raise ConfigError(f"{name} must be a sequence (one entry per stage), got {values!r}")
    vals = list(values)
    if not 1 <= len(vals) <= MAX_STAGES:
        raise ConfigError(f"{name} must have 1 to {MAX_STAGES} entries, got {len(vals)}")
    if n is not None and len(vals) != n:
        raise ConfigError(f"{name} must have one entry per stage ({n}), got {len(vals)}")
    return tuple(check(f"{name}[{i}]", v) for i, v in enumerate(vals))


@dataclass(frozen=True)
class SerialCost:
    """Expected cost per period of an echelon base-stock policy (:meth:`SerialSystem.cost`).

    Attributes
    ----------
    average_cost : float
        Under the package's convention (nothing charged in transit).
    clark_scarf_cost : float
        With stock in transit on link ``i`` charged at ``h[i+1]`` (Chen–Zheng).
    snyder_shen_cost : float
        As Snyder & Shen / stockpyl report it for the converted instance.
    error_bound : float
        Bound on the truncation error of each figure.
    """

    average_cost: float
    clark_scarf_cost: float
    snyder_shen_cost: float
    error_bound: float


@dataclass(frozen=True)
class SerialSolution(SerialCost):
    """The optimum of :func:`solve_serial` (the fields of :class:`SerialCost`, and more).

    Attributes
    ----------
    levels : tuple of int
        Optimal echelon base-stock levels, retailer first (non-decreasing: a level above the
        one upstream of it never binds and is lowered to it).
    local_levels : tuple of int
        ``levels[i] - levels[i-1]``: the stock each stage adds (``levels[0]`` for the
        retailer).
    system : SerialSystem
        The instance solved.
    """

    levels: tuple[int, ...] = ()
    local_levels: tuple[int, ...] = ()
    system: SerialSystem | None = field(default=None, repr=False)


@dataclass(frozen=True, eq=False)
class SerialSystem:
    """A serial chain: demand, lead times, installation holding costs, penalty.

    Parameters
    ----------
    demand : float, sequence, DemandSource or scipy.stats frozen discrete distribution
        I.i.d. demand per period at the retailer: a Poisson mean, a pmf over ``0, 1, ...``,
        a stationary :class:`~gym_inventory.demand.DemandSource` or any frozen discrete
        distribution on the non-negative integers.
    lead_times : sequence of int
        ``L_i >= 0`` of the link into stage ``i`` (retailer first; the last is the top's
        supply lead time).
    holding_costs : sequence of float
        Installation holding cost ``h_i`` per unit on hand per period, retailer first,
        non-increasing upstream (echelon rates ``h_i - h_{i+1} >= 0``) with ``h_0 > 0``.
    penalty_cost : float
        ``p > 0`` per unit backlogged at the retailer per period.
    tol : float
        Largest truncation error allowed (in cost per period), in (0, 1).
    """

    demand: Any
    lead_times: tuple[int, ...]
    holding_costs: tuple[float, ...]
    penalty_cost: float
    tol: float = 1e-9
    pmf: np.ndarray = field(init=False, repr=False, compare=False)
    tail_loss: float = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        dist = _frozen_distribution(self.demand)
        L = _check_seq("lead_times", self.lead_times, None, check_int)
        h = _check_seq("holding_costs", self.holding_costs, len(L), check_real)
        if any(v > MAX_QUANTITY for v in L):
            raise ConfigError(f"lead_times must be <= {MAX_QUANTITY}, got {list(L)}")
        p = check_real("penalty_cost", self.penalty_cost, low=0.0, low_inclusive=False)
        tol = check_real("tol", self.tol, low=0.0, high=1.0, low_inclusive=False)
        if h[0] <= 0:
            raise ConfigError(f"holding_costs[0] (the retailer's) must be > 0, got {h[0]!r}")
        for i in range(len(h) - 1):
            if h[i + 1] > h[i]:
                raise ConfigError(
                    f"holding_costs must not increase upstream (echelon holding cost "
                    f"h[{i}] - h[{i + 1}] >= 0), got {list(h)}"
                )
        object.__setattr__(self, "lead_times", L)
        object.__setattr__(self, "holding_costs", h)
        object.__setattr__(self, "penalty_cost", p)
        object.__setattr__(self, "tol", tol)
        self._truncate(dist)

    def _truncate(self, dist: Any) -> None:
        # Demand D is replaced by min(D, M): the cost of any level vector moves by at most
        # (p + 3 h_0) (sum L + 1) E[(D - M)^+] (each of the sum L + 1 demands a cost term
        # depends on enters it with slope <= p + 2 h_0, the pipeline constant with <= h_0).
        slope = (self.penalty_cost + 3 * self.holding_costs[0]) * (sum(self.lead_times) + 1)
        top = 16
        while dist.sf(top) > 1e-16:  # (scipy's ppf can take minutes on heavy tails)
            top *= 2
            if top > MAX_GRID:
                raise ConfigError(f"demand {self.demand!r} has too wide a support for the grid")
        k = np.arange(2 * top + 64)
        sf = dist.sf(k)  # P(D > k)
        loss = np.cumsum(sf[::-1])[::-1]  # loss[M] = E[(D - M)^+] (tail beyond 2 top ignored)
        ok = np.flatnonzero(slope * loss <= self.tol)
        if len(ok) == 0:
            raise ConfigError(f"demand {self.demand!r} has too heavy a tail for tol={self.tol}")
        M = max(int(ok[0]), 1)
        pmf = dist.pmf(np.arange(M + 1))
        pmf[M] = sf[M - 1]  # P(D >= M) on M
        object.__setattr__(self, "pmf", pmf / pmf.sum())
        object.__setattr__(self, "tail_loss", float(loss[M]))
        grid = M * (2 * sum(self.lead_times) + 1)
        if grid > MAX_GRID:
            raise ConfigError(
                f"the instance needs a grid of {grid} positions (largest demand {M} x lead "
                f"times {list(self.lead_times)}); at most MAX_GRID = {MAX_GRID} are allowed"
            )

    @property
    def n_stages(self) -> int:
        return len(self.lead_times)

    @property
    def mean_demand(self) -> float:
        """Mean of the (truncated) demand per period."""
        return float(np.arange(len(self.pmf)) @ self.pmf)

    @property
    def echelon_holding_costs(self) -> tuple[float, ...]:
        h = (*self.holding_costs, 0.0)
        return tuple(h[i] - h[i + 1] for i in range(self.n_stages))

    @property
    def pipeline_constant(self) -> float:
        r""":math:`\mu \sum_{i<N-1} h_{i+1} L_i`: Chen–Zheng cost minus ours."""
        h, L = self.holding_costs, self.lead_times
        return self.mean_demand * sum(h[i + 1] * L[i] for i in range(self.n_stages - 1))

    @property
    def error_bound(self) -> float:
        """Bound on the truncation error of every cost this system reports."""
        slope = (self.penalty_cost + 3 * self.holding_costs[0]) * (sum(self.lead_times) + 1)
        return slope * self.tail_loss

    def demand_pmf(self, periods: int) -> np.ndarray:
        """pmf of the (truncated) demand over ``periods`` periods, on ``0, 1, ...``."""
        out = np.ones(1)
        for _ in range(periods):
            out = np.convolve(out, self.pmf)
        return out

    def _recursion(self, levels: Sequence[int] | None) -> tuple[list[int], float]:
        # G_i on one integer grid y = lo + k; G_i is exact from index valid[i] on.
        N, L, mu = self.n_stages, self.lead_times, self.mean_demand
        he, h0, p = self.echelon_holding_costs, self.holding_costs[0], self.penalty_cost
        M = len(self.pmf) - 1
        given = [] if levels is None else list(levels)
        hi = max([M * (sum(L) + 1), *given]) + 1
        lo = min([-1, *given]) - M * sum(L[1:])
        y = np.arange(lo, hi + 1, dtype=np.float64)
        pmf0 = self.demand_pmf(L[0] + 1)
        d = np.arange(len(pmf0))
        # E[(D - y)^+] for every y of the grid (D <= (L_0 + 1) M <= hi)
        over = np.maximum(d[None, :] - y[:, None], 0.0) @ pmf0
        G = he[0] * (y - (L[0] + 1) * mu) + (p + h0) * over
        start, S = 0, []
        for i in range(N):
            if i > 0:
                S_prev = S[-1]
                k_prev = int(S_prev - lo)
                ghat = np.where(np.arange(len(y)) >= k_prev, G[k_prev], G)[start:]
                pmf = self.demand_pmf(L[i])
                conv = np.convolve(ghat, pmf, mode="valid")
                start += len(pmf) - 1
                G = np.full(len(y), np.nan)
                G[start:] = he[i] * (y[start:] - (L[i] + 1) * mu) + conv
            if levels is not None:
                S.append(int(given[i]))
                if S[-1] - lo < start:
                    raise AssertionError("grid too short")  # pragma: no cover
                continue
            g = G[start:]
            best = g.min()
            # smallest minimiser (within rounding: with h^e_i = 0 G_i only flattens out)
            k = int(np.flatnonzero(g <= best + 1e-12 * max(1.0, abs(best)))[0])
            S.append(int(y[start + k]))
        return S, float(G[int(S[-1] - lo)])

    def _costs(self, cz: float) -> dict[str, float]:
        return dict(
            average_cost=cz - self.pipeline_constant,
            clark_scarf_cost=cz,
            snyder_shen_cost=cz + self.mean_demand * (*self.holding_costs, 0.0)[1],
            error_bound=self.error_bound,
        )

    def cost(self, levels: Sequence[int]) -> SerialCost:
        """Exact expected cost per period (steady state) of echelon base-stock ``levels``.

        ``levels`` are integers, retailer first, any order (a level above an upstream one
        acts as that one).
        """
        S = _check_seq("levels", levels, self.n_stages, lambda n, v: check_int(n, v, low=None))
        _, cz = self._recursion(S)
        return SerialCost(**self._costs(cz))

    def solve(self) -> SerialSolution:
        """Optimal echelon base-stock levels and their cost (see :func:`solve_serial`)."""
        S, cz = self._recursion(None)
        eff = [min(S[i:]) for i in range(len(S))]
        local = [eff[0]] + [eff[i] - eff[i - 1] for i in range(1, len(eff))]
        return SerialSolution(
            **self._costs(cz), levels=tuple(eff), local_levels=tuple(local), system=self
        )


def solve_serial(
    demand: Any,
    lead_times: Sequence[int],
    holding_costs: Sequence[float],
    penalty_cost: float,
    *,
    tol: float = 1e-9,
) -> SerialSolution:
    """Optimal echelon base-stock levels and expected cost per period of a serial chain.

    Parameters are those of :class:`SerialSystem` (stage 0 = retailer first in every
    sequence). The result is exact for demand truncated at a level ``M`` chosen so that
    every reported cost is within ``error_bound <= tol`` of the untruncated one.

    Returns
    -------
    SerialSolution
        ``levels`` (echelon, retailer first), ``average_cost`` (the package's convention),
        ``clark_scarf_cost`` (in-transit stock charged upstream), ``snyder_shen_cost``,
        ``error_bound``.

    Raises
    ------
    ConfigError
        For an invalid argument (the message names it).
    """
    return SerialSystem(demand, lead_times, holding_costs, penalty_cost, tol).solve()
