"""
Writing and registering a demand source
=======================================

Every env takes its demand from a :class:`~gym_inventory.demand.DemandSource`. A new
source subclasses it and implements two methods: :meth:`~gym_inventory.demand.DemandSource.sample`
(draw demand for given periods from the caller's generator, the env's ``np_random``, and
nothing else, so seeds keep working) and :meth:`~gym_inventory.demand.DemandSource.mean`.
Sources with a known distribution also give :meth:`~gym_inventory.demand.DemandSource.distribution`
(a frozen ``scipy.stats`` distribution), which lets tools that need the model use them.

Here: Poisson demand with a weekly promotion, mean ``base`` most hours and
``base * lift`` during the promotion's hours.
"""

import gymnasium as gym
import matplotlib.pyplot as plt
import numpy as np
from scipy import stats

import gym_inventory  # noqa: F401
from gym_inventory.demand import DemandSource, available, register_demand
from gym_inventory.errors import ConfigError


class PromotionDemand(DemandSource):
    """Poisson demand, mean ``base`` per hour, ``base * lift`` in the promotion's hours
    (``start`` to ``start + hours`` of every week of 168 hours)."""

    def __init__(self, base: float = 8.0, lift: float = 3.0, start: int = 100, hours: int = 12):
        if not base > 0 or not lift >= 1:  # bad input: one clear error, before anything runs
            raise ConfigError(f"PromotionDemand needs base > 0 and lift >= 1, got {base}, {lift}")
        self.base, self.lift, self.start, self.hours = float(base), float(lift), start, hours

    def mean(self, periods: np.ndarray) -> np.ndarray:
        hour = np.asarray(periods) % 168
        promo = (hour >= self.start) & (hour < self.start + self.hours)
        return np.where(promo, self.base * self.lift, self.base)

    def sample(self, rng: np.random.Generator, periods: np.ndarray) -> np.ndarray:
        return rng.poisson(self.mean(periods)).astype(np.float64)

    def distribution(self, period: int):
        return stats.poisson(float(self.mean(np.array([period]))[0]))


# %%
# Use it directly, or register it by name
# ---------------------------------------
# An object works as ``demand=``. Registering a factory makes the name usable anywhere a
# demand name is (``gym.make(..., demand="promotion", demand_kwargs=...)``, config files).

register_demand("promotion", PromotionDemand)
print("promotion" in available())

env = gym.make("Inventory-v0", demand="promotion", demand_kwargs={"base": 8.0, "lift": 3.0})
obs, info = env.reset(seed=0)
demand = []
for _ in range(2 * 168):
    obs, reward, terminated, truncated, info = env.step(1)  # hold: we only watch demand
    demand.append(info["demand"])
    if terminated or truncated:
        obs, info = env.reset()
demand = np.array(demand)

# %%
# The demand it produced
# ----------------------
# Two weeks (two episodes of 168 hours) against the source's mean.

source = PromotionDemand(base=8.0, lift=3.0)
hours = np.arange(len(demand)) % 168
fig, ax = plt.subplots(figsize=(8, 3), layout="constrained")
ax.bar(np.arange(len(demand)), demand, color="tab:red", alpha=0.4, label="demand drawn")
ax.step(np.arange(len(demand)), source.mean(hours), where="mid", color="black", label="mean")
ax.set_xlabel("hour")
ax.set_ylabel("units")
ax.legend(loc="upper left")
print(f"mean demand drawn {demand.mean():.2f}, expected {source.mean(hours).mean():.2f}")

# %%
# Same seed, same demand
# ----------------------
# Because ``sample`` uses only the generator it is given, a seeded reset replays it.

obs, info = env.reset(seed=0)
replay = [env.step(1)[4]["demand"] for _ in range(168)]
print(np.array_equal(replay, demand[:168]))

# %%
# Shipping it in a package
# ------------------------
# Another package makes its source available to every user of gym-inventory, without an
# import, by declaring an entry point in the group ``gym_inventory.demand`` of its
# ``pyproject.toml``::
#
#     [project.entry-points."gym_inventory.demand"]
#     promotion = "my_package.demand:PromotionDemand"
#
# Entry points are read the first time a name is not found among the registered ones.
