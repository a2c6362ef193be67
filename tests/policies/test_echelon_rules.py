"""EchelonBaseStock / InstallationBaseStock on per-stage observations, and bad input."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from gym_inventory.demand import PoissonDemand
from gym_inventory.errors import ConfigError
from gym_inventory.policies import (
    EchelonBaseStock,
    InstallationBaseStock,
    SerialSystem,
    solve_serial,
)

# two copies of a 3-stage chain; rows: on hand, backlog, order received, on order, pipeline
OBS = np.array(
    [
        [[1.0, 2.0, 4.0, 1.0, 3.0, 0.0], [2.0, 1.0, 3.0, 0.0, 1.0, 1.0], [5, 0, 1, 0, 0, 2]],
        [[0.0, 0.0, 0.0, 0.0, 0.0, 0.0]] * 3,
    ]
)
# installation positions: 1-2+1+3 = 3, 2-1+0+2 = 3, 5-0+0+2 = 7; echelon 3, 6, 13


def test_positions_and_orders_on_a_batch():
    ech = EchelonBaseStock([5, 8, 20])
    assert ech(OBS).tolist() == [[2, 2, 7], [5, 8, 20]]
    assert ech(OBS).dtype == np.int64
    assert ech(OBS[0]).tolist() == [2, 2, 7]  # one observation -> (N,)
    inst = InstallationBaseStock([5, 2, 10])
    assert inst(OBS).tolist() == [[2, 0, 3], [5, 2, 10]]


def test_mapping_of_agents_with_pipelines_of_different_length():
    obs = {
        "retailer": np.array([1.0, 2.0, 4.0, 1.0, 3.0]),  # one pipeline slot
        "warehouse": np.array([2.0, 1.0, 3.0, 0.0, 1.0, 1.0]),
        "factory": np.array([5.0, 0.0, 1.0, 0.0, 0.0, 2.0]),
    }
    out = EchelonBaseStock([5, 8, 20])(obs)
    assert list(out) == ["retailer", "warehouse", "factory"]
    assert [int(v) for v in out.values()] == [2, 2, 7]


def test_rule_errors():
    with pytest.raises(ConfigError, match="levels"):
        EchelonBaseStock(5)
    with pytest.raises(ConfigError, match=r"levels\[1\]"):
        EchelonBaseStock([3, -1])
    with pytest.raises(ConfigError, match=r"levels\[0\]"):
        InstallationBaseStock([2.5])
    with pytest.raises(ConfigError, match="3 stages, the rule has 2"):
        EchelonBaseStock([1, 2])(OBS)
    with pytest.raises(ConfigError, match="shape"):
        EchelonBaseStock([1, 2, 3])(np.zeros((3, 3)))
    system = SerialSystem(5.0, (0, 1, 2), (7.0, 4.0, 2.0), 37.12)
    with pytest.raises(ConfigError, match="objective"):
        InstallationBaseStock.tune(system, 5.0)
    with pytest.raises(ConfigError, match="start must have 3"):
        InstallationBaseStock.tune(system, lambda pi: 0.0, start=[1, 2])
    with pytest.raises(ConfigError, match="SerialSystem"):
        EchelonBaseStock.tune({"demand": 5})


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (dict(lead_times=(1, -1)), r"lead_times\[1\]"),
        (dict(lead_times=(1, 1.5)), r"lead_times\[1\]"),
        (dict(lead_times=3), "lead_times must be a sequence"),
        (dict(lead_times=()), "lead_times must have 1 to"),
        (dict(holding_costs=(2.0,)), "one entry per stage"),
        (dict(holding_costs=(1.0, 2.0)), "must not increase upstream"),
        (dict(holding_costs=(0.0, 0.0)), r"holding_costs\[0\]"),
        (dict(holding_costs=(2.0, -1.0)), r"holding_costs\[1\]"),
        (dict(penalty_cost=0.0), "penalty_cost must be > 0"),
        (dict(penalty_cost=float("nan")), "penalty_cost"),
        (dict(tol=0.0), "tol"),
        (dict(demand=-1.0), "mean"),
        (dict(demand="poisson"), "demand must be"),
        (dict(demand=[0.5, 0.6]), "pmf"),
        (dict(demand=stats.norm(5, 1)), "discrete"),
        (dict(demand=stats.randint(-2, 3)), "non-negative"),
        (dict(lead_times=(10**9, 1)), "grid"),
        (dict(demand=stats.zipf(1.5)), "too wide a support|too heavy a tail"),
    ],
)
def test_bad_system_input(kwargs, match):
    args = dict(demand=5.0, lead_times=(1, 1), holding_costs=(2.0, 1.0), penalty_cost=9.0)
    args.update(kwargs)
    with pytest.raises(ConfigError, match=match):
        solve_serial(**args)


def test_demand_forms_agree():
    kw = dict(lead_times=(1, 2), holding_costs=(2.0, 1.0), penalty_cost=9.0)
    a = solve_serial(3.0, **kw)
    b = solve_serial(PoissonDemand(3.0), **kw)
    c = solve_serial(stats.poisson(3.0), **kw)
    d = solve_serial(stats.poisson(3.0).pmf(np.arange(60)) / stats.poisson(3.0).cdf(59), **kw)
    assert a.levels == b.levels == c.levels == d.levels
    assert a.average_cost == b.average_cost == c.average_cost
    assert d.average_cost == pytest.approx(a.average_cost, abs=1e-9)


def test_bad_levels_for_cost():
    system = SerialSystem(5.0, (1, 1), (2.0, 1.0), 9.0)
    with pytest.raises(ConfigError, match="one entry per stage"):
        system.cost([3])
    with pytest.raises(ConfigError, match=r"levels\[1\]"):
        system.cost([3, 2.5])


def test_truncation_bound_holds_against_a_finer_truncation():
    kw = dict(lead_times=(1, 1, 2), holding_costs=(3.0, 2.0, 1.0), penalty_cost=19.0)
    coarse = SerialSystem(6.0, tol=1e-3, **kw)
    fine = SerialSystem(6.0, tol=1e-12, **kw)
    assert len(coarse.pmf) < len(fine.pmf)
    S = fine.solve().levels
    gap = abs(coarse.cost(S).average_cost - fine.cost(S).average_cost)
    assert gap <= coarse.error_bound + fine.error_bound
    assert coarse.error_bound <= 1e-3


def test_divergent_positions():
    # retailers 0, 1 and the warehouse 2; installation positions 3, 3, 7 (see OBS); the
    # warehouse's echelon: on hand + pipeline 4 + 4 + 7, minus the retailers' backlog 2 + 1,
    # plus its own on order 0 = 12
    ech = EchelonBaseStock([5, 4, 20], topology="divergent")
    assert ech(OBS[0]).tolist() == [2, 1, 8]
    inst = InstallationBaseStock([5, 4, 10], topology="divergent")
    assert inst(OBS[0]).tolist() == [2, 1, 3]
    assert "divergent" in repr(ech)
    with pytest.raises(ConfigError, match="topology"):
        EchelonBaseStock([1, 2], topology="tree")


def test_search_errors():
    pytest.importorskip("pettingzoo")
    from gym_inventory.envs.supply_config import SupplyChainConfig

    with pytest.raises(ConfigError, match="SupplyChainConfig"):
        EchelonBaseStock.search({"n_stages": 2}, [1, 2])
    plain = SupplyChainConfig.from_kwargs(dict(n_stages=2))
    with pytest.raises(ConfigError, match="start must have 2"):
        EchelonBaseStock.search(plain, [1, 2, 3])


def test_divergent_search_improves_on_its_start():
    pytest.importorskip("pettingzoo")
    from gym_inventory.envs.supply_config import SupplyChainConfig
    from gym_inventory.policies.echelon import chain_objective

    config = SupplyChainConfig.from_kwargs(
        dict(topology="divergent", n_retailers=2, lead_times=(1, 1, 1), demand_mean=3.0)
    )
    f = chain_objective(config, batch=8, periods=300, warmup=50, seed=0)
    start = (5, 5, 10)
    res = InstallationBaseStock.search(config, start, f, shared_retailer_level=True)
    lv = res.policy.levels
    assert lv[0] == lv[1] and res.policy.topology == "divergent"
    assert res.average_cost <= f(InstallationBaseStock(start, "divergent"))
    assert res.average_cost == pytest.approx(f(res.policy))  # common random numbers
