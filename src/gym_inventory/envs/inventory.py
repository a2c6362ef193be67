"""``Inventory-v0``: one product of an online grocery store, hourly, as a Gymnasium env."""

from __future__ import annotations

import inspect
from collections import deque
from collections.abc import Sequence
from typing import Any, SupportsFloat

import gymnasium as gym
import numpy as np

from gym_inventory.demand.base import DemandSource
from gym_inventory.envs.store import HourlyStoreModel, split_kwargs
from gym_inventory.errors import ArgumentError, ConfigError

__all__ = ["DEFAULT_EPISODE_HOURS", "InventoryEnv", "default_demand"]

#: Default episode length of ``Inventory-v0``: one week of hours.
DEFAULT_EPISODE_HOURS = 168

#: Average demand per hour of the default demand source.
DEFAULT_MEAN_DEMAND = 10.0

#: Instacart product whose hour-of-week profile is the default demand (24852, Banana).
DEFAULT_PRODUCT_ID = 24852

#: Periods of an episode an ``rgb_array`` frame draws (the last ones).
HISTORY_ROWS = 24 * 7 * 4

# NumPy integer scalar types: valid discrete actions on step's fast path (not bool).
_NUMPY_INTS = frozenset(t for t in np.sctypeDict.values() if np.dtype(t).kind in "iu")


def default_demand() -> DemandSource:
    """The default demand of ``Inventory-v0``: the bundled Instacart sample's hour-of-week
    profile of product 24852 (Banana), Poisson around it, 10 units per hour on average."""
    from gym_inventory.demand.instacart import InstacartDemand

    return InstacartDemand(DEFAULT_PRODUCT_ID, mean=DEFAULT_MEAN_DEMAND)


def resolve_demand(demand: Any, demand_kwargs: dict[str, Any] | None) -> DemandSource:
    """Turn the ``demand=`` argument of an env into a :class:`DemandSource`.

    ``demand`` is None (the default demand), a :class:`DemandSource`, or a name known to
    :func:`gym_inventory.demand.make_demand` built with ``demand_kwargs``.
    """
    if demand is None:
        if demand_kwargs:
            raise ConfigError("demand_kwargs given without demand=")
        return default_demand()
    if isinstance(demand, DemandSource):
        if demand_kwargs:
            raise ConfigError("demand_kwargs only applies when demand= is a name")
        return demand
    if isinstance(demand, str):
        from gym_inventory.demand.registry import available, make_demand

        if demand not in available():
            raise ConfigError(
                "demand must be a gym_inventory.demand.DemandSource or a registered name "
                f"among {available()}, got {demand!r}"
            )
        if demand_kwargs is not None and not isinstance(demand_kwargs, dict):
            raise ConfigError(f"demand_kwargs must be a dict, got {type(demand_kwargs).__name__}")
        return make_demand(demand, **(demand_kwargs or {}))
    raise ConfigError(
        "demand must be a gym_inventory.demand.DemandSource, a registered name "
        f"(gym_inventory.demand.available()) or None, got {type(demand).__name__}"
    )


class InventoryEnv(gym.Env[np.ndarray, Any]):
    r"""## Description

    One product of an online grocery store, managed hour by hour. Each step the agent
    decides whether to replenish (orders arrive after a lead time), to hold, or to run a
    clearance sale; customers' demand follows the store's hour-of-week pattern. It is the
    prototype's store with the economics done right: revenue only for demand actually
    served, a purchase cost for every unit bought, a penalty for every unit of demand
    that could not be served, a storage capacity whose overflow is disposed of.

    All dynamics run through the shared kernel :class:`gym_inventory.core.InventoryKernel`.

    **Demand data.** By default demand is real: the hour-of-week profile (order lines per
    day of week and hour) of product 24852, Banana, in the Instacart sample bundled with
    the package (6,090 real orders of "The Instacart Online Grocery Shopping Dataset
    2017", non-commercial use; see ``gym_inventory/demand/data/README.md``), smoothed
    towards the store's profile and scaled to an average of **10 units per hour**, with
    Poisson demand around each hour's mean (peaks near 40/h late morning, almost none at
    night). Any other source plugs in with ``demand=``: a
    :class:`~gym_inventory.demand.DemandSource`, or a name from
    ``gym_inventory.demand.available()`` with ``demand_kwargs=``. To use the full Kaggle
    download ("Instacart Market Basket Analysis": a directory of ``*.csv.zip`` files, or
    the single archive zip), point the loader at it:
    ``gym.make("Inventory-v0", demand="instacart", demand_kwargs={"product_id": 24852,
    "mean": 10.0, "path": "~/data/instacart"})``.

    ## The period (one step = one hour)

    1. Orders due this hour arrive (an order placed in hour $t$ with lead time $L$
       arrives at the start of hour $t+L$; $L = 0$ arrives at once, before demand).
       In backorder mode arrivals first serve the backlogged customers; the rest goes
       into stock, and what does not fit in the free capacity is disposed of at
       ``disposal_cost`` per unit.
    2. The agent acts: orders (``unit_cost`` per unit plus ``fixed_cost`` per order)
       and/or sells up to ``clearance_quantity`` units at ``clearance_price``.
    3. Demand is realised and served from stock at ``price`` per unit.
    4. Unmet demand is lost (default) or backlogged (``backlog=True``).
    5. Holding cost on the stock left at the end of the hour; ``penalty_cost`` per unit
       lost (or per unit backlogged at the end of the hour).

    ## Action Space

    * ``action_mode="order_hold_clear"`` (default): ``Discrete(3)``

      | Num | Action                                                  |
      |-----|---------------------------------------------------------|
      | 0   | order ``order_quantity`` units (default 30)             |
      | 1   | hold (do nothing)                                       |
      | 2   | clearance sale of up to ``clearance_quantity`` (30)     |

    * ``action_mode="quantity"``: ``Discrete(max_order + 1)``, the units to order.
    * ``action_mode="continuous"``: ``Box(0, 1, (1,), float32)``, the order as a
      fraction of ``max_order``, rounded half up to whole units:
      ``floor(a * max_order + 0.5)`` (a normalised space, as RL libraries recommend).

    An action outside the space raises :class:`gym_inventory.errors.ActionError`; it is
    never clipped.

    ## Observation Space

    ``Box(float32, (11,))``, all quantities in units:

    | Num | Observation            | Min | Max        | Meaning                                    |
    |-----|------------------------|-----|------------|--------------------------------------------|
    | 0   | on hand                | 0   | capacity   | stock on hand after the last hour          |
    | 1   | in transit             | 0   | unbounded  | units ordered and not yet received         |
    | 2   | backlog                | 0   | unbounded  | backlogged units (always 0 with lost sales)|
    | 3   | sales                  | 0   | unbounded  | units sold to demand in the last hour      |
    | 4   | unmet                  | 0   | unbounded  | last hour's demand not served (lost/backlogged) |
    | 5   | hour sin               | -1  | 1          | $\sin(2\pi h/24)$, $h$ the hour of day of the coming hour |
    | 6   | hour cos               | -1  | 1          | $\cos(2\pi h/24)$                          |
    | 7   | day-of-week sin        | -1  | 1          | $\sin(2\pi d/7)$, $d$ = day of week + h/24  |
    | 8   | day-of-week cos        | -1  | 1          | $\cos(2\pi d/7)$                           |
    | 9   | demand EMA short       | 0   | unbounded  | exponential moving average of demand, half-life 4 h |
    | 10  | demand EMA long        | 0   | unbounded  | same, half-life 168 h (short / long is the trend signal) |

    "unbounded" is the float32 maximum: these quantities have no natural bound.
    Demand is observed as sales + unmet, so the moving averages use only what a store
    sees. They start at the demand source's weekly mean.

    ## Rewards

    The hour's profit: revenue (``price`` × units sold + ``clearance_price`` × units
    cleared) minus ordering (``unit_cost`` × units ordered + ``fixed_cost`` if any),
    holding (``holding_cost`` × on hand at the end), penalty and disposal costs.

    **The starting stock is bought.** The ``initial_stock`` units on hand at reset are
    paid for at ``unit_cost`` in the first hour of every episode: that hour's
    ``ordering`` includes ``initial_stock × unit_cost`` (1,250 with the defaults; no
    ``fixed_cost`` for it; ``ordered`` and ``orders_placed`` count the agent's own order
    only). So an episode's return is what the week earns on stock it paid for; stock
    left at the end is not valued back. (With free starting units the default rules'
    returns were about 7.4 per hour higher, above what the store earns in steady
    state.) ``unit_cost=0`` or ``initial_stock=0`` charges nothing.
    ``info`` carries every term: ``revenue``, ``ordering``, ``holding``, ``penalty``,
    ``disposal``, ``profit`` and the quantities ``ordered``, ``orders_placed``,
    ``arrived``, ``received``, ``disposed``, ``cleared``, ``sold``, ``unmet``, ``lost``,
    ``backlog``, ``on_hand``, ``in_transit``, ``demand``.

    ## Starting State

    ``initial_stock`` units on hand (250), nothing in transit, no backlog, hour 0 of day
    0 (``start_hour`` shifts it), demand moving averages at the weekly mean demand.

    ## Episode End

    The episode never terminates. It is truncated by the registered time limit,
    ``max_episode_steps=168`` (one week): the shortest horizon that sees every hour of
    the weekly demand cycle exactly once, so episode returns compare across episodes;
    longer horizons via ``gymnasium.make("Inventory-v0", max_episode_steps=168 * k)``.

    ## Arguments

    | argument | default | why |
    |---|---|---|
    | ``demand`` | Instacart Banana (24852) hour-of-week profile, Poisson, mean 10/h | real demand pattern; 10/h keeps the economics below in proportion |
    | ``action_mode`` | ``"order_hold_clear"`` | the prototype's three actions |
    | ``order_quantity`` | 30 | prototype's order batch |
    | ``clearance_quantity`` | 30 | prototype's clearance batch |
    | ``max_order`` | 100 | quantity modes: 10 hours of mean demand |
    | ``lead_time`` | 2 | hours from order to arrival (prototype had none); int or pmf |
    | ``backlog`` | False | an online grocery loses a sale it cannot serve |
    | ``price`` | 10.0 | prototype's price |
    | ``unit_cost`` | 5.0 | 50 % gross margin (prototype bought for free) |
    | ``fixed_cost`` | 10.0 | delivery fee per order: batching matters |
    | ``holding_cost`` | 0.1 | prototype's per unit-hour holding cost |
    | ``penalty_cost`` | 2.0 | goodwill lost per unit of unmet demand, on top of the lost margin |
    | ``clearance_price`` | 4.0 | below unit cost: clearing only pays to cut holding or make room |
    | ``capacity`` | 500 | prototype's storage capacity |
    | ``disposal_cost`` | 1.0 | per unit of an arrival that does not fit |
    | ``initial_stock`` | 250 | prototype's starting stock |
    | ``start_hour`` | 0 | hour of the week of the first step |

    ```python
    import gymnasium as gym
    import gym_inventory  # registers the ids

    env = gym.make("Inventory-v0", lead_time=4, backlog=True)
    # or, without the import: gym.make("gym_inventory:Inventory-v0")
    ```

    ## Version History

    * v0: initial release (not frozen before gym-inventory 0.1.0). Before 0.1.0 the
      starting stock came free; since then the first hour's ``ordering`` charges
      ``initial_stock × unit_cost`` (every episode return 1,250 lower with the defaults;
      all else unchanged).
    """

    metadata = {"render_modes": ["ansi", "rgb_array"], "render_fps": 4}

    def __init__(
        self,
        *,
        render_mode: str | None = None,
        demand: DemandSource | str | None = None,
        demand_kwargs: dict[str, Any] | None = None,
        action_mode: str = "order_hold_clear",
        order_quantity: int = 30,
        clearance_quantity: int = 30,
        max_order: int = 100,
        lead_time: int | tuple[float, ...] = 2,
        backlog: bool = False,
        price: float = 10.0,
        unit_cost: float = 5.0,
        fixed_cost: float = 10.0,
        holding_cost: float = 0.1,
        penalty_cost: float = 2.0,
        clearance_price: float = 4.0,
        capacity: float = 500,
        disposal_cost: float = 1.0,
        initial_stock: int = 250,
        start_hour: int = 0,
    ) -> None:
        self._setup(locals())

    def _setup(self, arguments: dict[str, Any]) -> None:
        # Shared by every env built on a one-copy batched model (see envs.periodic):
        # ``arguments`` is the ``locals()`` of its ``__init__``.
        kwargs = {k: v for k, v in arguments.items() if k not in ("self", "__class__")}
        render_mode = kwargs.pop("render_mode")
        if render_mode is not None and render_mode not in self.metadata["render_modes"]:
            raise ConfigError(
                f"render_mode must be one of {self.metadata['render_modes']} or None, "
                f"got {render_mode!r}"
            )
        self.render_mode = render_mode
        self.model = self.make_model(1, **kwargs)
        self.config = self.model.kernel.configs[0]
        self.params = self.model.params
        self.demand = self.model.stream.sources[0]
        self.action_space = self.model.single_action_space()
        self.observation_space = self.model.single_observation_space()
        self._started = False
        # The discrete actions seen so far, decoded to (order, clearance) floats (valid
        # ones only: an invalid action raises).
        self._decoded: dict[int, tuple[float, float]] = {}
        # What rgb_array draws: the episode's last HISTORY_ROWS periods.
        self._history: deque[tuple[float, ...]] = deque(maxlen=HISTORY_ROWS)

    @classmethod
    def env_arguments(cls, env_kwargs: dict[str, Any]) -> dict[str, Any]:
        """``env_kwargs`` completed with the defaults of this env's ``__init__``.

        Raises :class:`~gym_inventory.errors.ArgumentError` for a name the env does not
        take. ``render_mode`` is left out (models do not render).
        """
        params = inspect.signature(cls.__init__).parameters
        names = {n for n, p in params.items() if p.kind is p.KEYWORD_ONLY} - {"render_mode"}
        unknown = sorted(set(env_kwargs) - names)
        if unknown:
            raise ArgumentError(
                f"unknown argument(s) {unknown} for {cls.__name__}; expected some of "
                f"{sorted(names)}"
            )
        out = {n: params[n].default for n in names}
        out.update(env_kwargs)
        return out

    @classmethod
    def make_model(cls, batch_size: int = 1, **env_kwargs: Any) -> HourlyStoreModel:
        """The batched model of ``batch_size`` copies of this env (the vector env's core).

        Takes the env's keyword arguments (except ``render_mode``) with the env's own
        defaults; unknown ones raise :class:`~gym_inventory.errors.ArgumentError`.
        """
        return cls._build_model(batch_size, **cls.env_arguments(env_kwargs))

    @classmethod
    def _build_model(
        cls,
        batch_size: int,
        *,
        demand: DemandSource | str | None,
        demand_kwargs: dict[str, Any] | None,
        **kwargs: Any,
    ) -> HourlyStoreModel:
        config, params = split_kwargs(kwargs)
        source = resolve_demand(demand, demand_kwargs)
        return HourlyStoreModel([config], [source], params, batch_size)

    @property
    def _obs(self) -> np.ndarray:
        return self.model.obs[0, 0]

    # ------------------------------------------------------------------ API
    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[np.ndarray, dict[str, Any]]:
        if options:  # (checked before anything changes, the generator included)
            raise ConfigError(f"reset options are not supported, got {sorted(options)}")
        super().reset(seed=seed)
        self.model.reset([self.np_random])
        self._started = True
        self._history.clear()
        self._record()
        return self._obs.copy(), {}

    def step(self, action: Any) -> tuple[np.ndarray, SupportsFloat, bool, bool, dict[str, Any]]:
        if not self._started:
            raise gym.error.ResetNeeded("call reset() before step()")
        kind = type(action)
        if kind is int or kind in _NUMPY_INTS:
            decoded = self._decoded.get(action)
            if decoded is None:
                decoded = self._decoded[int(action)] = self._decode(action)
        else:
            decoded = self._decode(action)
        model = self.model
        model.order[0, 0], model.clearance[0, 0] = decoded
        model.step(model.order, model.clearance)
        info = model.info()
        if self.render_mode == "rgb_array":
            self._record()
        return self._obs.copy(), info["profit"], False, False, info

    def _decode(self, action: Any) -> tuple[float, float]:
        """Validate one action and decode it to ``(order, clearance)`` floats."""
        actions = self.model.check_actions(action, ()).reshape(self._action_shape)
        order, clearance = self.model.decode(actions)
        return order.item(), clearance.item()

    @property
    def _action_shape(self) -> tuple[int, ...]:
        return (1, 1, *self.action_space.shape)

    # ------------------------------------------------------------ rendering
    def _record(self) -> None:
        if self.render_mode == "rgb_array":
            self._history.append(self.history_row(self.model, 0))

    def render(self) -> str | np.ndarray | None:
        if self.render_mode is None:
            gym.logger.warn(
                "render() called without a render_mode; pass render_mode='ansi' or "
                "'rgb_array' to gymnasium.make"
            )
            return None
        if not self._started:
            raise gym.error.ResetNeeded("call reset() before render()")
        if self.render_mode == "ansi":
            return self._render_ansi()
        return self._render_rgb()

    def _render_ansi(self) -> str:
        return self.ansi_frame(self.model, 0)

    def _render_rgb(self) -> np.ndarray:
        return self.rgb_frame(self.model, self._history)

    # Rendering copy ``b`` of a batched model: what the vector env calls for each copy.
    @staticmethod
    def history_row(model: HourlyStoreModel, b: int) -> tuple[float, ...]:
        """Copy ``b``'s last period as ``rgb_frame`` plots it: on hand, in transit,
        demand, sold, profit."""
        k = model.kernel
        return (
            k.on_hand.item(b, 0),
            float(k.pipeline[b, 0].sum()),
            k.last("demand").item(b, 0),
            k.last("sold").item(b, 0),
            k.reward.item(b, 0),
        )

    @staticmethod
    def ansi_frame(model: HourlyStoreModel, b: int) -> str:
        """One line of text on copy ``b``'s last period."""
        k = model.kernel
        t = int(model.time[b])
        hour = (t + model.params.start_hour) % 168
        return (
            f"t={t:4d} day {hour // 24} {hour % 24:02d}:00 | on hand {k.on_hand[b, 0]:6.0f}"
            f" | in transit {k.pipeline[b, 0].sum():5.0f} | backlog {k.backlog[b, 0]:4.0f}"
            f" | sold {k.last('sold')[b, 0]:4.0f} | unmet {k.last('unmet')[b, 0]:4.0f}"
            f" | profit {k.reward[b, 0]:9.2f}\n"
        )

    @staticmethod
    def rgb_frame(model: HourlyStoreModel, history: Sequence[tuple[float, ...]]) -> np.ndarray:
        """A picture of one copy's episode so far (``history``: its ``history_row`` rows),
        drawn with NumPy alone (:func:`gym_inventory.plotting.draw_history_frame`)."""
        from gym_inventory.plotting import draw_history_frame

        return draw_history_frame(history, capacity=model.kernel.configs[0].capacity)

    def close(self) -> None:
        self._history.clear()
