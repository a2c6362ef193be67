"""The exploratory PPO runs behind baselines/hyperparams/ppo.yml (numbers: baselines/README.md).

One seed (0), one configuration per call, given as JSON; training in 4 equal chunks, each
followed by a deterministic evaluation on 20 held-out episodes (seeds from 1,000,000,
warm-up 100 on the periodic ids). Prints the average cost after each chunk and its gap to
the optimum of InventoryLostSales-v0 (6.0936). Caveat: a ``lin_`` learning rate restarts
its decay in every chunk (SB3 sets the schedule's horizon per ``learn`` call).

    python baselines/ppo_sweep.py '{"steps": 600000, "n_envs": 64, "n_steps": 256,
        "batch_size": 4096, "n_epochs": 10, "gae_lambda": 0.98, "lr": 0.001, "bias": 5}'

Extra keys: ``bias`` (action-head bias ``-a / bias``, as OrderPriorPolicy), ``max_count``
(cap VecNormalize's running counts: statistics that forget), ``norm_obs_false``,
``norm_reward``, ``net``, ``lr``, ``linear``, ``env_id``, ``env_kwargs``; the rest go to PPO.
"""

import json
import sys
import time

import gymnasium as gym
import torch
from stable_baselines3 import PPO
from stable_baselines3.common.vec_env import VecNormalize

import gym_inventory  # noqa: F401
from gym_inventory.evaluation import evaluate
from gym_inventory.sb3 import as_sb3_vec_env

torch.set_num_threads(1)
cfg = json.loads(sys.argv[1])
env_id = cfg.pop("env_id", "InventoryLostSales-v0")
steps, n_envs, seed = cfg.pop("steps"), cfg.pop("n_envs"), cfg.pop("seed", 0)
norm_reward, norm_obs = cfg.pop("norm_reward", True), not cfg.pop("norm_obs_false", 0)
net, ekw, max_count = (
    cfg.pop("net", [64, 64]),
    cfg.pop("env_kwargs", {}),
    cfg.pop("max_count", None),
)
bias, lr, linear = cfg.pop("bias", None), cfg.pop("lr", 3e-4), cfg.pop("linear", True)


class CappedVecNormalize(VecNormalize):
    def step_wait(self):
        out = super().step_wait()
        if max_count:
            self.obs_rms.count = min(self.obs_rms.count, max_count)
            self.ret_rms.count = min(self.ret_rms.count, max_count)
        return out


venv = CappedVecNormalize(
    as_sb3_vec_env(gym.make_vec(env_id, num_envs=n_envs, **ekw)),
    norm_obs=norm_obs,
    norm_reward=norm_reward,
    gamma=cfg.get("gamma", 0.99),
)
model = PPO(
    "MlpPolicy",
    venv,
    learning_rate=(lambda f: f * lr) if linear else lr,
    seed=seed,
    device="cpu",
    policy_kwargs=dict(net_arch=net),
    **cfg,
)
if bias:
    n = venv.action_space.n
    model.policy.action_net.bias.data = -torch.arange(n, dtype=torch.float32) / bias
start, costs = time.perf_counter(), []
warmup = 0 if env_id == "Inventory-v0" else 100
for _ in range(4):
    model.learn(steps // 4, reset_num_timesteps=False)
    venv.training = False
    r = evaluate(
        lambda o: model.predict(venv.normalize_obs(o), deterministic=True)[0],
        env_id,
        n_episodes=20,
        seed=1_000_000,
        warmup=warmup,
        **ekw,
    )
    venv.training = True
    costs.append(round(-r.mean_reward, 3))
gaps = [round(100 * (c / 6.0936 - 1), 1) for c in costs]
print(sys.argv[1], "cost", costs, "gap%", gaps, f"{time.perf_counter() - start:.0f}s")
