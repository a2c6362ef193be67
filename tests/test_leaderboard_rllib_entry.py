"""The committed RLlib PPO leaderboard entry re-scores without Ray to the stored numbers.

It was trained and scored in the rllib venv (gymnasium 1.2.2); here, in the main venv, its
exported NumPy policies are rebuilt from the artifacts and scored again the one way
entries are scored.
"""

from pathlib import Path

import pytest

from gym_inventory.leaderboard import env_fingerprint, load_entry, load_policy, score_policies

ENTRY = (
    Path(__file__).resolve().parents[1]
    / "baselines/results/leaderboard/Inventory-v0__rllib-ppo.json"
)


def test_rllib_entry_rescores_to_its_stored_evaluation():
    entry = load_entry(ENTRY)
    assert entry.library["name"] == "ray[rllib]" and entry.artifact["format"] == "mlp"
    assert entry.kind == "learned" and len(entry.seeds) >= 5
    assert entry.env_fingerprint == env_fingerprint(entry.env_id, entry.env_kwargs)
    spec = entry.eval
    again = score_policies(
        {seed: load_policy(entry, seed) for seed in entry.seeds},
        entry.env_id,
        entry.env_kwargs,
        episodes=spec["episodes"],
        seed=spec["seed"],
        max_steps=spec["max_steps"],
        warmup=spec["warmup"],
    )
    for key in ("mean_reward", "ci95"):
        assert again[key] == pytest.approx(spec[key], rel=1e-12, abs=1e-12), key
    for got, stored in zip(again["per_seed"], spec["per_seed"], strict=True):
        assert got["seed"] == stored["seed"]
        assert got["mean_reward"] == pytest.approx(stored["mean_reward"], rel=1e-12)
    assert entry.profit == pytest.approx(again["mean_reward"], rel=1e-12)
