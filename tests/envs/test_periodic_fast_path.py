"""The benchmark variants' single-env float path (``PeriodicModel.step1``) is the batched
step, bit for bit: observations, rewards and every info value, for every configuration."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from gymnasium.utils import seeding

from gym_inventory.envs.periodic import InventoryBackorderEnv, InventoryLostSalesEnv

CONFIGS = [
    {"lead_time": 0},
    {"lead_time": 3, "unit_cost": 1.5, "fixed_cost": 4.0},
    {"lead_time": [0.2, 0.3, 0.5], "capacity": 20, "disposal_cost": 2.0, "initial_stock": 5},
    {"lead_time": 1, "holding_cost": 0.0, "penalty_cost": 0.0},
]


def bits(values) -> bytes:
    return np.asarray(values, dtype=np.float64).tobytes()  # tells -0.0 from 0.0


@pytest.mark.parametrize("cls", [InventoryLostSalesEnv, InventoryBackorderEnv])
@pytest.mark.parametrize("kwargs", CONFIGS)
def test_single_env_float_path_is_the_batched_step(cls, kwargs):
    B, seed, T = 2, 5, 300
    env = cls(**kwargs)
    assert env.model.scalar  # the float path is the one under test
    model = cls.make_model(B, **kwargs)
    assert not model.scalar
    model.reset([seeding.np_random(seed + i)[0] for i in range(B)])
    obs, _ = env.reset(seed=seed)
    assert bits(obs) == bits(model.obs[0, 0].astype(np.float32))
    actions = np.random.default_rng(1).integers(0, 15, size=T)
    for t, a in enumerate(actions.tolist()):
        obs, reward, *_, info = env.step(a)
        orders = np.full((B, 1), a)
        batch_reward = model.step(*model.decode(model.check_actions(orders, (B, 1))))
        assert bits(obs) == bits(model.obs[0, 0].astype(np.float32)), t
        assert type(reward) is float and bits(reward) == bits(batch_reward[0, 0])
        batch = model.batch_info()
        assert list(info) == list(batch)
        assert bits(list(info.values())) == bits([v[0, 0] for v in batch.values()]), t
        assert info == model.info(0)
    env2 = pickle.loads(pickle.dumps(env))  # the float path survives pickling
    assert bits(env2.step(3)[0]) == bits(env.step(3)[0])
