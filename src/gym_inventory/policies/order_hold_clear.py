"""The prototype's rule on ``Inventory-v0``: :class:`OrderHoldClearRule`."""

from __future__ import annotations

from typing import Any

import numpy as np

from gym_inventory.core.config import check_int
from gym_inventory.errors import ConfigError
from gym_inventory.policies.base import EnvView, Policy
from gym_inventory.policies.tuning import SearchSpace

__all__ = ["OrderHoldClearRule"]


class OrderHoldClearRule(Policy):
    """The prototype's rule: order (action 0) when on-hand stock < ``reorder`` (100),
    run a clearance sale (action 2) when it is > ``clearance`` (400), else hold (1).

    It looks at on-hand stock only, not at what is already in transit. Only for
    ``Inventory-v0`` in ``action_mode="order_hold_clear"`` (the default).
    """

    param_names = ("reorder", "clearance")

    def __init__(
        self,
        reorder: int = 100,
        clearance: int = 400,
        *,
        env_id: str = "Inventory-v0",
        **env_kwargs: Any,
    ) -> None:
        super().__init__(env_id, **env_kwargs)
        if self.env.family != "store" or self.env.action_mode != "order_hold_clear":
            raise ConfigError(
                "OrderHoldClearRule needs Inventory-v0 with action_mode='order_hold_clear', got "
                f"{self.env.env_id} with action_mode={self.env.action_mode!r}"
            )
        self.reorder = check_int("reorder", reorder)
        self.clearance = check_int("clearance", clearance)
        if self.clearance < self.reorder:
            raise ConfigError(f"clearance must be >= reorder, got {clearance} < {reorder}")

    def order(self, obs: np.ndarray) -> np.ndarray:
        return np.where(obs[:, 0] < self.reorder, float(self.env.order_quantity), 0.0)

    def act(self, obs: np.ndarray) -> np.ndarray:
        on_hand = obs[:, 0]
        return np.where(on_hand < self.reorder, 0, np.where(on_hand > self.clearance, 2, 1))

    @classmethod
    def search_space(cls, view: EnvView) -> SearchSpace:
        cap = view.level_cap()
        # searched as (reorder, clearance - reorder)
        return SearchSpace((100, 300), (0, 0), (cap, cap), decode=lambda x: (x[0], x[0] + x[1]))

    @classmethod
    def tune(cls, env_id: str = "Inventory-v0", **kwargs: Any):
        return super().tune(env_id, **kwargs)
