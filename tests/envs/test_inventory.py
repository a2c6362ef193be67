import pickle
import subprocess
import sys
import warnings

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env
from hypothesis import given, settings
from hypothesis import strategies as st

import gym_inventory
from gym_inventory.envs import InventoryEnv
from gym_inventory.errors import ActionError, ConfigError

CONFIGS = {
    "order_hold_clear": dict(),
    "quantity": dict(action_mode="quantity", max_order=40),
    "continuous": dict(action_mode="continuous", max_order=40),
    "backlog": dict(backlog=True),
    "stochastic-lead": dict(lead_time=(0.2, 0.3, 0.5)),
    "zero-lead": dict(lead_time=0),
    "backlog-stochastic-quantity": dict(
        backlog=True, lead_time=(0.5, 0.0, 0.5), action_mode="quantity"
    ),
}


def rollout(env, seed, n=200, action_seed=0):
    rng = np.random.default_rng(action_seed)
    obs, _ = env.reset(seed=seed)
    env.action_space.seed(action_seed)
    traj = [obs]
    for _ in range(n):
        obs, r, term, trunc, info = env.step(env.action_space.sample())
        traj.append(np.append(obs, [r, info["demand"], rng.random()]))
        if term or trunc:
            obs, _ = env.reset()
    return np.concatenate(traj)


@pytest.mark.parametrize("name", CONFIGS)
def test_gymnasium_check_env_warnings_as_errors(name):
    env = InventoryEnv(**CONFIGS[name])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_env(env, skip_render_check=True)


@pytest.mark.parametrize("name", CONFIGS)
def test_sb3_check_env(name):
    sb3_checker = pytest.importorskip("stable_baselines3.common.env_checker")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # SB3's advice on Box action scaling
        sb3_checker.check_env(InventoryEnv(**CONFIGS[name]), warn=True)


@pytest.mark.parametrize("name", CONFIGS)
def test_same_seed_same_trajectory(name):
    a = rollout(gym.make("Inventory-v0", **CONFIGS[name]), seed=7)
    b = rollout(gym.make("Inventory-v0", **CONFIGS[name]), seed=7)
    c = rollout(gym.make("Inventory-v0", **CONFIGS[name]), seed=8)
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)


def test_reset_without_seed_continues_generator():
    env = gym.make("Inventory-v0")
    env.reset(seed=3)
    first = [env.step(1)[4]["demand"] for _ in range(300)]
    env.reset()
    second = [env.step(1)[4]["demand"] for _ in range(300)]
    assert first != second


def test_a_rejected_reset_changes_nothing():
    """reset(seed=99, options=bad) raises before reseeding: the next reset() continues."""
    bad, good = InventoryEnv(), InventoryEnv()
    for env in (bad, good):
        env.reset(seed=3)
        env.step(1)
    with pytest.raises(ConfigError, match="reset options"):
        bad.reset(seed=99, options={"foo": 1})
    for env in (bad, good):
        env.reset()
    for _ in range(50):
        np.testing.assert_array_equal(bad.step(1)[0], good.step(1)[0])


@pytest.mark.parametrize("start_hour", [0, 37, 167])
def test_start_hour_moves_the_demand_with_the_clock(start_hour):
    """Period t of an episode draws the demand of hour start_hour + t of the week."""
    env = InventoryEnv(start_hour=start_hour)
    env.reset(seed=5)
    demand = [env.step(1)[4]["demand"] for _ in range(200)]
    # the stream's contract: one source.sample over the block's periods, from np_random
    periods = np.arange(start_hour, start_hour + 256)
    want = env.demand.sample(np.random.Generator(np.random.PCG64(5)), periods)[:200]
    np.testing.assert_array_equal(demand, want)
    hours = env.demand.mean(periods[:24])
    busy = int(np.argmax(hours))
    assert hours[busy] > 3 * hours.min()  # the profile really differs across hours


def test_render_history_is_kept_only_for_rgb_array_and_bounded():
    from gym_inventory.envs.inventory import HISTORY_ROWS

    ansi = InventoryEnv(render_mode="ansi")
    rgb = InventoryEnv(render_mode="rgb_array")
    for env in (ansi, rgb):
        env.reset(seed=0)
        for _ in range(HISTORY_ROWS + 50):
            env.step(1)
    assert len(ansi._history) == 0 and ansi.render().startswith("t=")
    assert len(rgb._history) == HISTORY_ROWS
    assert rgb.render().shape == (500, 800, 3)


def test_episode_is_one_week_and_truncates():
    env = gym.make("Inventory-v0")
    env.reset(seed=0)
    for t in range(168):
        _, _, term, trunc, _ = env.step(1)
        assert not term
        assert trunc == (t == 167)


def test_observation_contents():
    env = gym.make("Inventory-v0", start_hour=26)
    obs, _ = env.reset(seed=0)
    assert obs.dtype == np.float32 and obs.shape == (11,)
    assert obs[0] == 250 and obs[1] == 0
    # hour 2 of day 1: sin/cos of the hour of day
    np.testing.assert_allclose(obs[5:7], [np.sin(np.pi / 6), np.cos(np.pi / 6)], atol=1e-6)
    obs, r, _, _, info = env.step(0)
    assert obs[1] == 30  # the order is in transit (lead time 2)
    assert obs[3] == info["sold"] and obs[4] == info["lost"]
    assert r == pytest.approx(
        info["revenue"] - info["ordering"] - info["holding"] - info["penalty"] - info["disposal"]
    )
    assert info["profit"] == r


def test_seed_actions_semantics():
    env = InventoryEnv(lead_time=0, initial_stock=100, fixed_cost=0.0)
    env.reset(seed=0)
    _, _, _, _, info = env.step(0)
    assert info["ordered"] == 30 and info["received"] == 30
    _, _, _, _, info = env.step(2)
    assert info["cleared"] == 30 and info["ordered"] == 0
    _, _, _, _, info = env.step(1)
    assert info["cleared"] == 0 and info["ordered"] == 0


def test_continuous_rounds_half_up():
    env = InventoryEnv(action_mode="continuous", lead_time=1, max_order=10)
    env.reset(seed=0)
    assert env.step(np.array([0.25]))[4]["ordered"] == 3
    assert env.step(np.array([0.249]))[4]["ordered"] == 2
    assert env.step(np.array([1.0], dtype=np.float32))[4]["ordered"] == 10


@pytest.mark.parametrize(
    ("kwargs", "action", "message"),
    [
        ({}, 3, r"action must be an int in \[0, 2\]"),
        ({}, -1, r"action must be an int in \[0, 2\]"),
        ({}, 1.0, "action must be an int"),
        ({}, "1", "action must be an int"),
        ({}, np.array([1]), r"must have shape \(\)"),
        ({"action_mode": "quantity", "max_order": 5}, 6, r"\[0, 5\]"),
        ({"action_mode": "continuous", "max_order": 5}, np.array([1.01]), r"\[0, 1\]"),
        ({"action_mode": "continuous"}, np.array([-0.1]), "continuous"),
        ({"action_mode": "continuous"}, np.array([np.nan]), "continuous"),
        ({}, True, "action must be an int"),
        ({"action_mode": "continuous"}, np.array(["a"]), "numeric"),
        ({"action_mode": "continuous"}, 3.0, "shape"),
        ({"action_mode": "continuous"}, np.array([[1.0]]), "shape"),
    ],
)
def test_invalid_action_raises_and_changes_nothing(kwargs, action, message):
    env = InventoryEnv(**kwargs)
    env.reset(seed=0)
    before = env.model.kernel.record.copy()
    with pytest.raises(ActionError, match=message):
        env.step(action)
    assert np.array_equal(before, env.model.kernel.record)


@pytest.mark.parametrize(
    "as_numpy", [np.int64, np.int8, np.uint16, np.array], ids=["int64", "int8", "uint16", "0-d"]
)
def test_numpy_integer_actions_act_as_python_ints(as_numpy):
    plain, numpy_env = InventoryEnv(), InventoryEnv()
    plain.reset(seed=0)
    numpy_env.reset(seed=0)
    for action in [0, 1, 2, 0, 0, 2, 1]:
        want, got = plain.step(action), numpy_env.step(as_numpy(action))
        np.testing.assert_array_equal(got[0], want[0])
        assert got[1:4] == want[1:4] and got[4] == want[4]
    assert numpy_env.model.kernel.on_hand[0, 0] == plain.model.kernel.on_hand[0, 0]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"action_mode": "market"}, "action_mode must be one of"),
        ({"order_quantity": 0}, "order_quantity must be an int >= 1"),
        ({"clearance_quantity": 2.5}, "clearance_quantity must be an int"),
        ({"max_order": -3}, "max_order must be an int >= 1"),
        ({"lead_time": -1}, "lead_time must be a non-negative int"),
        ({"capacity": 100}, "initial_stock must be <= capacity"),
        ({"holding_cost": -1}, "holding_cost must be >= 0"),
        ({"start_hour": 168}, "start_hour must be an int <= 167"),
        ({"demand": "poisson-ish"}, "demand must be"),
        ({"demand_kwargs": {"mean": 3}}, "demand_kwargs"),
    ],
)
def test_invalid_arguments(kwargs, message):
    with pytest.raises(ConfigError, match=message):
        gym.make("Inventory-v0", **kwargs)


def test_unsupported_render_mode():
    with pytest.raises(ConfigError, match="render_mode must be one of"):
        InventoryEnv(render_mode="human")


def test_unknown_argument_rejected():
    with pytest.raises(TypeError, match="lead"):
        gym.make("Inventory-v0", lead=3)


def test_step_before_reset():
    with pytest.raises(gym.error.ResetNeeded):
        InventoryEnv().step(1)


def test_render_ansi_and_rgb():
    env = gym.make("Inventory-v0", render_mode="ansi")
    env.reset(seed=0)
    env.step(0)
    text = env.render()
    assert "on hand" in text and "t=   1" in text
    pytest.importorskip("matplotlib")
    env = gym.make("Inventory-v0", render_mode="rgb_array")
    env.reset(seed=0)
    for _ in range(10):
        env.step(0)
    img = env.render()
    assert img.dtype == np.uint8 and img.ndim == 3 and img.shape[2] == 3
    assert img.std() > 0


def test_pickle_round_trip_and_async_vector_env():
    env = InventoryEnv(lead_time=(0.5, 0.5))
    env.reset(seed=1)
    env.step(0)
    clone = pickle.loads(pickle.dumps(env))
    a = [env.step(1)[1] for _ in range(20)]
    b = [clone.step(1)[1] for _ in range(20)]
    assert a == b
    venv = gym.vector.AsyncVectorEnv([lambda: gym.make("Inventory-v0")] * 2)
    try:
        obs, _ = venv.reset(seed=0)
        obs, rew, *_ = venv.step(np.array([0, 1]))
        assert obs.shape == (2, 11) and rew.shape == (2,)
    finally:
        venv.close()


def test_registration_forms_and_idempotency():
    code = (
        "import warnings, gymnasium as gym\n"
        "warnings.simplefilter('error')\n"
        "env = gym.make('gym_inventory:Inventory-v0')\n"
        "import importlib, gym_inventory, gym_inventory.registration as r\n"
        "importlib.reload(gym_inventory); r.register_envs()\n"
        "gym.make('Inventory-v0').reset(seed=0)\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok" and "Overriding" not in out.stderr
    assert "Inventory-v0" in gym_inventory.ENV_IDS


@settings(max_examples=30, deadline=None)
@given(
    lead=st.one_of(st.integers(0, 3), st.just((0.3, 0.3, 0.4))),
    backlog=st.booleans(),
    capacity=st.integers(30, 400),
    mode=st.sampled_from(["order_hold_clear", "quantity"]),
    actions=st.lists(st.integers(0, 2), min_size=1, max_size=60),
    seed=st.integers(0, 10_000),
)
def test_env_properties(lead, backlog, capacity, mode, actions, seed):
    env = InventoryEnv(
        lead_time=lead,
        backlog=backlog,
        capacity=capacity,
        initial_stock=min(250, capacity),
        action_mode=mode,
        max_order=60,
    )
    obs, _ = env.reset(seed=seed)
    stock = obs[0]
    for a in actions:
        a = a * 30 if mode == "quantity" else a
        obs, r, _, _, i = env.step(a)
        assert stock + i["arrived"] == i["sold"] + i["cleared"] + i["disposed"] + i["on_hand"]
        assert 0 <= i["on_hand"] <= capacity and np.isfinite(r)
        assert env.observation_space.contains(obs)
        if not backlog:
            assert i["sold"] <= i["demand"] and i["sold"] + i["lost"] == i["demand"]
        stock = i["on_hand"]


def test_short_ppo_run_trains():
    torch = pytest.importorskip("torch")
    sb3 = pytest.importorskip("stable_baselines3")
    torch.set_num_threads(1)
    env = gym.make("Inventory-v0")
    model = sb3.PPO("MlpPolicy", env, n_steps=256, batch_size=64, n_epochs=2, seed=0, device="cpu")
    model.learn(total_timesteps=1024)
    action, _ = model.predict(env.reset(seed=0)[0], deterministic=True)
    assert env.action_space.contains(int(action))


def test_make_model_uses_the_env_defaults():
    model = InventoryEnv.make_model(3)
    env = InventoryEnv()
    assert model.kernel.configs[0] == env.config and model.params == env.params
    assert model.kernel.configs[0].capacity == 500 and model.batch_size == 3
    with pytest.raises(TypeError, match=r"unknown argument\(s\) \['lead'\]"):
        InventoryEnv.make_model(1, lead=2)
