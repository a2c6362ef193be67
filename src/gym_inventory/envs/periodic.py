"""The academic benchmark variants: ``InventoryLostSales-v0`` and ``InventoryBackorder-v0``.

One product, one step = one period, i.i.d. demand, linear costs: the standard periodic-
review lost-sales and backorder models of the inventory literature (e.g. Zipkin 2008,
"Old and new methods for lost-sales inventory systems", Operations Research 56(5)), so
results compare with published ones and with the exact optimum of
:func:`gym_inventory.policies.solve_optimal`.

Both envs are thin faces over :class:`PeriodicModel` (order quantities only), whose
observation is the state of the textbook model:
on-hand stock (or net inventory) and the pipeline of outstanding orders by arrival.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from numba import njit

from gym_inventory.core.config import MAX_QUANTITY, InventoryConfig, check_int, check_real
from gym_inventory.demand.base import DemandSource
from gym_inventory.demand.parametric import PoissonDemand
from gym_inventory.envs.inventory import InventoryEnv, resolve_demand
from gym_inventory.envs.model import UNBOUNDED, KernelModel, advance
from gym_inventory.envs.observations import periodic_observation
from gym_inventory.envs.store import StoreParams
from gym_inventory.errors import ConfigError

__all__ = [
    "DEFAULT_PERIODS",
    "InventoryBackorderEnv",
    "InventoryLostSalesEnv",
    "PeriodicModel",
    "default_max_order",
]

#: Registered episode length of both variants (``max_episode_steps``).
DEFAULT_PERIODS = 1000


def default_max_order(source: DemandSource) -> int:
    """Default ``max_order``: ten times the mean demand per period, at least 1.

    With the default Poisson(5) demand that is 50 units, above every order the optimal
    policy places on the standard instances (penalty up to 39, lead time up to 4).
    """
    week = np.arange(168)
    return max(1, math.ceil(10.0 * float(np.mean(source.mean(week)))))


class PeriodicModel(KernelModel):
    """Batched model of the benchmark variants (the :class:`~gym_inventory.envs.model.
    BatchedModel` contract).

    Actions are order quantities (``Discrete(max_order + 1)``); the observation of one
    copy is ``[level, pipeline_0, ..., pipeline_{L-1}]`` where ``level`` is on-hand stock
    (lost sales) or net inventory = on hand - backlog (backorders), and ``pipeline_k``
    the units arriving at the start of the ``k``-th next period (``L = max_lead_time``).

    Parameters
    ----------
    config : InventoryConfig
        The product's dynamics and costs.
    source : DemandSource
        Its demand.
    max_order : int
        Largest order.
    batch_size : int
        Number of copies.
    """

    def __init__(
        self,
        config: InventoryConfig,
        source: DemandSource,
        max_order: int,
        batch_size: int = 1,
    ) -> None:
        self.obs_dim = 1 + config.max_lead_time
        self.params = StoreParams(action_mode="quantity", max_order=max_order)
        super().__init__([config], [source], self.params.actions(), batch_size)
        #: What :func:`periodic_step` takes after the per-step arguments.
        self._step_args = (self.time, self.obs, *self._advance_args)

    def _compiled_step(
        self, order: np.ndarray, clearance: np.ndarray, active: np.ndarray, record: np.ndarray
    ) -> bool:
        return periodic_step(order, clearance, active, record, *self._step_args)

    def observe(self) -> None:
        k = self.kernel
        periodic_observation(k.on_hand, k.backlog, k.pipeline, k.backlog_mode, self.obs)

    def observation_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        k = self.kernel
        low = np.zeros(self.obs_dim, dtype=np.float32)
        high = np.full(self.obs_dim, UNBOUNDED, dtype=np.float32)
        if k.backlog_mode:
            low[0] = -UNBOUNDED
        if np.isfinite(k.capacity).all():
            high[0] = float(k.capacity.max())
        if not k.stochastic_lead_time:  # one order per slot: at most max_order
            high[1:] = self.params.max_order
        return low, high


@njit(cache=True)
def periodic_step(order, clearance, active, record, time, obs,
                  demand, lead_u, has_lead_u, pos, now, now_u,
                  lead_cdf, capacity, prices, backlog_mode, shared_capacity, budget,
                  on_hand, backlog, pipeline, opening):  # fmt: skip
    """One step of a benchmark variant: :func:`~gym_inventory.envs.model.advance`, the
    clock, the observation.

    After the variant's own arguments come :func:`~gym_inventory.envs.model.advance`'s,
    named one by one as in :func:`~gym_inventory.envs.store.store_step` (``demand`` to
    ``now_u`` from the stream, ``lead_cdf`` to ``opening`` from the kernel; a star
    argument is packed on every call from Python).
    """
    ended = advance(order, clearance, active, record, demand, lead_u, has_lead_u, pos, now,
                    now_u, lead_cdf, capacity, prices, backlog_mode, shared_capacity, budget,
                    on_hand, backlog, pipeline, opening)  # fmt: skip
    for b in range(len(time)):
        time[b] += active[b]
    periodic_observation(on_hand, backlog, pipeline, backlog_mode, obs)
    return ended


class _PeriodicEnv(InventoryEnv):
    # Shared face of the two variants; subclasses fix BACKLOG and carry the env card.
    BACKLOG: bool = False

    def __init__(
        self,
        *,
        render_mode: str | None = None,
        demand: DemandSource | str | None = None,
        demand_kwargs: dict[str, Any] | None = None,
        demand_mean: float | None = None,
        lead_time: int | Sequence[float] = 2,
        holding_cost: float = 1.0,
        penalty_cost: float = 9.0,
        unit_cost: float = 0.0,
        fixed_cost: float = 0.0,
        max_order: int | None = None,
        initial_stock: int = 0,
        capacity: float = math.inf,
        disposal_cost: float = 0.0,
    ) -> None:
        self._setup(locals())

    @classmethod
    def _build_model(
        cls,
        batch_size: int,
        *,
        demand: DemandSource | str | None,
        demand_kwargs: dict[str, Any] | None,
        demand_mean: float | None,
        max_order: int | None,
        **kwargs: Any,
    ) -> PeriodicModel:
        # Called by make_model with every argument (the env's defaults filled in).
        config = InventoryConfig(backlog=cls.BACKLOG, **kwargs)
        if demand is None and demand_kwargs is None:
            mean = 5.0 if demand_mean is None else demand_mean
            demand = PoissonDemand(check_real("demand_mean", mean, high=MAX_QUANTITY))
        elif demand_mean is not None:
            raise ConfigError(
                "demand_mean only applies to the default Poisson demand (demand=None)"
            )
        else:
            demand = resolve_demand(demand, demand_kwargs)  # the same rules as Inventory-v0
        max_order = default_max_order(demand) if max_order is None else max_order
        max_order = check_int("max_order", max_order, low=1, high=int(MAX_QUANTITY))
        return PeriodicModel(config, demand, max_order, batch_size)

    def _render_ansi(self) -> str:
        k = self.model.kernel
        o = self._obs
        name = "net inventory" if self.BACKLOG else "on hand"
        pipe = " ".join(f"{v:.0f}" for v in o[1:])
        return (
            f"t={int(self.model.time[0]):5d} | {name} {o[0]:6.0f} | pipeline [{pipe}]"
            f" | demand {k.last('demand')[0, 0]:4.0f} | cost {-k.reward[0, 0]:8.2f}\n"
        )


_CARD = r"""## Description

    The standard single-product, periodic-review inventory model with {mode} and a fixed
    lead time, as studied in the operations-research literature (Zipkin 2008, "Old and new
    methods for lost-sales inventory systems", *Operations Research* 56(5), for lost
    sales; any textbook for backorders). One step is one period. The agent chooses how
    much to order each period; the costs are linear. Its exact optimum is computed by
    :func:`gym_inventory.policies.solve_optimal`.

    ## The period (one step), and how costs are counted

    1. The order placed $L$ periods ago arrives (``lead_time`` $=L$; an order placed in
       period $t$ arrives at the start of period $t+L$, before that period's demand; with
       $L=0$ it arrives at once).{arrive}
    2. The agent orders $a_t$ units (the action); ``unit_cost`` per unit and
       ``fixed_cost`` if $a_t > 0$ are charged now.
    3. Demand $D_t$ (i.i.d., default Poisson with mean ``demand_mean`` = 5) is served
       from on-hand stock.
    4. {unmet}
    5. Costs of the period: ``holding_cost`` $h$ per unit on hand at the end of the
       period, plus {penalty}.

    So the cost of period $t$ is {formula} and the
    **reward is minus that cost**; the long-run **average cost per period is minus the
    mean reward**. With the defaults ($h=1$, $p=9$, $c=K=0$) this is exactly the cost
    accounting of the lost-sales/backorder literature (holding on end-of-period stock,
    penalty per unit {per_unit}). Lead time $L$ here means what it means there:
    $L=1$ is an order that arrives at the start of the next period, $L=0$ the newsvendor.

    ## Action Space

    ``Discrete(max_order + 1)``: the number of units to order. An action outside the
    space raises :class:`gym_inventory.errors.ActionError`; it is never clipped.

    ## Observation Space

    ``Box(float32, (1 + L,))``, all in units:

    | Num | Observation | Min | Max | Meaning |
    |-----|-------------|-----|-----|---------|
    | 0   | {level_name} | {level_min} | capacity (unbounded by default) | {level_meaning} at the end of the last period |
    | k (1..L) | pipeline | 0 | ``max_order`` | units arriving at the start of the $k$-th next period ($k=1$: the next step, before its demand) |

    "unbounded" is the float32 maximum. With a stochastic lead time (``lead_time`` a
    probability vector) the pipeline has ``len(lead_time) - 1`` entries, unbounded above.
    The inventory position is the sum of all entries.

    ## Rewards

    Minus the period's cost (see above). ``info`` carries the breakdown: ``ordering``,
    ``holding``, ``penalty``, ``disposal`` (costs, positive), ``revenue`` (0) and the
    quantities ``ordered``, ``arrived``, ``received``, ``sold``, ``unmet``, ``lost``,
    ``backlog``, ``on_hand``, ``in_transit``, ``demand``. Starting stock is bought: with
    ``initial_stock`` and ``unit_cost`` set, the first period's ``ordering`` includes
    ``initial_stock × unit_cost`` (by default both are 0, so nothing is charged).

    ## Starting State

    ``initial_stock`` units on hand (default 0), nothing in the pipeline{start_backlog}.

    ## Episode End

    Never terminates; truncated by the registered time limit ``max_episode_steps=1000``:
    long enough that the start-up transient (an empty pipeline for $L$ periods) weighs
    under 1 % of the episode. For long-run average costs discard a warm-up (see
    :func:`gym_inventory.evaluation.evaluate`).

    ## Arguments

    | argument | default | meaning |
    |---|---|---|
    | ``demand`` | ``None`` | any :class:`~gym_inventory.demand.DemandSource` (or what ``Inventory-v0`` accepts, with ``demand_kwargs``); ``None`` is Poisson(``demand_mean``) |
    | ``demand_kwargs`` | ``None`` | arguments of a demand given by name |
    | ``demand_mean`` | ``None`` | mean of the default Poisson demand (``None``: 5.0); only with ``demand=None`` |
    | ``lead_time`` | 2 | $L$, an int, or a probability vector over $0..L_{{max}}$ (orders may cross) |
    | ``holding_cost`` | 1.0 | $h$ |
    | ``penalty_cost`` | 9.0 | $p$ |
    | ``unit_cost`` | 0.0 | $c$ |
    | ``fixed_cost`` | 0.0 | $K$ |
    | ``max_order`` | ``None`` | largest order; ``None`` is 10 × mean demand (50), not binding on the standard instances |
    | ``initial_stock`` | 0 | on hand at reset |
    | ``capacity`` | ``inf`` | storage capacity (overflow disposed of at ``disposal_cost``) |
    | ``disposal_cost`` | 0.0 | per unit disposed |

    ```python
    import gymnasium as gym
    import gym_inventory

    env = gym.make("{env_id}", penalty_cost=19, lead_time=4)
    ```

    ## Version History

    * v0: initial release.
    """


class InventoryLostSalesEnv(_PeriodicEnv):
    BACKLOG = False


class InventoryBackorderEnv(_PeriodicEnv):
    BACKLOG = True


InventoryLostSalesEnv.__doc__ = _CARD.format(
    mode="lost sales",
    arrive="",
    unmet="Demand not served from stock is **lost**.",
    penalty=r"``penalty_cost`` $p$ per unit of demand lost in the period",
    formula=r"$c\,a_t + K\,[a_t>0] + h\,(I_t + q_t - D_t)^+ + p\,(D_t - I_t - q_t)^+$, "
    r"$I_t$ the on-hand stock before the arrival $q_t$,",
    per_unit="lost",
    level_name="on hand",
    level_min="0",
    level_meaning="stock on hand",
    start_backlog="",
    env_id="InventoryLostSales-v0",
)
InventoryBackorderEnv.__doc__ = _CARD.format(
    mode="backorders",
    arrive=" Arrivals first serve the backlog.",
    unmet="Demand not served from stock is **backlogged** and served first from later arrivals.",
    penalty=r"``penalty_cost`` $p$ per unit backlogged at the end of the period",
    formula=r"$c\,a_t + K\,[a_t>0] + h\,(N_t + q_t - D_t)^+ + p\,(D_t - N_t - q_t)^+$, "
    r"$N_t$ the net inventory (on hand minus backlog) before the arrival $q_t$,",
    per_unit="backlogged per period",
    level_name="net inventory",
    level_min="-unbounded",
    level_meaning="on hand minus backlog",
    start_backlog=", no backlog",
    env_id="InventoryBackorder-v0",
)
