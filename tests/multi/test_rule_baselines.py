import math

import numpy as np
import pytest

pytest.importorskip("pettingzoo")
pytest.importorskip("scipy")
from gym_inventory.envs import HourlyStoreModel
from gym_inventory.errors import ConfigError
from gym_inventory.multi import multi_product_v0
from gym_inventory.multi.baselines import (
    BaseStockRule,
    CoupledBaseStockRule,
    evaluate,
    main,
    simulate_profit,
    tune_base_stock,
    tune_coupled,
)
from gym_inventory.multi.products import weekly_means


@pytest.fixture(scope="module")
def env():
    return multi_product_v0.parallel_env(n_products=4, max_cycles=48)


def test_rule_decisions():
    obs = np.zeros((3, 14))
    obs[:, 0] = [5, 20, 0]  # on hand
    obs[:, 1] = [0, 5, 3]  # in transit
    obs[:, 2] = [0, 0, 4]  # backlog
    seed = BaseStockRule([10, 20, 0], "order_hold_clear")
    np.testing.assert_array_equal(seed(obs), [0, 1, 0])  # IP 5 < 10; 25 >= 20; -1 < 0
    qty = BaseStockRule([10, 20, 0], "quantity", max_order=4)
    np.testing.assert_array_equal(qty(obs), [4, 0, 1])
    with pytest.raises(ConfigError, match="action_mode"):
        BaseStockRule([1], "continuous")


def test_coupled_rule_keeps_most_urgent_within_budget_and_space():
    obs = np.zeros((3, 14))
    obs[:, 0] = [9, 0, 5]
    levels = [10, 10, 10]
    # urgency IP / S: 0.9, 0.0, 0.5 -> product 1 first, then 2, then 0
    rule = CoupledBaseStockRule(
        levels, [1, 1, 1], [0, 0, 0], 12, 1e9, "order_hold_clear", order_quantity=5
    )
    np.testing.assert_array_equal(rule.orders(obs), [5, 5, 5])
    np.testing.assert_array_equal(rule(obs), [1, 0, 0])  # 5 + 5 fit in 12, + 5 does not
    # quantity mode: wanted 1, 10, 5 units
    q = CoupledBaseStockRule(levels, [1, 1, 1], [2, 2, 2], 14, 1e9, "quantity")
    np.testing.assert_array_equal(q(obs), [0, 10, 0])  # 12 fits, +7 does not
    q = CoupledBaseStockRule(levels, [1, 1, 1], [0, 0, 0], math.inf, 30, "quantity")
    np.testing.assert_array_equal(q(obs), [1, 10, 5])  # committed 14, room 16
    q = CoupledBaseStockRule(levels, [1, 1, 1], [0, 0, 0], math.inf, 25, "quantity")
    np.testing.assert_array_equal(q(obs), [0, 10, 0])  # room 11: 10 fits, +5 does not


def test_uncoupled_rules_agree():
    env = multi_product_v0.parallel_env(n_products=3, shared_capacity=math.inf, budget=math.inf)
    rng = np.random.default_rng(0)
    obs = rng.integers(0, 50, size=(5, 3, 14)).astype(float)
    levels = np.array([30.0, 20.0, 10.0])
    a = BaseStockRule.for_env(env, levels)(obs)
    b = CoupledBaseStockRule.for_env(env, levels)(obs)
    np.testing.assert_array_equal(a, b)


def test_simulate_uses_common_random_numbers(env):
    model = HourlyStoreModel(env.configs, env.demand, env.params, batch_size=3)
    rule = BaseStockRule.for_env(env, np.array([[40.0, 30, 20, 10]] * 3))
    profit = simulate_profit(model, rule, episodes=2, horizon=30, seed=5)
    assert np.array_equal(profit[0], profit[1]) and np.array_equal(profit[1], profit[2])


def test_tuned_rules_beat_naive_levels_and_respect_budget(env):
    levels = tune_base_stock(env, hours=(0, 4, 8, 16, 24), episodes=2)
    means = weekly_means(env.demand)
    assert levels.shape == (4,) and np.all(levels >= 0)
    scale = tune_coupled(env, levels, scales=(0.6, 1.0, 1.4), episodes=2)
    assert scale in (0.6, 1.0, 1.4)
    tuned = evaluate(env, BaseStockRule.for_env(env, levels), episodes=4)
    never = evaluate(env, BaseStockRule.for_env(env, np.zeros(4)), episodes=4)
    coupled = evaluate(env, CoupledBaseStockRule.for_env(env, levels, scale), episodes=4)
    assert tuned["mean_return"] > never["mean_return"]
    assert tuned["fill_rate"] > never["fill_rate"]
    assert coupled["budget_cut"] == 0.0  # the coupling-aware rule plans within budget
    assert never["budget_cut"] == 0.0 and never["avg_stock"] < means.sum() * 12 + 1
    for m in (tuned, coupled):
        assert 0 <= m["fill_rate"] <= 1 and math.isfinite(m["ci95"]) and m["ci95"] >= 0
        assert len(m["returns"]) == 4
    assert evaluate(env, BaseStockRule.for_env(env, levels), episodes=4) == tuned


def test_main_prints_comparison(capsys):
    main(["--products", "2", "--episodes", "2"])
    out = capsys.readouterr().out
    assert "independent base-stock" in out and "paired difference" in out
