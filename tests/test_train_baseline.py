"""baselines/train.py: end to end on a tiny budget, its hyperparameter files, its errors."""

import csv
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("stable_baselines3")
pytest.importorskip("torch")

from gym_inventory.errors import ConfigError
from gym_inventory.leaderboard import load_entry, load_policy, score_policies

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "baselines" / "train.py"
_spec = importlib.util.spec_from_file_location("train_baseline", SCRIPT)
train = importlib.util.module_from_spec(_spec)
sys.modules["train_baseline"] = train  # (dataclasses look the module up)
_spec.loader.exec_module(train)

#: Every (algo, env) pair the committed hyperparameter files must cover.
PAIRS = [
    (algo, env_id)
    for algo in ("ppo", "a2c", "dqn")
    for env_id in ("Inventory-v0", "InventoryLostSales-v0", "InventoryBackorder-v0")
] + [("sac", "Inventory-v0"), ("td3", "Inventory-v0"), ("ppo", "multi_product_v0")]
ENV = {**os.environ, "OMP_NUM_THREADS": "1", "MPLBACKEND": "Agg"}


def _args(**kw):
    base = dict(algo="ppo", env_id="Inventory-v0", env_kwargs={}, seeds=[0, 1, 2, 3, 4])
    return train.Args(**{**base, **kw})


def test_train_runs_end_to_end_and_the_entry_verifies(tmp_path):
    conf = tmp_path / "ppo.yml"
    conf.write_text(
        "Inventory-v0:\n  n_envs: 4\n  n_steps: 16\n  batch_size: 32\n  n_epochs: 1\n"
        '  normalize: "dict(norm_obs=True, norm_reward=True)"\n'
        '  policy_kwargs: "dict(net_arch=[8])"\n  learning_rate: lin_3e-4\n'
    )
    out = tmp_path / "board" / "Inventory-v0__ppo.json"
    cmd = [sys.executable, str(SCRIPT), "--algo", "ppo", "--env-id", "Inventory-v0"]
    cmd += ["--total-timesteps", "128", "--curve-points", "2", "--curve-episodes", "1"]
    cmd += ["--conf-file", str(conf), "--output", str(out)]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=ENV, timeout=600, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    entry = load_entry(out)  # checks every field and that the artifact files exist
    assert entry.kind == "learned" and entry.seeds == [0, 1, 2, 3, 4]
    assert entry.train_steps == 128 and entry.train_seconds > 0
    assert entry.eval["episodes"] == 100 and entry.eval["seed"] == 1_000_000
    assert "--total-timesteps 128" in entry.command and "--conf-file" in entry.command
    files = entry.artifact["files"]["3"]
    assert any(f.endswith(".pth") for f in files) and any(f.endswith(".npz") for f in files)
    with open(entry.root / entry.learning_curve, newline="") as f:
        rows = list(csv.DictReader(f))
    assert {int(r["seed"]) for r in rows} == {0, 1, 2, 3, 4}
    assert all(np.isfinite(float(r["mean_reward"])) for r in rows)
    # Re-scoring the saved policies reproduces the entry (what `leaderboard verify` does).
    again = score_policies(
        {s: load_policy(entry, s) for s in entry.seeds},
        entry.env_id,
        entry.env_kwargs,
        episodes=100,
        seed=1_000_000,
    )
    assert again["mean_reward"] == entry.eval["mean_reward"]
    # Different training seeds trained different policies.
    assert len({p["mean_reward"] for p in entry.eval["per_seed"]}) > 1


@pytest.mark.parametrize(("algo", "env_id"), PAIRS)
def test_hyperparameter_files_cover_every_pair_and_build_a_model(algo, env_id):
    import stable_baselines3 as sb3

    args = _args(algo=algo, env_id=env_id)
    train.check_args(args)
    raw = train.load_hyperparams(args)
    hp = train.split_hyperparams(raw, n_actions=1)
    assert hp["n_envs"] >= 1 and hp["n_timesteps"] >= 1
    venv = train.make_vec_env(env_id, hp["n_envs"], hp["env_kwargs"])
    getattr(sb3, train.ALGOS[algo])(hp["policy"], venv, device="cpu", **hp["model"])


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        (dict(algo="ppo2"), "--algo must be one of"),
        (dict(env_id="CartPole-v1"), "--env-id must be one of"),
        (dict(seeds=[0]), "at least 5 training seeds"),
        (dict(seeds=[0, 1, 2, 3, 3]), "distinct"),
        (dict(algo="sac", env_kwargs={"action_mode": "quantity"}), "needs a continuous (Box)"),
        (dict(algo="sac", env_id="InventoryLostSales-v0"), "have no continuous mode"),
        (dict(algo="dqn", env_kwargs={"action_mode": "continuous"}), "needs a discrete"),
        (dict(algo="a2c", env_id="multi_product_v0"), "--algo ppo only"),
        (dict(conf_file="/nonexistent.yml"), "not found"),
    ],
)
def test_bad_arguments_get_one_clear_error(kw, message):
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        train.check_args(_args(**kw))


def test_bad_json_kwargs_and_the_command_line_error(tmp_path):
    with pytest.raises(ConfigError, match="--env-kwargs must be a JSON object"):
        train.parse_args(["--algo", "ppo", "--env-id", "Inventory-v0", "--env-kwargs", "{x"])
    with pytest.raises(ConfigError, match="--env-kwargs must be a JSON object"):
        train.check_args(_args(env_kwargs=[1]))
    out = tmp_path / "e.json"
    cmd = [sys.executable, str(SCRIPT), "--algo", "ppo", "--env-id", "Nope-v0"]
    proc = subprocess.run([*cmd, "--output", str(out)], capture_output=True, text=True, env=ENV)
    assert proc.returncode == 2 and proc.stderr.startswith("error: --env-id must be one of")
    assert "Traceback" not in proc.stderr and not out.exists()


def test_unknown_hyperparameter_is_a_config_error(tmp_path):
    conf = tmp_path / "ppo.yml"
    conf.write_text("Inventory-v0:\n  n_envs: 2\n  n_stepz: 16\n")
    args = _args(conf_file=str(conf), total_timesteps=64)
    hp = train.split_hyperparams(train.load_hyperparams(args), n_actions=1)
    with pytest.raises(ConfigError, match="n_stepz"):
        train.train_seed(args, 0, 64, hp, tmp_path)


@pytest.mark.slow
def test_the_rl_zoo3_command_trains_with_our_hyperparameters(tmp_path):
    pytest.importorskip("rl_zoo3", reason="rl_zoo3 is not installed (pip install rl_zoo3)")
    cmd = [sys.executable, "-m", "rl_zoo3.train", "--algo", "ppo", "--env"]
    cmd += ["InventoryLostSales-v0", "--gym-packages", "gym_inventory", "--conf-file"]
    cmd += ["baselines/hyperparams/ppo.yml", "-n", "2000", "--log-folder", str(tmp_path)]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=ENV, timeout=900, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Normalization activated" in proc.stdout
    assert list(tmp_path.glob("ppo/InventoryLostSales-v0_*/InventoryLostSales-v0.zip"))
