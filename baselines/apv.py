"""APV (approximate policy iteration) on the 16 lost-sales instances, with leaderboard entries.

One readable file, CleanRL style. For one instance of ``InventoryLostSales-v0`` (Poisson(5)
demand, h = 1, ``--penalty-cost`` p, ``--lead-time`` L) it trains one APV policy per training
seed (:func:`gym_inventory.learning.train_apv`, one torch thread, a progress bar), scores
every seed's policy on the same held-out episodes, and writes three leaderboard entries with
the same evaluation: ``InventoryLostSales-v0__L{L}-p{p}__apv`` (learned), ``__capped-base-stock``
(tuned by exact evaluation) and ``__optimal`` (the exact solver). Run from the repository root::

    python baselines/apv.py --lead-time 4 --penalty-cost 39           # one instance
    python baselines/apv.py --all                                     # all 16
    python baselines/apv.py --lead-time 4 --penalty-cost 39 --policy apv --output /tmp/e.json
    gym-inventory leaderboard verify --all                            # re-score the entries

Needs ``pip install "gym-inventory[baselines]"`` (torch).
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import numpy as np
from tqdm import tqdm

from gym_inventory.leaderboard import (
    DEFAULT_DIR,
    load_entry,
    make_entry,
    save_entry,
)
from gym_inventory.learning import APVConfig, train_apv
from gym_inventory.policies import CappedBaseStock

ENV_ID = "InventoryLostSales-v0"
LEAD_TIMES = (1, 2, 3, 4)
PENALTIES = (4, 9, 19, 39)
POLICIES = ("apv", "capped-base-stock", "optimal")
#: The held-out evaluation of all three entries: 32 episodes of 5,100 periods, the first
#: 100 not counted (32 x 5,000 measured periods), episode i seeded 1_000_000 + i (the
#: standard 100 x 1,000 would leave a 95 % interval as wide as the gaps).
EVAL = dict(episodes=32, eval_seed=1_000_000, max_steps=5_100, warmup=100)
LOADER = "gym_inventory.learning.apv:load_entry_policy"


def entry_name(L: int, p: int, slug: str) -> str:
    return f"{ENV_ID}__L{L}-p{p}__{slug}"


def command(L: int, p: int, slug: str, seeds: list[int]) -> str:
    cmd = f"python baselines/apv.py --lead-time {L} --penalty-cost {p} --policy {slug}"
    return cmd + ("" if seeds == list(range(5)) else " --seeds " + " ".join(map(str, seeds)))


def run_apv(L: int, p: int, seeds: list[int], out: Path) -> Path:
    kwargs = dict(lead_time=L, penalty_cost=p)
    name = entry_name(L, p, "apv")
    art = out.parent / "artifacts" / name
    art.mkdir(parents=True, exist_ok=True)
    policies, files, seconds, periods, rows = {}, {}, [], [], []
    for seed in tqdm(seeds, desc=f"APV L={L} p={p}", unit="seed"):
        path = art / f"seed{seed}.npz"
        res = train_apv(ENV_ID, kwargs, path, config=APVConfig(), seed=seed,
                        progress=lambda it: tqdm(it, unit="round", leave=False))  # fmt: skip
        policies[seed] = res.policy
        files[str(seed)] = [str(path.relative_to(out.parent))]
        seconds.append(res.seconds)
        periods.append(res.periods)
        rows += [(seed, step, reward) for _, step, reward in res.curve]
    curve = art / "learning_curve.csv"
    with curve.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["seed", "step", "mean_reward"])
        writer.writerows(rows)
    import torch

    from gym_inventory.policies import exact_average_cost, solve_optimal

    opt = solve_optimal(ENV_ID, **kwargs).average_cost
    exact = [100 * (exact_average_cost(pi).average_cost / opt - 1) for pi in policies.values()]

    entry = make_entry(
        policies, env_id=ENV_ID, env_kwargs=kwargs, policy="APV", kind="learned",
        information="observation", command=command(L, p, "apv", seeds),
        artifact={"format": "python", "params": {"callable": LOADER}, "files": files},
        library={"name": "torch", "version": torch.__version__},
        train_steps=int(np.mean(periods)), train_seconds=float(np.mean(seconds)),
        learning_curve=str(curve.relative_to(out.parent)), optimal_cost=opt,
        notes="approximate policy iteration from the capped base stock tuned by simulation: "
        f"{APVConfig()}; train_steps are env periods simulated per seed (rollouts included); "
        "train_seconds on 2 shared cores under nice -n 5 (one torch thread); exact gap "
        "of each seed's policy (Markov-chain evaluation, exact_average_cost): "
        + ", ".join(f"{g:.3f} %" for g in exact),
        **EVAL,
    )  # fmt: skip
    return save_entry(entry, out)


def run_rule(L: int, p: int, slug: str, out: Path) -> Path:
    kwargs = dict(lead_time=L, penalty_cost=p)
    from gym_inventory.policies import solve_optimal

    optimum = solve_optimal(ENV_ID, **kwargs)  # the entry's optimal_cost, and its policy
    if slug == "optimal":
        policy, artifact = optimum.policy, {"format": "optimal"}
        meta = dict(policy="optimal", kind="optimal", information="oracle")
    else:
        policy = CappedBaseStock.tune(ENV_ID, method="exact", **kwargs).policy
        artifact = {"format": "rule",
                    "params": {"class": "CappedBaseStock", "params": policy.params}}  # fmt: skip
        meta = dict(policy="capped base stock", kind="rule", information="model")
    entry = make_entry({0: policy}, env_id=ENV_ID, env_kwargs=kwargs,
                       command=command(L, p, slug, list(range(5))), artifact=artifact,
                       optimal_cost=optimum.average_cost, **meta, **EVAL)  # fmt: skip
    return save_entry(entry, out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lead-time", type=int, choices=LEAD_TIMES)
    parser.add_argument("--penalty-cost", type=int, choices=PENALTIES)
    parser.add_argument("--all", action="store_true", help="all 16 instances")
    parser.add_argument("--policy", choices=POLICIES, help="one entry only (default: all 3)")
    parser.add_argument("--seeds", type=int, nargs="+", default=list(range(5)))
    parser.add_argument("--output", type=Path, help="write the (one) entry here")
    args = parser.parse_args(argv)
    if args.all == (args.lead_time is not None or args.penalty_cost is not None):
        parser.error("give --all, or --lead-time and --penalty-cost")
    if not args.all and (args.lead_time is None or args.penalty_cost is None):
        parser.error("--lead-time and --penalty-cost go together")
    if args.output is not None and (args.all or args.policy is None):
        parser.error("--output writes one entry: give one instance and --policy")
    if len(set(args.seeds)) < 5:
        parser.error("a learned entry needs at least 5 distinct training seeds")
    instances = [(L, p) for L in LEAD_TIMES for p in PENALTIES] if args.all else [
        (args.lead_time, args.penalty_cost)]  # fmt: skip
    for L, p in instances:
        for slug in POLICIES if args.policy is None else (args.policy,):
            out = args.output or DEFAULT_DIR / f"{entry_name(L, p, slug)}.json"
            if slug == "apv":
                path = run_apv(L, p, args.seeds, out)
            else:
                path = run_rule(L, p, slug, out)
            e = load_entry(path)
            gap = "" if e.gap_pct is None else f", gap {e.gap_pct:.3f} %"
            print(f"{path}: cost {e.average_cost:.4f} +- {e.eval['ci95']:.4f}{gap}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
