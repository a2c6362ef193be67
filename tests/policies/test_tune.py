"""tune() finds the known optimum on small cases; simulation tuning is reproducible."""

import pytest

from gym_inventory.errors import ConfigError
from gym_inventory.policies import (
    SQ,
    BaseStock,
    CappedBaseStock,
    ConstantOrder,
    HourOfWeekOrderUpTo,
    Myopic,
    SeedRule,
    exact_average_cost,
)
from gym_inventory.policies.tuning import SearchSpace, local_search

LS = "InventoryLostSales-v0"


def test_base_stock_tune_matches_brute_force_on_lost_sales():
    kw = dict(lead_time=2, penalty_cost=4.0)
    costs = {S: exact_average_cost(BaseStock(S, **kw)).average_cost for S in range(8, 25)}
    best = min(costs, key=costs.get)
    r = BaseStock.tune(LS, **kw)
    assert r.method == "exact" and r.policy.S == best
    assert r.average_cost == pytest.approx(costs[best], abs=1e-9)


def test_capped_base_stock_tune_matches_brute_force():
    kw = dict(lead_time=1, penalty_cost=9.0)
    grid = {
        (S, r): exact_average_cost(CappedBaseStock(S, r, **kw)).average_cost
        for S in range(8, 18)
        for r in range(4, 16)
    }
    best = min(grid.values())
    tuned = CappedBaseStock.tune(LS, **kw)
    assert tuned.average_cost == pytest.approx(best, abs=1e-9)


def test_s_Q_tune_with_fixed_cost_beats_base_stock():
    kw = dict(lead_time=1, fixed_cost=30.0)
    sq = SQ.tune(LS, **kw)
    bs = BaseStock.tune(LS, **kw)
    assert sq.policy.Q > 1 and sq.average_cost < bs.average_cost


def test_myopic_tune_is_its_exact_cost():
    r = Myopic.tune(LS, lead_time=1)
    assert r.evaluations == 1
    assert r.average_cost == pytest.approx(exact_average_cost(r.policy).average_cost)


def test_simulation_tuning_is_reproducible_and_uses_common_random_numbers():
    kw = dict(lead_time=2, n_episodes=16, max_steps=300, warmup=50)
    a = ConstantOrder.tune(LS, seed=5, **kw)
    b = ConstantOrder.tune(LS, seed=5, **kw)
    assert a.method == "simulation" and (a.policy.q, a.average_cost) == (b.policy.q, b.average_cost)
    assert a.policy.q == 4  # just below the mean demand of 5


def test_forcing_simulation_on_an_exact_case_agrees():
    exact = BaseStock.tune(LS, lead_time=1)
    sim = BaseStock.tune(LS, lead_time=1, method="simulation", n_episodes=32)
    assert abs(sim.policy.S - exact.policy.S) <= 1


def test_store_rules_tune_by_simulation_and_beat_the_prototype():
    kw = dict(n_episodes=16)
    tuned_seed = SeedRule.tune(**kw)
    hw = HourOfWeekOrderUpTo.tune(action_mode="quantity", **kw)
    from gym_inventory.evaluation import evaluate

    base = evaluate(SeedRule(), "Inventory-v0", n_episodes=16, seed=1_000_000)
    assert tuned_seed.method == hw.method == "simulation"
    assert -tuned_seed.average_cost >= base.mean_reward
    assert hw.average_cost < tuned_seed.average_cost


def test_method_validation():
    with pytest.raises(ConfigError, match="method must be"):
        BaseStock.tune(LS, method="guess")
    with pytest.raises(ConfigError, match="exact evaluation is not available"):
        ConstantOrder.tune(LS, method="exact")
    with pytest.raises(ConfigError, match="exact evaluation is not available"):
        BaseStock.tune("Inventory-v0", method="exact", action_mode="quantity")


def test_local_search_finds_minimum_of_convex_function():
    f = lambda x: (x[0] - 37) ** 2 + abs(x[1] - 3)  # noqa: E731
    best, value, n = local_search(f, SearchSpace((0, 0), (-100, 0), (100, 10)))
    assert best == (37, 3) and value == 0 and n < 80
