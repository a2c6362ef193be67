"""The exact solver against closed forms, bounds and simulation."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from gym_inventory.errors import ConfigError
from gym_inventory.evaluation import evaluate
from gym_inventory.policies import (
    SQ,
    SS,
    BaseStock,
    CappedBaseStock,
    ConstantOrder,
    Myopic,
    exact_average_cost,
    solve_optimal,
)

LAM, H = 5.0, 1.0


def newsvendor_cost(S, dist, h, p):
    """h E(S - D)^+ + p E(D - S)^+ by summing the pmf (scipy.stats)."""
    d = np.arange(int(dist.ppf(1 - 1e-15)) + 1)
    pmf = dist.pmf(d)
    return float(h * (np.maximum(S - d, 0) * pmf).sum() + p * (np.maximum(d - S, 0) * pmf).sum())


@pytest.mark.parametrize("env_id", ["InventoryLostSales-v0", "InventoryBackorder-v0"])
@pytest.mark.parametrize("p", [4.0, 19.0])
def test_newsvendor_lead_time_zero(env_id, p):
    dist = stats.poisson(LAM)
    S = int(dist.ppf(p / (p + H)))  # critical fractile
    sol = solve_optimal(env_id, lead_time=0, penalty_cost=p)
    assert sol.average_cost == pytest.approx(newsvendor_cost(S, dist, H, p), abs=1e-7)
    x = np.arange(0, 12, dtype=np.float32)[:, None]
    assert sol.policy(x).tolist() == np.maximum(S - x[:, 0], 0).astype(int).tolist()


@pytest.mark.parametrize("L", [1, 2, 3])
@pytest.mark.parametrize("p", [9.0, 39.0])
def test_backorder_base_stock_closed_form(L, p):
    dist = stats.poisson((L + 1) * LAM)  # demand over L + 1 periods
    S = int(dist.ppf(p / (p + H)))
    sol = solve_optimal("InventoryBackorder-v0", lead_time=L, penalty_cost=p)
    assert sol.average_cost == pytest.approx(newsvendor_cost(S, dist, H, p), abs=1e-7)
    assert sol.upper - sol.lower < 1e-7
    ip = sol.states[:, 0]
    assert np.array_equal(sol.actions, np.clip(S - ip, 0, 50))  # max_order 50 caps far below
    tuned = BaseStock.tune("InventoryBackorder-v0", lead_time=L, penalty_cost=p)
    assert tuned.policy.S == S and tuned.method == "exact"


def renewal_cost(s, S, K, h, p, lam):
    """(s, S) with backorders and zero lead time, order when IP <= s (Zheng & Federgruen 1991):
    c(s, S) = (K + sum_{j<S-s} m(j) G(S - j)) / M(S - s)."""
    dist = stats.poisson(lam)
    n = S - s
    pk = dist.pmf(np.arange(n))
    m = np.zeros(n)
    m[0] = 1.0 / (1.0 - pk[0])
    for j in range(1, n):
        m[j] = (pk[1 : j + 1] * m[j - 1 :: -1][:j]).sum() / (1.0 - pk[0])
    G = np.array([newsvendor_cost(S - j, dist, h, p) for j in range(n)])
    return (K + (m * G).sum()) / m.sum()


def test_s_S_renewal_formula_fixed_cost_zero_lead():
    K, p = 25.0, 9.0
    best = min((renewal_cost(s, S, K, H, p, LAM), s, S) for S in range(5, 30) for s in range(-3, S))
    sol = solve_optimal("InventoryBackorder-v0", lead_time=0, fixed_cost=K, penalty_cost=p)
    assert sol.average_cost == pytest.approx(best[0], abs=1e-6)
    exact = exact_average_cost(
        SS(best[1], best[2], env_id="InventoryBackorder-v0", lead_time=0, fixed_cost=K)
    )
    assert exact.average_cost == pytest.approx(best[0], abs=1e-7)
    tuned = SS.tune("InventoryBackorder-v0", lead_time=0, fixed_cost=K)
    assert tuned.average_cost == pytest.approx(best[0], abs=1e-7)


@pytest.mark.parametrize("L", [1, 2, 3])
@pytest.mark.parametrize("p", [4.0, 19.0])
def test_lost_sales_optimum_below_backorder_optimum(L, p):
    lost = solve_optimal("InventoryLostSales-v0", lead_time=L, penalty_cost=p)
    back = solve_optimal("InventoryBackorder-v0", lead_time=L, penalty_cost=p)
    assert lost.average_cost < back.average_cost
    assert lost.truncation["binding"] is False and not lost.truncation["max_order_binding"]


def test_optimum_below_every_tuned_rule():
    kw = dict(lead_time=2, penalty_cost=9.0)
    opt = solve_optimal("InventoryLostSales-v0", **kw).average_cost
    for cls in (BaseStock, CappedBaseStock, SS, SQ, Myopic):
        r = cls.tune("InventoryLostSales-v0", **kw)
        assert r.method == "exact" and opt <= r.average_cost + 1e-9, cls
    const = ConstantOrder.tune("InventoryLostSales-v0", n_episodes=16, max_steps=400, **kw)
    assert opt < const.average_cost  # a simulation estimate, far above the optimum
    # and the well-known ranking: capped base stock beats plain base stock here
    cbs = CappedBaseStock.tune("InventoryLostSales-v0", **kw).average_cost
    assert opt < cbs < BaseStock.tune("InventoryLostSales-v0", **kw).average_cost


@pytest.mark.parametrize("which", ["optimal", "base-stock"])
def test_simulated_cost_within_ci_of_exact(which):
    kw = dict(lead_time=2, penalty_cost=9.0)
    if which == "optimal":
        sol = solve_optimal("InventoryLostSales-v0", **kw)
        policy, exact = sol.policy, sol.average_cost
    else:
        policy = BaseStock(19, **kw)
        exact = exact_average_cost(policy).average_cost
    res = evaluate(policy, "InventoryLostSales-v0", n_episodes=60, warmup=100, seed=123, **kw)
    assert abs(res.average_cost - exact) <= res.ci95
    assert res.ci95 < 0.1


def test_truncation_is_enlarged_until_it_does_not_bind():
    small = solve_optimal("InventoryLostSales-v0", lead_time=1, penalty_cost=19, max_position=5)
    default = solve_optimal("InventoryLostSales-v0", lead_time=1, penalty_cost=19)
    assert small.truncation["enlarged"] >= 1 and default.truncation["enlarged"] == 0
    assert small.average_cost == pytest.approx(default.average_cost, abs=1e-7)
    # with a fixed cost (no a-priori bound) a larger truncation changes nothing
    fixed = solve_optimal("InventoryLostSales-v0", lead_time=1, fixed_cost=20.0)
    M = fixed.truncation["max_position"]
    wider = solve_optimal(
        "InventoryLostSales-v0", lead_time=1, fixed_cost=20.0, max_position=M + 15
    )
    assert wider.average_cost == pytest.approx(fixed.average_cost, abs=1e-7)


def test_action_table_and_policy_agree():
    sol = solve_optimal("InventoryLostSales-v0", lead_time=3, penalty_cost=4)
    table = sol.action_table
    assert table.shape == (sol.truncation["max_position"] + 1,) * 3
    y, q1, q2 = 6, 2, 4
    obs = np.array([y - 1, 1, q1, q2], dtype=np.float32)  # on hand + arrival = y
    assert sol.policy(obs) == table[y, q1, q2] >= 0
    assert sol.policy(np.array([100, 0, 0, 0], dtype=np.float32)) == 0  # beyond truncation


@pytest.mark.parametrize(
    ("env_id", "kwargs", "message"),
    [
        ("Inventory-v0", {}, "exact methods need"),
        ("InventoryLostSales-v0", {"lead_time": (0.5, 0.5)}, "fixed"),
        ("InventoryLostSales-v0", {"capacity": 50}, "capacity=inf"),
        ("InventoryLostSales-v0", {"lead": 2}, "unknown argument"),
        ("InventoryLostSales-v0", {"lead_time": 6, "demand_mean": 20.0}, "too large"),
    ],
)
def test_solver_rejects_unsupported_configurations(env_id, kwargs, message):
    with pytest.raises(ConfigError, match=message):
        solve_optimal(env_id, **kwargs)


@pytest.mark.slow
def test_sixteen_standard_instances():
    costs = {}
    for L in (1, 2, 3, 4):
        for p in (4, 9, 19, 39):
            sol = solve_optimal("InventoryLostSales-v0", lead_time=L, penalty_cost=p)
            assert sol.upper - sol.lower <= 1e-8 * sol.upper
            assert not sol.truncation["max_order_binding"]
            costs[L, p] = sol.average_cost
    for L in (1, 2, 3, 4):  # cost grows with the penalty and the lead time
        assert all(costs[L, a] < costs[L, b] for a, b in [(4, 9), (9, 19), (19, 39)])
    for p in (4, 9, 19, 39):
        assert all(costs[a, p] < costs[a + 1, p] for a in (1, 2, 3))


@settings(max_examples=20, deadline=None)
@given(
    L=st.integers(0, 2),
    p=st.floats(1.0, 20.0),
    h=st.floats(0.5, 2.0),
    mean=st.floats(1.0, 6.0),
)
def test_properties_on_random_instances(L, p, h, mean):
    kw = dict(lead_time=L, penalty_cost=p, holding_cost=h, demand_mean=mean)
    lost = solve_optimal("InventoryLostSales-v0", **kw)
    back = solve_optimal("InventoryBackorder-v0", **kw)
    assert lost.lower <= lost.average_cost <= lost.upper
    assert lost.average_cost <= back.average_cost + 1e-7
    # the policy object plays exactly the solver's table
    replay = exact_average_cost(lost.policy).average_cost
    assert replay == pytest.approx(lost.average_cost, rel=1e-7, abs=1e-7)
    assert lost.average_cost <= exact_average_cost(Myopic(**kw)).average_cost + 1e-7


def test_any_finite_support_demand():
    from gym_inventory.demand.parametric import DiscreteDemand

    d = DiscreteDemand([0.5, 0.5], values=[0, 10])
    # backorders, L = 2: D over 3 periods is 0/10/20/30 w.p. 1/8, 3/8, 3/8, 1/8; the 0.9
    # quantile is 30, so the optimal cost is h * E(30 - D) = 15
    back = solve_optimal("InventoryBackorder-v0", demand=d, lead_time=2)
    assert back.average_cost == pytest.approx(15.0, abs=1e-6)
    lost = solve_optimal("InventoryLostSales-v0", demand=d, lead_time=2)
    assert lost.average_cost <= back.average_cost
    by_name = solve_optimal(
        "InventoryBackorder-v0",
        demand="discrete",
        demand_kwargs={"pmf": [0.5, 0.5], "values": [0, 10]},
        lead_time=2,
    )
    assert by_name.average_cost == pytest.approx(back.average_cost)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        # 2.5 used to be truncated to 2 while the binding check compared with 2.5, so the
        # truncation bound silently: a cost of 16.03 instead of the optimum 4.04
        (dict(max_position=2.5), r"max_position must be an int, got 2\.5"),
        (dict(max_position=0), "max_position must be an int >= 1, got 0"),
        (dict(max_position=-4), "max_position must be an int >= 1, got -4"),
        (dict(max_position=True), "max_position must be an int, got True"),
        (dict(max_position="8"), "max_position must be an int, got '8'"),
        (dict(tol=1.0), r"tol must be a real number in \(0, 1\), got 1\.0"),
        (dict(tol=3), r"tol must be a real number in \(0, 1\), got 3"),
        (dict(tol=0.0), r"tol must be a real number in \(0, 1\), got 0\.0"),
        (dict(tol=-1e-9), r"tol must be a real number in \(0, 1\)"),
        (dict(tol=float("nan")), r"tol must be a real number in \(0, 1\), got nan"),
        (dict(tol="1e-9"), r"tol must be a real number in \(0, 1\), got '1e-9'"),
        (dict(tol=None), r"tol must be a real number in \(0, 1\), got None"),
    ],
)
def test_solver_and_exact_cost_reject_bad_arguments(kwargs, message):
    with pytest.raises(ConfigError, match=message):
        solve_optimal("InventoryLostSales-v0", lead_time=1, penalty_cost=4, **kwargs)
    with pytest.raises(ConfigError, match=message):
        exact_average_cost(BaseStock(8, lead_time=1, penalty_cost=4), **kwargs)


def test_exact_cost_needs_a_policy_that_knows_its_env():
    with pytest.raises(ConfigError, match=r"policy must be a gym_inventory\.policies\.Policy"):
        exact_average_cost(lambda obs: obs[:, 0] * 0)


@pytest.mark.parametrize(
    "kwargs", [{}, dict(max_position=1), dict(max_position=3), dict(max_position=np.int64(30))]
)
def test_solver_accepts_any_valid_truncation_and_tolerance(kwargs):
    sol = solve_optimal("InventoryLostSales-v0", lead_time=1, penalty_cost=4, tol=1e-6, **kwargs)
    assert sol.average_cost == pytest.approx(4.04, abs=0.005)
    assert sol.upper - sol.lower <= 1e-6 * sol.upper
    base = BaseStock(8, lead_time=1, penalty_cost=4)
    exact = exact_average_cost(base).average_cost
    for kw in ({**kwargs, "tol": 0.5}, {**kwargs, "tol": 1e-12}):
        e = exact_average_cost(base, **kw)
        assert e.lower - 1e-9 <= exact <= e.upper + 1e-9
