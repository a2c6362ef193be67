"""Gymnasium environments."""

from gym_inventory.envs.inventory import InventoryEnv
from gym_inventory.envs.store import StoreModel, StoreParams
from gym_inventory.envs.vector import InventoryVectorEnv

__all__ = ["InventoryEnv", "InventoryVectorEnv", "StoreModel", "StoreParams"]
