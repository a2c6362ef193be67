"""Every ``gymnasium.register`` call of gym-inventory, in one place.

:func:`register_envs` is idempotent: ids already registered (e.g. on re-import or after
``importlib.reload``) are left alone, so no "overriding environment" warning appears.
"""

from __future__ import annotations

from typing import Any

import gymnasium as gym

from gym_inventory.envs.inventory import DEFAULT_EPISODE_HOURS
from gym_inventory.envs.periodic import DEFAULT_PERIODS
from gym_inventory.envs.vector import vector_entry_point

__all__ = ["ENV_IDS", "register_envs"]

# The native vector env of each id (what ``gymnasium.make_vec`` builds), named here so the
# specs refer to it by a string and stay serialisable (``EnvSpec.to_json``).
inventory_v0_vector = vector_entry_point("gym_inventory.envs.inventory:InventoryEnv")
lost_sales_v0_vector = vector_entry_point("gym_inventory.envs.periodic:InventoryLostSalesEnv")
backorder_v0_vector = vector_entry_point("gym_inventory.envs.periodic:InventoryBackorderEnv")

_SPECS: dict[str, dict[str, Any]] = {
    "Inventory-v0": dict(
        entry_point="gym_inventory.envs.inventory:InventoryEnv",
        vector_entry_point="gym_inventory.registration:inventory_v0_vector",
        max_episode_steps=DEFAULT_EPISODE_HOURS,
    ),
    "InventoryLostSales-v0": dict(
        entry_point="gym_inventory.envs.periodic:InventoryLostSalesEnv",
        vector_entry_point="gym_inventory.registration:lost_sales_v0_vector",
        max_episode_steps=DEFAULT_PERIODS,
    ),
    "InventoryBackorder-v0": dict(
        entry_point="gym_inventory.envs.periodic:InventoryBackorderEnv",
        vector_entry_point="gym_inventory.registration:backorder_v0_vector",
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
