import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("pettingzoo")
pytest.importorskip("supersuit")
pytest.importorskip("stable_baselines3")

from gym_inventory.multi.sb3 import SeededSB3VecEnv, make_sb3_vec_env

ROOT = Path(__file__).resolve().parents[2]


def test_seed_seeds_the_next_reset():
    venv = make_sb3_vec_env(num_vec_envs=2, n_products=3)
    assert isinstance(venv, SeededSB3VecEnv) and venv.num_envs == 6
    assert venv.seed(7) == [7, 8, 9, 10, 11, 12]
    first = venv.reset()
    venv.seed(7)
    assert np.array_equal(first, venv.reset())
    actions = np.zeros(6, dtype=np.int64)
    a = [venv.step(actions)[0] for _ in range(20)]
    venv.seed(7)
    venv.reset()
    b = [venv.step(actions)[0] for _ in range(20)]
    assert np.array_equal(np.stack(a), np.stack(b))
    assert venv.get_attr("render_mode") == [None] * 6


def test_sb3_can_seed_a_model():
    from stable_baselines3 import PPO

    venv = make_sb3_vec_env(n_products=2)
    PPO("MlpPolicy", venv, n_steps=16, batch_size=16, seed=3, device="cpu")  # calls seed()


def test_example_trains_in_a_subprocess():
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT / "src")}
    out = subprocess.run(
        [
            sys.executable,
            str(ROOT / "examples" / "multi_product_ppo.py"),
            "--n-products",
            "2",
            "--total-timesteps",
            "128",
            "--n-steps",
            "32",
            "--batch-size",
            "32",
            "--eval-episodes",
            "2",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert "PPO shared (128 steps)" in out.stdout and "coupling-aware" in out.stdout
    assert "Warning" not in out.stderr
