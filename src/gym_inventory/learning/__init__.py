"""Learned policies trained on the package's own batched model.

- :mod:`~gym_inventory.learning.rollouts`: rollouts from arbitrary states with common
  random numbers (:class:`CRNRollouts`).
- :mod:`~gym_inventory.learning.apv`: approximate policy iteration (:func:`train_apv`).

Training needs torch (``pip install "gym-inventory[baselines]"``).
"""

from gym_inventory.learning.apv import (
    APVConfig,
    APVResult,
    LearnedPolicy,
    arrival_features,
    load_entry_policy,
    rollout_costs,
    sample_states,
    smooth_costs,
    train_apv,
)
from gym_inventory.learning.rollouts import CRNRollouts, crn_generators

__all__ = [
    "APVConfig",
    "APVResult",
    "CRNRollouts",
    "LearnedPolicy",
    "arrival_features",
    "crn_generators",
    "load_entry_policy",
    "rollout_costs",
    "sample_states",
    "smooth_costs",
    "train_apv",
]
