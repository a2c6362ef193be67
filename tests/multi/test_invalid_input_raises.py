"""Invalid arguments and actions raise errors that name the field or the agent, and an
invalid step changes nothing."""

import gymnasium as gym
import numpy as np
import pytest

pytest.importorskip("pettingzoo")

from gym_inventory.core import InventoryConfig
from gym_inventory.demand import PoissonDemand
from gym_inventory.errors import ActionError, ConfigError
from gym_inventory.multi import multi_product_v0


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
    k = env.model.kernel
    before = [a.copy() for a in (k.record, k.on_hand, k.backlog, k.pipeline, env.model.obs)]
    with pytest.raises(ActionError, match=message):
        env.step(actions)
    after = (k.record, k.on_hand, k.backlog, k.pipeline, env.model.obs)
    assert all(np.array_equal(b, a) for b, a in zip(before, after, strict=True))
    assert env.time == 0


@pytest.mark.parametrize(
    ("actions", "message"),
    [
        (np.array([0, 1]), r"shape \(3,\)"),
        (np.array([0, 1, 5]), "product_2: action must be an int"),
        (np.array([0.0, 1.0, 1.0]), "product_0: action must be an int"),
        # (the compiled range check of valid actions: every invalid case still gets the
        # full check's message)
        (np.array([0, -1, 1]), "product_1: action must be an int"),
        (np.array([0, 1, 3], dtype=np.uint8), "product_2: action must be an int"),
        (np.array([3, 1, 1], dtype=">i8"), "product_0: action must be an int"),
        (np.array([True, False, False]), "product_0: action must be an int"),
        (np.arange(6)[::2], "product_2: action must be an int"),
    ],
)
def test_step_arrays_invalid(actions, message):
    env = multi_product_v0.parallel_env(n_products=3)
    env.reset(seed=0)
    with pytest.raises(ActionError, match=message):
        env.step_arrays(actions)
    assert env.time == 0


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.uint8, ">i8", "<u2"])
def test_step_arrays_accepts_every_integer_dtype(dtype):
    steps = []
    for d in (np.int64, dtype):
        env = multi_product_v0.parallel_env(n_products=3)
        env.reset_arrays(seed=0)
        steps.append(env.step_arrays(np.array([0, 1, 2], dtype=d))[0].copy())
    np.testing.assert_array_equal(steps[0], steps[1])
    env.step_arrays(np.array([2, 2, 2, 0, 0, 0], dtype=dtype)[::2])  # (a strided view)


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
