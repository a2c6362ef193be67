"""Each rule's decisions on hand-made states, action encoding, and validation."""

import gymnasium as gym
import numpy as np
import pytest
from scipy import stats

from gym_inventory.errors import ConfigError
from gym_inventory.policies import (
    SQ,
    SS,
    BaseStock,
    CappedBaseStock,
    ConstantOrder,
    HourOfWeekOrderUpTo,
    Myopic,
    OrderHoldClearRule,
)
from gym_inventory.policies.seasonal import hour_of_week

LS = "InventoryLostSales-v0"


def obs(*rows):
    return np.array(rows, dtype=np.float32)


def test_base_stock_orders_up_to_S_on_position():
    pi = BaseStock(20, lead_time=2)
    assert pi(obs(5, 4, 3)) == 8
    assert pi(obs(25, 0, 0)) == 0
    assert pi(obs([5, 4, 3], [0, 0, 0], [30, 0, 0])).tolist() == [8, 20, 0]


def test_base_stock_backorder_counts_backlog():
    pi = BaseStock(10, env_id="InventoryBackorder-v0", lead_time=1)
    assert pi(obs(-4, 3)) == 11


def test_capped_base_stock():
    pi = CappedBaseStock(20, 6, lead_time=2)
    assert pi(obs([5, 4, 3], [15, 1, 1], [30, 0, 0])).tolist() == [6, 3, 0]


def test_s_S():
    pi = SS(10, 25, lead_time=1)
    assert pi(obs([4, 6], [5, 6], [0, 0])).tolist() == [15, 0, 25]


def test_s_Q_orders_multiples_to_rise_above_s():
    pi = SQ(10, 4, lead_time=0)
    # position 10 -> 4 (to 14); 3 -> 8 (to 11); 11 -> nothing
    assert pi(obs([10], [3], [11], [-2])).tolist() == [4, 8, 0, 16]


def test_constant_order():
    pi = ConstantOrder(4, lead_time=3)
    assert pi(obs([0, 0, 0, 0], [99, 9, 9, 9])).tolist() == [4, 4]


def test_orders_are_capped_at_max_order():
    assert BaseStock(100, max_order=30)(obs(0, 0, 0)) == 30


def test_myopic_zero_lead_time_is_the_newsvendor():
    pi = Myopic(lead_time=0, penalty_cost=9.0)
    S = int(stats.poisson(5.0).ppf(0.9))
    x = np.arange(15, dtype=np.float32)[:, None]
    assert pi(x).tolist() == np.maximum(S - x[:, 0], 0).astype(int).tolist()


def test_myopic_lost_sales_projection_by_enumeration():
    # L = 1: stock left when the order arrives is Y = (x + q0 - D)^+; order the smallest a
    # with P(D' - Y <= a) >= p / (p + h), D' the demand of the arrival period.
    pi = Myopic(lead_time=1, penalty_cost=4.0)
    d = stats.poisson(5.0)
    for x, q0 in [(0, 0), (3, 2), (8, 4), (20, 0)]:
        y = np.arange(0, 60)
        py = d.pmf(x + q0 - y)
        py[0] = d.sf(x + q0 - 1)
        py[y > x + q0] = 0.0
        a = next(a for a in range(40) if (py * d.cdf(a + y)).sum() >= 0.8 - 1e-12)
        assert pi(obs(x, q0)) == a


def test_myopic_backorder_is_base_stock():
    pi = Myopic(env_id="InventoryBackorder-v0", lead_time=2, penalty_cost=9.0)
    S = int(stats.poisson(15.0).ppf(0.9))
    assert pi(obs(-3, 4, 2)) == S - 3


def test_seed_rule_actions():
    pi = OrderHoldClearRule()
    base = gym.make("Inventory-v0").reset(seed=0)[0]
    rows = np.repeat(base[None], 4, axis=0)
    rows[:, 0] = [50, 100, 399, 401]
    rows[:, 1] = 500  # the prototype ignores what is in transit
    assert pi(rows).tolist() == [0, 1, 1, 2]


def test_hour_of_week_read_from_observation_and_levels_follow_demand():
    env = gym.make("Inventory-v0", start_hour=30, action_mode="quantity")
    o, _ = env.reset(seed=0)
    hours = []
    for _ in range(170):
        hours.append(int(hour_of_week(o[None])[0]))
        o, *_ = env.step(0)
    assert hours[:3] == [30, 31, 32] and hours[138] == 0 and hours[168] == 30
    pi = HourOfWeekOrderUpTo(5, 3, action_mode="quantity", start_hour=30)
    mu = pi.env.demand.mean(np.arange(10))
    L = pi.env.lead_time
    s0 = mu[: L + 1].sum() + 5
    S0 = s0 + mu[L + 1 : L + 4].sum()
    first = env.reset(seed=0)[0].copy()
    first[0], first[1], first[2] = np.floor(s0), 0, 0
    assert pi(first) == int(np.ceil(S0 - np.floor(s0)))
    first[0] = np.floor(s0) + 1
    assert pi(first) == 0


def test_encoding_in_seed_and_continuous_modes():
    base = gym.make("Inventory-v0").reset(seed=0)[0]
    pi = SQ(100, 30, env_id="Inventory-v0")
    low, high = base.copy(), base.copy()
    low[0], high[0] = 90, 150
    assert pi(np.stack([low, high])).tolist() == [0, 1]  # order 30 / hold
    cont = BaseStock(120, env_id="Inventory-v0", action_mode="continuous", max_order=50)
    a = cont(np.stack([low, high]))
    assert a.shape == (2, 1) and a.dtype == np.float32
    env = gym.make("Inventory-v0", action_mode="continuous", max_order=50)
    env.reset(seed=0)
    assert env.step(a[0])[4]["ordered"] == 30


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: SS(5, 5), "s must be < S"),
        (lambda: BaseStock(-1), "S must be a non-negative int"),
        (lambda: CappedBaseStock(10, 0), "r must be an int >= 1"),
        (lambda: SQ(10, 20, env_id="Inventory-v0"), "Q must equal order_quantity"),
        (lambda: OrderHoldClearRule(env_id=LS), "OrderHoldClearRule needs Inventory-v0"),
        (lambda: OrderHoldClearRule(action_mode="quantity"), "action_mode='order_hold_clear'"),
        (lambda: OrderHoldClearRule(300, 200), "clearance must be >= reorder"),
        (lambda: HourOfWeekOrderUpTo(0, 4, env_id=LS), "needs Inventory-v0"),
        (lambda: Myopic(env_id="Inventory-v0"), "Myopic needs"),
        (lambda: BaseStock(5, env_id="CartPole-v1"), "no batched model"),
        (lambda: BaseStock(5, env_id="Nope-v0"), "not a registered"),
        (lambda: BaseStock(5, lead=2), "unknown argument"),
    ],
)
def test_invalid_parameters(build, message):
    with pytest.raises(ConfigError, match=message):
        build()


def test_observation_shape_checked():
    pi = BaseStock(10, lead_time=2)
    with pytest.raises(ConfigError, match="3 entries"):
        pi(np.zeros(4))
    with pytest.raises(ConfigError, match=r"shape \(batch, 3\)"):
        pi(np.zeros((2, 5)))
