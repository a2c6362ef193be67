"""
First steps with ``Inventory-v0``
=================================

Make the env, look at its spaces, play one week with a simple rule and plot what
happened. ``Inventory-v0`` is one product of an online grocery, managed hour by hour, with
real (Instacart) hour-of-week demand; its page, :doc:`/environments/Inventory-v0`, lists every
argument and the exact order of events in a period.
"""

import gymnasium as gym
import numpy as np

import gym_inventory  # noqa: F401  (registers the ids)
from gym_inventory.plotting import plot_history

env = gym.make("Inventory-v0")
print(env.action_space)  # 0: order 30 units, 1: hold, 2: clearance sale
print(env.observation_space.shape)

# %%
# One week of hours with a reorder rule
# -------------------------------------
# The observation starts with the stock on hand, then the stock in transit. The rule
# orders 30 units whenever on hand plus in transit falls below 60, and holds otherwise.
# ``info`` carries the period's whole breakdown, so we record what the plot needs.

obs, info = env.reset(seed=42)
rows = [(obs[0], obs[1], 0.0, 0.0, 0.0)]  # on hand, in transit, demand, sold, profit
total = 0.0
for _ in range(168):
    action = 0 if obs[0] + obs[1] < 60 else 1
    obs, reward, terminated, truncated, info = env.step(action)
    rows.append((info["on_hand"], info["in_transit"], info["demand"], info["sold"], reward))
    total += reward
    if terminated or truncated:
        break
history = np.array(rows)
print(
    f"{len(history) - 1} hours, profit {total:.1f}, {history[:, 2].sum():.0f} units demanded, "
    f"{history[:, 3].sum():.0f} sold"
)

# %%
# The trajectory
# --------------
# The first hours sell off the 250 starting units; after that the rule keeps a small
# stock that follows the daily peaks of demand (bottom panel).

fig = plot_history(history, title="Inventory-v0, one week, reorder below 60")

# %%
# Seeds make it reproducible
# --------------------------
# The same seed gives the same demand, so the same rule earns exactly the same profit.


def week_profit(seed: int) -> float:
    obs, _ = env.reset(seed=seed)
    profit = 0.0
    for _ in range(168):
        obs, reward, _, _, _ = env.step(0 if obs[0] + obs[1] < 60 else 1)
        profit += reward
    return profit


print(week_profit(42) == total, week_profit(43) == total)
env.close()
