"""
Training a PPO agent and comparing it with the rules
====================================================

Train Stable-Baselines3's PPO on the natively batched vector env of
``InventoryLostSales-v0`` and evaluate it, the tuned rules and the exact optimum on the same
unseen seeds with :func:`gym_inventory.evaluation.evaluate`.

.. note::

   This is a **demo**: it trains for 30,000 steps (seconds) so that the docs build stays
   short, far too little for PPO to be good. The measured learned baselines (millions of
   steps, several training seeds, confidence intervals) are on the
   :doc:`leaderboard </leaderboard>`; ``baselines/ppo.py`` is the full script.

Needs ``pip install "gym-inventory[baselines]"``.
"""

import gymnasium as gym
import matplotlib.pyplot as plt
import torch
from stable_baselines3 import PPO
from stable_baselines3.common.vec_env import VecNormalize

import gym_inventory  # noqa: F401
from gym_inventory.evaluation import evaluate
from gym_inventory.policies import BaseStock, CappedBaseStock, solve_optimal
from gym_inventory.sb3 import as_sb3_vec_env

torch.set_num_threads(1)
ENV_ID = "InventoryLostSales-v0"
ENV_KWARGS = dict(max_order=10)  # a small action space (0..10 units): PPO learns much faster
TIMESTEPS = 30_000

# %%
# Train
# -----
# ``gymnasium.make_vec`` returns one env that steps all 16 copies in a single compiled
# call; :func:`~gym_inventory.sb3.as_sb3_vec_env` hands it to SB3 without ``DummyVecEnv``.

venv = VecNormalize(as_sb3_vec_env(gym.make_vec(ENV_ID, num_envs=16, **ENV_KWARGS)))
model = PPO("MlpPolicy", venv, n_steps=64, batch_size=256, learning_rate=1e-3, seed=0, device="cpu")
model.learn(total_timesteps=TIMESTEPS)
venv.training = False


def ppo_policy(obs):
    action, _ = model.predict(venv.normalize_obs(obs), deterministic=True)
    return action


# %%
# Evaluate on unseen seeds
# ------------------------
# 50 episodes of 1000 periods, seeds from 10,000 on (training used others); the rules are
# tuned on the model, the optimum solved exactly.

results = {
    "PPO (30k steps, demo)": evaluate(ppo_policy, ENV_ID, n_episodes=50, seed=10_000, **ENV_KWARGS)
}
for name, rule in {"base stock": BaseStock, "capped base stock": CappedBaseStock}.items():
    policy = rule.tune(ENV_ID, **ENV_KWARGS).policy
    results[name] = evaluate(policy, ENV_ID, n_episodes=50, seed=10_000, **ENV_KWARGS)
optimum = solve_optimal(ENV_ID, **ENV_KWARGS)
results["optimal"] = evaluate(optimum.policy, ENV_ID, n_episodes=50, seed=10_000, **ENV_KWARGS)

for name, r in results.items():
    print(
        f"{name:<22} average cost {r.average_cost:6.3f} ± {r.ci95:.3f}"
        f"   gap {r.average_cost / optimum.average_cost - 1:+7.1%}   fill rate {r.fill_rate:.3f}"
    )
print(f"exact optimal average cost: {optimum.average_cost:.3f}")

# %%
# The comparison
# --------------
# Average cost per period with 95 % confidence intervals over the 50 episodes; the dashed
# line is the exact optimum.

fig, ax = plt.subplots(figsize=(7, 3.5), layout="constrained")
names = list(results)
ax.barh(
    names,
    [r.average_cost for r in results.values()],
    xerr=[r.ci95 for r in results.values()],
    color=["tab:purple", "tab:blue", "tab:green", "tab:grey"],
)
ax.axvline(optimum.average_cost, color="black", ls="--", lw=1, label="exact optimum")
ax.invert_yaxis()
ax.set_xlabel("average cost per period (lower is better)")
ax.legend(loc="lower right")
