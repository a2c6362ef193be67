import copy
import math
import os
import pickle
import warnings

os.environ.setdefault("MPLBACKEND", "Agg")

import gymnasium as gym
import numpy as np
import pytest

pytest.importorskip("pettingzoo")
from pettingzoo.test import (
    api_test,
    max_cycles_test,
    parallel_api_test,
    parallel_seed_test,
    render_test,
    seed_test,
)

import gym_inventory
from gym_inventory.core import CouplingConfig, InventoryConfig
from gym_inventory.demand import PoissonDemand
from gym_inventory.errors import ActionError, ConfigError
from gym_inventory.multi import multi_product_v0
from gym_inventory.multi.multi_product_v0 import (
    AGENT_OBS_FIELDS,
    INFO_FIELDS,
    default_demand_sources,
)

SMALL = dict(n_products=4)


def pickle_copy(obj):
    return pickle.loads(pickle.dumps(obj))


# --------------------------------------------------------------- PettingZoo's own tests
@pytest.mark.parametrize(
    "kwargs",
    [
        SMALL,
        dict(n_products=3, action_mode="quantity", max_order=20, reward_mode="own"),
        dict(n_products=2, action_mode="continuous", backlog=True, lead_time=(0.5, 0.5)),
    ],
    ids=["seed", "quantity-own", "continuous-backlog"],
)
def test_parallel_api(kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        parallel_api_test(multi_product_v0.parallel_env(**kwargs), num_cycles=200)


@pytest.mark.parametrize(
    "kwargs", [SMALL, dict(n_products=2, action_mode="continuous")], ids=["seed", "continuous"]
)
def test_aec_api(kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        api_test(multi_product_v0.env(**kwargs), num_cycles=100)


def test_seed_tests():
    seed_test(lambda: multi_product_v0.env(**SMALL), num_cycles=50)
    parallel_seed_test(lambda: multi_product_v0.parallel_env(**SMALL), num_cycles=50)


def test_max_cycles():
    max_cycles_test(multi_product_v0)


def test_render():
    render_test(lambda render_mode: multi_product_v0.env(n_products=3, render_mode=render_mode))


def test_metadata_and_spaces():
    env = multi_product_v0.parallel_env(**SMALL)
    assert env.metadata["name"] == "multi_product_v0"
    assert env.possible_agents == [f"product_{i}" for i in range(4)]
    for a in env.possible_agents:
        assert env.observation_space(a) is env.observation_space(a)
        assert env.action_space(a) is env.action_space(a)
        assert env.observation_space(a).shape == (len(AGENT_OBS_FIELDS),)
    obs, infos = env.reset(seed=0)
    assert set(infos) == set(env.agents)
    state = env.state()
    assert state in env.state_space
    assert state.shape == (4 * 11 + 3,)
    np.testing.assert_array_equal(state[:11], obs["product_0"][:11])
    np.testing.assert_array_equal(state[-3:], obs["product_0"][-3:])
    with pytest.raises(ConfigError, match="unknown agent 'player_0'"):
        env.observation_space("player_0")


# --------------------------------------------------------------- n_products=1 equivalence
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


# --------------------------------------------------------------- behaviour
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


def test_step_arrays_matches_dict_api():
    a = multi_product_v0.parallel_env(n_products=6, action_mode="quantity", max_order=60)
    b = multi_product_v0.parallel_env(n_products=6, action_mode="quantity", max_order=60)
    a.reset(seed=9)
    b.reset(seed=9)
    rng = np.random.default_rng(0)
    for _ in range(168):
        act = rng.integers(0, 61, size=6)
        o1, r1, _, tr1 = a.step_arrays(act)
        o2, r2, _, tr2, _ = b.step({f"product_{i}": int(x) for i, x in enumerate(act)})
        np.testing.assert_array_equal(o1, np.stack(list(o2.values())))
        np.testing.assert_array_equal(r1, list(r2.values()))
        assert tr1 == all(tr2.values())
    assert not a.agents and not b.agents


def test_reset_arrays_matches_reset():
    a = multi_product_v0.parallel_env(n_products=5)
    b = multi_product_v0.parallel_env(n_products=5)
    for seed in (3, None):
        obs_a = a.reset_arrays(seed=seed)
        assert obs_a.shape == (5, len(AGENT_OBS_FIELDS)) and obs_a.dtype == np.float32
        obs_b, infos = b.reset(seed=seed)
        assert a.agents == b.agents == b.possible_agents and infos == {x: {} for x in b.agents}
        np.testing.assert_array_equal(obs_a, np.stack(list(obs_b.values())))
        for t in range(200):  # past the end: both need a reset
            if not a.agents:
                break
            o1, r1, _, _ = a.step_arrays(np.full(5, t % 3))
            o2, r2, *_ = b.step(dict.fromkeys(b.agents, t % 3))
            np.testing.assert_array_equal(o1, np.stack(list(o2.values())))
            np.testing.assert_array_equal(r1, list(r2.values()))
        assert not a.agents and not b.agents


@pytest.mark.parametrize("copy", [pickle_copy, copy.deepcopy], ids=["pickle", "deepcopy"])
def test_copied_env_steps_as_the_original(copy):
    env = multi_product_v0.parallel_env(n_products=4, budget=200.0)
    env.reset_arrays(seed=1)
    for _ in range(5):
        env.step_arrays(np.array([0, 1, 2, 0]))
    twin = copy(env)
    for t in range(40):
        act = np.array([t % 3, 0, 1, (t + 1) % 3])
        o1, r1, _, _ = env.step_arrays(act)
        o2, r2, _, _ = twin.step_arrays(act)
        np.testing.assert_array_equal(o1, o2)
        np.testing.assert_array_equal(r1, r2)
        assert twin.state().tobytes() == env.state().tobytes()
    assert o2 is twin.step_arrays(act)[0]  # still the twin's own buffer, updated in place
    np.testing.assert_array_equal(o2, env.step_arrays(act)[0])


def test_requested_orders_are_kept_not_the_callers_array():
    env = multi_product_v0.parallel_env(
        n_products=3, action_mode="quantity", max_order=50, budget=100.0, unit_cost=5.0
    )
    env.reset_arrays(seed=0)
    actions = np.array([40, 0, 20])  # more than the budget buys: scaled down
    env.step_arrays(actions)
    actions[:] = 7  # the caller reuses its array
    infos = env.last_infos()
    assert [infos[f"product_{i}"]["requested"] for i in range(3)] == [40, 0, 20]
    assert sum(infos[f"product_{i}"]["ordered"] for i in range(3)) < 60


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
    means = multi_product_v0._weekly_means(src).tolist()
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


# --------------------------------------------------------------- invalid input
@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(n_products=0), "n_products"),
        (dict(n_products=2, demand=[PoissonDemand(1.0)]), "one source per product"),
        (dict(n_products=1, demand=PoissonDemand(1.0)), "sequence"),
        (dict(n_products=2, demand=[PoissonDemand(1.0), 3]), r"demand\[1\]"),
        (dict(reward_mode="shared"), "reward_mode"),
        (dict(price=[1.0, 2.0]), "n_products=10"),
        (dict(shared_capacity=0), "shared_capacity"),
        (dict(budget=-1), "budget"),
        (dict(render_mode="video"), "render_mode"),
        (dict(max_cycles=0), "max_cycles"),
        (dict(n_products=1, configs=[InventoryConfig()], price=3.0), "either configs"),
        (dict(n_products=2, configs=[InventoryConfig()]), "n_products=2"),
        (dict(unknown=1), None),
        (dict(n_products=2, initial_stock=[600, 600], shared_capacity=1000), "shared_capacity"),
        (dict(agent_info=1), "agent_info"),
    ],
)
def test_invalid_config(kwargs, message):
    if message is None:
        with pytest.raises(TypeError, match="unknown"):
            multi_product_v0.parallel_env(**kwargs)
    else:
        with pytest.raises(ConfigError, match=message):
            multi_product_v0.parallel_env(**kwargs)


@pytest.mark.parametrize(
    ("actions", "message"),
    [
        ({"product_0": 0, "product_1": 0}, r"missing actions for \['product_2'\]"),
        ({"product_0": 0, "product_1": 0, "product_2": 0, "product_9": 0}, "unknown agent"),
        ({"product_0": 0, "product_1": 0, "player_2": 0}, "unknown agent.*player_2"),
        ({"product_0": 0, "product_1": 3, "product_2": 0}, r"product_1: action must be an int"),
        ({"product_0": 0, "product_1": 1.0, "product_2": 0}, "product_1: action must be an int"),
        ({"product_0": True, "product_1": 1, "product_2": 0}, "product_0: action must be an int"),
        ({"product_0": 0, "product_1": 1, "product_2": np.array([1])}, "product_2:.*shape"),
        ([0, 1, 2], "must be a dict"),
    ],
)
def test_invalid_actions_raise_and_change_nothing(actions, message):
    env = multi_product_v0.parallel_env(n_products=3)
    env.reset(seed=0)
    before = env.model.kernel.record.copy()
    with pytest.raises(ActionError, match=message):
        env.step(actions)
    assert np.array_equal(before, env.model.kernel.record) and env.time == 0


@pytest.mark.parametrize(
    ("actions", "message"),
    [
        (np.array([0, 1]), r"shape \(3,\)"),
        (np.array([0, 1, 5]), "product_2: action must be an int"),
        (np.array([0.0, 1.0, 1.0]), "product_0: action must be an int"),
    ],
)
def test_step_arrays_invalid(actions, message):
    env = multi_product_v0.parallel_env(n_products=3)
    env.reset(seed=0)
    with pytest.raises(ActionError, match=message):
        env.step_arrays(actions)
    assert env.time == 0


def test_continuous_invalid_and_valid():
    env = multi_product_v0.parallel_env(n_products=2, action_mode="continuous")
    env.reset(seed=0)
    with pytest.raises(ActionError, match=r"product_1:.*\[0, 1\]"):
        env.step({"product_0": np.array([0.5]), "product_1": np.array([1.5])})
    with pytest.raises(ActionError, match=r"product_0:.*shape"):
        env.step({"product_0": 0.5, "product_1": np.array([0.5])})
    env.step({"product_0": np.array([0.5], dtype=np.float32), "product_1": np.array([1.0])})
    assert env.time == 1


def test_step_before_reset_and_after_end():
    env = multi_product_v0.parallel_env(n_products=2, max_cycles=2)
    with pytest.raises(gym.error.ResetNeeded, match="not reset"):
        env.step({"product_0": 0, "product_1": 0})
    env.reset(seed=0)
    for _ in range(2):
        env.step(dict.fromkeys(env.agents, 1))
    with pytest.raises(gym.error.ResetNeeded, match="episode is over"):
        env.step({"product_0": 0, "product_1": 0})
    with pytest.raises(gym.error.ResetNeeded):
        env.step_arrays(np.array([0, 0]))


def test_aec_invalid_action_raises_at_its_turn():
    env = multi_product_v0.env(n_products=3)
    env.reset(seed=0)
    assert env.agent_selection == "product_0"
    with pytest.raises(ActionError, match="product_0: action must be an int"):
        env.step(7)
    env.step(0)
    assert env.agent_selection == "product_1"


def test_rgb_render_and_coupling_config_type():
    env = multi_product_v0.parallel_env(n_products=3, render_mode="rgb_array")
    env.reset(seed=0)
    img = env.render()
    assert img.dtype == np.uint8 and img.ndim == 3
    assert isinstance(env.coupling, CouplingConfig)


def test_import_without_pettingzoo_names_the_extra():
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import sys; sys.modules['pettingzoo'] = None\n"
        "import gym_inventory\n"
        "from gym_inventory.errors import MissingDependencyError\n"
        "try:\n"
        "    from gym_inventory.multi import multi_product_v0\n"
        "except MissingDependencyError as e:\n"
        "    print(e)\n"
    )
    src = Path(__file__).resolve().parents[2] / "src"
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(src)},
        check=True,
    )
    assert 'pip install "gym-inventory[multi]"' in out.stdout
