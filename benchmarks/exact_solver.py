"""Exact optimal costs of the 16 standard lost-sales instances, with times and memory.

Instances: Poisson demand with mean 5, h = 1, penalty p in {4, 9, 19, 39}, lead time
L in {1, 2, 3, 4} (Zipkin 2008, "Old and new methods for lost-sales inventory
systems", Operations Research 56(5)). For each: the optimal average cost, its
value-iteration bounds, the truncation, the backorder optimum (closed form) for
comparison, the solve time, and, as a reference measured in the same run, the time to
simulate the optimal policy for 100 episodes x 1000 periods with
:func:`gym_inventory.evaluation.evaluate`. Targets: all 16 in <= 30 s in total and
<= 4 GB peak memory.

The "recalled" column holds the optimal costs of Zipkin's table as we remember them
(two decimals); they were not checked against the paper's text here, so they are shown
for orientation only and no test depends on them.

    OMP_NUM_THREADS=1 python benchmarks/exact_solver.py
"""

from __future__ import annotations

import resource
import time

import gym_inventory  # noqa: F401  (registers the ids)
from gym_inventory.evaluation import evaluate
from gym_inventory.policies import solve_optimal

PENALTIES = (4, 9, 19, 39)
LEAD_TIMES = (1, 2, 3, 4)
RECALLED = {
    1: (4.04, 5.44, 6.68, 7.84),
    2: (4.40, 6.09, 7.66, 9.11),
    3: (4.60, 6.53, 8.36, 10.04),
    4: (4.73, 6.84, 8.89, 10.79),
}
TIME_BUDGET_S = 30.0
MEMORY_BUDGET_GB = 4.0


def main() -> None:
    print(__doc__.splitlines()[0] + "\n")
    head = (
        f"{'L':>2} {'p':>3} {'optimal cost':>13} {'bounds gap':>10} {'recalled':>8} "
        f"{'backorder opt':>13} {'states':>7} {'max pos':>7} {'solve s':>8} {'sim s':>7} "
        f"{'sim/solve':>9}"
    )
    print(head)
    print("-" * len(head))
    total = total_sim = 0.0
    worst_diff = 0.0
    for L in LEAD_TIMES:
        for j, p in enumerate(PENALTIES):
            t0 = time.perf_counter()
            sol = solve_optimal("InventoryLostSales-v0", lead_time=L, penalty_cost=p)
            dt = time.perf_counter() - t0
            total += dt
            back = solve_optimal("InventoryBackorder-v0", lead_time=L, penalty_cost=p)
            t1 = time.perf_counter()
            evaluate(
                sol.policy,
                "InventoryLostSales-v0",
                n_episodes=100,
                max_steps=1000,
                lead_time=L,
                penalty_cost=p,
            )
            ds = time.perf_counter() - t1
            total_sim += ds
            rec = RECALLED[L][j]
            worst_diff = max(worst_diff, abs(round(sol.average_cost, 2) - rec))
            print(
                f"{L:>2} {p:>3} {sol.average_cost:13.5f} {sol.upper - sol.lower:10.1e} {rec:8.2f} "
                f"{back.average_cost:13.5f} {len(sol.states):7d} "
                f"{sol.truncation['max_position']:7d} {dt:8.3f} {ds:7.2f} {ds / dt:9.1f}"
            )
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    print()
    print(
        f"total solve time: {total:.2f} s for 16 instances "
        f"({total / TIME_BUDGET_S:.1%} of the {TIME_BUDGET_S:.0f} s budget)"
    )
    print(
        f"reference, same run: simulating the 16 optimal policies (100 x 1000 periods each) "
        f"took {total_sim:.2f} s ({total_sim / total:.1f}x the exact solves)"
    )
    print(
        f"peak memory of this process: {peak_gb:.2f} GB "
        f"({peak_gb / MEMORY_BUDGET_GB:.1%} of the {MEMORY_BUDGET_GB:.0f} GB budget)"
    )
    print(f"largest |optimal cost rounded to 2 decimals - recalled value|: {worst_diff:.2f}")


if __name__ == "__main__":
    main()
