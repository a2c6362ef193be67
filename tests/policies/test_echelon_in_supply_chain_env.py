"""The exact optimum against long simulations of the real env (supply_chain_v0's batched
model), within their 95 % intervals."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("pettingzoo")

from gym_inventory.multi import supply_chain_v0
from gym_inventory.policies import EchelonBaseStock, SerialSystem
from gym_inventory.policies.echelon import chain_config, simulate_chain

#: The proposed ``preset="clark_scarf"``: Snyder & Shen Example 6.1, Poisson(5) demand,
#: their lead times (1, 1, 2) in the package's timing (0, 1, 2).
PROPOSED = dict(demand=5.0, lead_times=(0, 1, 2), holding_costs=(7.0, 4.0, 2.0), penalty_cost=37.12)


def ci(x):
    return float(np.mean(x)), float(1.96 * np.std(x, ddof=1) / np.sqrt(len(x)))


@pytest.mark.parametrize(
    "kw",
    [
        PROPOSED,
        dict(demand=3.0, lead_times=(2, 1), holding_costs=(2.0, 1.0), penalty_cost=9.0),
        dict(demand=[0.1, 0.2, 0.4, 0.2, 0.1], lead_times=(1, 0, 2), holding_costs=(3, 1, 1),
             penalty_cost=15.0),
    ],
)  # fmt: skip
def test_env_long_simulation_within_95_interval(kw):
    system = SerialSystem(**kw)
    sol = system.solve()
    cost = simulate_chain(EchelonBaseStock(sol.levels), system, batch=128, periods=3000, seed=11)
    m, hw = ci(cost)
    assert abs(m - sol.average_cost) < hw, (m, hw, sol.average_cost)


def test_env_pipeline_costs_give_the_clark_scarf_figure():
    """Charging in-transit stock at the upstream rate (``pipeline_costs`` = h_{i+1} on the
    link into stage i) turns the env's cost into the Chen-Zheng one."""
    system = SerialSystem(**PROPOSED)
    sol = system.solve()
    h = system.holding_costs
    config = chain_config(system, pipeline_costs=(h[1], h[2], 0.0))
    cost = simulate_chain(EchelonBaseStock(sol.levels), config, batch=128, periods=3000, seed=5)
    m, hw = ci(cost)
    assert abs(m - sol.clark_scarf_cost) < hw, (m, hw, sol.clark_scarf_cost)


def test_rules_act_on_the_parallel_env():
    sol = SerialSystem(**PROPOSED).solve()
    env = supply_chain_v0.parallel_env(
        n_stages=3, lead_times=(0, 1, 2), holding_costs=(7.0, 4.0, 2.0), penalty_cost=37.12,
        demand_mean=5.0, max_cycles=50,
    )  # fmt: skip
    obs, _ = env.reset(seed=0)
    pi = EchelonBaseStock(sol.levels)
    total = 0.0
    while env.agents:
        actions = {a: int(q) for a, q in pi(obs).items()}
        pos = env.echelon_position()
        assert [actions[a] for a in env.agents] == np.maximum(
            np.array(sol.levels) - pos, 0
        ).tolist()
        obs, rew, *_ = env.step(actions)
        total -= rew[env.possible_agents[0]]
    assert total > 0


@pytest.mark.parametrize(
    "kw",
    [
        dict(preset="beer_game"),
        dict(n_stages=3, lead_times=(0, 1, 2), info_delays=(1, 0, 2)),
        dict(topology="divergent", n_retailers=3, lead_times=(1, 0, 2, 1), info_delays=1),
    ],
)
def test_echelon_positions_from_observations_match_the_env(kw):
    """The rule's echelon positions (from observations only) equal the env's own, with
    information delays too, along a trajectory of random orders."""
    env = supply_chain_v0.parallel_env(**kw)
    obs, _ = env.reset(seed=3)
    top = "divergent" if kw.get("topology") == "divergent" else "serial"
    pi = EchelonBaseStock([0] * len(env.possible_agents), topology=top)
    rng = np.random.default_rng(0)
    for _ in range(40):
        rows = np.stack([obs[a] for a in env.possible_agents]).astype(np.float64)
        assert pi.positions(rows[None])[0].tolist() == env.echelon_position().tolist()
        obs, *_ = env.step({a: int(rng.integers(0, 8)) for a in env.agents})
