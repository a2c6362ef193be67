"""The core: validated configuration, the fields and prices, and THE compiled period.

Imports neither gymnasium nor pettingzoo.
"""

from gym_inventory.core.config import CouplingConfig, InventoryConfig
from gym_inventory.core.fields import FLOW_FIELDS, MONEY_FIELDS, PRICE_FIELDS, RECORD_FIELDS
from gym_inventory.core.kernel import InventoryKernel

__all__ = [
    "FLOW_FIELDS",
    "MONEY_FIELDS",
    "PRICE_FIELDS",
    "RECORD_FIELDS",
    "CouplingConfig",
    "InventoryConfig",
    "InventoryKernel",
]
