"""Leaderboard entries of ``supply_chain_v0``: the evaluator (episode ``i`` is the env
seeded ``seed + i``; a stable fingerprint), the rule loader round trip, and the committed
entries (fast: they load and re-score; slow: the script runs)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from gym_inventory.errors import ActionError, DataError
from gym_inventory.leaderboard import (
    env_fingerprint,
    find_entries,
    load_entry,
    load_policy,
    make_entry,
    save_entry,
    save_mlp,
    verify_entry,
)
from gym_inventory.leaderboard.scoring import score_policies
from gym_inventory.multi import supply_chain_v0
from gym_inventory.policies import EchelonBaseStock, InstallationBaseStock, SerialSystem
from gym_inventory.policies.echelon import capped

ROOT = Path(__file__).resolve().parents[2]
DIR = ROOT / "baselines" / "results" / "leaderboard"
ENV = "supply_chain_v0"
RULES = {"beer_game": (11, 13, 15, 11), "clark_scarf": (6, 12, 23)}


def env_episode(preset, policy, seed, steps, warmup):
    """Mean team reward per period of one episode stepped through the env's array API."""
    env = supply_chain_v0.parallel_env(preset=preset)
    obs = env.reset_arrays(seed=seed)
    rewards = []
    for _ in range(steps):
        obs, r, _, truncated = env.step_arrays(policy(obs[None])[0])
        rewards.append(r[0])
        if truncated:
            break
    return float(np.mean(rewards[warmup:]))


def scored(policy, preset, **spec):
    return score_policies({0: policy}, ENV, {"preset": preset}, **spec)["per_seed"][0]


@pytest.mark.parametrize("preset", sorted(RULES))
def test_episode_i_is_the_env_seeded_seed_plus_i(preset):
    env = supply_chain_v0.parallel_env(preset=preset)
    policy = capped(EchelonBaseStock(RULES[preset]), env.config.max_order)
    from gym_inventory.multi.supply_leaderboard import chain_episode_means

    means = chain_episode_means(
        policy, {"preset": preset}, n_episodes=3, seed=500, max_steps=60, warmup=10
    )
    expected = [env_episode(preset, policy, 500 + i, 60, 10) for i in range(3)]
    np.testing.assert_array_equal(means, expected)
    assert len(set(means.tolist())) == 3  # the episodes differ


def test_max_steps_none_is_the_registered_episode_length():
    env = supply_chain_v0.parallel_env(preset="beer_game")
    policy = capped(InstallationBaseStock((7, 5, 5, 3)), env.config.max_order)
    row = scored(policy, "beer_game", episodes=2, seed=7, max_steps=None, warmup=0)
    expected = np.mean([env_episode("beer_game", policy, 7 + i, 10_000, 0) for i in range(2)])
    assert row["mean_reward"] == pytest.approx(expected, rel=1e-12)


def test_orders_outside_the_action_space_raise_like_the_env():
    env = supply_chain_v0.parallel_env(preset="beer_game")
    m = env.config.max_order
    with pytest.raises(ActionError):
        scored(lambda o: np.full(o.shape[:2], m + 1), "beer_game", episodes=2, seed=0)
    with pytest.raises(ActionError):
        scored(lambda o: np.zeros(o.shape[:2]), "beer_game", episodes=2, seed=0)  # floats
    row = scored(lambda o: np.full(o.shape[:2], m), "beer_game", episodes=2, seed=0)
    assert row["mean_reward"] < 0


def test_the_fingerprint_is_stable_and_sees_the_dynamics():
    kw = {"preset": "clark_scarf"}
    first = env_fingerprint(ENV, kw)
    assert first == env_fingerprint(ENV, dict(kw)) and len(first) == 64
    assert env_fingerprint(ENV, {**kw, "penalty_cost": 30.0}) != first
    assert env_fingerprint(ENV, {"preset": "beer_game"}) != first


def rule_entry(tmp_path, cls=EchelonBaseStock, levels=(6, 12, 23), name=None):
    env = supply_chain_v0.parallel_env(preset="clark_scarf")
    entry = make_entry(
        {0: capped(cls(levels), env.config.max_order)},
        env_id=ENV,
        env_kwargs={"preset": "clark_scarf"},
        policy="rule",
        kind="rule",
        information="model",
        command="python baselines/chain_entries.py --preset clark_scarf --policy x",
        artifact={
            "format": "python",
            "params": {
                "callable": "gym_inventory.policies.echelon:load_entry_policy",
                "class": cls.__name__,
                "levels": list(levels),
            },
        },
        episodes=4,
        eval_seed=1_000_000,
        max_steps=200,
        warmup=20,
        optimal_cost=None,
    )
    return save_entry(entry, tmp_path / f"{name or f'{ENV}__clark-scarf__rule'}.json")


@pytest.mark.parametrize("cls", [EchelonBaseStock, InstallationBaseStock])
def test_a_rule_entry_round_trips_and_verifies(tmp_path, cls):
    entry = load_entry(rule_entry(tmp_path, cls))
    policy = load_policy(entry, 0)
    obs = supply_chain_v0.parallel_env(preset="clark_scarf").reset_arrays(seed=3)[None]
    np.testing.assert_array_equal(policy(obs), cls((6, 12, 23))(obs))
    check = verify_entry(entry)
    assert check.passed and check.measured == check.recorded


def test_rules_are_capped_at_max_order():
    env = supply_chain_v0.parallel_env(preset="beer_game")
    obs = env.reset_arrays(seed=0)[None]  # the empty chain
    assert EchelonBaseStock((30, 30, 30, 30))(obs).max() == 30
    assert capped(EchelonBaseStock((30, 30, 30, 30)), env.config.max_order)(obs).max() == 10


@pytest.mark.parametrize(
    ("params", "match"),
    [({"class": "BaseStock", "levels": [1, 2, 3]}, "class"), ({"levels": [1, -2, 3]}, "levels")],
)
def test_a_bad_rule_artifact_raises_data_error(tmp_path, params, match):
    entry = load_entry(rule_entry(tmp_path))
    entry.artifact["params"] = {**entry.artifact["params"], **params}
    with pytest.raises(DataError, match=match):
        load_policy(entry, 0)


def test_an_mlp_entry_acts_on_the_stage_batch(tmp_path):
    env = supply_chain_v0.parallel_env(preset="beer_game")
    d, n = env.observation_space("stage_0").shape[0], env.config.max_order + 1
    rng = np.random.default_rng(0)
    files = {}
    for seed in range(5):
        w = [rng.normal(size=(d, 8)), rng.normal(size=(8, n))]
        path = save_mlp(tmp_path / f"s{seed}.npz", w, [np.zeros(8), np.zeros(n)])
        files[str(seed)] = [path.name]
    from gym_inventory.leaderboard import MLPPolicy

    entry = make_entry(
        {s: MLPPolicy(tmp_path / files[str(s)][0]) for s in range(5)},
        env_id=ENV,
        env_kwargs={"preset": "beer_game"},
        policy="mlp",
        kind="learned",
        information="observation",
        command="python baselines/chain_entries.py --preset beer_game --policy ppo",
        artifact={"format": "mlp", "params": {}, "files": files},
        episodes=3,
        eval_seed=1_000_000,
        train_steps=1,
        train_seconds=1.0,
        optimal_cost=None,
    )
    entry = load_entry(save_entry(entry, tmp_path / f"{ENV}__beer-game__mlp.json"))
    assert load_policy(entry, 0)(env.reset_arrays(seed=0)[None]).shape == (1, 4)
    assert verify_entry(entry).passed


# ------------------------------------------------------------------ committed entries
COMMITTED = find_entries(DIR, env_id=ENV)
EXPECTED = {
    "beer-game": {"echelon-base-stock", "installation-base-stock", "ppo"},
    "clark-scarf": {"optimal", "installation-base-stock", "ppo"},
}


def test_the_committed_entries_are_there():
    have = {tuple(e.name.split("__")[1:]) for e in COMMITTED}
    assert have >= {(p, s) for p, slugs in EXPECTED.items() for s in slugs}


def test_the_clark_scarf_optimum_is_the_solvers_on_the_presets_demand():
    (entry,) = [e for e in COMMITTED if e.name == f"{ENV}__clark-scarf__optimal"]
    config = supply_chain_v0.parallel_env(preset="clark_scarf").config
    k = np.arange(40)
    rounded = stats.norm(5, 1).cdf(k + 0.5) - stats.norm(5, 1).cdf(k - 0.5)
    rounded[0] += stats.norm(5, 1).cdf(-0.5)  # truncated at 0
    np.testing.assert_allclose(config.demand[0].distribution(0).pmf(k), rounded, atol=1e-12)
    sol = SerialSystem(list(rounded), (0, 1, 2), (7.0, 4.0, 2.0), 37.12).solve()
    assert entry.optimal_cost == pytest.approx(sol.average_cost, rel=1e-9)
    assert entry.artifact["params"]["levels"] == list(sol.levels)
    assert (entry.kind, entry.information) == ("optimal", "oracle")
    # the simulated optimum is within its interval of the exact cost
    assert abs(entry.average_cost - entry.optimal_cost) <= 2 * entry.eval["ci95"]


def test_no_committed_rule_beats_the_exact_optimum():
    costs = {e.name.split("__")[2]: e.average_cost for e in COMMITTED if "clark" in e.name}
    assert all(c > costs["optimal"] for s, c in costs.items() if s != "optimal")


@pytest.mark.parametrize("entry", COMMITTED, ids=lambda e: e.name)
def test_a_committed_entry_verifies(entry):
    check = verify_entry(entry)
    assert check.passed, (check.recorded, check.measured)


@pytest.mark.slow
def test_the_script_writes_a_rule_entry_that_matches_the_committed_one(tmp_path):
    out = tmp_path / "e.json"
    cmd = [sys.executable, "baselines/chain_entries.py", "--preset", "beer_game"]
    cmd += ["--policy", "echelon-base-stock", "--output", str(out)]
    subprocess.run(cmd, cwd=ROOT, check=True)
    new, old = load_entry(out), load_entry(DIR / f"{ENV}__beer-game__echelon-base-stock.json")
    assert new.artifact == old.artifact and new.eval == old.eval


@pytest.mark.slow
def test_the_script_trains_a_tiny_ppo_entry(tmp_path):
    pytest.importorskip("stable_baselines3")
    out = tmp_path / "e.json"
    cmd = [sys.executable, "baselines/chain_entries.py", "--preset", "clark_scarf"]
    cmd += ["--policy", "ppo", "--train-steps", "1500", "--output", str(out)]
    subprocess.run(cmd, cwd=ROOT, check=True)
    entry = load_entry(out)
    assert entry.kind == "learned" and entry.seeds == [0, 1, 2, 3, 4]
    assert entry.gap_pct is not None and verify_entry(entry).passed
    assert (entry.root / entry.learning_curve).is_file()
