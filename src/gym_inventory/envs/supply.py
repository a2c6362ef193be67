"""The batched model of a supply chain: ``batch_size`` copies of ``S`` stages, stepped by
the compiled upstream-supply rule (:mod:`gym_inventory.core.supply`) over THE period.

:class:`SupplyChainModel` is what :mod:`gym_inventory.multi.supply_chain_v0` steps (one
copy) and what a policy or a benchmark steps directly (many copies): the same methods as
the :class:`~gym_inventory.envs.model.BatchedModel` contract (``reset``, ``check_actions``,
``decode``, ``step``, ``obs``, ``time``, ``info``, ``batch_info``), with the state arrays
on the model itself. Customer demand comes from a
:class:`~gym_inventory.demand.stream.DemandStream` (one product per retailer), seeded by
each copy's generator, so a one-stage chain draws exactly what ``InventoryBackorder-v0``
draws.

Example: 4,096 copies of the Clark-Scarf preset under echelon base-stock levels::

    model = SupplyChainModel(SupplyChainConfig.preset("clark_scarf"), batch_size=4096)
    model.reset([np.random.default_rng(i) for i in range(4096)])
    levels = np.array([6.0, 12.0, 23.0])
    for _ in range(100):
        order = np.maximum(levels - model.echelon_position(), 0.0)
        record = model.step(order)  # -record[:, :, PROFIT] is each stage's cost
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from gymnasium import spaces
from numba import njit

from gym_inventory.core.config import MAX_QUANTITY
from gym_inventory.core.fields import price_table
from gym_inventory.core.supply import (
    SUPPLY_RECORD_FIELDS,
    echelon_positions,
    supply_observation,
    supply_step,
)
from gym_inventory.demand.stream import DemandStream, take_period
from gym_inventory.envs.actions import Actions
from gym_inventory.envs.model import UNBOUNDED
from gym_inventory.envs.supply_config import SupplyChainConfig
from gym_inventory.errors import ActionError, ConfigError

__all__ = ["STAGE_OBS_FIELDS", "SupplyChainModel", "stage_names"]

#: The first entries of a stage's observation; then its inbound pipeline by arrival
#: (``pipeline_1`` .. ``pipeline_L``, ``L`` the longest lead time of the chain).
STAGE_OBS_FIELDS: tuple[str, ...] = ("on_hand", "backlog", "order_received", "on_order")

_FIELD_INDEX = {name: i for i, name in enumerate(SUPPLY_RECORD_FIELDS)}


def stage_names(config: SupplyChainConfig) -> list[str]:
    """The agents' names in stage order: ``stage_0`` (the retailer) .. ``stage_{S-1}`` in
    a serial chain; ``retailer_0`` .. ``retailer_{R-1}``, ``warehouse_0`` in a divergent one
    (PettingZoo's recommended ``<name>_<number>`` form)."""
    if config.divergent:
        return [f"retailer_{j}" for j in range(config.n_retailers)] + ["warehouse_0"]
    return [f"stage_{s}" for s in range(config.n_stages)]


@njit(cache=True)
def supply_model_step(order, active, record, time, obs, *args):
    """This period's customer demand, the chain's period, the clock, the observations;
    returns whether a member's demand block has ended. ``args``: the stream's 6
    compiled arguments, then :func:`~gym_inventory.core.supply.supply_step`'s constants
    and state."""
    stream_args, chain_args = args[:6], args[6:]
    ended = take_period(*stream_args, active)
    supply_step(order, stream_args[4], active, record, *chain_args)
    for b in range(len(time)):
        time[b] += active[b]
    retailers, divergent = chain_args[0], chain_args[1]
    on_hand, backlog, pipeline, _opening, order_line, owed = chain_args[-6:]
    supply_observation(retailers, divergent, on_hand, backlog, pipeline, order_line, owed,
                       record, obs)  # fmt: skip
    return ended


class SupplyChainModel:
    """``batch_size`` copies of the supply chain ``config``.

    Parameters
    ----------
    config : SupplyChainConfig
        The chain.
    batch_size : int
        Number of copies.

    Attributes
    ----------
    on_hand, backlog : ndarray, shape (batch_size, S)
        Each stage's stock and the units it owes downstream (at a retailer: its
        backlogged customers), at the end of the last period.
    pipeline : ndarray, shape (batch_size, S, max lead + 1)
        Shipments on their way into each stage: ``pipeline[b, s, k]`` arrives at the
        start of the ``k + 1``-th next period (the last entry is always 0).
    order_line : ndarray, shape (batch_size, S, max info delay + 1)
        Orders on their way upstream: ``order_line[b, s, k]`` reaches stage ``s``'s
        upstream in the ``k + 1``-th next period (the last entry is always 0).
    owed : ndarray, shape (batch_size, R)
        Divergent: units the warehouse owes each retailer (serial: zeros; stage ``s + 1``
        owes stage ``s`` its ``backlog``).
    record : ndarray, shape (batch_size, S, len(SUPPLY_RECORD_FIELDS))
        The last period (zeros after a reset); a new array every step.
    obs : ndarray, shape (batch_size, S, 4 + max lead), float32
        Every stage's observation (:data:`STAGE_OBS_FIELDS`, then its pipeline).
    time : ndarray of int64, shape (batch_size,)
        Periods elapsed in each copy's episode.
    """

    def __init__(self, config: SupplyChainConfig, batch_size: int = 1) -> None:
        if not isinstance(config, SupplyChainConfig):
            raise ConfigError(f"config must be a SupplyChainConfig, got {config!r}")
        if isinstance(batch_size, bool) or not isinstance(batch_size, int | np.integer):
            raise ConfigError(f"batch_size must be a positive int, got {batch_size!r}")
        if batch_size < 1:
            raise ConfigError(f"batch_size must be a positive int, got {batch_size!r}")
        self.config = config
        self.batch_size = B = int(batch_size)
        self.n_stages = S = config.n_stages
        self.n_products = S  # (the BatchedModel name: one "product" per stage)
        R = config.n_retailers
        stages = config.stage_configs()
        self.prices = price_table(stages)
        self.initial_stock = np.array(config.initial_stock, dtype=np.float64)
        self.lead = np.array(config.lead_times, dtype=np.int64)
        self.info_delay = np.array(config.info_delays, dtype=np.int64)
        self.pipeline_cost = np.array(config.pipeline_costs, dtype=np.float64)
        self.max_lead_time = L = int(self.lead.max())
        self.on_hand = np.zeros((B, S))
        self.backlog = np.zeros((B, S))
        self.pipeline = np.zeros((B, S, L + 1))
        self.opening = np.zeros((B, S))
        self.order_line = np.zeros((B, S, int(self.info_delay.max()) + 1))
        self.owed = np.zeros((B, R))
        self.record = np.zeros((B, S, len(SUPPLY_RECORD_FIELDS)))
        self.obs = np.zeros((B, S, len(STAGE_OBS_FIELDS) + L), dtype=np.float32)
        self.time = np.zeros(B, dtype=np.int64)
        self.actions = Actions("quantity", 0, 0, config.max_order)
        self.order = np.zeros((B, S))
        self.stream = DemandStream(config.demand, B)
        self._all = np.ones(B, dtype=np.bool_)
        self._chain = (R, config.divergent, config.backlog)
        self._step_args = (
            *self.stream.compiled_args(), *self._chain, config.supply_capacity, self.lead,
            self.info_delay, self.prices, self.pipeline_cost, *self._state(),
        )  # fmt: skip

    def compiled_args(self) -> tuple:
        """What :func:`supply_model_step` takes after ``obs`` (the same objects on every
        call): the stream's :meth:`~gym_inventory.demand.stream.DemandStream.compiled_args`,
        then :func:`~gym_inventory.core.supply.supply_step`'s constants and state."""
        return self._step_args

    def _state(self) -> tuple[np.ndarray, ...]:
        return (self.on_hand, self.backlog, self.pipeline, self.opening, self.order_line,
                self.owed)  # fmt: skip

    # ------------------------------------------------------------- spaces
    def single_action_space(self) -> spaces.Discrete:
        """One agent's action space: ``Discrete(max_order + 1)``, the units to order."""
        return self.actions.space()

    def single_observation_space(self) -> spaces.Box:
        """One stage's observation space (all entries in units, 0 to unbounded)."""
        dim = self.obs.shape[2]
        return spaces.Box(0.0, UNBOUNDED, shape=(dim,), dtype=np.float32)

    def observation_fields(self) -> tuple[str, ...]:
        """The names of one stage's observation entries."""
        return STAGE_OBS_FIELDS + tuple(f"pipeline_{k + 1}" for k in range(self.max_lead_time))

    # ------------------------------------------------------------ actions
    def check_actions(self, actions: Any, shape: tuple[int, ...]) -> np.ndarray:
        """Validate actions of batch shape ``shape`` (``(B, S)``, or ``()`` for one)."""
        return self.actions.check(actions, shape)

    def decode(self, actions: np.ndarray) -> np.ndarray:
        """The orders of checked actions ``(B, S)`` as floats: :attr:`order`, overwritten
        by the next call."""
        self.order[...] = actions
        return self.order

    # --------------------------------------------------------------- core
    def reset(self, rngs: Sequence[np.random.Generator], index: Any = None) -> np.ndarray:
        """Reset the copies in ``index`` (all by default) to the starting state
        (``initial_stock`` on hand, nothing in transit or owed); returns :attr:`obs`.
        ``rngs`` holds every copy's generator (length ``batch_size``)."""
        if len(rngs) != self.batch_size:
            raise ConfigError(f"need one generator per copy ({self.batch_size}), got {len(rngs)}")
        idx = slice(None) if index is None else index
        self.on_hand[idx] = self.initial_stock
        self.opening[idx] = self.initial_stock
        for a in (self.backlog, self.pipeline, self.order_line, self.owed):
            a[idx] = 0.0
        record = self.record.copy()  # (the last record may be in a caller's hands)
        record[idx] = 0.0
        self.record = record
        self.time[idx] = 0
        self.stream.reset(rngs, index)
        supply_observation(*self._chain[:2], self.on_hand, self.backlog, self.pipeline,
                           self.order_line, self.owed, self.record, self.obs)  # fmt: skip
        return self.obs

    def step(self, order: np.ndarray, active: np.ndarray | None = None) -> np.ndarray:
        """Advance the active copies (all by default) one period; every agent orders
        ``order[b, s]`` units (float64 ``(B, S)``, non-negative whole numbers; no
        ``max_order`` limit here). Returns the new record ``(B, S,
        len(SUPPLY_RECORD_FIELDS))``; :attr:`obs` holds the new observations."""
        if order is not self.order:
            order = self._checked_order(order)
        if active is None:
            active = self._all
        elif not (
            isinstance(active, np.ndarray)
            and active.dtype == np.bool_
            and active.shape == (self.batch_size,)
        ):
            raise ConfigError(f"active must be a bool array of shape ({self.batch_size},)")
        record = np.empty_like(self.record)
        if supply_model_step(order, active, record, self.time, self.obs, *self._step_args):
            self.stream.refill_ended()
        self.record = record
        return record

    def _checked_order(self, order: Any) -> np.ndarray:
        shape = self.order.shape
        try:
            # (a writeable copy: supply_step takes no read-only order)
            o = np.array(np.broadcast_to(np.asarray(order, dtype=np.float64), shape), order="C")
        except (ValueError, TypeError):
            raise ActionError(f"order must be numbers of shape {shape}, got {order!r}") from None
        if not ((o >= 0) & (o <= MAX_QUANTITY) & (o == np.floor(o))).all():
            bad = o[~((o >= 0) & (o <= MAX_QUANTITY) & (o == np.floor(o)))].flat[0]
            raise ActionError(
                f"order must hold whole numbers of units in [0, {MAX_QUANTITY:g}], got {bad!r}"
            )
        return o

    # ------------------------------------------------------------ reading
    def echelon_position(self) -> np.ndarray:
        """Each stage's echelon inventory position, a new ``(batch_size, S)`` array
        (:func:`~gym_inventory.core.supply.echelon_positions`): the stock on hand at and
        in transit to the stage and every stage below it, minus the customers' backlog,
        plus what the stage has on order."""
        out = np.empty(self.on_hand.shape)
        echelon_positions(*self._chain[:2], self.on_hand, self.backlog, self.pipeline,
                          self.order_line, self.owed, out)  # fmt: skip
        return out

    def state(self, b: int = 0) -> np.ndarray:
        """The global state of copy ``b``: every stage's observation (stage-major), then
        every stage's orders on their way upstream by arrival (``max info delay`` each),
        float32."""
        lines = self.order_line[b, :, :-1].astype(np.float32).ravel()
        return np.concatenate([self.obs[b].ravel(), lines])

    def state_dim(self) -> int:
        """Length of :meth:`state`."""
        return self.obs[0].size + self.n_stages * (self.order_line.shape[2] - 1)

    def last(self, name: str) -> np.ndarray:
        """Field ``name`` of the last period (``SUPPLY_RECORD_FIELDS``), ``(batch, S)``."""
        return self.record[:, :, _FIELD_INDEX[name]]

    def in_transit(self) -> np.ndarray:
        """Units on their way into each stage, ``(batch, S)``."""
        return self.pipeline.sum(axis=2)

    def info(self, b: int = 0, s: int = 0) -> dict[str, float]:
        """The last period of copy ``b``, stage ``s`` as plain floats."""
        return dict(zip(SUPPLY_RECORD_FIELDS, self.record[b, s].tolist(), strict=True))

    def batch_info(self, product: int | None = None) -> dict[str, np.ndarray]:
        """:meth:`info` of every copy at once: views of the record, ``(B, S)``, or
        ``(B,)`` for one stage ``product``."""
        record = self.record if product is None else self.record[:, product]
        return {name: record[..., i] for i, name in enumerate(SUPPLY_RECORD_FIELDS)}
