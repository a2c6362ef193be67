"""Leaderboard entry: Ray RLlib PPO on a gym-inventory id, one policy per training seed.

One readable file, CleanRL style. For each seed: PPO (:func:`gym_inventory.rllib.ppo_config`:
the native vector env, RLlib's default torch fcnet, 64 x 64 tanh, a running observation filter)
trains for ``--iterations`` iterations in the driver (one torch thread), a learning curve
point every ``--curve-every`` iterations (the exported policy on ``--curve-episodes``
episodes seeded from 500000, never the held-out ones), then the policy network and its
filter are exported to the ``"mlp"`` format (:func:`gym_inventory.rllib.export_mlp`), so
``gym-inventory leaderboard verify`` re-scores the entry with NumPy alone, without Ray.
The entry is scored by :func:`gym_inventory.leaderboard.make_entry` with the standard
evaluation (100 episodes seeded from 1000000, the registered length, warm-up 100 for the
benchmark variants).

Run from the repository root, in the rllib venv (``pip install torch==2.13.0`` then
``pip install -e ".[rllib]"``)::

    python baselines/rllib_entry.py --seeds 0 1 2 3 4 --iterations 25
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

SLUG = "rllib-ppo"
CURVE_SEED = 500_000


@dataclass
class Args:
    env_id: str = "Inventory-v0"
    """a gym-inventory id (the entry uses the id's default arguments)"""
    seeds: list[int] = field(default_factory=lambda: [0, 1, 2, 3, 4])
    """training seeds (>= 5 for a leaderboard entry)"""
    iterations: int = 25
    """PPO iterations per seed"""
    train_batch_size: int = 4096
    """env steps per iteration"""
    minibatch_size: int = 256
    num_epochs: int = 10
    num_envs: int = 16
    curve_every: int = 5
    """iterations between learning-curve points"""
    curve_episodes: int = 10
    output: str | None = None
    """entry path (default baselines/results/leaderboard/<env_id>__rllib-ppo.json)"""


def parse_args(argv: list[str] | None = None) -> Args:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for f in dataclasses.fields(Args):
        flag = "--" + f.name.replace("_", "-")
        if f.name == "seeds":
            parser.add_argument(flag, type=int, nargs="+", default=f.default_factory())
        elif f.name == "output":
            parser.add_argument(flag, default=None)
        else:
            parser.add_argument(flag, type=type(f.default), default=f.default)
    return Args(**vars(parser.parse_args(argv)))


def warmup_of(env_id: str) -> int:
    """The standard evaluation's warm-up: 100 periods on the benchmark variants."""
    return 0 if env_id == "Inventory-v0" else 100


def train_seed(args: Args, seed: int, npz: Path) -> tuple[int, float, list[tuple]]:
    """Train one seed, export its policy to ``npz``; ``(steps, seconds, curve rows)``."""
    from tqdm import tqdm

    from gym_inventory.evaluation import evaluate
    from gym_inventory.leaderboard import MLPPolicy
    from gym_inventory.rllib import export_mlp, ppo_config

    config = ppo_config(
        args.env_id,
        seed=seed,
        num_envs=args.num_envs,
        train_batch_size=args.train_batch_size,
        minibatch_size=args.minibatch_size,
        num_epochs=args.num_epochs,
    )
    algo = config.build_algo()
    curve, seconds, steps = [], 0.0, 0
    try:
        for it in tqdm(range(1, args.iterations + 1), desc=f"RLlib PPO seed {seed}"):
            t0 = time.perf_counter()
            result = algo.train()
            seconds += time.perf_counter() - t0  # training only, not the curve points
            steps = int(result["env_runners"]["num_env_steps_sampled_lifetime"])
            if it % args.curve_every == 0 or it == args.iterations:
                export_mlp(algo, npz)
                mean = evaluate(
                    MLPPolicy(npz),
                    args.env_id,
                    n_episodes=args.curve_episodes,
                    seed=CURVE_SEED,
                    warmup=warmup_of(args.env_id),
                ).mean_reward
                curve.append((seed, steps, mean))
                tqdm.write(f"seed {seed} step {steps}: mean reward/period {mean:.4f}")
    finally:
        algo.stop()
    return steps, seconds, curve


def main(args: Args) -> Path:
    import ray
    import torch

    from gym_inventory.leaderboard import DEFAULT_DIR, MLPPolicy, make_entry, save_entry

    if len(args.seeds) != len(set(args.seeds)):
        raise SystemExit(f"--seeds must be distinct, got {args.seeds}")
    torch.set_num_threads(1)
    name = f"{args.env_id}__{SLUG}"
    output = Path(args.output) if args.output else DEFAULT_DIR / f"{name}.json"
    art_dir = output.parent / "artifacts" / name
    art_dir.mkdir(parents=True, exist_ok=True)
    load = [os.getloadavg()[0]]
    ray.init(num_cpus=1, include_dashboard=False, log_to_driver=False)
    files, steps, seconds, curve = {}, [], [], []
    try:
        for seed in args.seeds:
            npz = art_dir / f"seed{seed}.npz"
            n, s, rows = train_seed(args, seed, npz)
            files[str(seed)] = [npz.relative_to(output.parent).as_posix()]
            steps.append(n)
            seconds.append(s)
            curve.extend(rows)
    finally:
        ray.shutdown()
    load.append(os.getloadavg()[0])
    curve_path = art_dir / "learning_curve.csv"
    with open(curve_path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["seed", "step", "mean_reward"])
        writer.writerows(curve)
    command = (
        f"python baselines/rllib_entry.py --env-id {args.env_id} --seeds "
        + " ".join(str(s) for s in args.seeds)
        + f" --iterations {args.iterations} --train-batch-size {args.train_batch_size}"
        f" --minibatch-size {args.minibatch_size} --num-epochs {args.num_epochs}"
        f" --num-envs {args.num_envs} --curve-every {args.curve_every}"
        f" --curve-episodes {args.curve_episodes}"
    )
    entry = make_entry(
        {seed: MLPPolicy(output.parent / files[str(seed)][0]) for seed in args.seeds},
        env_id=args.env_id,
        policy="PPO (RLlib)",
        kind="learned",
        information="observation",
        command=command,
        artifact={"format": "mlp", "params": {}, "files": files},
        episodes=100,
        eval_seed=1_000_000,
        warmup=warmup_of(args.env_id),
        library={"name": "ray[rllib]", "version": ray.__version__},
        train_steps=int(max(steps)),
        train_seconds=float(sum(seconds) / len(seconds)),
        learning_curve=curve_path.relative_to(output.parent).as_posix(),
    )
    gap = (
        "no exact optimum is known for this id (compare with the rule entries on the same "
        "evaluation)"
        if entry.gap_pct is None
        else f"gap {entry.gap_pct:+.1f} % to the exact optimum"
    )
    entry.notes = (
        f"Small budget: {args.iterations} PPO iterations x {args.train_batch_size} env steps "
        f"= {max(steps)} steps per seed, {entry.train_seconds:.0f} s of training per seed "
        f"(niceness {os.nice(0)}, 1-min load average {load[0]:.1f} at the start and "
        f"{load[1]:.1f} at the end on {os.cpu_count()} cores), RLlib fcnet 64x64 tanh, running "
        f"observation filter, rewards x0.01 in training; {gap}. A "
        "budget-limited RLlib integration check, not a tuned result. The command runs in "
        "the rllib venv (docs/rllib.md); verifying needs NumPy only."
    )
    save_entry(entry, output)
    print(json.dumps({"entry": str(output), "average_cost": entry.average_cost,
                      "profit": entry.profit, "gap_pct": entry.gap_pct,
                      "ci95": entry.eval["ci95"]}))  # fmt: skip
    return output


if __name__ == "__main__":
    main(parse_args())
