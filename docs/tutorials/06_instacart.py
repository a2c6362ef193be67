"""
Demand from the full Instacart download
=======================================

``Inventory-v0``'s default demand is real: the hour-of-week profile of one product in
"The Instacart Online Grocery Shopping Dataset 2017" (3.4 million orders; non-commercial
use). The package ships a small real sample of it (6,090 orders); with the full download
(Kaggle, "Instacart Market Basket Analysis": a directory of ``*.csv.zip`` files, or the
single archive ``.zip``) every one of its 49,688 products is available as demand.

Point ``INSTACART`` at your download. **When these docs were built the full data was not
there, so the bundled sample stood in** (``path=None``): the code is the same, the numbers
and pictures below are the sample's. Needs ``pip install "gym-inventory[data]"``
(pandas, pyarrow).
"""

from pathlib import Path

import gymnasium as gym

import gym_inventory  # noqa: F401
from gym_inventory.demand.instacart import InstacartDemand, hour_of_week_counts, top_products
from gym_inventory.plotting import plot_hour_of_week

INSTACART = Path("~/data/instacart").expanduser()  # the directory or .zip you downloaded
path = INSTACART if INSTACART.exists() else None  # None: the bundled sample
print("data:", INSTACART if path else "the bundled sample")

# %%
# The best sellers
# ----------------
# The first read of the full data takes a while (32 million order lines); the counts are
# then cached (in ``$GYM_INVENTORY_CACHE_DIR``, by default ``~/.cache/gym-inventory``),
# keyed by the files' content, so later calls are fast.

top = top_products(5, path)
print(top.to_string(index=False))
dairy = top_products(3, path, department="dairy eggs")
print(dairy[["product_id", "product_name", "order_count"]].to_string(index=False))

# %%
# When a product sells
# --------------------
# Order lines of the best seller per day of week and hour of day.

best = int(top["product_id"].iloc[0])
counts = hour_of_week_counts(best, path)
fig = plot_hour_of_week(counts, title=f"order lines of product {best}, by hour of the week")

# %%
# As the demand of an env
# -----------------------
# :class:`~gym_inventory.demand.InstacartDemand` turns the profile into Poisson demand
# scaled to the mean you choose; by name it is ``demand="instacart"``.

second = int(top["product_id"].iloc[1])
demand = InstacartDemand(second, mean=6.0, path=path)
env = gym.make("Inventory-v0", demand=demand)
obs, info = env.reset(seed=0)
sold = 0.0
for _ in range(168):
    obs, reward, terminated, truncated, info = env.step(0 if obs[0] + obs[1] < 40 else 1)
    sold += info["sold"]
print(f"product {second}: {sold:.0f} units sold in one week")

env = gym.make(
    "Inventory-v0",
    demand="instacart",
    demand_kwargs={"product_id": second, "mean": 6.0, "path": path},
)
