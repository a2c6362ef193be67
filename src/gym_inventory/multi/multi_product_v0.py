r"""``multi_product_v0``: many products of one store sharing a warehouse and a budget.

A PettingZoo environment (Parallel API native, AEC through ``parallel_to_aec``)::

    from gym_inventory.multi import multi_product_v0

    env = multi_product_v0.parallel_env(n_products=10)
    observations, infos = env.reset(seed=0)
    while env.agents:
        actions = {agent: env.action_space(agent).sample() for agent in env.agents}
        observations, rewards, terminations, truncations, infos = env.step(actions)

    aec = multi_product_v0.env(n_products=10)  # AEC, with the standard wrappers

PettingZoo's conventions: ``parallel_env``, ``env``, ``raw_env``, ``metadata["name"]``.
The env card is the docstring of :class:`MultiProductEnv`. Its parts: the products'
defaults (:mod:`~gym_inventory.multi.products`), the agents' spaces and action checks
(:mod:`~gym_inventory.multi.agents`), the infos (:mod:`~gym_inventory.multi.infos`), the
render frames (:mod:`~gym_inventory.multi.render`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from gymnasium.error import ResetNeeded
from gymnasium.utils import seeding

from gym_inventory.core.config import InventoryConfig, check_int
from gym_inventory.core.fields import PROFIT
from gym_inventory.demand.base import DemandSource
from gym_inventory.envs.store import HourlyStoreModel, StoreParams
from gym_inventory.errors import ActionError, ConfigError, require

require("pettingzoo", "multi", "gym_inventory.multi")

from pettingzoo.utils import wrappers  # noqa: E402
from pettingzoo.utils.conversions import parallel_to_aec  # noqa: E402

from gym_inventory.multi import render as _render  # noqa: E402
from gym_inventory.multi.agents import (  # noqa: E402
    AGENT_OBS_FIELDS,
    SHARED_OBS_FIELDS,
    ActionCheckWrapper,
    AgentArraysEnv,
    Agents,
)
from gym_inventory.multi.infos import INFO_FIELDS, AgentInfos  # noqa: E402
from gym_inventory.multi.products import (  # noqa: E402
    default_coupling,
    default_demand_sources,
    demand_sources,
    product_configs,
    weekly_means,
)

__all__ = [
    "AGENT_OBS_FIELDS",
    "INFO_FIELDS",
    "SHARED_OBS_FIELDS",
    "AgentInfos",
    "MultiProductEnv",
    "default_demand_sources",
    "env",
    "parallel_env",
    "raw_env",
    "weekly_means",
]

_OWN = len(AGENT_OBS_FIELDS) - len(SHARED_OBS_FIELDS)  # (the product's store entries)


class MultiProductEnv(AgentArraysEnv):
    r"""## Description

    ``n_products`` products of one online grocery store, managed hour by hour, each by its
    own agent (``product_0`` … ``product_{N-1}``, the most popular product first). Every
    product follows ``Inventory-v0``'s dynamics, but the products compete for **one
    warehouse** (a shared capacity) and **one ordering budget** per hour. Agents are
    cooperative by default: each receives the store's total profit.

    All products are stepped together by the shared kernel
    :class:`gym_inventory.core.InventoryKernel` (one copy, ``N`` products) through
    :class:`gym_inventory.envs.HourlyStoreModel`, the model behind ``Inventory-v0``. With
    ``n_products=1`` and a coupling that never binds, the env reproduces
    ``Inventory-v0``'s trajectory bit for bit for the same seed and arguments.

    ## The period (one step = one hour)

    The period of ``Inventory-v0`` with two coupling rules (applied by the kernel):

    1. Orders due this hour arrive (an order placed in hour $t$ with lead time $L$
       arrives at the start of hour $t + L$; with $L = 0$ the order placed in step 2
       arrives at once, before demand: the budget rule applies to it first). Arrivals
       serve the product's backlogged customers first (backorder mode); the rest goes
       into stock, each product accepting at most its own free ``capacity``.
       **Shared-capacity rule**: if these accepted arrivals $a_i$ exceed the warehouse's
       free space $F = C - \sum_i \text{on hand}_i$ (``shared_capacity`` $C$), product
       $i$ receives $\lfloor a_i F / \sum_j a_j \rfloor$ (proportional allocation) and
       the $F - \sum_i \lfloor a_i F / \sum_j a_j \rfloor$ leftover units of space go
       one each to the products with the largest fractional remainders (ties to the
       lower product index). So exactly $F$ units go into stock, never more, no product
       receives more than it was due, and each receives its proportional share to within
       one unit. Units not accepted are disposed of at ``disposal_cost`` per unit.
    2. The agents act: each product's order (``unit_cost`` $c_i$ per unit plus
       ``fixed_cost`` $K_i$ per order) and clearance sale are decoded from its action.
       **Budget rule**: if the orders $q_i$ cost more than ``budget`` $B$, i.e.
       $\sum_i c_i q_i + \sum_{i: q_i > 0} K_i > B$, every order is scaled by the same
       factor and rounded down, $q_i' = \lfloor q_i f \rfloor$ with
       $f = (B - \sum_{i: q_i > 0} K_i) / \sum_i c_i q_i$ clipped to $[0, 1]$; a
       product whose order rounds to zero pays no fixed cost; if the budget does not
       cover the fixed costs, nothing is ordered. Hence the money spent on orders never
       exceeds $B$, and orders that fit the budget are untouched.
    3. Clearance sales, then demand served from stock at ``price`` per unit.
    4. Unmet demand is lost (default) or backlogged (``backlog=True``).
    5. Holding cost on the stock left at the end of the hour; ``penalty_cost`` per unit
       lost (or backlogged at the end of the hour).

    ## Action Space

    Every agent has ``Inventory-v0``'s action space:

    * ``action_mode="order_hold_clear"`` (default): ``Discrete(3)``: 0 order ``order_quantity``
      units, 1 hold, 2 clearance sale of up to ``clearance_quantity`` units;
    * ``action_mode="quantity"``: ``Discrete(max_order + 1)``, the units to order;
    * ``action_mode="continuous"``: ``Box(0, 1, (1,), float32)``, the order as a
      fraction of ``max_order``, rounded half up.

    ``step`` needs one action for every live agent. A missing action, an unknown agent
    name or an action outside the agent's space raises
    :class:`gym_inventory.errors.ActionError` naming the agent; nothing is stepped and
    nothing is clipped. :meth:`step_arrays` takes all actions as one array of shape
    ``(N,)`` (``(N, 1)`` in continuous mode), in agent order, and returns the
    observations as one ``(N, 14)`` array; :meth:`reset_arrays` starts an episode the
    same way (the batched path builds no dicts).

    ## Observation Space

    Each agent sees ``Box(float32, (14,))``: its product's ``Inventory-v0`` observation
    (entries 0–10: on hand, in transit, backlog, last sales, last unmet demand, four
    cyclic time features of the coming hour, short and long demand moving averages) and
    three entries shared by all agents:

    | Num | Observation           | Min | Max       | Meaning |
    |-----|-----------------------|-----|-----------|---------|
    | 11  | warehouse utilisation | 0   | 1         | total on hand / ``shared_capacity`` (0 when unlimited) |
    | 12  | inbound utilisation   | 0   | unbounded | total in transit / ``shared_capacity`` (0 when unlimited) |
    | 13  | budget left           | 0   | 1         | share of last hour's ``budget`` not spent on orders (1 when unlimited or at reset) |

    ``state()`` is the global state ``Box(float32, (11 N + 3,))``: every product's 11
    entries (product-major), then the three shared entries.

    ## Rewards

    ``reward_mode="team"`` (default): every agent receives the hour's total profit of
    the store (a cooperative game). ``reward_mode="own"``: each agent receives its own
    product's profit (revenue minus ordering, holding, penalty and disposal costs).
    As in ``Inventory-v0``, the starting stock is bought: each product's
    ``initial_stock × unit_cost`` is part of its ``ordering`` in the first hour of every
    episode (no fixed cost; ``ordered`` is the agent's own order). The ``budget`` limits
    the agents' orders only, so that first hour's ``ordering`` may exceed it, and the
    "budget left" observation leaves the starting stock out.
    With ``agent_info=True`` (default) each agent's ``info`` carries its product's
    breakdown with ``Inventory-v0``'s keys plus ``requested`` (units its action asked
    for, before the budget rule), built when first read (``infos`` is an
    :class:`AgentInfos`, a ``dict``); with ``agent_info=False`` the infos are empty dicts
    (:meth:`last_infos` builds them on demand).

    ## Starting State

    ``initial_stock`` units of each product on hand, nothing in transit, no backlog,
    hour ``start_hour`` of the week, demand moving averages at each product's weekly
    mean.

    ## Episode End

    Agents never terminate. All agents are truncated together after ``max_cycles``
    steps (default 168, one week of hours), after which ``env.agents`` is empty.

    ## Arguments

    | argument | default | meaning |
    |---|---|---|
    | ``n_products`` | 10 | number of products / agents |
    | ``demand`` | :func:`default_demand_sources` | sequence of one ``DemandSource`` per product |
    | ``shared_capacity`` | auto | warehouse capacity in units; ``None``: ⌈24 h of the products' total mean demand⌉; ``math.inf``: none |
    | ``budget`` | auto | ordering budget per hour; ``None``: ⌈2 × Σ ``unit_cost`` × mean demand⌉ (none if that is 0); ``math.inf``: none |
    | ``reward_mode`` | ``"team"`` | ``"team"`` or ``"own"`` |
    | ``max_cycles`` | 168 | steps per episode |
    | ``agent_info`` | True | per-agent breakdown in ``infos`` |
    | ``configs`` | None | one ``InventoryConfig`` per product (instead of the arguments below) |
    | ``lead_time`` | 2 | int, or a pmf over lead times (all products) |
    | ``backlog`` | False | lost sales or backorders (all products) |
    | ``unit_cost``, ``fixed_cost``, ``holding_cost``, ``penalty_cost``, ``price``, ``clearance_price``, ``disposal_cost`` | 5, 10, 0.1, 2, 10, 4, 1 | ``Inventory-v0``'s economics; each a number or a sequence of N numbers |
    | ``capacity`` | ``math.inf`` | per-product capacity (number or N numbers) |
    | ``initial_stock`` | auto | ``None``: ⌊12 h of each product's mean demand⌋; an int or N ints |
    | ``action_mode``, ``order_quantity``, ``clearance_quantity``, ``max_order``, ``start_hour`` | ``"order_hold_clear"``, 30, 30, 100, 0 | as ``Inventory-v0`` (shared by all agents) |

    ``reset(options=...)`` accepts and ignores ``options`` (none are defined; PettingZoo's
    API test passes some).

    ## Version History

    * v0: initial release (not frozen before gym-inventory 0.1.0). Default demand: the
      bundled Instacart sample's top products with their own hour-of-week profiles.
      Since the compiled kernel (gym-inventory 0.1.0.dev), arrivals serve the backlog
      before the capacity rules, so units for backlogged customers need no space.
      Before 0.1.0 the starting stock also became paid for: the first hour's
      ``ordering`` of each product includes ``initial_stock × unit_cost`` (rewards of
      that hour lower by Σ ``initial_stock × unit_cost``; all else unchanged).
    """

    metadata = {
        "name": "multi_product_v0",
        "render_modes": ["human", "ansi", "rgb_array"],
        "render_fps": 4,
        "is_parallelizable": True,
    }

    def __init__(
        self,
        *,
        n_products: int = 10,
        demand: Sequence[DemandSource] | None = None,
        shared_capacity: float | None = None,
        budget: float | None = None,
        reward_mode: str = "team",
        max_cycles: int = 168,
        agent_info: bool = True,
        render_mode: str | None = None,
        configs: Sequence[InventoryConfig] | None = None,
        action_mode: str = "order_hold_clear",
        order_quantity: int = 30,
        clearance_quantity: int = 30,
        max_order: int = 100,
        start_hour: int = 0,
        lead_time: int | Sequence[float] = 2,
        backlog: bool = False,
        unit_cost: float | Sequence[float] = 5.0,
        fixed_cost: float | Sequence[float] = 10.0,
        holding_cost: float | Sequence[float] = 0.1,
        penalty_cost: float | Sequence[float] = 2.0,
        price: float | Sequence[float] = 10.0,
        clearance_price: float | Sequence[float] = 4.0,
        capacity: float | Sequence[float] = math.inf,
        disposal_cost: float | Sequence[float] = 1.0,
        initial_stock: int | Sequence[int] | None = None,
    ) -> None:
        if render_mode is not None and render_mode not in self.metadata["render_modes"]:
            raise ConfigError(
                f"render_mode must be one of {self.metadata['render_modes']} or None, "
                f"got {render_mode!r}"
            )
        if reward_mode not in ("team", "own"):
            raise ConfigError(f"reward_mode must be 'team' or 'own', got {reward_mode!r}")
        if not isinstance(agent_info, bool):
            raise ConfigError(f"agent_info must be a bool, got {agent_info!r}")
        N = check_int("n_products", n_products, low=1)
        self.max_cycles = check_int("max_cycles", max_cycles, low=1)
        self.render_mode = render_mode
        self.reward_mode = reward_mode
        self.agent_info = agent_info
        sources = demand_sources(demand, N)
        means = weekly_means(sources)
        given = dict(
            lead_time=lead_time, backlog=backlog, unit_cost=unit_cost, fixed_cost=fixed_cost,
            holding_cost=holding_cost, penalty_cost=penalty_cost, price=price,
            clearance_price=clearance_price, capacity=capacity, disposal_cost=disposal_cost,
            initial_stock=initial_stock,
        )  # fmt: skip
        self.configs: tuple[InventoryConfig, ...] = product_configs(N, means, configs, given)
        self.coupling = default_coupling(means, self.configs, shared_capacity, budget)
        self.params = StoreParams(
            action_mode=action_mode, order_quantity=order_quantity,
            clearance_quantity=clearance_quantity, max_order=max_order, start_hour=start_hour,
        )  # fmt: skip
        self.model = HourlyStoreModel(self.configs, sources, self.params, 1, self.coupling)
        self.demand = tuple(sources)
        self.n_products = N

        # --- agents and spaces
        self._agents = Agents(self.model, self.coupling)
        self.possible_agents = self._agents.names[:]
        self.agents: list[str] = []
        self.state_space = self._agents.state_space

        # --- buffers (returned by the batched path, overwritten by each step)
        self._obs = np.zeros((N, len(AGENT_OBS_FIELDS)), dtype=np.float32)
        self._rewards = np.zeros(N)
        self._requested = np.zeros(N)
        self.np_random, _ = seeding.np_random()
        self.np_random_seed: int | None = None
        self._started = False

    @property
    def requested(self) -> np.ndarray:
        """Units each agent's last action asked for, before the budget rule, ``(N,)``
        (a buffer overwritten by the next step)."""
        return self._requested

    # ------------------------------------------------------------ reset (spaces, the dict
    # reset and the action check: AgentArraysEnv)
    def reset_arrays(
        self, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> np.ndarray:
        """:meth:`reset` for the batched path: the observations as one array.

        Returns
        -------
        observations : ndarray, shape (n_products, 14), float32
            One row per agent, as :meth:`step_arrays` returns them (**a buffer
            overwritten by the next step**).
        """
        if seed is not None:
            self.np_random, self.np_random_seed = seeding.np_random(seed)
        self.model.reset([self.np_random])
        self._started = True
        self.agents = self.possible_agents[:]
        # The dict API's per-agent flags and unbuilt infos, copied by each step of the
        # episode (a copy of a dict of 1,000 keys takes 2 us, dict.fromkeys 26 us, measured).
        self._templates = {x: dict.fromkeys(self.agents, x) for x in (False, True, None)}
        self._requested.fill(0.0)
        self._agents.observe(self._obs)
        return self._obs

    # ------------------------------------------------------------ batched path
    def step_arrays(self, actions: np.ndarray) -> tuple[np.ndarray, np.ndarray, bool, bool]:
        """Step all products with one array of actions, in agent order.

        Parameters
        ----------
        actions : ndarray
            Shape ``(n_products,)`` of ints (``(n_products, 1)`` of floats in [0, 1] in
            continuous mode).

        Returns
        -------
        observations : ndarray, shape (n_products, 14), float32
            One row per agent. **A buffer overwritten by the next step**: copy it to
            keep it.
        rewards : ndarray, shape (n_products,)
            Each agent's reward (team or own profit; buffer, overwritten next step).
        terminated : bool
            Always ``False``.
        truncated : bool
            ``True`` after ``max_cycles`` steps; the episode is then over.
        """
        if not self.agents:
            self._need_reset()
        return self._step(self._agents.check_array(actions))

    def _step(self, a: np.ndarray) -> tuple[np.ndarray, np.ndarray, bool, bool]:
        """Step the model with checked actions ``a`` (agent order) of the one copy."""
        model = self.model
        order, clearance = model.decode(a[None])  # (the model's batch of one copy)
        np.copyto(self._requested, order[0])  # (the model's buffer: reused next step)
        profit = model.step(order, clearance)[0, :, PROFIT]
        if self.reward_mode == "team":
            self._rewards.fill(profit.sum())
        else:
            np.copyto(self._rewards, profit)
        self._agents.observe(self._obs)
        truncated = self.time >= self.max_cycles
        if truncated:
            self.agents = []
        return self._obs, self._rewards, False, truncated

    # ------------------------------------------------------------ dict API
    def step(self, actions: Mapping[str, Any]) -> tuple[dict, dict, dict, dict, dict]:
        """PettingZoo parallel step: one action per live agent, keyed by agent name.

        Returns ``(observations, rewards, terminations, truncations, infos)``, each a dict
        keyed by agent (``infos`` an :class:`AgentInfos` with ``agent_info=True``)."""
        if not self.agents:
            self._need_reset()
        if not isinstance(actions, Mapping):
            raise ActionError(
                f"actions must be a dict mapping each agent to its action, got "
                f"{type(actions).__name__}"
            )
        agents = self.agents
        obs, rewards, _, truncated = self._step(self._agents.gather(actions, agents))
        observations = dict(zip(agents, obs.copy(), strict=True))
        if self.reward_mode == "team":
            rew = dict.fromkeys(agents, float(rewards[0]))
        else:
            rew = dict(zip(agents, rewards.tolist(), strict=True))
        templates = self._templates  # (agents never change within an episode)
        terminations = templates[False].copy()
        truncations = templates[truncated].copy()
        if self.agent_info:  # each agent's dict is built when first read
            infos = AgentInfos(templates[None], self._info_table(), self._agents.index)
        else:
            infos = {a: {} for a in agents}
        if self.render_mode == "human":
            self.render()
        return observations, rew, terminations, truncations, infos

    def _info_table(self) -> np.ndarray:
        """The last step's :data:`INFO_FIELDS`, a new ``(N, fields)`` array (row = agent)."""
        record = self.model.kernel.record[0]  # (N, len(RECORD_FIELDS))
        return np.concatenate([record, self._requested[:, None]], axis=1)

    def last_infos(self) -> dict[str, dict[str, float]]:
        """The last step's per-agent breakdown (what ``agent_info=True`` puts in ``infos``)."""
        return dict(
            AgentInfos(self.possible_agents, self._info_table(), self._agents.index).items()
        )

    # ------------------------------------------------------------ state
    def state(self) -> np.ndarray:
        """The global state: every product's 11 entries, then the 3 shared entries."""
        return np.concatenate([self._obs[:, :_OWN].ravel(), self._obs[0, _OWN:]])

    # ------------------------------------------------------------ rendering
    def render(self) -> str | np.ndarray | None:
        """``"ansi"``: a text table; ``"rgb_array"``: a bar chart; ``"human"``: print the table."""
        if self.render_mode is not None and not self._started:
            raise ResetNeeded("call reset() before render()")
        return _render.render(self)

    def close(self) -> None:
        """Nothing to release (rendering closes its figures)."""


def parallel_env(**kwargs: Any) -> MultiProductEnv:
    """The native Parallel env (see :class:`MultiProductEnv` for the arguments)."""
    return MultiProductEnv(**kwargs)


def raw_env(**kwargs: Any):
    """The AEC env without wrappers (``parallel_to_aec`` of :func:`parallel_env`)."""
    return parallel_to_aec(parallel_env(**kwargs))


def env(**kwargs: Any):
    """The AEC env with the standard wrappers (action check, order enforcing)."""
    aec = raw_env(**kwargs)
    aec = ActionCheckWrapper(aec)
    return wrappers.OrderEnforcingWrapper(aec)
