"""The exact optimal policy of the benchmark variants, and exact evaluation of any policy.

:func:`solve_optimal` runs average-cost relative value iteration on the truncated Markov
decision process of :mod:`gym_inventory.policies.markov`, read from the same env
configuration the env uses, and enlarges the truncation until it does not bind.
:func:`exact_average_cost` evaluates any :class:`Policy` on the same chain.

Examples
--------
>>> from gym_inventory.policies import solve_optimal
>>> sol = solve_optimal("InventoryLostSales-v0", lead_time=1, penalty_cost=4)
>>> round(sol.average_cost, 2)
4.04
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import sparse

from gym_inventory.core.config import check_int
from gym_inventory.errors import ConfigError
from gym_inventory.policies.base import EnvView, Policy
from gym_inventory.policies.markov import (
    ChainSpace,
    check_tol,
    relative_value_iteration,
    stationary_distribution,
)

__all__ = [
    "ExactCost",
    "OptimalPolicy",
    "OptimalSolution",
    "exact_average_cost",
    "newsvendor_level",
    "solve_optimal",
]


def critical_ratio(view: EnvView) -> float:
    """The newsvendor ratio :math:`p/(p+h)` (0 when both costs are 0)."""
    cfg = view.config
    total = cfg.penalty_cost + cfg.holding_cost
    return cfg.penalty_cost / total if total > 0 else 0.0


def newsvendor_level(view: EnvView, periods: int | None = None) -> int:
    r"""Critical-fractile level: the smallest :math:`S` with :math:`P(D^{(n)} \le S) \ge
    p/(p+h)`, :math:`D^{(n)}` the demand over ``n = periods`` periods (default
    :math:`L+1`). The optimal base-stock level of the backorder model."""
    cfg = view.config
    n = cfg.max_lead_time + 1 if periods is None else periods
    ratio = critical_ratio(view)
    dist = view.demand.distribution(0)
    dmax = int(dist.ppf(1 - 1e-12))
    pmf1 = dist.pmf(np.arange(dmax + 1))
    pmf = np.ones(1)
    for _ in range(n):
        pmf = np.convolve(pmf, pmf1)
    return int(np.searchsorted(np.cumsum(pmf), ratio - 1e-12))


#: Largest stationary probability of a transition cut at the lower truncation (backorders).
LUMP_TOL = 1e-10


def _lumped_mass(space: ChainSpace, P_sub: sparse.csr_matrix, y: np.ndarray) -> float:
    # Stationary probability of a transition below ``low`` (put on ``low``).
    lumped = space.lumped(y)
    if not lumped.any():
        return 0.0
    return float(stationary_distribution(P_sub) @ lumped)


def initial_max_position(view: EnvView) -> int:
    """First truncation of the inventory position: the newsvendor level + 1, plus an EOQ
    when ``fixed_cost > 0``.

    By Morton's bound (lost sales) and base-stock optimality (backorders), with c = K = 0
    the optimal position after ordering never exceeds the newsvendor level; the one more
    unit lets the reachability check see whether the bound binds.
    """
    cfg = view.config
    m = newsvendor_level(view) + 1
    if cfg.fixed_cost > 0:
        mean = float(view.demand.distribution(0).mean())
        m += math.ceil(math.sqrt(2 * cfg.fixed_cost * mean / max(cfg.holding_cost, 1e-9)))
    return max(m, 1)


def _check_max_position(value: Any) -> int | None:
    # None (automatic) or an int >= 1: positions 0..max_position are represented.
    return None if value is None else check_int("max_position", value, low=1)


@dataclass
class ExactCost:
    """Exact long-run average cost of a policy (Markov-chain evaluation).

    ``lower <= average_cost <= upper`` are the value-iteration bounds.
    """

    average_cost: float
    lower: float
    upper: float
    max_position: int
    n_states: int


def exact_average_cost(
    policy: Policy, *, max_position: int | None = None, tol: float = 1e-10
) -> ExactCost:
    """Long-run average cost of ``policy`` from the empty system, computed exactly.

    The chain merges the stock on hand with the order arriving next (they meet before
    demand, so the future is the same): each merged state is shown to the policy once, as
    the observation ``[on hand + pipeline_0, 0, pipeline_1, ...]``. The result is exact for
    policies whose order depends on those two only through their sum (every rule here, the
    optimal policy, :class:`gym_inventory.learning.LearnedPolicy`); for any other policy it
    is the cost of the policy that always acts as on that merged observation.

    Parameters
    ----------
    policy : Policy
        A policy built for ``InventoryLostSales-v0`` or ``InventoryBackorder-v0``.
    max_position : int, optional
        First truncation of the inventory position, an int >= 1 (default: the policy's
        own bound or the newsvendor level), enlarged while any state reachable from the
        empty system would need more.
    tol : float
        Relative gap of the value-iteration bounds at which to stop, in (0, 1).

    Raises
    ------
    ConfigError
        For an invalid argument, or if the policy's position is unbounded.
    """
    if not isinstance(policy, Policy):
        raise ConfigError(
            f"policy must be a gym_inventory.policies.Policy (it knows its env), got {policy!r}"
        )
    M = _check_max_position(max_position)
    tol = check_tol(tol)
    view = policy.env
    M = M or policy.position_bound() or initial_max_position(view)
    low = None
    for _ in range(12):
        space = ChainSpace(view, M, low)
        pos = space.position()
        act = np.asarray(policy.act(space.observations()), dtype=np.int64)
        room = M - pos
        a = np.minimum(act, np.maximum(room, 0))
        P, cost, *_ = space.rows(a)
        reach = space.reachable(P)
        if (act[reach] > room[reach]).any():
            M = int(max(M + max(5, M // 2), (pos + act)[reach].max()))
            continue
        idx = np.flatnonzero(reach)
        sub = sparse.csr_matrix(P[idx][:, idx])
        if space.backlog and _lumped_mass(space, sub, (pos + a)[idx]) > LUMP_TOL:
            low = space.low - len(space.pmf)
            continue
        res = relative_value_iteration(sub, cost[idx], tol=tol)
        return ExactCost(res.gain, res.lower, res.upper, M, len(idx))
    raise ConfigError(
        f"{policy!r} lets the inventory position grow without bound; it cannot be "
        "evaluated exactly (use simulation)"
    )


class OptimalPolicy(Policy):
    """The optimal policy: a look-up of the solver's action table.

    States outside the table (a position above ``max_position``, which the optimal
    policy never creates) order nothing; with backorders a position below the table
    orders up to the level chosen at the table's lowest position.
    """

    param_names = ()

    def __init__(self, solution: OptimalSolution) -> None:
        super().__init__(solution.env_id, **solution.env_kwargs)
        self.solution = solution
        self._space = solution.space
        self._actions = solution.actions

    def describe(self) -> str:
        t = self.solution.truncation
        return f"table of {len(self._actions)} states, position <= {t['max_position']}"

    def order(self, obs: np.ndarray) -> np.ndarray:
        sp = self._space
        idx = sp.state_of(obs)
        out = np.where(idx >= 0, self._actions[idx], 0).astype(np.float64)
        if sp.backlog:
            ip = np.rint(obs.sum(axis=1))
            below = ip < sp.low
            out[below] = sp.low + self._actions[0] - ip[below]
        return out

    def position_bound(self) -> int | None:
        return self._space.M


@dataclass
class OptimalSolution:
    """Result of :func:`solve_optimal`.

    Attributes
    ----------
    average_cost : float
        Optimal long-run average cost per period (midpoint of ``lower``/``upper``).
    lower, upper : float
        Value-iteration bounds on it (their gap is below the tolerance).
    states : ndarray, shape (n_states, dim)
        The truncated states: ``(y, q_1, ..., q_{L-1})`` for lost sales (``y`` = on hand
        + the arrival due now; ``(x,)`` when ``L = 0``), ``(inventory position,)`` for
        backorders.
    actions : ndarray, shape (n_states,)
        The optimal order in each state (the smallest optimal one).
    action_table : ndarray
        The same as a dense array indexed by the state's coordinates (lost sales:
        shape ``(M+1,)*dim``, -1 outside the truncation; backorders: indexed by
        ``position - low``).
    truncation : dict
        ``max_position``, ``low`` (backorders), ``enlarged`` (times the truncation was
        enlarged because it bound), ``binding`` (False once solved), ``demand_tail``
        (demand probability cut off), ``max_order_binding``.
    policy : OptimalPolicy
        A :class:`Policy` playing the table in the env.
    """

    env_id: str
    env_kwargs: dict[str, Any]
    average_cost: float
    lower: float
    upper: float
    states: np.ndarray
    actions: np.ndarray
    truncation: dict[str, Any]
    iterations: int
    seconds: float
    space: ChainSpace = field(repr=False)
    policy: OptimalPolicy = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.policy = OptimalPolicy(self)

    @property
    def action_table(self) -> np.ndarray:
        if self.space.backlog:
            return self.actions.copy()
        table = np.full(self.space.index.shape, -1, dtype=np.int64)
        table[tuple(self.states.T)] = self.actions
        return table


def solve_optimal(
    env_id: str = "InventoryLostSales-v0",
    *,
    max_position: int | None = None,
    tol: float = 1e-9,
    **env_kwargs: Any,
) -> OptimalSolution:
    """Optimal long-run average cost and policy of a benchmark variant, exactly.

    Parameters
    ----------
    env_id : str
        ``"InventoryLostSales-v0"`` or ``"InventoryBackorder-v0"``.
    max_position : int, optional
        First truncation of the inventory position, an int >= 1 (default: newsvendor
        level over :math:`L+1` periods + 1, plus an EOQ when ``fixed_cost > 0``);
        enlarged automatically while it binds.
    tol : float
        Relative gap of the value-iteration bounds at which to stop, in (0, 1).
    **env_kwargs
        The env's keyword arguments (fixed ``lead_time``, stationary demand with a
        closed-form distribution, ``capacity=inf``).

    Raises
    ------
    ConfigError
        For an invalid argument or an unsupported configuration (the message names it).
    """
    t0 = time.perf_counter()
    M = _check_max_position(max_position)
    tol = check_tol(tol)
    view = EnvView.from_env(env_id, **env_kwargs)
    M = M or initial_max_position(view)
    low = None
    enlarged = iterations = 0
    while True:
        space = ChainSpace(view, M, low)
        P, cost, _, a, seg = space.rows()
        res = relative_value_iteration(P, cost, seg, tol=tol)
        iterations += res.iterations
        act = a[res.choice]
        reach = space.reachable(P[res.choice])
        pos = space.position()
        if (pos[reach] + act[reach] >= M).any():
            M += max(2, M // 4)
        elif (
            space.backlog
            and _lumped_mass(
                space, sparse.csr_matrix(P[res.choice][reach][:, reach]), (pos + act)[reach]
            )
            > LUMP_TOL
        ):
            low = space.low - len(space.pmf)
        else:
            break
        enlarged += 1
    truncation = dict(
        max_position=M,
        low=space.low if space.backlog else 0,
        enlarged=enlarged,
        binding=False,
        demand_tail=space.tail,
        max_order_binding=bool((act[reach] >= view.max_order).any()),
    )
    return OptimalSolution(
        env_id=env_id,
        env_kwargs=dict(env_kwargs),
        average_cost=res.gain,
        lower=res.lower,
        upper=res.upper,
        states=space.states,
        actions=act,
        truncation=truncation,
        iterations=iterations,
        seconds=time.perf_counter() - t0,
        space=space,
    )
