"""Steps per second of ``Inventory-v0`` (and the benchmark variants) against ``CartPole-v1``,
measured in the same run.

Both envs are built with ``gymnasium.make`` and its default wrappers (time limit, order
enforcing, passive env checker) and stepped with actions drawn from their own action
space (NumPy integers, as ``action_space.sample()`` and RL libraries produce them),
resetting when an episode ends, so resets are part of the cost. The envs are timed
alternately ``--repeats`` times and the median rate of each is reported with its ratio to
CartPole (``InventoryLostSales-v0`` and ``InventoryBackorder-v0`` too, with their defaults).
Target (issue 2, section 6): ratio >= 1.0.

Usage::

    OMP_NUM_THREADS=1 python benchmarks/step_rate.py [--steps 50000] [--repeats 7]
"""

from __future__ import annotations

import argparse
import statistics
import time

import gymnasium as gym

import gym_inventory  # noqa: F401  (registers Inventory-v0)

#: The benchmark variants, measured next to them (registered defaults: lead time 2).
PERIODIC_IDS = ("InventoryLostSales-v0", "InventoryBackorder-v0")


def steps_per_second(env_id: str, steps: int, seed: int = 0) -> float:
    """Steps per second of ``gymnasium.make(env_id)`` over ``steps`` sampled actions."""
    env = gym.make(env_id)
    env.reset(seed=seed)
    env.action_space.seed(seed)
    actions = [env.action_space.sample() for _ in range(steps)]
    step, reset = env.step, env.reset
    start = time.perf_counter()
    for action in actions:
        _, _, terminated, truncated, _ = step(action)
        if terminated or truncated:
            reset()
    elapsed = time.perf_counter() - start
    env.close()
    return steps / elapsed


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=50_000, help="steps per measurement")
    parser.add_argument("--repeats", type=int, default=7, help="alternating measurements")
    args = parser.parse_args(argv)
    ids = ("CartPole-v1", "Inventory-v0", *PERIODIC_IDS)
    for env_id in ids:  # warm-up (imports, first-step checks, caches)
        steps_per_second(env_id, 2_000)
    rates: dict[str, list[float]] = {env_id: [] for env_id in ids}
    for _ in range(args.repeats):
        for env_id in ids:
            rates[env_id].append(steps_per_second(env_id, args.steps))
    median = {env_id: statistics.median(r) for env_id, r in rates.items()}
    for env_id in ids:
        print(
            f"{env_id:22s} {median[env_id]:>12,.0f} steps/s  "
            f"({1e6 / median[env_id]:.2f} us/step; min {min(rates[env_id]):,.0f}, "
            f"max {max(rates[env_id]):,.0f})"
        )
    for env_id in ids[1:]:
        ratio = median[env_id] / median["CartPole-v1"]
        target = "  (target >= 1.0)" if env_id == "Inventory-v0" else ""
        print(f"ratio {env_id} / CartPole-v1: {ratio:.2f}{target}")
    ratio = median["Inventory-v0"] / median["CartPole-v1"]
    return {**median, "ratio": ratio}


if __name__ == "__main__":
    main()
