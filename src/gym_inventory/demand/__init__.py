"""Demand sources: the :class:`DemandSource` protocol, its implementations and a registry.

Build any source by name with :func:`make_demand` (see :func:`available`); third-party
sources plug in through the entry-point group ``gym_inventory.demand`` (see
:mod:`gym_inventory.demand.registry`). Real demand from the Instacart data lives in
:mod:`gym_inventory.demand.instacart` (pandas/pyarrow needed only to read CSV files).
"""

from gym_inventory.core.calendar import HOURS_PER_WEEK
from gym_inventory.demand.base import DemandSource
from gym_inventory.demand.empirical import EmpiricalDemand
from gym_inventory.demand.instacart import InstacartDemand
from gym_inventory.demand.parametric import (
    ConstantDemand,
    DiscreteDemand,
    NegativeBinomialDemand,
    NormalDemand,
    PoissonDemand,
)
from gym_inventory.demand.registry import (
    ENTRY_POINT_GROUP,
    available,
    make_demand,
    register_demand,
)
from gym_inventory.demand.sampler import DemandTable
from gym_inventory.demand.seasonal import SeasonalDemand
from gym_inventory.demand.stream import DEFAULT_BLOCK, DemandStream

__all__ = [
    "DEFAULT_BLOCK",
    "ENTRY_POINT_GROUP",
    "HOURS_PER_WEEK",
    "ConstantDemand",
    "DemandSource",
    "DemandStream",
    "DemandTable",
    "DiscreteDemand",
    "EmpiricalDemand",
    "InstacartDemand",
    "NegativeBinomialDemand",
    "NormalDemand",
    "PoissonDemand",
    "SeasonalDemand",
    "available",
    "make_demand",
    "register_demand",
]
