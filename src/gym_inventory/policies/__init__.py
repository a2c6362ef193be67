"""Rule policies, their tuning, and the exact optimal solvers.

One module per policy family. Every :class:`Policy` is built for one env configuration
(``env_id`` and keyword arguments), is callable on one observation or a batch, and has
a ``tune(...)`` classmethod returning a :class:`TuneResult`.
"""

from gym_inventory.policies.base import EnvView, Policy, TuneResult
from gym_inventory.policies.base_stock import BaseStock, CappedBaseStock
from gym_inventory.policies.clark_scarf import (
    SerialCost,
    SerialSolution,
    SerialSystem,
    solve_serial,
)
from gym_inventory.policies.constant import ConstantOrder
from gym_inventory.policies.echelon import EchelonBaseStock, InstallationBaseStock
from gym_inventory.policies.myopic import Myopic
from gym_inventory.policies.optimal import (
    ExactCost,
    OptimalPolicy,
    OptimalSolution,
    exact_average_cost,
    newsvendor_level,
    solve_optimal,
)
from gym_inventory.policies.order_hold_clear import OrderHoldClearRule
from gym_inventory.policies.reorder import SQ, SS
from gym_inventory.policies.seasonal import HourOfWeekOrderUpTo

__all__ = [
    "SQ",
    "SS",
    "BaseStock",
    "CappedBaseStock",
    "ConstantOrder",
    "EchelonBaseStock",
    "EnvView",
    "ExactCost",
    "HourOfWeekOrderUpTo",
    "InstallationBaseStock",
    "Myopic",
    "OptimalPolicy",
    "OptimalSolution",
    "OrderHoldClearRule",
    "Policy",
    "SerialCost",
    "SerialSolution",
    "SerialSystem",
    "TuneResult",
    "exact_average_cost",
    "newsvendor_level",
    "solve_optimal",
    "solve_serial",
]
