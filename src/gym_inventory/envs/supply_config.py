"""The configuration of a supply chain (serial or divergent) and its presets.

:class:`SupplyChainConfig` is everything :class:`~gym_inventory.envs.supply.
SupplyChainModel` and :mod:`gym_inventory.multi.supply_chain_v0` are built from, checked
field by field on construction (one :class:`~gym_inventory.errors.ConfigError` naming the
field). :data:`PRESETS` holds the named instances (``preset=`` of the env), with the
source of every number.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from gym_inventory.core.config import (
    MAX_QUANTITY,
    InventoryConfig,
    check_int,
    check_limit,
    check_real,
)
from gym_inventory.demand.base import DemandSource
from gym_inventory.demand.parametric import DiscreteDemand, NormalDemand, PoissonDemand
from gym_inventory.errors import ArgumentError, ConfigError

__all__ = ["PRESETS", "TOPOLOGIES", "SupplyChainConfig", "preset_arguments"]

TOPOLOGIES = ("serial", "divergent")
_WEEK = np.arange(168)  # (the periods over which a source's mean demand is averaged)

#: Named instances: env arguments (``max_cycles`` included). Sources in the env card.
PRESETS: dict[str, dict[str, Any]] = {
    # Oroojlooyjadid, Nazari, Snyder, Takac (2022), "A Deep Q-Network for the Beer Game",
    # MSOM 24(1); the numbers are the defaults of the authors' code
    # (github.com/OptMLGroup/DeepBeerInventory-RL, config.py): leadRecItem [2,2,2,4],
    # leadRecOrder [2,2,2,0], ch [2,2,2,2], cp [2,0,0,0], demand randint(0, 3),
    # ILInit/AOInit/ASInit 0, T 100.
    "beer_game": dict(
        topology="serial",
        n_stages=4,
        lead_times=(2, 2, 2, 4),
        info_delays=(2, 2, 2, 0),
        holding_costs=2.0,
        penalty_cost=2.0,
        internal_backlog_cost=0.0,
        backlog=True,
        demand=DiscreteDemand([1 / 3, 1 / 3, 1 / 3]),
        initial_stock=0,
        max_cycles=100,
    ),
    # Snyder and Shen (2019), Fundamentals of Supply Chain Theory, 2nd ed., Example 6.1
    # (stockpyl's instance "example_6_1"): local holding costs 7, 4, 2, shipment lead
    # times 1, 1, 2, stockout cost 37.12 at stage 1, demand N(5, 1) (here rounded to
    # integers, gym_inventory.demand.NormalDemand). The book orders after the period's
    # demand, this package before it: the retailer's lead time 0 here is the book's 1
    # (each echelon's order covers 1, 2, 4 periods of demand, as there).
    "clark_scarf": dict(
        topology="serial",
        n_stages=3,
        lead_times=(0, 1, 2),
        info_delays=0,
        holding_costs=(7.0, 4.0, 2.0),
        penalty_cost=37.12,
        internal_backlog_cost=0.0,
        backlog=True,
        demand=NormalDemand(5.0, 1.0),
        initial_stock=0,
        max_cycles=1000,
    ),
}


def preset_arguments(preset: str | None, kwargs: dict[str, Any]) -> dict[str, Any]:
    """The env arguments of ``preset`` (None: none) updated with ``kwargs``."""
    if preset is None:
        return dict(kwargs)
    if not isinstance(preset, str) or preset not in PRESETS:
        raise ConfigError(f"preset must be one of {sorted(PRESETS)} or None, got {preset!r}")
    return {**PRESETS[preset], **kwargs}


def _per_stage(name: str, value: Any, n: int, check: Any) -> tuple:
    """``value`` (one value for every stage, or a sequence of ``n``) checked by ``check``."""
    if isinstance(value, Sequence) and not isinstance(value, str):
        if len(value) != n:
            raise ConfigError(
                f"{name} must be one value or a sequence of one per stage ({n}), got "
                f"{len(value)} values"
            )
        return tuple(check(f"{name}[{i}]", v) for i, v in enumerate(value))
    return (check(name, value),) * n


def _lead(name: str, v: Any) -> int:
    return check_limit(name, check_int(name, v), "MAX_LEAD_TIME")


def _cost(name: str, v: Any) -> float:
    return check_limit(name, check_real(name, v), "MAX_PRICE")


def _stock(name: str, v: Any) -> int:
    return check_limit(name, check_int(name, v), "MAX_QUANTITY")


@dataclass(frozen=True)
class SupplyChainConfig:
    r"""A serial or divergent supply chain; every field is checked on construction.

    Stages are numbered from the customers up: ``0 .. R-1`` the retailers (``R = 1``
    in a serial chain), ``S - 1`` the top, which orders from an unlimited outside
    supplier. Per-stage fields take one value for every stage or a sequence of ``S``
    in stage order; the sequences are stored as tuples.

    Parameters
    ----------
    topology : {"serial", "divergent"}
        ``"serial"``: stage ``s + 1`` supplies stage ``s``. ``"divergent"``: one
        warehouse (stage ``R``) supplies ``R`` retailers.
    n_stages : int, optional
        Serial: the number of stages (default 4). Divergent: ``n_retailers + 1`` if given.
    n_retailers : int, optional
        Divergent: the number of retailers (default 2). Serial: 1 if given.
    lead_times : int or sequence of int
        :math:`L_s`, the shipping lead time into stage ``s`` (from its upstream; for the
        top, from the outside supplier): shipped in period :math:`t`, it arrives at the
        start of :math:`t + L_s`; 0 arrives at once.
    info_delays : int or sequence of int
        Periods an order of stage ``s`` takes to reach its upstream (0: at once).
    holding_costs : float or sequence of float
        :math:`h_s` per unit on hand at stage ``s`` at period end.
    penalty_cost : float
        :math:`p` per unit backlogged at a retailer at period end (or lost).
    internal_backlog_cost : float
        Per unit an internal stage owes downstream at period end.
    pipeline_costs : float or sequence of float
        Per unit in transit to stage ``s`` at period end.
    backlog : bool
        Unmet customer demand is backlogged (True) or lost (False).
    demand : DemandSource or sequence of DemandSource, optional
        Customer demand (one per retailer; one source is shared by all). ``None``:
        Poisson with mean ``demand_mean``.
    demand_mean : float, optional
        Mean of the default Poisson demand (``None``: 5.0); only with ``demand=None``.
    unit_cost, fixed_cost : float
        What the top pays the outside supplier per unit shipped, and per period with a
        shipment.
    supply_capacity : float
        Most units the outside supplier ships per period (``math.inf``: no limit); the
        rest of an order is not shipped, ever.
    initial_stock : int or sequence of int
        On hand at each stage at reset (bought at ``unit_cost`` at the top only).
    max_order : int, optional
        Largest order of every agent; ``None``: 10 × the mean customer demand of one
        period summed over the retailers (at least 1).
    """

    topology: str = "serial"
    n_stages: int | None = None
    n_retailers: int | None = None
    lead_times: int | Sequence[int] = 2
    info_delays: int | Sequence[int] = 0
    holding_costs: float | Sequence[float] = 1.0
    penalty_cost: float = 9.0
    internal_backlog_cost: float = 0.0
    pipeline_costs: float | Sequence[float] = 0.0
    backlog: bool = True
    demand: DemandSource | Sequence[DemandSource] | None = None
    demand_mean: float | None = None
    unit_cost: float = 0.0
    fixed_cost: float = 0.0
    supply_capacity: float = math.inf
    initial_stock: int | Sequence[int] = 0
    max_order: int | None = None

    def __post_init__(self) -> None:
        put = object.__setattr__
        if self.topology not in TOPOLOGIES:
            raise ConfigError(f"topology must be one of {TOPOLOGIES}, got {self.topology!r}")
        if self.topology == "serial":
            S = 4 if self.n_stages is None else check_int("n_stages", self.n_stages, low=1)
            if self.n_retailers not in (None, 1):
                raise ConfigError(
                    f"n_retailers applies to topology='divergent' (a serial chain has one "
                    f"retailer), got {self.n_retailers!r}"
                )
            R = 1
        else:
            R = 2 if self.n_retailers is None else check_int("n_retailers", self.n_retailers, low=1)
            S = R + 1
            if self.n_stages is not None and self.n_stages != S:
                raise ConfigError(
                    f"n_stages of a divergent chain is n_retailers + 1 = {S}, got "
                    f"{self.n_stages!r} (give n_retailers instead)"
                )
        put(self, "n_stages", S)
        put(self, "n_retailers", R)
        put(self, "lead_times", _per_stage("lead_times", self.lead_times, S, _lead))
        put(self, "info_delays", _per_stage("info_delays", self.info_delays, S, _lead))
        put(self, "holding_costs", _per_stage("holding_costs", self.holding_costs, S, _cost))
        put(self, "pipeline_costs", _per_stage("pipeline_costs", self.pipeline_costs, S, _cost))
        put(self, "initial_stock", _per_stage("initial_stock", self.initial_stock, S, _stock))
        for name in ("penalty_cost", "internal_backlog_cost", "unit_cost", "fixed_cost"):
            put(self, name, _cost(name, getattr(self, name)))
        if not isinstance(self.backlog, bool):
            raise ConfigError(f"backlog must be a bool, got {self.backlog!r}")
        cap = check_real("supply_capacity", self.supply_capacity, allow_inf=True)
        if math.isfinite(cap):
            cap = float(check_limit("supply_capacity", check_int("supply_capacity", cap),
                                    "MAX_QUANTITY", "or math.inf for none"))  # fmt: skip
        put(self, "supply_capacity", cap)
        put(self, "demand", self._sources(R))
        mean_total = sum(float(s.mean(_WEEK).mean()) for s in self.demand)
        if self.max_order is None:
            put(self, "max_order", max(1, math.ceil(10.0 * mean_total)))
        else:
            put(self, "max_order", check_int("max_order", self.max_order, low=1,
                                             high=int(MAX_QUANTITY)))  # fmt: skip

    def _sources(self, R: int) -> tuple[DemandSource, ...]:
        demand = self.demand
        if demand is None:
            mean = 5.0 if self.demand_mean is None else self.demand_mean
            return (PoissonDemand(check_real("demand_mean", mean, high=MAX_QUANTITY)),) * R
        if self.demand_mean is not None:
            raise ConfigError(
                "demand_mean only applies to the default Poisson demand (demand=None)"
            )
        if isinstance(demand, DemandSource):
            return (demand,) * R
        if isinstance(demand, Sequence) and not isinstance(demand, str) and len(demand) == R:
            for i, s in enumerate(demand):
                if not isinstance(s, DemandSource):
                    raise ConfigError(
                        f"demand[{i}] must be a gym_inventory.demand.DemandSource, got "
                        f"{type(s).__name__}"
                    )
            return tuple(demand)
        raise ConfigError(
            f"demand must be a DemandSource, a sequence of one per retailer ({R}) or None, "
            f"got {demand!r}"
        )

    @classmethod
    def from_kwargs(cls, kwargs: dict[str, Any]) -> SupplyChainConfig:
        """Build from a dict, refusing unknown keys (an :class:`ArgumentError` naming them)."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(kwargs) - known)
        if unknown:
            raise ArgumentError(f"unknown supply chain argument(s) {unknown}")
        return cls(**kwargs)

    @classmethod
    def preset(cls, name: str, **overrides: Any) -> SupplyChainConfig:
        """The chain of preset ``name`` (:data:`PRESETS`, without its ``max_cycles``),
        with ``overrides`` applied."""
        kwargs = preset_arguments(name, overrides)
        kwargs.pop("max_cycles", None)
        return cls.from_kwargs(kwargs)

    @property
    def divergent(self) -> bool:
        """Whether the chain is divergent (one warehouse, several retailers)."""
        return self.topology == "divergent"

    def stage_configs(self) -> tuple[InventoryConfig, ...]:
        """One :class:`~gym_inventory.core.InventoryConfig` per stage: its lead time,
        holding cost, penalty (``penalty_cost`` at a retailer, ``internal_backlog_cost``
        elsewhere), starting stock and, at the top only, the purchase costs (the price
        table of the stages' periods)."""
        S, R, top = self.n_stages, self.n_retailers, self.n_stages - 1
        return tuple(
            InventoryConfig(
                lead_time=self.lead_times[s],
                backlog=self.backlog if s < R else True,
                holding_cost=self.holding_costs[s],
                penalty_cost=self.penalty_cost if s < R else self.internal_backlog_cost,
                unit_cost=self.unit_cost if s == top else 0.0,
                fixed_cost=self.fixed_cost if s == top else 0.0,
                initial_stock=self.initial_stock[s],
            )
            for s in range(S)
        )
