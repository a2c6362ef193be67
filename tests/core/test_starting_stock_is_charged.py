"""The starting stock is bought at ``unit_cost``: the kernel charges ``initial_stock x
unit_cost`` in each copy's first period after a reset, in ``ordering`` (no fixed cost;
``ordered`` stays the agent's own order)."""

import numpy as np
import pytest

from gym_inventory.core import CouplingConfig, InventoryConfig, InventoryKernel


def step(k, order=0.0, demand=0.0, active=None):
    shape = k.on_hand.shape
    order = np.broadcast_to(np.asarray(order, dtype=float), shape).copy()
    k.step(order, np.zeros(shape), np.full(shape, float(demand)), active=active)
    return k


def test_first_period_charges_the_starting_stock_then_nothing():
    cfg = InventoryConfig(initial_stock=10, unit_cost=3.0, fixed_cost=7.0, price=5.0)
    k = InventoryKernel(cfg, 1)
    step(k, order=4, demand=2)
    # the order: 4 x 3 + 7; the starting stock: 10 x 3, no fixed cost for it
    assert k.last("ordering")[0, 0] == 4 * 3 + 7 + 10 * 3
    assert k.last("ordered")[0, 0] == 4 and k.last("orders_placed")[0, 0] == 1
    assert k.reward[0, 0] == 2 * 5 - (19 + 30)
    step(k, order=4, demand=2)
    assert k.last("ordering")[0, 0] == 19  # later periods: only the orders
    step(k, order=0, demand=2)
    assert k.last("ordering")[0, 0] == 0
    assert k.opening[0, 0] == 0


def test_reset_charges_it_again_and_only_for_the_copies_reset():
    k = InventoryKernel(InventoryConfig(initial_stock=6, unit_cost=2.0), 3)
    step(k)
    np.testing.assert_array_equal(k.last("ordering"), [[12], [12], [12]])
    step(k)
    np.testing.assert_array_equal(k.last("ordering"), [[0], [0], [0]])
    k.reset(np.array([False, True, False]))
    step(k)
    np.testing.assert_array_equal(k.last("ordering"), [[0], [12], [0]])
    k.reset()
    step(k)
    np.testing.assert_array_equal(k.last("ordering"), [[12], [12], [12]])


def test_an_inactive_copy_keeps_its_charge_for_its_first_active_period():
    k = InventoryKernel(InventoryConfig(initial_stock=6, unit_cost=2.0), 2)
    step(k, active=np.array([True, False]))
    np.testing.assert_array_equal(k.last("ordering"), [[12], [0]])
    step(k)
    np.testing.assert_array_equal(k.last("ordering"), [[0], [12]])


@pytest.mark.parametrize(
    "cfg", [InventoryConfig(initial_stock=10, unit_cost=0.0), InventoryConfig(unit_cost=4.0)]
)
def test_no_charge_without_unit_cost_or_starting_stock(cfg):
    k = InventoryKernel(cfg, 1)
    step(k, order=0, demand=1)
    assert k.last("ordering")[0, 0] == 0 and k.reward[0, 0] == 0


def test_each_product_pays_its_own_starting_stock_outside_the_budget():
    # the starting stock was bought before the episode: the ordering budget does not cover it
    cfgs = [
        InventoryConfig(initial_stock=4, unit_cost=2.0),
        InventoryConfig(initial_stock=1, unit_cost=9.0),
    ]
    k = InventoryKernel(cfgs, 1, CouplingConfig(budget=10.0))
    step(k, order=[[8, 0]])
    np.testing.assert_array_equal(k.last("ordered"), [[5, 0]])  # 8 x 2 > 10: x 10/16, down
    np.testing.assert_array_equal(k.last("ordering"), [[5 * 2 + 4 * 2, 1 * 9]])
    step(k, order=[[5, 0]])  # 5 x 2 fits the budget: untouched
    np.testing.assert_array_equal(k.last("ordering"), [[10, 0]])
