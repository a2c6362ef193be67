import warnings

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils import seeding
from gymnasium.utils.env_checker import check_env
from hypothesis import given, settings
from hypothesis import strategies as st

import gym_inventory
from gym_inventory.core.fields import PROFIT
from gym_inventory.demand import PoissonDemand
from gym_inventory.envs.periodic import InventoryBackorderEnv, InventoryLostSalesEnv
from gym_inventory.errors import ActionError, ConfigError

IDS = ["InventoryLostSales-v0", "InventoryBackorder-v0"]
CLASSES = {
    "InventoryLostSales-v0": InventoryLostSalesEnv,
    "InventoryBackorder-v0": InventoryBackorderEnv,
}
CONFIGS = {
    "default": dict(),
    "zero-lead": dict(lead_time=0),
    "long-lead-fixed-cost": dict(lead_time=4, fixed_cost=5.0, unit_cost=1.0, penalty_cost=19),
    "stochastic-lead": dict(lead_time=(0.2, 0.3, 0.5)),
    "other-demand": dict(demand=PoissonDemand(12.0), max_order=80),
    "capacity": dict(capacity=30, disposal_cost=2.0, initial_stock=10),
}


def rollout(env, seed, n=300):
    obs, _ = env.reset(seed=seed)
    env.action_space.seed(seed)
    traj = [obs]
    for _ in range(n):
        obs, r, _, _, info = env.step(env.action_space.sample())
        traj.append(np.append(obs, [r, info["demand"]]))
    return np.concatenate(traj)


@pytest.mark.parametrize("env_id", IDS)
@pytest.mark.parametrize("name", CONFIGS)
def test_gymnasium_check_env_warnings_as_errors(env_id, name):
    env = CLASSES[env_id](**CONFIGS[name])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_env(env, skip_render_check=True)


@pytest.mark.parametrize("env_id", IDS)
def test_sb3_check_env(env_id):
    sb3_checker = pytest.importorskip("stable_baselines3.common.env_checker")
    sb3_checker.check_env(CLASSES[env_id](), warn=True)


@pytest.mark.parametrize("env_id", IDS)
@pytest.mark.parametrize("name", ["default", "stochastic-lead"])
def test_same_seed_same_trajectory(env_id, name):
    a = rollout(gym.make(env_id, **CONFIGS[name]), seed=3)
    b = rollout(gym.make(env_id, **CONFIGS[name]), seed=3)
    c = rollout(gym.make(env_id, **CONFIGS[name]), seed=4)
    assert np.array_equal(a, b) and not np.array_equal(a, c)


@pytest.mark.parametrize("env_id", IDS)
def test_single_env_equals_member_of_batched_model(env_id):
    B, seed, T = 4, 11, 600  # T > the demand block, so refills are covered
    cls = CLASSES[env_id]
    model = cls.make_model(B, lead_time=3)
    model.reset([seeding.np_random(seed + i)[0] for i in range(B)])
    acts = np.random.default_rng(0).integers(0, 12, size=(T, B))
    batch_obs, batch_rew = [], []
    for t in range(T):
        a = model.check_actions(acts[t][:, None], (B, 1))
        batch_rew.append(model.step(*model.decode(a))[:, 0, PROFIT].copy())
        batch_obs.append(model.obs[:, 0].astype(np.float32))
    for i in (0, B - 1):
        env = cls(lead_time=3)
        env.reset(seed=seed + i)
        for t in range(T):
            obs, r, *_ = env.step(int(acts[t, i]))
            assert r == batch_rew[t][i] and np.array_equal(obs, batch_obs[t][i])


def test_observation_is_stock_and_pipeline_by_arrival():
    env = InventoryLostSalesEnv(
        lead_time=2, initial_stock=20, demand=PoissonDemand(0.0), max_order=9
    )
    obs, _ = env.reset(seed=0)
    assert obs.tolist() == [20, 0, 0] and obs.dtype == np.float32
    obs, *_ = env.step(7)
    assert obs.tolist() == [20, 0, 7]  # arrives in two periods
    obs, *_ = env.step(3)
    assert obs.tolist() == [20, 7, 3]
    obs, _, _, _, info = env.step(0)
    assert obs.tolist() == [27, 3, 0] and info["received"] == 7 and info["in_transit"] == 3


def test_backorder_observes_net_inventory():
    env = InventoryBackorderEnv(lead_time=1, demand=PoissonDemand(5.0))
    obs, _ = env.reset(seed=0)
    obs, r, _, _, info = env.step(0)
    assert obs[0] == -info["demand"] == -info["backlog"]
    assert r == -9.0 * info["backlog"]


@pytest.mark.parametrize("env_id", IDS)
def test_reward_is_minus_cost(env_id):
    env = gym.make(env_id, unit_cost=2.0, fixed_cost=3.0, holding_cost=1.5, penalty_cost=7.0)
    env.reset(seed=5)
    for a in [0, 9, 4, 0, 12, 6, 6, 0, 0, 20]:
        _, r, _, _, i = env.step(a)
        short = i["backlog"] if env_id == "InventoryBackorder-v0" else i["lost"]
        cost = 2.0 * a + 3.0 * (a > 0) + 1.5 * i["on_hand"] + 7.0 * short
        assert r == pytest.approx(-cost)
        assert i["revenue"] == 0.0
        assert r == pytest.approx(-(i["ordering"] + i["holding"] + i["penalty"] + i["disposal"]))


@pytest.mark.parametrize("env_id", IDS)
def test_registered_and_truncated_at_1000(env_id):
    assert env_id in gym_inventory.ENV_IDS
    env = gym.make(env_id)
    env.reset(seed=0)
    for t in range(1000):
        _, _, term, trunc, _ = env.step(5)
        assert not term and trunc == (t == 999)


def test_default_max_order_scales_with_demand():
    assert InventoryLostSalesEnv().action_space.n == 51
    assert InventoryLostSalesEnv(demand_mean=2.5).action_space.n == 26
    assert InventoryBackorderEnv(max_order=7).action_space.n == 8


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"lead_time": -1}, ConfigError, "lead_time must be a non-negative int"),
        ({"penalty_cost": -2}, ConfigError, "penalty_cost must be >= 0"),
        ({"max_order": 0}, ConfigError, "max_order must be an int >= 1"),
        ({"demand_mean": -1.0}, ConfigError, "demand_mean must be >= 0"),
        (
            {"demand": PoissonDemand(3.0), "demand_mean": 3.0},
            ConfigError,
            "demand_mean only applies",
        ),
        ({"demand": 42}, ConfigError, "demand must be"),
        ({"demand_kwargs": {"mean": 3}}, ConfigError, "demand_kwargs"),
        ({"backlog": True}, TypeError, "backlog"),
        ({"price": 3.0}, TypeError, "price"),
    ],
)
@pytest.mark.parametrize("env_id", IDS)
def test_invalid_arguments(env_id, kwargs, error, message):
    with pytest.raises(error, match=message):
        gym.make(env_id, **kwargs)


def test_make_model_rejects_unknown_arguments():
    with pytest.raises(ConfigError, match=r"unknown argument\(s\) \['price'\]"):
        InventoryLostSalesEnv.make_model(2, price=1.0)


@pytest.mark.parametrize(
    ("action", "message"),
    [
        (51, r"\[0, 50\]"),
        (-1, r"\[0, 50\]"),
        (2.0, "must be an int"),
        (np.array([1]), "shape"),
        (True, "must be an int"),
    ],
)
def test_invalid_action_raises_and_changes_nothing(action, message):
    env = InventoryLostSalesEnv()
    env.reset(seed=0)
    before = env.model.kernel.record.copy()
    with pytest.raises(ActionError, match=message):
        env.step(action)
    assert np.array_equal(before, env.model.kernel.record)


def test_render_ansi():
    env = gym.make("InventoryBackorder-v0", render_mode="ansi")
    env.reset(seed=0)
    env.step(3)
    text = env.render()
    assert "net inventory" in text and "pipeline" in text


@settings(max_examples=25, deadline=None)
@given(
    lead=st.integers(0, 4),
    backlog=st.booleans(),
    actions=st.lists(st.integers(0, 20), min_size=1, max_size=40),
    seed=st.integers(0, 10_000),
)
def test_conservation_and_position(lead, backlog, actions, seed):
    env = (InventoryBackorderEnv if backlog else InventoryLostSalesEnv)(lead_time=lead)
    obs, _ = env.reset(seed=seed)
    position = float(obs.sum())
    for a in actions:
        obs, r, _, _, i = env.step(a)
        # inventory position moves by order - demand (backorders) or order - sales (lost)
        served = i["demand"] if backlog else i["demand"] - i["lost"]
        assert obs.sum() == pytest.approx(position + a - served)
        assert env.observation_space.contains(obs) and r <= 0
        position = float(obs.sum())


def test_info_and_batch_info_agree():
    model = InventoryBackorderEnv.make_model(3, lead_time=2)
    model.reset([seeding.np_random(i)[0] for i in range(3)])
    for _ in range(5):
        model.step(np.full((3, 1), 4.0), 0.0)
    batch = model.batch_info()
    for b in range(3):
        one = model.info(b)
        assert one == {k: float(v[b, 0]) for k, v in batch.items()}
        assert one["in_transit"] == 8.0 and one["profit"] == -(one["holding"] + one["penalty"])
