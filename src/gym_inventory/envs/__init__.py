"""Gymnasium environments and the batched models behind them."""

from gym_inventory.envs.inventory import InventoryEnv
from gym_inventory.envs.model import BatchedModel, KernelModel
from gym_inventory.envs.store import HourlyStoreModel, StoreParams
from gym_inventory.envs.vector import InventoryVectorEnv

__all__ = [
    "BatchedModel",
    "HourlyStoreModel",
    "InventoryEnv",
    "InventoryVectorEnv",
    "KernelModel",
    "StoreParams",
]
