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
from gym_inventory.core.fields import RECORD_FIELDS

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
def test_returned_observations_and_infos_stay_as_returned(env_id):
    # Every reset and step returns a fresh observation and a fresh info of plain floats
    # (one per record field, the reward its profit): later steps, a truncation and a
    # demand block refill included, never change what was already returned.
    env = gym.make(env_id, max_episode_steps=100)
    env.action_space.seed(1)
    returned = []

    def keep(obs, info):  # what was returned, and a copy of it taken then
        returned.append((obs, info, obs.copy(), dict(info)))

    keep(*env.reset(seed=1))
    for _ in range(300):
        obs, reward, terminated, truncated, info = env.step(env.action_space.sample())
        assert list(info) == list(RECORD_FIELDS)
        assert all(type(v) is float for v in info.values()) and reward == info["profit"]
        keep(obs, info)
        if terminated or truncated:
            keep(*env.reset())
    assert len({id(obs) for obs, *_ in returned}) == len(returned)
    for obs, info, obs_then, info_then in returned:
        assert obs.tobytes() == obs_then.tobytes() and info == info_then


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
