"""Smoke test of an installed gym-inventory (run by ``.ci/run`` in a fresh venv holding only
the wheel and its core dependencies, from a directory outside the repository).

    python /path/to/tests/smoke_wheel.py

It fails (non-zero status, an AssertionError or the exception) unless: the package is imported
from site-packages, not a source tree; every registered id makes, resets, steps and passes
Gymnasium's ``check_env``; the vector env steps; a base-stock rule evaluated on
``InventoryLostSales-v0`` lands within its 95 % interval of the exact Markov-chain cost; a
missing optional dependency raises the one install message; and the ``gym-inventory``
command runs. Not collected by pytest (no ``test_`` prefix); ``tests/test_sdist.py`` runs it.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import subprocess
import sys
import sysconfig
from pathlib import Path

import gymnasium as gym
import numpy as np
from gymnasium.utils.env_checker import check_env

import gym_inventory
from gym_inventory.errors import MissingDependencyError, install_hint
from gym_inventory.evaluation import evaluate
from gym_inventory.policies import BaseStock, exact_average_cost


def main() -> None:
    package = Path(gym_inventory.__file__).resolve()
    site = Path(sysconfig.get_paths()["purelib"]).resolve()
    assert site in package.parents, f"gym_inventory imported from {package}, not {site}"
    assert gym_inventory.__version__ == importlib.metadata.version("gym-inventory")

    for env_id in gym_inventory.ENV_IDS:
        env = gym.make(env_id)
        obs, _ = env.reset(seed=0)
        assert env.observation_space.contains(obs), env_id
        for _ in range(5):
            obs, reward, *_, info = env.step(env.action_space.sample())
        assert np.isfinite(reward) and "demand" in info, env_id
        check_env(env.unwrapped, skip_render_check=True)
        env.close()

    envs = gym.make_vec("InventoryLostSales-v0", num_envs=8)
    envs.reset(seed=0)
    _, rewards, *_ = envs.step(envs.action_space.sample())
    assert rewards.shape == (8,)

    policy = BaseStock(19)
    result = evaluate(policy, "InventoryLostSales-v0", n_episodes=100, warmup=100, seed=0)
    exact = exact_average_cost(policy).average_cost
    assert abs(result.average_cost - exact) <= result.ci95, (result.average_cost, exact)

    try:  # the smoke venv has no optional dependency
        importlib.import_module("gym_inventory.multi.multi_product_v0")
    except MissingDependencyError as exc:
        assert install_hint("multi") in str(exc), exc
    else:
        raise AssertionError("pettingzoo is installed: not a core-only environment")

    cli = Path(sys.executable).with_name("gym-inventory")
    out = subprocess.run([str(cli), "--help"], capture_output=True, text=True, check=True)
    assert "compare" in out.stdout
    version = subprocess.run([str(cli), "--version"], capture_output=True, text=True, check=True)
    assert gym_inventory.__version__ in version.stdout

    print(
        f"smoke test passed: gym-inventory {gym_inventory.__version__} from {package.parent}; "
        f"{len(gym_inventory.ENV_IDS)} ids; BaseStock(19) {result.average_cost:.3f} "
        f"± {result.ci95:.3f} vs exact {exact:.4f}"
    )


if __name__ == "__main__":
    main()
