"""Gymnasium environments."""

from gym_inventory.envs.inventory import InventoryEnv
from gym_inventory.envs.store import StoreModel, StoreParams

__all__ = ["InventoryEnv", "StoreModel", "StoreParams"]
