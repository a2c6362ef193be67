"""The Stable-Baselines3 adapter of the native vector env."""

import sys

import gymnasium as gym
import numpy as np
import pytest

import gym_inventory
from gym_inventory.errors import ConfigError, MissingDependencyError, install_hint

pytest.importorskip("stable_baselines3")
from gym_inventory.sb3 import as_sb3_vec_env


def test_missing_stable_baselines3_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "stable_baselines3.common.vec_env", None)
    with pytest.raises(MissingDependencyError) as err:
        as_sb3_vec_env(gym.make_vec("Inventory-v0", num_envs=2))
    assert install_hint("baselines") in str(err.value)


@pytest.mark.parametrize("env_id", gym_inventory.ENV_IDS)
def test_same_step_semantics_seed_and_terminal_observation(env_id):
    venv = as_sb3_vec_env(
        gym.make_vec(env_id, num_envs=3, max_episode_steps=4), info_keys=("demand",)
    )
    reference = gym.make_vec(env_id, num_envs=3, max_episode_steps=4, autoreset_mode="SameStep")
    assert venv.seed(7) == [7, 8, 9]
    obs = venv.reset()
    assert np.array_equal(obs, reference.reset(seed=7)[0])
    for t in range(9):
        actions = np.stack([reference.single_action_space.sample() for _ in range(3)])
        obs, rewards, dones, infos = venv.step(actions)
        r_obs, r_rew, _, r_trunc, r_info = reference.step(actions)
        assert np.array_equal(obs, r_obs) and np.array_equal(rewards, r_rew.astype(np.float32))
        assert np.array_equal(dones, r_trunc) and dones.all() == ((t + 1) % 4 == 0)
        assert [i["TimeLimit.truncated"] for i in infos] == dones.tolist()
        for i in range(3):
            if dones[i]:
                assert np.array_equal(infos[i]["terminal_observation"], r_info["final_obs"][i])
                assert infos[i]["demand"] == r_info["final_info"]["demand"][i]
            else:
                assert "terminal_observation" not in infos[i]
                assert infos[i]["demand"] == r_info["demand"][i]


def test_attributes_methods_and_bad_input():
    venv = as_sb3_vec_env(gym.make_vec("Inventory-v0", num_envs=2, render_mode="ansi"))
    assert venv.get_attr("num_envs") == [2, 2] and venv.get_attr("render_mode", [1]) == ["ansi"]
    assert venv.env_is_wrapped(gym.Wrapper) == [False, False]
    venv.set_attr("max_episode_steps", 3)
    assert venv.venv.max_episode_steps == 3
    with pytest.raises(ConfigError, match="set_attr"):
        venv.set_attr("max_episode_steps", 5, indices=[0])
    with pytest.raises(gym.error.ResetNeeded):
        venv.step(np.array([0, 1]))
    venv.reset()
    frames = venv.env_method("render")
    assert len(frames) == 2 and len(frames[0]) == 2 and "on hand" in frames[0][1]
    with pytest.warns(UserWarning, match="rgb_array"):
        assert venv.get_images() == [None, None]
    venv.set_options({"start": 1})
    with pytest.raises(ConfigError, match="options"):
        venv.reset()
    with pytest.raises(ConfigError, match="unwrapped"):
        as_sb3_vec_env(gym.make_vec("Inventory-v0", num_envs=2, vectorization_mode="sync"))


def test_short_ppo_run_with_vec_normalize_and_vec_monitor():
    torch = pytest.importorskip("torch")
    from stable_baselines3 import PPO
    from stable_baselines3.common.vec_env import VecMonitor, VecNormalize

    torch.set_num_threads(1)
    base = as_sb3_vec_env(
        gym.make_vec("Inventory-v0", num_envs=16, max_episode_steps=48), info_keys=("lost",)
    )
    venv = VecNormalize(VecMonitor(base, info_keywords=("lost",)), gamma=0.99)
    model = PPO("MlpPolicy", venv, n_steps=64, batch_size=256, n_epochs=2, seed=0, device="cpu")
    model.learn(total_timesteps=4096)
    assert model.num_timesteps >= 4096
    episodes = list(model.ep_info_buffer)
    assert episodes and all(e["l"] == 48 and "lost" in e for e in episodes)
    assert np.isfinite(venv.obs_rms.mean).all() and venv.obs_rms.count > 4096
