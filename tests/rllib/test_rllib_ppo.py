"""Ray RLlib: PPO trains on the native vector env and on multi_product_v0 (parameter
sharing), the mlp export acts as RLlib does, and the leaderboard script writes an entry.

RLlib pins gymnasium==1.2.2, so these tests run in their own venv (``.ci/run``'s rllib
block: ``pip install torch==2.13.0`` then ``pip install -e ".[rllib]" pytest``); in the
main venv they are skipped. One small local Ray (1 CPU, no dashboard) serves the module.
"""

from __future__ import annotations

import csv
import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip(
    "ray.rllib",
    reason="Ray RLlib is not installed (it pins gymnasium==1.2.2: the rllib tests run in "
    "their own venv, see .ci/run and docs/rllib.md)",
)
import gymnasium as gym
import ray

import gym_inventory
from gym_inventory.envs import InventoryVectorEnv
from gym_inventory.leaderboard import MLPPolicy, load_entry, load_policy, score_policies
from gym_inventory.rllib import (
    SHARED_POLICY,
    export_mlp,
    ppo_config,
    rllib_actions,
)

# RLlib re-registers its own env id at every build_algo()
pytestmark = pytest.mark.filterwarnings("ignore:.*Overriding environment rllib-single-agent-env-v0")
ROOT = Path(__file__).resolve().parents[2]
TINY = dict(train_batch_size=256, minibatch_size=64, num_epochs=1)


def _load(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module", autouse=True)
def ray_session():
    import torch

    torch.set_num_threads(1)
    ray.init(num_cpus=1, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def example():
    return _load(ROOT / "examples" / "rllib_ppo.py")


def test_plain_id_samples_from_the_native_vector_env():
    from ray.rllib.algorithms.ppo import PPOConfig

    config = (
        PPOConfig()
        .environment("gym_inventory:Inventory-v0")
        .env_runners(
            num_env_runners=0,
            num_envs_per_env_runner=4,
            gym_env_vectorize_mode="vector_entry_point",
        )
        .training(train_batch_size_per_learner=64, minibatch_size=32, num_epochs=1)
    )
    algo = config.build_algo()
    try:
        assert isinstance(algo.env_runner.env.unwrapped, InventoryVectorEnv)
        assert algo.env_runner.env.unwrapped.num_envs == 4
        assert algo.train()["env_runners"]["num_env_steps_sampled_lifetime"] == 64
    finally:
        algo.stop()


def test_example_trains_inventory_v0_for_two_iterations(example):
    args = example.parse_args(["--iterations", "2", "--num-envs", "2", "--minibatch-size", "64",
                               "--train-batch-size", "256", "--num-epochs", "1"])  # fmt: skip
    assert args.env_id == "gym_inventory:Inventory-v0"
    rows = example.main(args)
    assert [r["env_steps"] for r in rows] == [256, 512]
    assert all(r["modules"] == ["default_policy"] for r in rows)
    # by 512 steps the 2 copies have each ended a 168-hour episode
    assert np.isfinite(rows[1]["episode_return_mean"])


def test_example_trains_multi_product_with_one_shared_policy(example):
    args = example.parse_args(["--env-id", "multi_product_v0", "--iterations", "2",
                               "--env-kwargs", '{"n_products": 3, "max_cycles": 24}',
                               "--train-batch-size", "96", "--minibatch-size", "32",
                               "--num-epochs", "1"])  # fmt: skip
    cfg = ppo_config(args.env_id, args.env_kwargs)
    assert set(cfg.policies) == {SHARED_POLICY}
    assert {cfg.policy_mapping_fn(f"product_{i}", None) for i in range(3)} == {SHARED_POLICY}
    rows = example.main(args)
    assert [r["env_steps"] for r in rows] == [96, 192]
    assert all(r["modules"] == [SHARED_POLICY] for r in rows)  # one module trained for all
    assert np.isfinite(rows[1]["episode_return_mean"])


def _observations(n_envs: int = 64, steps: int = 40) -> np.ndarray:
    # States a trained policy meets and some it does not: seeded random orders.
    env = gym.make_vec("InventoryLostSales-v0", num_envs=n_envs, max_order=15)
    env.action_space.seed(0)
    obs, _ = env.reset(seed=0)
    batch = [obs]
    for _ in range(steps):
        obs, *_ = env.step(env.action_space.sample())
        batch.append(obs)
    return np.concatenate(batch)


def _train(seed: int, iterations: int = 1):
    algo = ppo_config("InventoryLostSales-v0", {"max_order": 15}, seed=seed, num_envs=4,
                      **TINY).build_algo()  # fmt: skip
    for _ in range(iterations):
        algo.train()
    return algo


def test_mlp_export_acts_as_rllib_deterministic_forward(tmp_path):
    algo = _train(seed=0, iterations=2)
    try:
        path = export_mlp(algo, tmp_path / "policy.npz")
        obs = _observations()
        expected = rllib_actions(algo, obs)
    finally:
        algo.stop()
    exported = MLPPolicy(path)
    assert len(exported.weights) == 3  # RLlib's default fcnet: 64, 64, then the logits
    assert [w.shape for w in exported.weights] == [(3, 64), (64, 64), (64, 16)]
    actions = exported(obs)
    assert len(np.unique(expected)) > 1  # a check that could fail
    np.testing.assert_array_equal(actions, expected)


def test_same_seed_trains_the_same_policy(tmp_path):
    paths = []
    for run in range(2):
        algo = _train(seed=3)
        try:
            paths.append(export_mlp(algo, tmp_path / f"run{run}.npz"))
        finally:
            algo.stop()
    a, b = (np.load(p) for p in paths)
    for key in a.files:
        np.testing.assert_array_equal(a[key], b[key], err_msg=key)


def test_leaderboard_script_writes_a_verifiable_entry(tmp_path):
    script = _load(ROOT / "baselines" / "rllib_entry.py")
    out = tmp_path / "Inventory-v0__rllib-ppo.json"
    args = script.parse_args(["--iterations", "1", "--train-batch-size", "128", "--num-envs",
                              "4", "--minibatch-size", "64", "--num-epochs", "1",
                              "--curve-episodes", "2", "--output", str(out)])  # fmt: skip
    ray.shutdown()  # the script starts its own Ray
    try:
        script.main(args)
    finally:
        ray.init(num_cpus=1, include_dashboard=False, log_to_driver=False)
    entry = load_entry(out)
    assert entry.kind == "learned" and entry.seeds == [0, 1, 2, 3, 4]
    assert entry.library == {"name": "ray[rllib]", "version": ray.__version__}
    assert entry.package_version == gym_inventory.__version__
    assert entry.train_steps == 128 and entry.train_seconds > 0
    assert entry.env_id == "Inventory-v0" and entry.env_kwargs == {}
    assert entry.eval["episodes"] == 100 and entry.eval["warmup"] == 0
    assert entry.profit is not None and entry.optimal_cost is None  # a profit id
    assert "--output" not in entry.command and "--iterations 1" in entry.command
    with open(out.parent / entry.learning_curve, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [int(r["seed"]) for r in rows] == [0, 1, 2, 3, 4]
    # re-scoring the saved policies, as `leaderboard verify` does, gives the stored numbers
    again = score_policies({1: load_policy(entry, 1)}, entry.env_id, episodes=100,
                           seed=1_000_000)  # fmt: skip
    assert again["per_seed"][0] == entry.eval["per_seed"][1]
