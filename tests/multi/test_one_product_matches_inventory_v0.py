"""With one product and a coupling that never binds, ``multi_product_v0`` reproduces
``Inventory-v0`` bit for bit: observations, rewards, episode end and infos."""

import math

import gymnasium as gym
import numpy as np
import pytest

pytest.importorskip("pettingzoo")

import gym_inventory
from gym_inventory.multi import multi_product_v0

EQUIV = {
    "default": {},
    "quantity-backlog": dict(action_mode="quantity", max_order=40, backlog=True),
    "stochastic-lead": dict(lead_time=(0.2, 0.3, 0.5)),
    "continuous": dict(action_mode="continuous", max_order=50, lead_time=0),
}


@pytest.mark.parametrize("name", EQUIV)
@pytest.mark.parametrize("coupling", ["none", "slack"])
def test_one_product_reproduces_inventory_v0(name, coupling):
    kw = dict(EQUIV[name])
    single = gym.make("Inventory-v0", max_episode_steps=300, **kw)
    kw.setdefault("lead_time", 2)
    # Inventory-v0's defaults, and a coupling that never binds (or none at all).
    cap, budget = (math.inf, math.inf) if coupling == "none" else (500, 1e9)
    multi = multi_product_v0.parallel_env(
        n_products=1,
        demand=[gym_inventory.envs.inventory.default_demand()],
        capacity=500,
        initial_stock=250,
        shared_capacity=cap,
        budget=budget,
        max_cycles=300,
        **kw,
    )
    o1, _ = single.reset(seed=11)
    o2, _ = multi.reset(seed=11)
    np.testing.assert_array_equal(o1, o2["product_0"][:11])
    single.action_space.seed(5)
    for t in range(300):
        a = single.action_space.sample()
        o1, r1, te1, tr1, i1 = single.step(a)
        o2, r2, te2, tr2, i2 = multi.step({"product_0": a})
        assert np.array_equal(o1, o2["product_0"][:11]), t
        assert r1 == r2["product_0"]
        assert (te1, tr1) == (te2["product_0"], tr2["product_0"])
        assert i2["product_0"] == {**i1, "requested": i2["product_0"]["requested"]}
    assert not multi.agents and tr1
