"""The batched model behind ``Inventory-v0``: the hourly store of an online grocery.

:class:`HourlyStoreModel` is the :class:`~gym_inventory.envs.model.KernelModel` whose
observation is the store's (:data:`~gym_inventory.envs.observations.STORE_OBS_FIELDS`):
stock, sales, the clock and two demand moving averages. The single env is one copy of
one product, the vector env many copies, the multi-product env one copy of many
products.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
from numba import njit

from gym_inventory.core.calendar import HOURS_PER_WEEK
from gym_inventory.core.config import MAX_QUANTITY, CouplingConfig, InventoryConfig, check_int
from gym_inventory.demand.base import DemandSource
from gym_inventory.envs.actions import Actions
from gym_inventory.envs.model import UNBOUNDED, KernelModel, advance
from gym_inventory.envs.observations import (
    STORE_OBS_FIELDS,
    advance_clock,
    ema_weights,
    store_observation,
    time_features,
)
from gym_inventory.errors import ConfigError

__all__ = ["HourlyStoreModel", "StoreParams", "split_kwargs"]

_OBS = {n: i for i, n in enumerate(STORE_OBS_FIELDS)}
#: Most units one action may order or clear (every stock stays exact in float64).
_MAX_UNITS = int(MAX_QUANTITY)


@dataclass(frozen=True)
class StoreParams:
    """The ``Inventory-v0`` action and observation settings (beyond :class:`InventoryConfig`).

    Parameters
    ----------
    action_mode : {"order_hold_clear", "quantity", "continuous"}
        See :class:`~gym_inventory.envs.actions.Actions`.
    order_quantity : int
        Units ordered by action 0 of ``"order_hold_clear"``.
    clearance_quantity : int
        Most units sold by its action 2 (the clearance sale).
    max_order : int
        Largest order in the quantity and continuous modes.
    start_hour : int
        Hour of the week (0 = day 0, 00:00) of the first period.
    """

    action_mode: str = "order_hold_clear"
    order_quantity: int = 30
    clearance_quantity: int = 30
    max_order: int = 100
    start_hour: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(
            self,
            "order_quantity",
            check_int("order_quantity", self.order_quantity, low=1, high=_MAX_UNITS),
        )
        object.__setattr__(
            self,
            "clearance_quantity",
            check_int("clearance_quantity", self.clearance_quantity, low=1, high=_MAX_UNITS),
        )
        object.__setattr__(
            self, "max_order", check_int("max_order", self.max_order, low=1, high=_MAX_UNITS)
        )
        object.__setattr__(
            self,
            "start_hour",
            check_int("start_hour", self.start_hour, high=HOURS_PER_WEEK - 1),
        )
        self.actions()  # (checks action_mode)

    def actions(self) -> Actions:
        """The action mode these settings describe."""
        return Actions(self.action_mode, self.order_quantity, self.clearance_quantity,
                       self.max_order)  # fmt: skip


def split_kwargs(kwargs: dict[str, Any]) -> tuple[InventoryConfig, StoreParams]:
    """Split flat env keyword arguments into the two dataclasses; reject unknown keys."""
    cfg_names = {f.name for f in fields(InventoryConfig)}
    par_names = {f.name for f in fields(StoreParams)}
    unknown = sorted(set(kwargs) - cfg_names - par_names)
    if unknown:
        raise ConfigError(
            f"unknown argument(s) {unknown}; expected some of {sorted(cfg_names | par_names)}"
        )
    cfg = InventoryConfig(**{k: v for k, v in kwargs.items() if k in cfg_names})
    par = StoreParams(**{k: v for k, v in kwargs.items() if k in par_names})
    return cfg, par


class HourlyStoreModel(KernelModel):
    """Batched ``Inventory-v0`` dynamics: ``batch_size`` copies of ``n_products`` products.

    Parameters
    ----------
    configs : sequence of InventoryConfig
        One per product.
    sources : sequence of DemandSource
        One per product.
    params : StoreParams
        Action mode, quantities and start hour (shared by all products).
    batch_size : int
        Number of copies.
    coupling : CouplingConfig, optional
        Shared capacity and budget across the products.
    """

    obs_dim = len(STORE_OBS_FIELDS)

    def __init__(
        self,
        configs: Sequence[InventoryConfig],
        sources: Sequence[DemandSource],
        params: StoreParams,
        batch_size: int = 1,
        coupling: CouplingConfig | None = None,
    ) -> None:
        super().__init__(
            configs, sources, params.actions(), batch_size, coupling, params.start_hour
        )
        self.params = params
        self._features = time_features(params.start_hour)
        self._alpha = ema_weights()
        week = np.arange(HOURS_PER_WEEK)
        self._mean_demand = np.array([s.mean(week).mean() for s in sources])
        #: The two demand moving averages (short, long) of every copy and product.
        self.ema = np.zeros((batch_size, len(sources), 2))
        #: What :func:`store_step` takes after the per-step arguments.
        self._step_args = (
            self.time,
            self.ema,
            self._alpha,
            self._features,
            self.obs,
            *self._advance_args,
        )

    def observation_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """Lower and upper bounds of one product's observation, float32 arrays."""
        low = np.zeros(self.obs_dim, dtype=np.float32)
        high = np.full(self.obs_dim, UNBOUNDED, dtype=np.float32)
        low[_OBS["hour_sin"] : _OBS["dow_cos"] + 1] = -1.0
        high[_OBS["hour_sin"] : _OBS["dow_cos"] + 1] = 1.0
        capacity = self.kernel.capacity
        if np.isfinite(capacity).all():
            high[_OBS["on_hand"]] = float(capacity.max())
        return low, high

    def _reset_extra(self, index: Any) -> None:
        self.ema[slice(None) if index is None else index] = self._mean_demand[:, None]

    def _compiled_step(
        self, order: np.ndarray, clearance: np.ndarray, active: np.ndarray, record: np.ndarray
    ) -> bool:
        return store_step(order, clearance, active, record, *self._step_args)

    def observe(self) -> None:
        k = self.kernel
        store_observation(
            k.on_hand, k.backlog, k.pipeline, k.record, self.time, self.ema, self._features,
            self.obs,
        )  # fmt: skip


@njit(cache=True)
def store_step(order, clearance, active, record, time, ema, alpha, features, obs,
               demand, lead_u, has_lead_u, pos, now, now_u,
               lead_cdf, capacity, prices, backlog_mode, shared_capacity, budget,
               on_hand, backlog, pipeline, opening):  # fmt: skip
    """One step of the hourly store: :func:`~gym_inventory.envs.model.advance`, the clock
    and the demand averages, the observation.

    After the store's own arrays come :func:`~gym_inventory.envs.model.advance`'s, named
    one by one: :meth:`DemandStream.compiled_args
    <gym_inventory.demand.stream.DemandStream.compiled_args>` (``demand`` to ``now_u``),
    then :meth:`InventoryKernel.compiled_args
    <gym_inventory.core.InventoryKernel.compiled_args>` (``lead_cdf`` to ``opening``).
    (Named rather than ``*advance_args``: numba packs and types a star-argument tuple on
    every call from Python: the call 2.18 against 2.41 us, interleaved probe.)
    """
    ended = advance(order, clearance, active, record, demand, lead_u, has_lead_u, pos, now,
                    now_u, lead_cdf, capacity, prices, backlog_mode, shared_capacity, budget,
                    on_hand, backlog, pipeline, opening)  # fmt: skip
    advance_clock(time, ema, record, alpha, active)
    store_observation(on_hand, backlog, pipeline, record, time, ema, features, obs)
    return ended
