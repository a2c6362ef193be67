"""``Inventory-v0`` charges its starting stock: ``initial_stock x unit_cost`` in the
first hour of every episode, in ``info["ordering"]``; the vector env's copies agree."""

import gymnasium as gym
import numpy as np
import pytest

from gym_inventory.demand import ConstantDemand

HOLD = 1


def test_hold_only_episode_profit_worked_by_hand():
    # 20 units at the start, 3 demanded each hour, no lead time, hold for 10 hours:
    # stock 17 14 11 8 5 2 0 0 0 0 (sum 57); sold 6 x 3 + 2 = 20; lost 1 + 3 x 3 = 10.
    env = gym.make(
        "Inventory-v0", demand=ConstantDemand(3), initial_stock=20, lead_time=0,
        max_episode_steps=10,
    )  # fmt: skip
    env.reset(seed=0)
    infos = []
    truncated = False
    while not truncated:
        _, _, _, truncated, info = env.step(HOLD)
        infos.append(info)
    total = sum(i["profit"] for i in infos)
    revenue = 10.0 * 20  # price 10
    opening = 20 * 5.0  # the starting stock at unit_cost 5
    holding = 0.1 * 57
    penalty = 2.0 * 10
    assert total == pytest.approx(revenue - opening - holding - penalty)  # 74.3
    assert [i["ordering"] for i in infos] == [100.0] + [0.0] * 9
    assert all(i["ordered"] == 0 and i["orders_placed"] == 0 for i in infos)
    # a new episode buys its starting stock again
    env.reset(seed=1)
    assert env.step(HOLD)[4]["ordering"] == 100.0
    assert env.step(HOLD)[4]["ordering"] == 0.0


def test_defaults_charge_250_units_at_5():
    env = gym.make("Inventory-v0")
    env.reset(seed=0)
    info = env.step(0)[4]  # order 30 (fixed cost 10)
    assert info["ordering"] == 30 * 5 + 10 + 250 * 5
    assert env.step(0)[4]["ordering"] == 30 * 5 + 10


def test_free_units_change_nothing():
    env = gym.make("Inventory-v0", unit_cost=0.0)
    env.reset(seed=0)
    assert env.step(HOLD)[4]["ordering"] == 0.0


@pytest.mark.parametrize("env_id", ["InventoryLostSales-v0", "InventoryBackorder-v0"])
def test_benchmark_variants_charge_nothing_by_default(env_id):
    env = gym.make(env_id)
    env.reset(seed=0)
    assert env.step(0)[4]["ordering"] == 0.0


def test_vector_copies_pay_it_after_every_autoreset_like_the_single_env():
    venv = gym.make_vec("Inventory-v0", num_envs=3, max_episode_steps=4)
    single = gym.make("Inventory-v0", max_episode_steps=4)
    venv.reset(seed=5)
    single.reset(seed=5)
    for t in range(9):  # truncated at t = 3; NEXT_STEP: t = 4 resets, t = 5 charges again
        _, rewards, _, truncated, infos = venv.step(np.full(3, HOLD))
        assert truncated[0] == (t in (3, 8))
        if t == 4:
            single.reset()
            continue
        _, reward, _, _, info = single.step(HOLD)
        assert rewards[0] == reward and infos["ordering"][0] == info["ordering"]
        assert infos["ordering"][0] == (1250.0 if t in (0, 5) else 0.0)
