"""Rule policies, their tuning, and the exact optimal solver."""

from gym_inventory.policies.base import EnvView, Policy, TuneResult
from gym_inventory.policies.optimal import (
    OptimalPolicy,
    OptimalSolution,
    exact_average_cost,
    solve_optimal,
)

__all__ = [
    "EnvView",
    "OptimalPolicy",
    "OptimalSolution",
    "Policy",
    "TuneResult",
    "exact_average_cost",
    "solve_optimal",
]
