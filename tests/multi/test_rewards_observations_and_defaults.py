"""Rewards (team, own), infos, the shared observation entries, seeding and the
defaults chosen from the products' demand."""

import math

import numpy as np
import pytest

pytest.importorskip("pettingzoo")

from gym_inventory.core import InventoryConfig
from gym_inventory.demand import PoissonDemand
from gym_inventory.multi import multi_product_v0
from gym_inventory.multi.multi_product_v0 import INFO_FIELDS, default_demand_sources

SMALL = dict(n_products=4)


def test_team_and_own_rewards_and_info():
    team = multi_product_v0.parallel_env(**SMALL)
    own = multi_product_v0.parallel_env(**SMALL, reward_mode="own")
    team.reset(seed=3)
    own.reset(seed=3)
    for _ in range(30):
        acts = {a: 0 for a in team.agents}
        _, rt, _, _, it = team.step(acts)
        _, ro, _, _, io = own.step(acts)
        assert it == io
        total = math.fsum(ro.values())
        assert all(v == pytest.approx(total, abs=1e-9) for v in rt.values())
        for a in team.agents:
            assert ro[a] == io[a]["profit"]
            assert set(io[a]) == set(INFO_FIELDS)


def test_agent_info_false_gives_empty_infos():
    env = multi_product_v0.parallel_env(**SMALL, agent_info=False)
    env.reset(seed=0)
    *_, infos = env.step(dict.fromkeys(env.agents, 1))
    assert infos == {a: {} for a in env.agents}
    assert set(env.last_infos()["product_0"]) == set(INFO_FIELDS)


def test_shared_observation_entries():
    env = multi_product_v0.parallel_env(
        n_products=3,
        demand=[PoissonDemand(1.0)] * 3,
        initial_stock=10,
        shared_capacity=60,
        budget=500,
        unit_cost=5.0,
        fixed_cost=10.0,
        lead_time=1,
    )
    obs, _ = env.reset(seed=0)
    assert obs["product_0"][11] == pytest.approx(30 / 60)
    assert obs["product_0"][13] == 1.0
    obs, *_ = env.step({"product_0": 0, "product_1": 1, "product_2": 1})
    k = env.model.kernel
    assert obs["product_2"][11] == pytest.approx(k.on_hand.sum() / 60)
    assert obs["product_2"][12] == pytest.approx(30 / 60)
    assert obs["product_1"][13] == pytest.approx(1 - (30 * 5 + 10) / 500)


def test_reset_reproducible_and_continues_generator():
    env = multi_product_v0.parallel_env(**SMALL)

    def run(seed):
        env.reset(seed=seed)
        return np.array(
            [list(env.step(dict.fromkeys(env.agents, 1))[0].values()) for _ in range(50)]
        )

    assert np.array_equal(run(4), run(4))
    first = run(4)
    assert not np.array_equal(first, run(None))


def test_default_demand_sources():
    src = default_demand_sources(5)
    means = multi_product_v0.weekly_means(src).tolist()
    assert means[0] == pytest.approx(10.0) and all(np.diff(means) <= 0)  # most popular first
    env = multi_product_v0.parallel_env(n_products=5)
    assert [c.initial_stock for c in env.configs] == [math.floor(12 * m) for m in means]
    assert env.coupling.shared_capacity == math.ceil(24 * sum(means))
    assert env.coupling.budget == math.ceil(2 * 5.0 * sum(means))


def test_per_product_costs_and_configs():
    env = multi_product_v0.parallel_env(n_products=3, price=[10, 20, 30], initial_stock=[1, 2, 3])
    assert [c.price for c in env.configs] == [10.0, 20.0, 30.0]
    assert [c.initial_stock for c in env.configs] == [1, 2, 3]
    cfgs = [InventoryConfig(lead_time=i, unit_cost=i + 1.0) for i in range(3)]
    env = multi_product_v0.parallel_env(n_products=3, configs=cfgs)
    assert env.model.kernel.configs == tuple(cfgs)
    env.reset(seed=0)
    env.step(dict.fromkeys(env.agents, 0))


def test_configs_refuse_exactly_the_non_default_product_arguments():
    import inspect

    from gym_inventory.multi.products import CONFIG_DEFAULTS

    params = inspect.signature(multi_product_v0.MultiProductEnv.__init__).parameters
    assert {k: params[k].default for k in CONFIG_DEFAULTS} == CONFIG_DEFAULTS
