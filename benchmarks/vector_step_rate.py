"""Env-steps per second of the native vector env against ``SyncVectorEnv``, same run.

For each ``N`` in ``--num-envs`` the script builds ``gymnasium.make_vec(env, num_envs=N)``
(the native :class:`~gym_inventory.envs.InventoryVectorEnv`) and the same id with
``vectorization_mode="sync"`` (a :class:`~gymnasium.vector.SyncVectorEnv` of single
envs), steps both with random actions from the action space (drawn before timing), with
the registered time limit and autoreset, and prints env-steps per second (steps x N per
second) and their ratio. Each figure is the median of ``--repeats`` measurements; the
native env runs whole episodes (at least two, so resets and demand draws count in full).

Targets (issue 5): at N = 4096, >= 25 M env-steps/s for ``InventoryLostSales-v0`` with
lead time 4, and >= 200x ``SyncVectorEnv``. Until that id exists the script measures
``Inventory-v0`` with ``action_mode="quantity", lead_time=4`` as a proxy (it always
measures it; ``--env`` adds another id, run with ``lead_time=--lead-time``).

Usage::

    OMP_NUM_THREADS=1 python benchmarks/vector_step_rate.py [--env InventoryLostSales-v0]
        [--num-envs 1 64 1024 4096] [--repeats 3]
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

import gymnasium as gym

import gym_inventory

PROXY = ("Inventory-v0", {"action_mode": "quantity", "lead_time": 4})
TARGET_ID, TARGET_RATE, TARGET_RATIO, TARGET_N = "InventoryLostSales-v0", 25e6, 200.0, 4096


def env_steps_per_second(venv: gym.vector.VectorEnv, steps: int, seed: int = 0) -> float:
    """Env-steps per second of ``venv`` over ``steps`` vector steps from a fresh reset."""
    venv.action_space.seed(seed)
    actions = [venv.action_space.sample() for _ in range(min(steps, 64))]
    venv.reset(seed=seed)
    start = time.perf_counter()
    for k in range(steps):
        venv.step(actions[k % len(actions)])
    return steps * venv.num_envs / (time.perf_counter() - start)


def measure(env_id: str, kwargs: dict[str, Any], n: int, repeats: int) -> tuple[float, float]:
    """Median env-steps/s of the native vector env and of ``SyncVectorEnv`` for ``n`` copies."""
    native = gym.make_vec(env_id, num_envs=n, **kwargs)
    sync = gym.make_vec(env_id, num_envs=n, vectorization_mode="sync", **kwargs)
    # Whole episode cycles (the episode's steps and the autoreset step), so the resets and
    # their demand draws count in full. (SyncVectorEnv runs a few steps: at N = 4096 one
    # of its episodes would take minutes; its resets cost < 1 % of its steps.)
    cycle = (native.unwrapped.max_episode_steps or 256) + 1
    native_steps = cycle * max(2, 50_000 // (n * cycle))
    sync_steps = max(10, 20_000 // n)
    env_steps_per_second(native, 100)  # warm-up: the first steps touch fresh memory
    rates: dict[str, list[float]] = {"native": [], "sync": []}
    for _ in range(repeats):
        rates["native"].append(env_steps_per_second(native, native_steps))
        rates["sync"].append(env_steps_per_second(sync, sync_steps))
    native.close()
    sync.close()
    return statistics.median(rates["native"]), statistics.median(rates["sync"])


def main(argv: list[str] | None = None) -> dict[tuple[str, int], tuple[float, float]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--env", default=TARGET_ID, help="env id to measure besides the proxy")
    parser.add_argument("--lead-time", type=int, default=4, help="lead_time for --env")
    parser.add_argument("--num-envs", type=int, nargs="+", default=[1, 64, 1024, 4096])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    runs = [PROXY]
    if args.env in gym_inventory.ENV_IDS and args.env != PROXY[0]:
        runs.insert(0, (args.env, {"lead_time": args.lead_time}))
    elif args.env != PROXY[0]:
        print(f"{args.env} is not registered here; measuring the proxy only")
    results = {}
    for env_id, kwargs in runs:
        label = ", ".join(f"{k}={v!r}" for k, v in kwargs.items())
        print(f"\n{env_id} ({label}): env-steps/s, median of {args.repeats}")
        print(f"{'N':>6} {'native':>14} {'SyncVectorEnv':>14} {'ratio':>8}")
        for n in args.num_envs:
            native, sync = measure(env_id, kwargs, n, args.repeats)
            results[env_id, n] = (native, sync)
            print(f"{n:>6} {native:>14,.0f} {sync:>14,.0f} {native / sync:>7.1f}x")
        if TARGET_N in args.num_envs:
            native, sync = results[env_id, TARGET_N]
            print(
                f"targets at N={TARGET_N}: {native / 1e6:.1f} M env-steps/s "
                f"(target >= {TARGET_RATE / 1e6:.0f} M), {native / sync:.0f}x SyncVectorEnv "
                f"(target >= {TARGET_RATIO:.0f}x)"
            )
    return results


if __name__ == "__main__":
    main()
