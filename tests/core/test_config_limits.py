"""InventoryConfig and CouplingConfig refuse values whose results cannot be represented."""

import math

import gymnasium as gym
import numpy as np
import pytest

import gym_inventory  # noqa: F401  (registers the env ids)
from gym_inventory.core import CouplingConfig, InventoryConfig
from gym_inventory.core.config import MAX_LEAD_TIME, MAX_PRICE, MAX_QUANTITY
from gym_inventory.errors import ConfigError

MONEY = (
    "unit_cost",
    "fixed_cost",
    "holding_cost",
    "penalty_cost",
    "price",
    "clearance_price",
    "disposal_cost",
)


def test_limits_keep_results_representable():
    assert MAX_QUANTITY < 2**53 / 8  # room for periods of arrivals on top, still exact
    assert math.isfinite(MAX_PRICE * MAX_QUANTITY * 1e90)  # sums of many periods stay finite
    assert float(np.float32(MAX_QUANTITY)) < float(np.finfo(np.float32).max)


@pytest.mark.parametrize("name", MONEY)
def test_money_fields_accept_max_price_and_refuse_more(name):
    assert getattr(InventoryConfig(**{name: MAX_PRICE}), name) == MAX_PRICE
    with pytest.raises(ConfigError, match=rf"^{name} must be <= MAX_PRICE = 1e\+200 .*got 2e\+200"):
        InventoryConfig(**{name: 2 * MAX_PRICE})


def test_quantity_fields_accept_max_quantity_and_refuse_more():
    c = InventoryConfig(capacity=MAX_QUANTITY, initial_stock=int(MAX_QUANTITY))
    assert c.capacity == MAX_QUANTITY and c.initial_stock == 10**15
    assert InventoryConfig(initial_stock=10**15).capacity == math.inf  # unlimited is fine
    with pytest.raises(ConfigError, match=r"^capacity must be <= MAX_QUANTITY = 1e\+15 or math"):
        InventoryConfig(capacity=MAX_QUANTITY + 1)
    for stock in (10**15 + 1, 10**39):
        with pytest.raises(ConfigError, match=rf"^initial_stock must be <= MAX_QUANTITY.*{stock}"):
            InventoryConfig(initial_stock=stock)
    assert CouplingConfig(shared_capacity=MAX_QUANTITY).shared_capacity == MAX_QUANTITY
    with pytest.raises(ConfigError, match=r"^shared_capacity must be <= MAX_QUANTITY"):
        CouplingConfig(shared_capacity=1e20)


def test_lead_time_accepts_max_lead_time_and_refuses_more():
    assert InventoryConfig(lead_time=MAX_LEAD_TIME).max_lead_time == MAX_LEAD_TIME
    pmf = [0.0] * MAX_LEAD_TIME + [1.0]
    assert InventoryConfig(lead_time=pmf).max_lead_time == MAX_LEAD_TIME
    with pytest.raises(ConfigError, match=r"^lead_time must be <= MAX_LEAD_TIME = 10000"):
        InventoryConfig(lead_time=10**9)
    with pytest.raises(ConfigError, match=r"^lead_time distribution must cover .* got 10002"):
        InventoryConfig(lead_time=[0.0, *pmf])


def test_extreme_initial_stock_is_refused_by_gym_make():
    with pytest.raises(ConfigError, match="initial_stock must be <= MAX_QUANTITY"):
        gym.make("InventoryLostSales-v0", initial_stock=10**39)
    with pytest.raises(ConfigError, match="holding_cost must be <= MAX_PRICE"):
        gym.make("InventoryLostSales-v0", holding_cost=1e308)


@pytest.mark.parametrize("env_id", ["InventoryLostSales-v0", "InventoryBackorder-v0"])
def test_boundary_config_keeps_observations_in_space_and_rewards_finite(env_id):
    money = {name: MAX_PRICE for name in MONEY if name not in ("price", "clearance_price")}
    env = gym.make(env_id, initial_stock=10**15, capacity=10**15, **money)
    obs, _ = env.reset(seed=0)
    assert env.observation_space.contains(obs)
    for _ in range(5):
        obs, reward, *_ = env.step(env.action_space.sample())
        assert env.observation_space.contains(obs) and np.isfinite(obs).all()
        assert math.isfinite(reward) and reward < -1e214  # holding 1e15 units at 1e200


@pytest.mark.parametrize(
    ("env_id", "kwargs", "field"),
    [
        ("InventoryLostSales-v0", dict(max_order=10**16), "max_order"),
        ("InventoryLostSales-v0", dict(demand_mean=1e16), "demand_mean"),
        ("Inventory-v0", dict(action_mode="quantity", max_order=10**16), "max_order"),
        ("Inventory-v0", dict(order_quantity=10**16), "order_quantity"),
        ("Inventory-v0", dict(clearance_quantity=10**16), "clearance_quantity"),
    ],
)
def test_env_quantities_beyond_the_limit_are_refused(env_id, kwargs, field):
    with pytest.raises(ConfigError, match=rf"{field} must be .*<= 1"):
        gym.make(env_id, **kwargs)
