"""The SB3 policy behind :class:`gym_inventory.sb3.OrderPriorPolicy` (imports SB3 and torch)."""

from __future__ import annotations

from typing import Any

import torch as th
from gymnasium import spaces
from stable_baselines3.common.policies import ActorCriticPolicy

from gym_inventory.errors import ConfigError


class OrderPriorPolicy(ActorCriticPolicy):
    """SB3's ``ActorCriticPolicy`` whose first action distribution favours small orders.

    For ``Discrete(max_order + 1)`` order quantities: the action head's bias starts at
    ``-a / order_scale`` for action ``a`` (a geometric prior, mean about ``order_scale``
    units), instead of SB3's uniform start. Everything else is SB3's (the head's weights
    too: orthogonal, gain 0.01), so training moves away from the prior freely.

    Why: a uniform start orders ``max_order / 2`` units per period (25 against a mean
    demand of 5 on ``InventoryLostSales-v0``), stock piles up into the thousands, the
    observation and return statistics of ``VecNormalize`` are dominated by that transient,
    and PPO collapses to never ordering (measured in ``baselines/README.md``).

    Parameters
    ----------
    order_scale : float
        Mean of the prior, in units (positive).
    *args, **kwargs
        Those of ``ActorCriticPolicy``.
    """

    def __init__(self, *args: Any, order_scale: float = 5.0, **kwargs: Any) -> None:
        if not order_scale > 0:
            raise ConfigError(f"order_scale must be a positive number, got {order_scale!r}")
        action_space = args[1] if len(args) > 1 else kwargs.get("action_space")
        if not isinstance(action_space, spaces.Discrete):
            raise ConfigError(f"OrderPriorPolicy needs a Discrete action space, got {action_space}")
        self.order_scale = float(order_scale)
        super().__init__(*args, **kwargs)

    def _build(self, lr_schedule: Any) -> None:
        super()._build(lr_schedule)
        n = int(self.action_space.n)
        with th.no_grad():
            self.action_net.bias.copy_(-th.arange(n, dtype=th.float32) / self.order_scale)

    def _get_constructor_parameters(self) -> dict[str, Any]:
        return {**super()._get_constructor_parameters(), "order_scale": self.order_scale}
