"""Clark-Scarf figures of docs/multi_echelon_optimum.md: exact optima (solve_serial), the
published instances they reproduce, and long simulations of supply_chain_v0 under the
echelon optimum and the tuned installation base-stock rule.

Run: ``python baselines/clark_scarf.py`` (about a minute on one core).
"""

from __future__ import annotations

import itertools
import time

import numpy as np

from gym_inventory.demand import NormalDemand
from gym_inventory.envs.supply_config import SupplyChainConfig
from gym_inventory.policies import (
    EchelonBaseStock,
    InstallationBaseStock,
    SerialSystem,
    solve_serial,
)
from gym_inventory.policies.echelon import chain_objective, simulate_chain

#: The proposed preset="clark_scarf": Snyder & Shen Example 6.1 with Poisson(5) demand,
#: their lead times (1, 1, 2) in the package's timing (0, 1, 2).
PROPOSED = dict(demand=5.0, lead_times=(0, 1, 2), holding_costs=(7.0, 4.0, 2.0), penalty_cost=37.12)
#: Shang & Song (2003) Table 1 rows 1, 9, 17, 25 (echelon rates retailer first, p, published
#: levels and cost as recorded in stockpyl's tests/test_ssm_serial.py).
SHANG_SONG = [
    (1, (0.25, 0.25, 0.25, 0.25), 9.0, (8, 13, 18, 22), 12.688),
    (9, (0.25, 2.5, 2.5, 0.25), 9.0, (9, 10, 13, 19), 53.008),
    (17, (0.25, 0.25, 0.25, 0.25), 99.0, (11, 17, 22, 27), 16.206),
    (25, (0.25, 2.5, 2.5, 0.25), 99.0, (11, 14, 18, 26), 74.564),
]
SIM = dict(batch=256, periods=5000, warmup=200, seed=10_000)  # fresh seeds for reporting
TUNE = dict(batch=32, periods=1000, warmup=100, seed=0)  # common random numbers for tuning


def ci(x: np.ndarray) -> str:
    return f"{np.mean(x):.3f} ± {1.96 * np.std(x, ddof=1) / np.sqrt(len(x)):.3f}"


def main() -> None:
    t0 = time.perf_counter()
    print("## Published instances (Snyder-Shen accounting)\n")
    print("| instance | levels (ours) | published levels | cost (ours, exact) | published |")
    print("|---|---|---|---|---|")
    for row, he, p, levels, cost in SHANG_SONG:
        h = tuple(float(x) for x in np.cumsum(he[::-1])[::-1])
        sol = SerialSystem(4.0, (0, 1, 1, 1), h, p).solve()
        print(f"| Shang-Song T1 row {row} | {sol.levels} | {levels} | "
              f"{sol.snyder_shen_cost:.4f} | {cost} |")  # fmt: skip
    sol = SerialSystem(**PROPOSED).solve()
    print(f"| Snyder-Shen Ex. 6.1, Poisson(5) | {sol.levels} | (9, 15, 26) (stockpyl 1.0.2) | "
          f"{sol.snyder_shen_cost:.4f} | 72.0435 (stockpyl 1.0.2) |\n")  # fmt: skip

    print("## The proposed clark_scarf preset, and the env's current one\n")
    print("| instance | levels | ours | Chen-Zheng | Snyder-Shen | error bound |")
    print("|---|---|---|---|---|---|")
    env_now = dict(PROPOSED, demand=NormalDemand(5.0, 1.0), lead_times=(1, 1, 2))
    for name, kw in [("proposed (Poisson 5, L = 0, 1, 2)", PROPOSED),
                     ("env preset now (rounded N(5,1), L = 1, 1, 2)", env_now)]:  # fmt: skip
        s = SerialSystem(**kw).solve()
        print(f"| {name} | {s.levels} | {s.average_cost:.4f} | {s.clark_scarf_cost:.4f} | "
              f"{s.snyder_shen_cost:.4f} | {s.error_bound:.1e} |")  # fmt: skip

    system = SerialSystem(**PROPOSED)
    sol = system.solve()
    print("\n## Rules on supply_chain_v0 (proposed preset), cost per period\n")
    b, n, w, s0 = SIM["batch"], SIM["periods"], SIM["warmup"], SIM["seed"]
    print(f"simulation: {b} copies x {n} periods, first {w} dropped, seeds {s0}+; 95 % intervals")
    print("over copies\n")
    print("| policy | levels | exact | simulated |")
    print("|---|---|---|---|")
    ech = simulate_chain(EchelonBaseStock(sol.levels), system, **SIM)
    print(f"| EchelonBaseStock (optimum) | {sol.levels} | {sol.average_cost:.3f} | {ci(ech)} |")
    start = InstallationBaseStock(sol.local_levels)
    print(f"| InstallationBaseStock (echelon optimum's local levels) | {start.levels} | - | "
          f"{ci(simulate_chain(start, system, **SIM))} |")  # fmt: skip
    tuned = InstallationBaseStock.tune(system, chain_objective(system, **TUNE))
    inst = simulate_chain(tuned.policy, system, **SIM)
    print(f"| InstallationBaseStock (tuned, {tuned.evaluations} evaluations) | "
          f"{tuned.policy.levels} | - | {ci(inst)} |")  # fmt: skip
    print(f"\ngap of the tuned installation rule (paired, same seeds): {ci(inst - ech)}")
    f = chain_objective(system, **TUNE)
    grid = {s: f(InstallationBaseStock(s)) for s in itertools.product(
        range(5, 12), range(9, 18), range(13, 22))}  # fmt: skip
    best = min(grid, key=grid.get)
    print(f"\ncheck: exhaustive grid [5, 11] x [9, 17] x [13, 21] ({len(grid)} points) on the "
          f"tuning objective: best {best} at {grid[best]:.4f}; pattern search's "
          f"{tuned.policy.levels} at {tuned.average_cost:.4f}")  # fmt: skip
    at_best = simulate_chain(InstallationBaseStock(best), system, **SIM)
    print(f"grid best on the reporting seeds: {ci(at_best)}")

    divergent()
    beer_game()
    print(f"\n({time.perf_counter() - t0:.0f} s)")


def beer_game() -> None:
    """The beer-game preset: information delays (2, 2, 2, 0) put it outside Clark-Scarf's
    model (an order meets its upstream's stock d periods after it is placed): tuned rules."""
    config = SupplyChainConfig.preset("beer_game")
    print("\n## Beer game (preset: U{0,1,2}, h = 2 everywhere, p = 2, L = (2, 2, 2, 4), "
          "information delays (2, 2, 2, 0)), cost per period of the chain\n")  # fmt: skip
    eff = tuple(a + b for a, b in zip(config.lead_times, config.info_delays, strict=True))
    naive = solve_serial(config.demand[0], eff, config.holding_costs, config.penalty_cost)
    sim = simulate_chain(EchelonBaseStock(naive.levels), config, **SIM)
    print(f"(Clark-Scarf with lead times L + d = {eff}: levels {naive.levels}, its figure "
          f"{naive.average_cost:.3f} (ours) / {naive.clark_scarf_cost:.3f} (Chen-Zheng); "
          f"simulated in the env: {ci(sim)} -- not the beer game's optimum)\n")  # fmt: skip
    print("tuned on 256 common 100-period episodes from the empty chain (the preset's); reported")
    print("on 2000 fresh episodes and on 256 x 5000 periods (first 200 dropped)\n")
    print("| policy | levels | tuning objective (evaluations) | 100-period episodes | long run |")
    print("|---|---|---|---|---|")
    objective = chain_objective(config, batch=256, periods=100, warmup=0, seed=0)
    for cls, start in [(EchelonBaseStock, (5, 9, 13, 17)), (InstallationBaseStock, (5, 4, 4, 4))]:
        res = cls.search(config, start, objective)
        ep = simulate_chain(res.policy, config, batch=2000, periods=100, warmup=0, seed=10_000)
        lr = simulate_chain(res.policy, config, **SIM)
        print(f"| {cls.__name__} (tuned) | {res.policy.levels} | {res.average_cost:.3f} "
              f"({res.evaluations}) | {ci(ep)} | {ci(lr)} |")  # fmt: skip


def divergent() -> None:
    """No exact optimum is known: the tuned rules, one level shared by the retailers."""
    kw = dict(lead_times=(1, 1, 2), holding_costs=(3.0, 3.0, 1.0), penalty_cost=19.0)
    config = SupplyChainConfig.from_kwargs(
        dict(topology="divergent", n_retailers=2, demand_mean=5.0, **kw)
    )
    print("\n## Divergent chain: 2 retailers (Poisson 5 each, L = 1, h = 3), a warehouse "
          "(L = 2, h = 1), p = 19\n")  # fmt: skip
    one = solve_serial(5.0, (1, 2), (3.0, 1.0), 19.0)  # a retailer and the warehouse alone
    both = solve_serial(10.0, (1, 2), (3.0, 1.0), 19.0)  # the two as one retailer
    r, w = one.levels[0], both.levels[1]
    print(f"start: retailer level {r} (serial optimum of one retailer and the warehouse), "
          f"warehouse echelon level {w} (serial optimum at the summed demand)\n")  # fmt: skip
    print("| policy | levels | tuning objective (evaluations) | simulated |")
    print("|---|---|---|---|")
    objective = chain_objective(config, **TUNE)
    for cls, start in [(EchelonBaseStock, (r, r, w)), (InstallationBaseStock, (r, r, w - 2 * r))]:
        res = cls.search(config, start, objective, shared_retailer_level=True)
        c = simulate_chain(res.policy, config, **SIM)
        print(f"| {cls.__name__} (tuned) | {res.policy.levels} | {res.average_cost:.3f} "
              f"({res.evaluations}) | {ci(c)} |")  # fmt: skip


if __name__ == "__main__":
    main()
