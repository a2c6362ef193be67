"""Artifact loaders: the numpy MLP and SB3 round trips, through a verified entry."""

from __future__ import annotations

import numpy as np
import pytest

from gym_inventory.leaderboard import (
    MLPPolicy,
    load_entry,
    load_policy,
    make_entry,
    save_entry,
    save_mlp,
    save_obs_normalization,
    verify_entry,
)


def test_mlp_round_trip(tmp_path):
    rng = np.random.default_rng(0)
    w = [rng.normal(size=(3, 5)), rng.normal(size=(5, 4))]
    b = [rng.normal(size=5), rng.normal(size=4)]
    mean, std = rng.normal(size=3), rng.uniform(1, 2, size=3)
    obs = rng.normal(size=(7, 3))
    for activation, act in (("tanh", np.tanh), ("relu", lambda z: np.maximum(z, 0))):
        p = MLPPolicy(
            save_mlp(tmp_path / "a.npz", w, b, activation=activation, obs_mean=mean, obs_std=std)
        )
        expect = act(((obs - mean) / std) @ w[0] + b[0]) @ w[1] + b[1]
        np.testing.assert_allclose(p.logits(obs), expect)
        np.testing.assert_array_equal(p(obs), expect.argmax(axis=1))
    low, high = np.full(4, -0.5), np.full(4, 0.5)
    p = MLPPolicy(
        save_mlp(tmp_path / "c.npz", w, b, output="clip", action_low=low, action_high=high)
    )
    out = p(obs)
    assert out.dtype == np.float32
    np.testing.assert_allclose(
        out, np.clip(np.tanh(obs @ w[0] + b[0]) @ w[1] + b[1], -0.5, 0.5), rtol=1e-6
    )


def test_mlp_extra_arrays_round_trip_and_may_not_shadow_the_network(tmp_path):
    w, b = [np.ones((2, 3))], [np.zeros(3)]
    path = save_mlp(tmp_path / "a.npz", w, b, extra={"max_position": np.int64(7)})
    p = MLPPolicy(path)
    assert list(p.extra) == ["max_position"] and int(p.extra["max_position"]) == 7
    assert MLPPolicy(save_mlp(tmp_path / "b.npz", w, b)).extra == {}
    for name in ("W0", "b1", "obs_mean", "activation"):
        with pytest.raises(ValueError, match=name):
            save_mlp(tmp_path / "c.npz", w, b, extra={name: np.zeros(1)})


def test_mlp_entry_loads_and_verifies(tmp_path, lb):
    entry = load_entry(lb.mlp_entry(tmp_path))
    obs = np.array([[3.0, 4.0, 5.0]])
    for s in entry.seeds:
        direct = MLPPolicy(tmp_path / entry.artifact["files"][str(s)][0])
        assert load_policy(entry, s)(obs) == direct(obs)
    check = verify_entry(entry)
    assert check.passed and check.measured == check.recorded
    assert len(entry.eval["per_seed"]) == 5


def test_sb3_entry_of_a_tiny_ppo_loads_and_verifies(tmp_path, lb):
    sb3 = pytest.importorskip("stable_baselines3")
    import gymnasium as gym
    import torch
    from stable_baselines3.common.vec_env import DummyVecEnv, VecNormalize

    torch.set_num_threads(1)
    env_id = lb.ENV
    art = tmp_path / "artifacts" / "ppo"
    art.mkdir(parents=True)
    files, policies = {}, {}
    for s in range(5):
        venv = VecNormalize(DummyVecEnv([lambda: gym.make(env_id)]), norm_reward=False)
        model = sb3.PPO("MlpPolicy", venv, n_steps=64, batch_size=32, n_epochs=1, seed=s)
        model.learn(128)
        model.save(art / f"seed{s}.zip")
        save_obs_normalization(art / f"seed{s}.npz", venv)
        files[str(s)] = [f"artifacts/ppo/seed{s}.zip", f"artifacts/ppo/seed{s}.npz"]
        policies[s] = _sb3_policy(model, venv)
    entry = make_entry(
        policies,
        env_id=env_id,
        policy="PPO (tiny)",
        kind="learned",
        information="observation",
        command="python train.py",
        artifact={"format": "sb3", "params": {"algo": "PPO"}, "files": files},
        optimal_cost=None,
        **lb.SPEC,
    )
    entry = load_entry(save_entry(entry, tmp_path / "ppo.json"))
    obs = np.random.default_rng(1).uniform(0, 20, size=(16, 3)).astype(np.float32)
    for s in entry.seeds:
        np.testing.assert_array_equal(load_policy(entry, s)(obs), policies[s](obs))
    check = verify_entry(entry)
    assert check.passed and check.measured == check.recorded


def _sb3_policy(model, venv):
    def policy(obs):
        return model.predict(
            venv.normalize_obs(np.asarray(obs, dtype=np.float32)), deterministic=True
        )[0]

    return policy
