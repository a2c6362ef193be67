"""The products of a multi-product store: default demand, configurations, coupling.

What :class:`~gym_inventory.multi.multi_product_v0.MultiProductEnv` builds before it
builds its model: one :class:`~gym_inventory.demand.DemandSource` and one
:class:`~gym_inventory.core.InventoryConfig` per product, and the shared
:class:`~gym_inventory.core.CouplingConfig`, with the defaults its env card lists.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

from gym_inventory.core.calendar import HOURS_PER_WEEK
from gym_inventory.core.config import CouplingConfig, InventoryConfig, check_int, check_real
from gym_inventory.demand.base import DemandSource
from gym_inventory.errors import ConfigError

__all__ = [
    "AUTO_BUDGET_FACTOR",
    "AUTO_CAPACITY_HOURS",
    "AUTO_INITIAL_HOURS",
    "CONFIG_DEFAULTS",
    "TOP_MEAN_DEMAND",
    "default_coupling",
    "default_demand_sources",
    "demand_sources",
    "product_configs",
    "weekly_means",
]

#: Average hourly demand of the most popular product of the default demand.
TOP_MEAN_DEMAND = 10.0
#: Defaults chosen from the products' mean demand (see the env card's Arguments).
AUTO_CAPACITY_HOURS = 24.0
AUTO_INITIAL_HOURS = 12.0
AUTO_BUDGET_FACTOR = 2.0

#: The env's default of each product argument (``configs=`` refuses any other value).
CONFIG_DEFAULTS: dict[str, Any] = dict(
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
#: The product arguments that may differ between products (the others are shared).
_PER_PRODUCT = tuple(n for n in CONFIG_DEFAULTS if n not in ("lead_time", "backlog"))


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


def weekly_means(sources: Sequence[DemandSource]) -> np.ndarray:
    """Each source's mean demand per period over one week of hours, shape ``(P,)``."""
    week = np.arange(HOURS_PER_WEEK)
    return np.array([float(s.mean(week).mean()) for s in sources])


def demand_sources(demand: Any, n: int) -> list[DemandSource]:
    """The ``demand=`` argument checked: ``None`` (the default) or ``n`` sources."""
    if demand is None:
        return default_demand_sources(n)
    if isinstance(demand, DemandSource) or not isinstance(demand, Sequence):
        raise ConfigError(
            "demand must be a sequence of one gym_inventory.demand.DemandSource per "
            f"product, got {type(demand).__name__}"
        )
    sources = list(demand)
    if len(sources) != n:
        raise ConfigError(
            f"demand must have one source per product: n_products={n}, got {len(sources)} sources"
        )
    for i, s in enumerate(sources):
        if not isinstance(s, DemandSource):
            raise ConfigError(
                f"demand[{i}] must be a gym_inventory.demand.DemandSource, got {type(s).__name__}"
            )
    return sources


def product_configs(
    n: int,
    means: np.ndarray,
    configs: Sequence[InventoryConfig] | None,
    given: dict[str, Any],
) -> tuple[InventoryConfig, ...]:
    """One configuration per product: ``configs`` checked, or built from ``given``.

    ``given`` holds the env's product arguments (the keys of :data:`CONFIG_DEFAULTS`):
    each a number shared by all products, or (those that may differ) a sequence of ``n``
    numbers; ``initial_stock=None`` is ``AUTO_INITIAL_HOURS`` of each product's mean
    demand ``means``, rounded down. With ``configs``, ``given`` must hold the defaults.
    """
    if configs is not None:
        changed = sorted(k for k, v in given.items() if not _same(v, CONFIG_DEFAULTS[k]))
        if changed:
            raise ConfigError(
                f"give either configs= or the per-product arguments, not both (got {changed})"
            )
        if isinstance(configs, InventoryConfig) or not isinstance(configs, Sequence):
            raise ConfigError("configs must be a sequence of one InventoryConfig per product")
        configs = tuple(configs)
        if len(configs) != n or not all(isinstance(c, InventoryConfig) for c in configs):
            raise ConfigError(
                f"configs must be a sequence of n_products={n} InventoryConfig, got {configs!r}"
            )
        return configs
    given = dict(given)
    if given["initial_stock"] is None:
        given["initial_stock"] = np.floor(AUTO_INITIAL_HOURS * means).tolist()
    columns = {
        k: (_per_product(k, v, n) if k in _PER_PRODUCT else [v] * n) for k, v in given.items()
    }
    return tuple(InventoryConfig(**{k: columns[k][i] for k in columns}) for i in range(n))


def default_coupling(
    means: np.ndarray,
    configs: Sequence[InventoryConfig],
    shared_capacity: float | None,
    budget: float | None,
) -> CouplingConfig:
    """The coupling, with ``None`` replaced by the defaults the env card lists."""
    if shared_capacity is None:
        shared_capacity = max(1.0, math.ceil(AUTO_CAPACITY_HOURS * float(means.sum())))
    if budget is None:
        spend = AUTO_BUDGET_FACTOR * float(means @ [c.unit_cost for c in configs])
        budget = float(math.ceil(spend)) if spend > 0 else math.inf
    return CouplingConfig(shared_capacity=shared_capacity, budget=budget)


def _per_product(name: str, value: Any, n: int) -> list[Any]:
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


def _same(value: Any, default: Any) -> bool:
    if value is None or default is None or isinstance(value, bool) or isinstance(default, bool):
        return value is default
    if isinstance(value, numbers.Real) and isinstance(default, numbers.Real):
        return float(value) == float(default)
    return False
