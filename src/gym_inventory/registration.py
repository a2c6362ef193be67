"""Every ``gymnasium.register`` call of gym-inventory, in one place.

:func:`register_envs` is idempotent: ids already registered (e.g. on re-import or after
``importlib.reload``) are left alone, so no "overriding environment" warning appears.
"""

from __future__ import annotations

from typing import Any

import gymnasium as gym

from gym_inventory.envs.inventory import DEFAULT_EPISODE_HOURS
from gym_inventory.envs.periodic import DEFAULT_PERIODS

__all__ = ["ENV_IDS", "register_envs"]

_SPECS: dict[str, dict[str, Any]] = {
    "Inventory-v0": dict(
        entry_point="gym_inventory.envs.inventory:InventoryEnv",
        max_episode_steps=DEFAULT_EPISODE_HOURS,
    ),
    "InventoryLostSales-v0": dict(
        entry_point="gym_inventory.envs.periodic:InventoryLostSalesEnv",
        max_episode_steps=DEFAULT_PERIODS,
    ),
    "InventoryBackorder-v0": dict(
        entry_point="gym_inventory.envs.periodic:InventoryBackorderEnv",
        max_episode_steps=DEFAULT_PERIODS,
    ),
}

#: Every env id this package registers.
ENV_IDS: tuple[str, ...] = tuple(_SPECS)


def register_envs() -> None:
    """Register every gym-inventory env id with Gymnasium (idempotent)."""
    for env_id, kwargs in _SPECS.items():
        if env_id not in gym.registry:
            gym.register(id=env_id, **kwargs)
