r"""``multi_product_v0``: many products of one store sharing a warehouse and a budget.

A PettingZoo environment (Parallel API native, AEC through ``parallel_to_aec``)::

    from gym_inventory.multi import multi_product_v0

    env = multi_product_v0.parallel_env(n_products=10)
    observations, infos = env.reset(seed=0)
    while env.agents:
        actions = {agent: env.action_space(agent).sample() for agent in env.agents}
        observations, rewards, terminations, truncations, infos = env.step(actions)

    aec = multi_product_v0.env(n_products=10)  # AEC, with the standard wrappers

The module follows PettingZoo's conventions: ``parallel_env(**kwargs)``, ``env(**kwargs)``,
``raw_env(**kwargs)``, ``metadata["name"]``. The env card is the docstring of
:class:`MultiProductEnv`.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import fields
from typing import Any

import numpy as np
from gymnasium import spaces
from gymnasium.error import ResetNeeded
from gymnasium.utils import seeding

from gym_inventory.core.config import CouplingConfig, InventoryConfig, check_int, check_real
from gym_inventory.core.kernel import FLOW_FIELDS
from gym_inventory.demand.base import DemandSource
from gym_inventory.demand.parametric import HOURS_PER_WEEK
from gym_inventory.envs.store import OBS_FIELDS, UNBOUNDED, StoreModel, StoreParams
from gym_inventory.errors import ActionError, ConfigError, require

require("pettingzoo", "multi", "gym_inventory.multi")

from pettingzoo import ParallelEnv  # noqa: E402
from pettingzoo.utils import wrappers  # noqa: E402
from pettingzoo.utils.conversions import parallel_to_aec  # noqa: E402

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
]

#: Shared entries appended to every agent's observation, in order.
SHARED_OBS_FIELDS: tuple[str, ...] = (
    "warehouse_utilisation",
    "inbound_utilisation",
    "budget_left",
)
#: One agent's observation entries: its product's ``Inventory-v0`` observation, then the
#: shared entries.
AGENT_OBS_FIELDS: tuple[str, ...] = OBS_FIELDS + SHARED_OBS_FIELDS
#: The kernel's flow rows the period's spend is made of: ``ordered``, ``orders_placed``.
_SPEND = slice(FLOW_FIELDS.index("ordered"), FLOW_FIELDS.index("orders_placed") + 1)

#: Keys of each agent's ``info`` (the same as ``Inventory-v0``'s, plus ``requested``).
INFO_FIELDS: tuple[str, ...] = (
    *FLOW_FIELDS,
    "revenue",
    "ordering",
    "holding",
    "penalty",
    "disposal",
    "profit",
    "in_transit",
    "requested",
)

#: Average hourly demand of the most popular product of the default demand.
TOP_MEAN_DEMAND = 10.0
#: Defaults chosen from the products' mean demand (see the env card's Arguments).
AUTO_CAPACITY_HOURS = 24.0
AUTO_INITIAL_HOURS = 12.0
AUTO_BUDGET_FACTOR = 2.0

_CONFIG_FIELDS = tuple(f.name for f in fields(InventoryConfig))
_PER_PRODUCT_FIELDS = tuple(n for n in _CONFIG_FIELDS if n not in ("lead_time", "backlog"))
#: The default of each per-product argument (used to refuse mixing them with ``configs=``).
_CONFIG_DEFAULTS: dict[str, Any] = dict(
    lead_time=2,
    backlog=False,
    unit_cost=5.0,
    fixed_cost=10.0,
    holding_cost=0.1,
    penalty_cost=2.0,
    price=10.0,
    clearance_price=4.0,
    capacity=math.inf,
    disposal_cost=1.0,
    initial_stock=None,
)


def default_demand_sources(
    n_products: int = 10, *, top_mean: float = TOP_MEAN_DEMAND
) -> list[DemandSource]:
    """One demand source per product for the default ``multi_product_v0``.

    The ``n_products`` most-ordered products of the bundled Instacart sample (most
    popular first), each with its own hour-of-week profile
    (:class:`~gym_inventory.demand.instacart.InstacartDemand`, profile mode). The top
    product averages ``top_mean`` units per hour; the others keep their relative volume
    in the data (``top_mean * order_count / order_count of the top product``).

    Parameters
    ----------
    n_products : int
        Number of products.
    top_mean : float
        Average hourly demand of the most popular product.

    Returns
    -------
    list of DemandSource

    Examples
    --------
    >>> sources = default_demand_sources(3)
    >>> [round(float(s.mean(np.arange(168)).mean()), 2) for s in sources]
    [10.0, 7.96, 5.66]
    """
    from gym_inventory.demand.instacart import InstacartDemand, top_products

    n = check_int("n_products", n_products, low=1)
    top_mean = check_real("top_mean", top_mean, low_inclusive=False)
    top = top_products(n)
    if len(top) < n:
        raise ConfigError(
            f"n_products={n} exceeds the {len(top)} products of the bundled Instacart sample"
        )
    counts = top["order_count"].to_numpy(dtype=float)
    return [
        InstacartDemand(int(pid), mean=top_mean * c / counts[0])
        for pid, c in zip(top["product_id"], counts, strict=True)
    ]


def _weekly_means(sources: Sequence[DemandSource]) -> np.ndarray:
    week = np.arange(HOURS_PER_WEEK)
    return np.array([float(s.mean(week).mean()) for s in sources])


def _per_product_value(name: str, value: Any, n: int) -> list[Any]:
    """A scalar repeated ``n`` times, or a sequence of exactly ``n`` values."""
    if isinstance(value, np.ndarray | Sequence) and not isinstance(value, str):
        vals = list(np.asarray(value).tolist()) if isinstance(value, np.ndarray) else list(value)
        if len(vals) != n:
            raise ConfigError(
                f"{name} must be a number or a sequence of n_products={n} numbers, "
                f"got {len(vals)} values"
            )
        return vals
    return [value] * n


class AgentInfos(dict):
    """The ``infos`` of one step: agent -> its info dict (:data:`INFO_FIELDS` as floats).

    A real ``dict`` whose values are built from the step's ``(fields, P)`` table when
    first read (``infos[agent]``, ``get``, ``values``, ``items``, ``==``, copies, pickling
    all see them), so a step only pays for the agents whose info is read.
    """

    __slots__ = ("_index", "_table")

    def __init__(self, agents: Sequence[str], table: np.ndarray, index: Mapping[str, int]):
        super().__init__(dict.fromkeys(agents))  # None: not built yet
        self._table: np.ndarray | None = table
        self._index = index

    def __getitem__(self, agent: str) -> dict[str, float]:
        info = dict.__getitem__(self, agent)
        if info is None and self._table is not None:
            column = self._table[:, self._index[agent]].tolist()
            info = dict(zip(INFO_FIELDS, column, strict=True))
            dict.__setitem__(self, agent, info)
        return info

    def _build_all(self) -> None:
        if self._table is not None:
            rows = self._table.T.tolist()
            for agent, info in dict.items(self):
                if info is None:
                    dict.__setitem__(
                        self, agent, dict(zip(INFO_FIELDS, rows[self._index[agent]], strict=True))
                    )
            self._table = None

    def __iter__(self) -> Any:  # (overridden: dict(infos) and {**infos} use __getitem__)
        return dict.__iter__(self)

    def get(self, agent: str, default: Any = None) -> Any:
        return self[agent] if agent in self else default

    def pop(self, agent: str, *default: Any) -> Any:
        if agent in self:
            self[agent]
        return dict.pop(self, agent, *default)

    def __reduce__(self) -> tuple:  # pickles (and deep-copies) as a plain dict
        return dict, (dict(self.items()),)

    def __copy__(self) -> AgentInfos:
        new = AgentInfos((), self._table, self._index)
        dict.update(new, dict.items(self))
        return new


def _built_first(name: str) -> Any:
    method = getattr(dict, name)

    def built(self: AgentInfos, *args: Any) -> Any:
        self._build_all()
        for arg in args:
            if isinstance(arg, AgentInfos):
                arg._build_all()
        return method(self, *args)

    built.__name__ = name
    built.__doc__ = method.__doc__
    return built


for _name in (
    "values", "items", "copy", "popitem", "setdefault", "__eq__", "__ne__", "__repr__",
    "__or__", "__ror__", "__ior__",
):  # fmt: skip
    setattr(AgentInfos, _name, _built_first(_name))


class MultiProductEnv(ParallelEnv):
    r"""## Description

    ``n_products`` products of one online grocery store, managed hour by hour, each by its
    own agent (``product_0`` … ``product_{N-1}``, the most popular product first). Every
    product follows ``Inventory-v0``'s dynamics, but the products compete for **one
    warehouse** (a shared capacity) and **one ordering budget** per hour. Agents are
    cooperative by default: each receives the store's total profit.

    All products are stepped together by the shared kernel
    :class:`gym_inventory.core.InventoryKernel` (one copy, ``N`` products) through
    :class:`gym_inventory.envs.StoreModel`, the model behind ``Inventory-v0``. With
    ``n_products=1`` and a coupling that never binds, the env reproduces
    ``Inventory-v0``'s trajectory bit for bit for the same seed and arguments.

    ## The period (one step = one hour)

    The period of ``Inventory-v0`` with two coupling rules (applied by the kernel):

    1. Orders due this hour arrive (an order placed in hour $t$ with lead time $L$
       arrives at the start of hour $t + L$; with $L = 0$ the order placed in step 2
       arrives at once, before demand: the budget rule applies to it first). Each product
       first accepts at most its own free ``capacity``. **Shared-capacity rule**: if the
       accepted arrivals $a_i$ exceed the warehouse's free space
       $F = C - \sum_i \text{on hand}_i$ (``shared_capacity`` $C$), product $i$
       receives $\lfloor a_i F / \sum_j a_j \rfloor$ (proportional allocation) and the
       $F - \sum_i \lfloor a_i F / \sum_j a_j \rfloor$ leftover units of space go one
       each to the products with the largest fractional remainders (ties to the lower
       product index). So exactly $F$ units are accepted, never more, no product
       receives more than it was due, and each receives its proportional share to within
       one unit. Units not accepted are disposed of at ``disposal_cost`` per unit. Space
       is checked before arrivals serve any backlog (backorder mode).
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

        # --- demand
        if demand is None:
            sources = default_demand_sources(N)
        elif isinstance(demand, DemandSource) or not isinstance(demand, Sequence):
            raise ConfigError(
                "demand must be a sequence of one gym_inventory.demand.DemandSource per "
                f"product, got {type(demand).__name__}"
            )
        else:
            sources = list(demand)
            if len(sources) != N:
                raise ConfigError(
                    f"demand must have one source per product: n_products={N}, "
                    f"got {len(sources)} sources"
                )
            for i, s in enumerate(sources):
                if not isinstance(s, DemandSource):
                    raise ConfigError(
                        f"demand[{i}] must be a gym_inventory.demand.DemandSource, "
                        f"got {type(s).__name__}"
                    )
        means = _weekly_means(sources)

        # --- per-product configurations
        given = dict(
            lead_time=lead_time,
            backlog=backlog,
            unit_cost=unit_cost,
            fixed_cost=fixed_cost,
            holding_cost=holding_cost,
            penalty_cost=penalty_cost,
            price=price,
            clearance_price=clearance_price,
            capacity=capacity,
            disposal_cost=disposal_cost,
            initial_stock=initial_stock,
        )
        if configs is not None:
            changed = sorted(
                k for k, v in given.items() if not _same_default(v, _CONFIG_DEFAULTS[k])
            )
            if changed:
                raise ConfigError(
                    f"give either configs= or the per-product arguments, not both (got {changed})"
                )
            if isinstance(configs, InventoryConfig) or not isinstance(configs, Sequence):
                raise ConfigError("configs must be a sequence of one InventoryConfig per product")
            configs = tuple(configs)
            if len(configs) != N or not all(isinstance(c, InventoryConfig) for c in configs):
                raise ConfigError(
                    f"configs must be a sequence of n_products={N} InventoryConfig, got {configs!r}"
                )
        else:
            if initial_stock is None:
                given["initial_stock"] = np.floor(AUTO_INITIAL_HOURS * means).tolist()
            columns = {
                k: (_per_product_value(k, v, N) if k in _PER_PRODUCT_FIELDS else [v] * N)
                for k, v in given.items()
            }
            configs = tuple(
                InventoryConfig(**{k: columns[k][i] for k in columns}) for i in range(N)
            )
        self.configs: tuple[InventoryConfig, ...] = configs

        # --- coupling
        if shared_capacity is None:
            shared_capacity = max(1.0, math.ceil(AUTO_CAPACITY_HOURS * float(means.sum())))
        if budget is None:
            spend = AUTO_BUDGET_FACTOR * float(means @ [c.unit_cost for c in configs])
            budget = float(math.ceil(spend)) if spend > 0 else math.inf
        self.coupling = CouplingConfig(shared_capacity=shared_capacity, budget=budget)
        self.params = StoreParams(
            action_mode=action_mode,
            order_quantity=order_quantity,
            clearance_quantity=clearance_quantity,
            max_order=max_order,
            start_hour=start_hour,
        )
        self.model = StoreModel(configs, sources, self.params, 1, self.coupling)
        self.demand = tuple(sources)
        self.n_products = N
        self._cap = self.coupling.shared_capacity
        self._budget = self.coupling.budget
        self._unit_cost = np.array([c.unit_cost for c in configs])
        self._fixed_cost = np.array([c.fixed_cost for c in configs])

        # --- agents and spaces
        self.possible_agents = [f"product_{i}" for i in range(N)]
        self.agents: list[str] = []
        self._index = {a: i for i, a in enumerate(self.possible_agents)}
        low, high = self.model.observation_bounds()
        if math.isfinite(self._cap):
            high[0] = min(float(high[0]), self._cap)
        s_low = np.zeros(len(SHARED_OBS_FIELDS), dtype=np.float32)
        s_high = np.array([1.0, UNBOUNDED, 1.0], dtype=np.float32)
        a_low, a_high = np.concatenate([low, s_low]), np.concatenate([high, s_high])
        self._observation_spaces = {
            a: spaces.Box(a_low, a_high, dtype=np.float32) for a in self.possible_agents
        }
        self._action_spaces = {a: self.model.single_action_space() for a in self.possible_agents}
        self.state_space = spaces.Box(
            np.concatenate([np.tile(low, N), s_low]),
            np.concatenate([np.tile(high, N), s_high]),
            dtype=np.float32,
        )
        self._continuous = self.params.action_mode == "continuous"
        self._action_shape = (N, 1) if self._continuous else (N,)

        # --- buffers
        # Stored entry-major, (entries, N): each entry is one contiguous row, so the
        # model's observation is cast in one pass and each shared entry is one fill;
        # ``_obs`` is its (N, entries) view, one row per agent.
        self._obs_t = np.zeros((len(AGENT_OBS_FIELDS), N), dtype=np.float32)
        # Cost of each unit ordered and each order placed (kernel rows ordered and
        # orders_placed, adjacent): the period's spend is one dot product.
        self._spend_coef = np.concatenate([self._unit_cost, self._fixed_cost])
        self._ones = np.ones(N)
        self._bind_views()
        self._rewards = np.zeros(N)
        self._requested = np.zeros(N)
        self.np_random, _ = seeding.np_random()
        self.np_random_seed: int | None = None
        self.time = 0
        self._started = False

    def _bind_views(self) -> None:
        # Views of the buffers, rebuilt after unpickling (pickle copies views).
        self._obs = self._obs_t.T
        self._shared_t = self._obs_t[len(OBS_FIELDS) :]
        self._shared_rows = tuple(self._shared_t)  # each shared entry, one row
        self._model_obs = self.model._obs_t[:, 0]  # (entries, N) float64
        self._spend_rows = self.model.kernel._buf[_SPEND, 0].reshape(-1)  # (a view)

    _VIEWS = frozenset(("_obs", "_shared_t", "_shared_rows", "_model_obs", "_spend_rows"))

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k not in self._VIEWS}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._bind_views()

    # ------------------------------------------------------------ spaces
    def observation_space(self, agent: str) -> spaces.Box:
        """The observation space of ``agent`` (the same object on every call)."""
        try:
            return self._observation_spaces[agent]
        except (KeyError, TypeError):
            raise ConfigError(self._unknown(agent)) from None

    def action_space(self, agent: str) -> spaces.Space:
        """The action space of ``agent`` (the same object on every call)."""
        try:
            return self._action_spaces[agent]
        except (KeyError, TypeError):
            raise ConfigError(self._unknown(agent)) from None

    def _unknown(self, agent: Any) -> str:
        return (
            f"unknown agent {agent!r}; the agents are 'product_0' .. "
            f"'product_{self.n_products - 1}'"
        )

    # ------------------------------------------------------------ reset
    def reset(
        self, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[dict[str, np.ndarray], dict[str, dict]]:
        """Start an episode; ``seed`` reseeds ``np_random`` (the only randomness)."""
        obs = self.reset_arrays(seed, options).copy(order="C")
        infos: dict[str, dict] = {a: {} for a in self.agents}
        return dict(zip(self.agents, obs, strict=True)), infos

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
        self.time = 0
        self._started = True
        self.agents = self.possible_agents[:]
        self._requested = np.zeros(self.n_products)
        self._fill_obs()
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
            One row per agent (a column-major view). **A buffer overwritten by the next
            step**: copy it to keep it.
        rewards : ndarray, shape (n_products,)
            Each agent's reward (team or own profit; buffer, overwritten next step).
        terminated : bool
            Always ``False``.
        truncated : bool
            ``True`` after ``max_cycles`` steps; the episode is then over.
        """
        return self._step(self._check_array(actions))

    def check_action(self, agent: str, action: Any) -> None:
        """Raise :class:`~gym_inventory.errors.ActionError` unless ``action`` is valid for
        ``agent`` (used by the AEC wrapper to fail at the offending agent's turn)."""
        if agent not in self._index:
            raise ActionError(self._unknown(agent))
        self._check_one(agent, action)

    def _check_one(self, agent: str, action: Any) -> None:
        try:
            self.model.check_actions(action, ())
        except ActionError as e:
            raise ActionError(f"{agent}: {e}") from None

    def _check_array(self, actions: Any) -> np.ndarray:
        if not self.agents:
            self._need_reset()
        a = np.asarray(actions)
        if a.shape != self._action_shape:
            raise ActionError(
                f"actions must be an array of shape {self._action_shape} (one action per "
                f"product, in agent order), got shape {a.shape}"
            )
        try:
            return self.model.check_actions(a, self._action_shape[:1])
        except ActionError:
            for i, agent in enumerate(self.possible_agents):
                self._check_one(agent, a[i])
            raise

    def _need_reset(self) -> None:
        what = "the episode is over" if self._started else "the env was not reset"
        raise ResetNeeded(f"{what}; call reset() before step()")

    def _step(self, a: np.ndarray) -> tuple[np.ndarray, np.ndarray, bool, bool]:
        model = self.model
        order, clearance = model.decode(a)
        # the orders before the budget rule (for infos): decoded into a new array, but in
        # quantity mode, where they are the actions themselves (maybe the caller's)
        self._requested = order.copy() if order is a else order
        reward = model.step(order, clearance)[0]
        if self.reward_mode == "team":
            self._rewards.fill(np.add.reduce(reward))  # (= reward.sum(), without its wrapper)
        else:
            np.copyto(self._rewards, reward)
        self.time += 1
        self._fill_obs()
        truncated = self.time >= self.max_cycles
        if truncated:
            self.agents = []
        return self._obs, self._rewards, False, truncated

    def _fill_obs(self) -> None:
        own = self._model_obs  # (entries, N), each entry a contiguous row
        np.copyto(self._obs_t[: len(OBS_FIELDS)], own, casting="same_kind")
        warehouse, inbound, budget_left = self._shared_rows
        if math.isfinite(self._cap):  # total on hand and in transit (entries 0 and 1)
            on_hand, in_transit = (own[:2] @ self._ones).tolist()  # (integers: exact)
            warehouse.fill(on_hand / self._cap)
            inbound.fill(in_transit / self._cap)
        else:
            warehouse.fill(0.0)
            inbound.fill(0.0)
        if math.isfinite(self._budget) and self._budget > 0:
            spent = float(self._spend_rows @ self._spend_coef)
            budget_left.fill(max(0.0, 1.0 - spent / self._budget))
        else:
            budget_left.fill(0.0 if self._budget == 0 else 1.0)

    # ------------------------------------------------------------ dict API
    def step(
        self, actions: Mapping[str, Any]
    ) -> tuple[
        dict[str, np.ndarray],
        dict[str, float],
        dict[str, bool],
        dict[str, bool],
        dict[str, dict[str, float]],
    ]:
        """PettingZoo parallel step: one action per live agent, keyed by agent name."""
        if not self.agents:
            self._need_reset()
        if not isinstance(actions, Mapping):
            raise ActionError(
                f"actions must be a dict mapping each agent to its action, got "
                f"{type(actions).__name__}"
            )
        agents = self.agents
        a = self._gather(actions, agents)
        obs, rewards, _, truncated = self._step(a)
        obs = obs.copy(order="C")
        observations = dict(zip(agents, obs, strict=True))
        if self.reward_mode == "team":
            rew = dict.fromkeys(agents, float(rewards[0]))
        else:
            rew = dict(zip(agents, rewards.tolist(), strict=True))
        terminations = dict.fromkeys(agents, False)
        truncations = dict.fromkeys(agents, truncated)
        if self.agent_info:  # each agent's dict is built when first read
            infos = AgentInfos(agents, self._info_table(), self._index)
        else:
            infos = {a: {} for a in agents}
        if self.render_mode == "human":
            self.render()
        return observations, rew, terminations, truncations, infos

    def _gather(self, actions: Mapping[str, Any], agents: list[str]) -> np.ndarray:
        try:
            vals = [actions[a] for a in agents]
        except KeyError:
            vals = None
        if vals is None or len(actions) != len(agents):
            missing = [a for a in agents if a not in actions]
            unknown = [k for k in actions if k not in self._index]
            done = [k for k in actions if k in self._index and k not in agents]
            parts = []
            if missing:
                parts.append(f"missing actions for {missing}")
            if unknown:
                parts.append(f"unknown agent(s) {unknown} ({self._unknown(unknown[0])})")
            if done:
                parts.append(f"actions for agents no longer in the episode {done}")
            raise ActionError("; ".join(parts))
        if not self._continuous and not all(
            t is int or issubclass(t, np.integer) for t in set(map(type, vals))
        ):  # e.g. a bool or a float among ints: np.array would coerce it silently
            for agent, v in zip(agents, vals, strict=True):
                self._check_one(agent, v)
        try:
            a = np.array(vals)
        except ValueError:
            a = None
        if a is None or a.shape != self._action_shape:
            for agent, v in zip(agents, vals, strict=True):
                self._check_one(agent, v)
            raise ActionError(f"actions must each have the shape of {agents[0]}'s action space")
        try:
            return self.model.check_actions(a, self._action_shape[:1])
        except ActionError:
            for agent, v in zip(agents, vals, strict=True):
                self._check_one(agent, v)
            raise

    def _info_table(self) -> np.ndarray:
        """The last step's :data:`INFO_FIELDS` of every product, a new ``(fields, P)`` array."""
        k = self.model.kernel
        money = k.money_breakdown(0)
        return np.vstack(
            [
                k.flows[:, 0],
                money["revenue"],
                money["ordering"],
                money["holding"],
                money["penalty"],
                money["disposal"],
                k.reward[0],
                self.model.obs[0, :, 1],
                self._requested,
            ]
        )

    def last_infos(self) -> dict[str, dict[str, float]]:
        """The last step's per-agent breakdown (what ``agent_info=True`` puts in ``infos``)."""
        return dict(AgentInfos(self.possible_agents, self._info_table(), self._index).items())

    # ------------------------------------------------------------ state
    def state(self) -> np.ndarray:
        """The global state: every product's 11 entries, then the 3 shared entries."""
        return np.concatenate([self._obs[:, : len(OBS_FIELDS)].ravel(), self._shared_t[:, 0]])

    # ------------------------------------------------------------ rendering
    def render(self) -> str | np.ndarray | None:
        """``"ansi"``: a text table; ``"rgb_array"``: a bar chart; ``"human"``: print the table."""
        if self.render_mode is None:
            from gymnasium import logger

            logger.warn("render() called without a render_mode; pass render_mode='ansi'")
            return None
        if not self._started:
            raise ResetNeeded("call reset() before render()")
        if self.render_mode == "rgb_array":
            return self._render_rgb()
        text = self._render_ansi()
        if self.render_mode == "human":
            print(text, end="")
            return None
        return text

    def _header(self) -> str:
        k = self.model.kernel
        hour = (self.time + self.params.start_hour) % HOURS_PER_WEEK
        stock = k.on_hand.sum()
        cap = f"{self._cap:g}" if math.isfinite(self._cap) else "inf"
        spent = float(k.ordered[0] @ self._unit_cost + k.orders_placed[0] @ self._fixed_cost)
        budget = f"{self._budget:g}" if math.isfinite(self._budget) else "inf"
        return (
            f"t={self.time:4d} day {hour // 24} {hour % 24:02d}:00 | warehouse {stock:g}/{cap}"
            f" | spent {spent:g}/{budget} | team profit {k.reward.sum():.2f}"
        )

    def _render_ansi(self, max_rows: int = 20) -> str:
        k = self.model.kernel
        lines = [
            self._header(),
            f"{'agent':>12} {'on hand':>8} {'transit':>8} {'sold':>6} {'unmet':>6} "
            f"{'dispos.':>7} {'profit':>9}",
        ]
        transit = self.model.obs[0, :, 1]
        for i in range(min(self.n_products, max_rows)):
            lines.append(
                f"{self.possible_agents[i]:>12} {k.on_hand[0, i]:8.0f} {transit[i]:8.0f} "
                f"{k.sold[0, i]:6.0f} {k.unmet[0, i]:6.0f} {k.disposed[0, i]:7.0f} "
                f"{k.reward[0, i]:9.2f}"
            )
        if self.n_products > max_rows:
            lines.append(f"{'...':>12} ({self.n_products - max_rows} more products)")
        return "\n".join(lines) + "\n"

    def _render_rgb(self) -> np.ndarray:
        from gym_inventory.plotting import _pyplot, figure_to_array

        require("matplotlib", "plot", "render_mode='rgb_array'")
        plt = _pyplot()
        k = self.model.kernel
        x = np.arange(self.n_products)
        fig, ax = plt.subplots(figsize=(8, 4), layout="constrained")
        ax.bar(x, k.on_hand[0], label="on hand")
        ax.bar(x, self.model.obs[0, :, 1], bottom=k.on_hand[0], alpha=0.5, label="in transit")
        ax.set_xlabel("product")
        ax.set_ylabel("units")
        ax.legend(loc="upper right", fontsize="small")
        ax.set_title(self._header(), fontsize="small")
        return figure_to_array(fig)

    def close(self) -> None:
        """Nothing to release (rendering closes its figures)."""


def _same_default(value: Any, default: Any) -> bool:
    if value is None or default is None or isinstance(value, bool) or isinstance(default, bool):
        return value is default
    if isinstance(value, numbers.Real) and isinstance(default, numbers.Real):
        return float(value) == float(default)
    return False


def parallel_env(**kwargs: Any) -> MultiProductEnv:
    """The native Parallel env (see :class:`MultiProductEnv` for the arguments)."""
    return MultiProductEnv(**kwargs)


def raw_env(**kwargs: Any):
    """The AEC env without wrappers (``parallel_to_aec`` of :func:`parallel_env`)."""
    return parallel_to_aec(parallel_env(**kwargs))


class ActionCheckWrapper(wrappers.BaseWrapper):
    """Validate each agent's action at its own turn.

    ``parallel_to_aec`` only steps the parallel env when the last agent has acted; this
    wrapper raises :class:`~gym_inventory.errors.ActionError` at the offending agent's
    turn instead (PettingZoo's ``AssertOutOfBoundsWrapper`` would raise a bare
    ``AssertionError``).
    """

    def step(self, action: Any) -> None:
        agent = self.agent_selection
        if not (self.terminations[agent] or self.truncations[agent]):
            self.unwrapped.check_action(agent, action)
        super().step(action)


def env(**kwargs: Any):
    """The AEC env with the standard wrappers (action check, order enforcing)."""
    aec = raw_env(**kwargs)
    aec = ActionCheckWrapper(aec)
    return wrappers.OrderEnforcingWrapper(aec)
