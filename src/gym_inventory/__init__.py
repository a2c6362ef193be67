"""gym-inventory: reinforcement-learning environments for inventory control.

Importing the package registers every environment id with Gymnasium::

    import gymnasium as gym
    import gym_inventory

    env = gym.make("Inventory-v0")
"""

from importlib.metadata import PackageNotFoundError, version

from gym_inventory.core import CouplingConfig, InventoryConfig, InventoryKernel
from gym_inventory.envs import InventoryEnv
from gym_inventory.registration import ENV_IDS, register_envs

try:
    __version__ = version("gym-inventory")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+unknown"

register_envs()

__all__ = [
    "ENV_IDS",
    "CouplingConfig",
    "InventoryConfig",
    "InventoryEnv",
    "InventoryKernel",
    "__version__",
    "register_envs",
]
