"""Pure-NumPy core: validated configuration and the one batched dynamics kernel."""

from gym_inventory.core.config import CouplingConfig, InventoryConfig
from gym_inventory.core.kernel import FLOW_FIELDS, MONEY_FIELDS, InventoryKernel

__all__ = ["FLOW_FIELDS", "MONEY_FIELDS", "CouplingConfig", "InventoryConfig", "InventoryKernel"]
