"""Demand sources: the :class:`DemandSource` protocol and its implementations."""

from gym_inventory.demand.base import DEFAULT_BLOCK, DemandSource, DemandStream
from gym_inventory.demand.parametric import HOURS_PER_WEEK, PoissonDemand, SeasonalDemand

__all__ = [
    "DEFAULT_BLOCK",
    "HOURS_PER_WEEK",
    "DemandSource",
    "DemandStream",
    "PoissonDemand",
    "SeasonalDemand",
]
