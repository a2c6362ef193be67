"""Gymnasium's env contract, over every registered id (as Gymnasium's own env tests
check every spec): the env checker with warnings as errors, seeded determinism, a pickle
round trip mid-episode, and every advertised render mode, single and vector."""

from __future__ import annotations

import pickle
import warnings

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

import gym_inventory

IDS = sorted(gym_inventory.ENV_IDS)


def _rollout(env, seed, steps=60):
    env.action_space.seed(seed)
    out = [env.reset(seed=seed)[0]]
    for _ in range(steps):
        obs, reward, *_ = env.step(env.action_space.sample())
        out += [obs, np.array([reward])]
    return np.concatenate([np.ravel(x) for x in out])


@pytest.mark.parametrize("env_id", IDS)
def test_env_checker_passes_with_warnings_as_errors(env_id):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_env(gym.make(env_id).unwrapped, skip_render_check=False)


@pytest.mark.parametrize("env_id", IDS)
def test_same_seed_same_trajectory_other_seed_other(env_id):
    a, b = _rollout(gym.make(env_id), 3), _rollout(gym.make(env_id), 3)
    assert a.tobytes() == b.tobytes()
    assert a.tobytes() != _rollout(gym.make(env_id), 4).tobytes()


@pytest.mark.parametrize("env_id", IDS)
def test_pickled_env_continues_identically(env_id):
    env = gym.make(env_id)
    _rollout(env, 5, steps=10)
    clone = pickle.loads(pickle.dumps(env))
    env.action_space.seed(9)
    for _ in range(300):  # past a demand block refill
        a = env.action_space.sample()
        x, y = env.step(a), clone.step(a)
        assert x[0].tobytes() == y[0].tobytes() and x[1] == y[1] and x[4] == y[4]


@pytest.mark.parametrize("env_id", IDS)
def test_every_advertised_render_mode_renders(env_id):
    modes = gym.make(env_id).metadata["render_modes"]
    assert {"ansi", "rgb_array"} <= set(modes)
    for mode in modes:
        env = gym.make(env_id, render_mode=mode)
        env.reset(seed=0)
        env.step(env.action_space.sample())
        frame = env.render()
        venv = gym.make_vec(env_id, num_envs=2, render_mode=mode)
        venv.reset(seed=0)
        venv.step(venv.action_space.sample())
        frames = venv.render()
        for f in (frame, *frames):
            if mode == "ansi":
                assert isinstance(f, str) and f.startswith("t=")
            else:
                assert f.dtype == np.uint8 and f.ndim == 3 and f.shape[2] == 3
