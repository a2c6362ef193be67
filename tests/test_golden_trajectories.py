"""Golden trajectories: any change to an env's dynamics, demand draws or spaces shows.

Each registered id is stepped from ``reset(seed=0)`` with a fixed action sequence; the
SHA-256 of every observation, reward and info value must equal the recorded one. A
change that alters them on purpose bumps the env's version (``-vN``), gets a CHANGELOG
entry, and records the new hashes here (``python tests/test_golden_trajectories.py``
prints them).
"""

from __future__ import annotations

import hashlib

import gymnasium as gym
import numpy as np
import pytest

import gym_inventory

GOLDEN = {
    "Inventory-v0": "1dca5e2e804ea52a8419acb6e867a6b9a09901af16cebd3440f9a38e7e760f18",
    "InventoryLostSales-v0": "df440f5cdd15cbafc0d13404c5f11c98d7a79468d7c52ec78bd16c7b3b002014",
    "InventoryBackorder-v0": "b68ec6a8e0dfb79221aaa8efe110bde343c107914d694c1ffdffe3e54a2d2a42",
}
VARIANTS = {  # (id, kwargs): the other paths of the period
    "Inventory-v0/quantity-backlog-stochastic-lead": (
        "Inventory-v0",
        dict(
            action_mode="quantity",
            backlog=True,
            lead_time=(0.2, 0.3, 0.5),
            capacity=120,
            initial_stock=60,
            max_order=40,
        ),
    ),
    "InventoryLostSales-v0/lead-4-p-39": (
        "InventoryLostSales-v0",
        dict(lead_time=4, penalty_cost=39),
    ),
}
GOLDEN_VARIANTS = {
    "Inventory-v0/quantity-backlog-stochastic-lead": (
        "fe229e805d2a0c34fe3dccea5c906cc47d7c686da511d0c23e1192bff190af75"
    ),
    "InventoryLostSales-v0/lead-4-p-39": (
        "420f46cd56e7b6f1400af663a1f5cafcc220ee9f902ddf03c7b599daaf0365ef"
    ),
}


def trajectory_hash(env_id: str, steps: int = 600, **kwargs) -> str:
    """SHA-256 of ``steps`` periods of ``env_id`` from ``reset(seed=0)``."""
    env = gym.make(env_id, **kwargs)
    env.action_space.seed(1)
    h = hashlib.sha256()
    obs, _ = env.reset(seed=0)
    h.update(obs.tobytes())
    for _ in range(steps):
        obs, reward, terminated, truncated, info = env.step(env.action_space.sample())
        h.update(obs.tobytes())
        h.update(np.array([reward, *info.values()], dtype=np.float64).tobytes())
        if terminated or truncated:
            obs, _ = env.reset()
            h.update(obs.tobytes())
    return h.hexdigest()


def test_every_registered_id_has_a_golden_hash():
    assert set(GOLDEN) == set(gym_inventory.ENV_IDS)


@pytest.mark.parametrize("env_id", sorted(GOLDEN))
def test_golden_trajectory(env_id):
    assert trajectory_hash(env_id) == GOLDEN[env_id]


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_golden_trajectory_variants(name):
    env_id, kwargs = VARIANTS[name]
    assert trajectory_hash(env_id, **kwargs) == GOLDEN_VARIANTS[name]


if __name__ == "__main__":
    for env_id in sorted(GOLDEN):
        print(f'    "{env_id}": "{trajectory_hash(env_id)}",')
    for name, (env_id, kwargs) in sorted(VARIANTS.items()):
        print(f'    "{name}": "{trajectory_hash(env_id, **kwargs)}",')
