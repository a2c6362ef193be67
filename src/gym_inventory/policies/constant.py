"""The :class:`ConstantOrder` policy."""

from __future__ import annotations

from typing import Any

import numpy as np

from gym_inventory.core.config import check_int
from gym_inventory.policies.base import EnvView, Policy
from gym_inventory.policies.tuning import SearchSpace

__all__ = ["ConstantOrder"]


class ConstantOrder(Policy):
    r"""Order the same :math:`q` units every period, whatever the state.

    Asymptotically optimal for lost sales as the lead time grows (Goldberg et al. 2016).
    Its inventory position is unbounded, so ``tune`` always simulates (common random
    numbers).
    """

    param_names = ("q",)
    exact_ok = False

    def __init__(self, q: int, *, env_id: str = "InventoryLostSales-v0", **env_kwargs: Any) -> None:
        super().__init__(env_id, **env_kwargs)
        self.q = check_int("q", q)

    def order(self, obs: np.ndarray) -> np.ndarray:
        return np.full(len(obs), float(self.q))

    @classmethod
    def search_space(cls, view: EnvView) -> SearchSpace:
        q0 = min(view.max_order, max(0, round(view.mean_demand()) - 1))
        return SearchSpace((q0,), (0,), (view.max_order,))
