"""
Rules against the exact optimum (lost sales)
============================================

``InventoryLostSales-v0`` is the standard periodic-review lost-sales model: Poisson demand
with mean 5, holding cost :math:`h = 1` per unit left at the end of a period, penalty
:math:`p` per unit of demand lost, and orders arriving :math:`L` periods after they are
placed. Its optimal policy is not a simple rule, but for these small instances it can be
computed exactly (:func:`gym_inventory.policies.solve_optimal`, relative value
iteration), so we can say exactly how far each classic rule is from the best possible.

The standard instances are :math:`p \\in \\{4, 9, 19, 39\\}` and :math:`L \\in \\{1, 2, 3,
4\\}`. To keep the docs build short this page runs :math:`L \\le 3` (12 instances); the
:math:`L = 4` ones take minutes to tune. Every cost below is exact (Markov-chain evaluation
of the tuned rule, ``method="exact"``), not a simulation estimate.
"""

import matplotlib.pyplot as plt
import numpy as np

import gym_inventory  # noqa: F401
from gym_inventory.policies import BaseStock, CappedBaseStock, Myopic, solve_optimal

PENALTIES = (4, 9, 19, 39)
LEAD_TIMES = (1, 2, 3)
RULES = {"base stock": BaseStock, "myopic": Myopic, "capped base stock": CappedBaseStock}

optimal = {}
gaps = {name: {} for name in RULES}
for L in LEAD_TIMES:
    for p in PENALTIES:
        kwargs = dict(lead_time=L, penalty_cost=p)
        optimal[L, p] = solve_optimal("InventoryLostSales-v0", **kwargs).average_cost
        for name, rule in RULES.items():
            tuned = rule.tune("InventoryLostSales-v0", **kwargs)
            assert tuned.method == "exact"
            gaps[name][L, p] = tuned.average_cost / optimal[L, p] - 1.0

# %%
# The optimal costs
# -----------------

print("L \\ p " + "".join(f"{p:>8}" for p in PENALTIES))
for L in LEAD_TIMES:
    print(f"{L:>5} " + "".join(f"{optimal[L, p]:8.3f}" for p in PENALTIES))

# %%
# The gap chart
# -------------
# The gap of each tuned rule to the optimum, in percent of the optimal cost. Plain base
# stock (order up to a fixed level) loses most when the penalty is low and the lead time
# long; capping the order size (capped base stock) closes most of that gap. (A tuned
# (s, S) rule, tried while writing this page, gave exactly the base-stock cost on every
# instance here: these instances have no fixed ordering cost.)

instances = [(L, p) for L in LEAD_TIMES for p in PENALTIES]
x = np.arange(len(instances))
width = 0.8 / len(RULES)
fig, ax = plt.subplots(figsize=(9, 4), layout="constrained")
for i, name in enumerate(RULES):
    ax.bar(x + (i - 1) * width, [100 * gaps[name][k] for k in instances], width, label=name)
ax.set_xticks(x, [f"L={L}\np={p}" for L, p in instances], fontsize="small")
ax.set_ylabel("gap to the optimum (%)")
ax.set_title("Tuned rules on InventoryLostSales-v0 (exact costs)")
ax.legend()

# %%
# The numbers
# -----------

print(f"{'rule':<18}" + "".join(f"{f'L={L},p={p}':>10}" for L, p in instances[:6]))
for name in RULES:
    print(f"{name:<18}" + "".join(f"{100 * gaps[name][k]:9.2f}%" for k in instances[:6]))
print(f"{'rule':<18}" + "".join(f"{f'L={L},p={p}':>10}" for L, p in instances[6:]))
for name in RULES:
    print(f"{name:<18}" + "".join(f"{100 * gaps[name][k]:9.2f}%" for k in instances[6:]))

# %%
# All 16 instances, with solve times and memory: ``python benchmarks/exact_solver.py``;
# ``gym-inventory compare --env InventoryLostSales-v0`` compares every rule on one instance
# by simulation, with confidence intervals.
