"""Rows the batched step leaves alone when they are zero by construction stay correct when
a kernel alternates between steps with and without them."""

from __future__ import annotations

import numpy as np

from gym_inventory.core import InventoryKernel
from gym_inventory.core.config import CouplingConfig, InventoryConfig


def test_cleared_row_is_zeroed_after_a_step_without_clearance():
    k = InventoryKernel(InventoryConfig(lead_time=0, initial_stock=10), batch_size=3)
    demand = np.zeros((3, 1))
    k.step(np.zeros((3, 1)), np.full((3, 1), 4.0), demand)
    assert k.cleared.tolist() == [[4.0]] * 3
    k.step(np.zeros((3, 1)), 0.0, demand)  # no clearance: the row must not keep the 4s
    assert k.cleared.tolist() == [[0.0]] * 3 and k.on_hand.tolist() == [[6.0]] * 3
    k.step(np.zeros((3, 1)), np.full((3, 1), 1.0), demand)
    assert k.cleared.tolist() == [[1.0]] * 3


def test_disposed_row_follows_the_shared_capacity_rule():
    configs = [InventoryConfig(lead_time=0, initial_stock=0)] * 2
    k = InventoryKernel(configs, batch_size=1, coupling=CouplingConfig(shared_capacity=10))
    k.step(np.array([[8.0, 8.0]]), 0.0, np.zeros((1, 2)))  # binding: 6 disposed
    assert k.disposed.sum() == 6.0 and k.on_hand.sum() == 10.0
    k.step(np.zeros((1, 2)), 0.0, np.full((1, 2), 5.0))  # not binding: nothing disposed
    assert k.disposed.tolist() == [[0.0, 0.0]] and k.on_hand.sum() == 0.0
