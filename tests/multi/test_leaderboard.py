"""multi_product_v0 on the leaderboard: its evaluator (imported lazily) and rule entries."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("pettingzoo")

from gym_inventory.leaderboard import env_fingerprint, load_entry, load_policy, score_policies
from gym_inventory.multi import baselines
from gym_inventory.multi.multi_product_v0 import MultiProductEnv

ROOT = Path(__file__).resolve().parents[2]


def test_scores_are_the_team_profit_per_period_of_the_rule_evaluation():
    env = MultiProductEnv(n_products=3)
    rule = baselines.BaseStockRule.for_env(env, np.full(3, 40.0))
    scored = score_policies({0: rule}, "multi_product_v0", {"n_products": 3}, episodes=3, seed=5)
    returns = baselines.evaluate(MultiProductEnv(n_products=3), rule, episodes=3, seed=5)
    expected = np.array(returns["returns"]) / env.max_cycles
    assert np.allclose([scored["mean_reward"]], [expected.mean()], rtol=1e-12)
    short = score_policies(
        {0: rule},
        "multi_product_v0",
        {"n_products": 3},
        episodes=2,
        seed=5,
        max_steps=20,
        warmup=10,
    )
    assert np.isfinite(short["mean_reward"]) and short["mean_reward"] != scored["mean_reward"]


def test_fingerprint_is_fixed_and_depends_on_the_configuration():
    a = env_fingerprint("multi_product_v0", {"n_products": 3})
    assert a == env_fingerprint("multi_product_v0", {"n_products": 3})
    assert a != env_fingerprint("multi_product_v0", {"n_products": 4})


def test_rule_entry_is_written_and_reloads(tmp_path):
    out = tmp_path / "multi_product_v0__base-stock.json"
    cmd = [sys.executable, "-m", "gym_inventory.multi.leaderboard", "--rule", "base-stock"]
    proc = subprocess.run([*cmd, "--output", str(out)], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    entry = load_entry(out)
    assert entry.env_id == "multi_product_v0" and entry.profit == entry.eval["mean_reward"]
    assert entry.average_cost is None and entry.gap_pct is None
    again = score_policies(
        {0: load_policy(entry, 0)},
        entry.env_id,
        entry.env_kwargs,
        episodes=100,
        seed=1_000_000,
    )
    assert again["mean_reward"] == entry.eval["mean_reward"]
