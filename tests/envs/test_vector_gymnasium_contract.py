"""The native vector env keeps Gymnasium's vector contract, checked against
``SyncVectorEnv`` of the same single envs: observations, rewards, flags, infos (keys,
values and masks, autoreset steps included), seeds and error types."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.vector import AutoresetMode, SyncVectorEnv

import gym_inventory

IDS = sorted(gym_inventory.ENV_IDS)


def _pair(env_id, mode, n=3, steps=5):
    native = gym.make_vec(
        env_id, num_envs=n, vectorization_mode="vector_entry_point", autoreset_mode=mode,
        max_episode_steps=steps,
    )  # fmt: skip
    sync = SyncVectorEnv(
        [lambda: gym.make(env_id, max_episode_steps=steps) for _ in range(n)],
        autoreset_mode=mode,
    )
    return native, sync


def _same(a, b):
    if isinstance(a, tuple):
        assert isinstance(b, tuple) and len(a) == len(b)
        for x, y in zip(a, b, strict=True):
            _same(x, y)
    elif isinstance(a, dict):
        assert isinstance(b, dict) and a.keys() == b.keys()
        for key in a:
            _same(a[key], b[key])
    elif isinstance(a, np.ndarray) and a.dtype == object:
        assert a.shape == b.shape
        for x, y in zip(a, b, strict=True):
            _same(x, y)
    elif a is None or b is None:
        assert a is None and b is None
    else:
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("env_id", IDS)
@pytest.mark.parametrize("mode", [AutoresetMode.NEXT_STEP, AutoresetMode.SAME_STEP])
def test_steps_and_infos_equal_sync_vector_env(env_id, mode):
    native, sync = _pair(env_id, mode)
    _same(native.reset(seed=42), sync.reset(seed=42))
    native.action_space.seed(0)
    for t in range(17):  # autoresets, of all copies and (after the partial reset) of some
        actions = native.action_space.sample()
        _same(native.step(actions), sync.step(actions))
        if t == 2 and mode == AutoresetMode.NEXT_STEP:
            mask = np.array([False, True, False])
            _same(
                native.reset(options={"reset_mask": mask}),
                sync.reset(options={"reset_mask": mask}),
            )


@pytest.mark.parametrize("env_id", IDS)
def test_np_random_seed_is_each_copys_seed(env_id):
    native, sync = _pair(env_id, AutoresetMode.NEXT_STEP)
    native.reset(seed=42)
    sync.reset(seed=42)
    assert native.np_random_seed == sync.np_random_seed == (42, 43, 44)
    native.reset(seed=[7, None, 9])
    assert native.np_random_seed[0::2] == (7, 9)
    assert isinstance(native.np_random_seed[1], int)  # kept: the copy was not reseeded


def test_wrong_kinds_of_input_raise_type_errors():
    native, _ = _pair("InventoryLostSales-v0", AutoresetMode.NEXT_STEP)
    native.reset(seed=0)
    with pytest.raises(TypeError, match="actions must have shape"):
        native.step(0)
    with pytest.raises(TypeError, match="reset_mask must be a bool array"):
        native.reset(options={"reset_mask": np.array([1, 0, 1])})
    native.step(native.action_space.sample())  # nothing changed: it still steps
