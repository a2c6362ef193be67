"""The one home of the period's fields and prices.

A period of one copy of one product is recorded as :data:`RECORD_FIELDS`: the unit
flows (:data:`FLOW_FIELDS`), the money (:data:`MONEY_FIELDS`, costs positive), the
profit and the units still in transit. Every env's ``info`` has exactly these keys. The
money comes from one price table, one row per product with the columns
:data:`PRICE_FIELDS`, built by :func:`price_table` from the products' configurations.

The module-level indexes (``ON_HAND``, ``P_UNIT_COST``, ...) are plain ints, so the
compiled period (:mod:`gym_inventory.core.period`) reads them as constants.

To add a cost rule (say a per-unit receiving cost): add the field to
:class:`~gym_inventory.core.config.InventoryConfig`, its column to :data:`PRICE_FIELDS`
(with its index below), its money term to :data:`MONEY_FIELDS` and one line to
:func:`gym_inventory.core.period.period`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from gym_inventory.core.config import InventoryConfig

__all__ = [
    "FLOW_FIELDS",
    "MONEY_FIELDS",
    "PRICE_FIELDS",
    "RECORD_FIELDS",
    "price_table",
]

#: Units moved in one period, in record order.
FLOW_FIELDS: tuple[str, ...] = (
    "ordered",  # units ordered this period (after any budget rule)
    "orders_placed",  # 1 if anything was ordered, else 0
    "arrived",  # units due this period
    "received",  # units accepted: to backlogged customers first, the rest into stock
    "disposed",  # units of the arrivals that did not fit and were disposed of
    "cleared",  # units sold through the clearance action
    "sold",  # units sold to demand (in backorder mode including backlog served)
    "unmet",  # units of this period's demand not served from stock (lost or backlogged)
    "lost",  # units of demand lost this period (lost-sales mode)
    "backlog",  # units backlogged at period end (backorder mode)
    "on_hand",  # units on hand at period end
    "demand",  # units demanded this period
)
#: The period's money by component, costs positive: ``profit = revenue - ordering -
#: holding - penalty - disposal``, summed in that order.
MONEY_FIELDS: tuple[str, ...] = ("revenue", "ordering", "holding", "penalty", "disposal")
#: Everything one period records for one copy of one product (the ``info`` keys).
RECORD_FIELDS: tuple[str, ...] = (*FLOW_FIELDS, *MONEY_FIELDS, "profit", "in_transit")

(
    ORDERED, ORDERS_PLACED, ARRIVED, RECEIVED, DISPOSED, CLEARED, SOLD, UNMET, LOST,
    BACKLOG, ON_HAND, DEMAND, REVENUE, ORDERING, HOLDING, PENALTY, DISPOSAL, PROFIT,
    IN_TRANSIT,
) = range(len(RECORD_FIELDS))  # fmt: skip

#: Columns of the price table: the :class:`InventoryConfig` fields money is made of.
PRICE_FIELDS: tuple[str, ...] = (
    "price",  # per unit sold to demand
    "clearance_price",  # per unit cleared
    "unit_cost",  # per unit ordered, and per unit of starting stock in the first period
    "fixed_cost",  # per period with an order
    "holding_cost",  # per unit on hand at period end
    "penalty_cost",  # per unit lost, or backlogged at period end
    "disposal_cost",  # per unit disposed of
)
(
    P_PRICE, P_CLEARANCE_PRICE, P_UNIT_COST, P_FIXED_COST, P_HOLDING_COST, P_PENALTY_COST,
    P_DISPOSAL_COST,
) = range(len(PRICE_FIELDS))  # fmt: skip


def price_table(configs: Sequence[InventoryConfig]) -> np.ndarray:
    """The price table of ``configs``: shape ``(products, len(PRICE_FIELDS))``, float64."""
    return np.array(
        [[float(getattr(c, name)) for name in PRICE_FIELDS] for c in configs], dtype=np.float64
    )
