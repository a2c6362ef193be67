"""Steps per second of ``Inventory-v0`` (and the benchmark variants) against ``CartPole-v1``,
measured in the same run.

All envs are built with ``gymnasium.make`` and its default wrappers (time limit, order
enforcing, passive env checker) and stepped with actions drawn from their own action
space before timing (NumPy integers, as ``action_space.sample()`` and RL libraries
produce them), resetting when an episode ends, so resets are part of the cost. Each rate
is the median of ``--repeats`` windows of ``--seconds``, the envs timed in turn (see
``timing.py``), and is reported with its ratio to CartPole (``InventoryLostSales-v0``
and ``InventoryBackorder-v0`` too, with their registered defaults).
Target: ``Inventory-v0`` >= 1.2x ``CartPole-v1``.

Usage::

    OMP_NUM_THREADS=1 python benchmarks/step_rate.py [--seconds 1] [--repeats 7] [--quick]
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable

import gymnasium as gym
from timing import Rate, interleaved_rates, ratio_line

import gym_inventory  # noqa: F401  (registers Inventory-v0)

REFERENCE = "CartPole-v1"
#: The benchmark variants, measured next to them (registered defaults: lead time 2).
PERIODIC_IDS = ("InventoryLostSales-v0", "InventoryBackorder-v0")
TARGET = 1.2


def stepper(env_id: str, seed: int = 0, n_actions: int = 4096) -> Callable[[], None]:
    """One step of ``gymnasium.make(env_id)`` per call, with pre-drawn sampled actions,
    resetting when an episode ends."""
    env = gym.make(env_id)
    env.reset(seed=seed)
    env.action_space.seed(seed)
    actions = [env.action_space.sample() for _ in range(n_actions)]
    step, reset = env.step, env.reset
    k = 0

    def one() -> None:
        nonlocal k
        k = (k + 1) % n_actions
        _, _, terminated, truncated, _ = step(actions[k])
        if terminated or truncated:
            reset()

    return one


def main(argv: list[str] | None = None) -> dict[str, Rate]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=1.0, help="window length")
    parser.add_argument("--repeats", type=int, default=7, help="windows per env")
    parser.add_argument("--quick", action="store_true", help="smoke run: 2 windows of 0.05 s")
    args = parser.parse_args(argv)
    if args.quick:
        args.seconds, args.repeats = 0.05, 2
    ids = (REFERENCE, "Inventory-v0", *PERIODIC_IDS)
    load_before = os.getloadavg()[0]
    rates = interleaved_rates({i: stepper(i) for i in ids}, args.seconds, args.repeats, 100)
    print(
        f"gymnasium.make(id), sampled actions: median of {args.repeats} windows of "
        f"{args.seconds:g} s (1-minute load average {load_before:.2f} before, "
        f"{os.getloadavg()[0]:.2f} after)"
    )
    for env_id, r in rates.items():
        print(
            f"{env_id:22s} {r.median:>12,.0f} steps/s  ({1e6 / r.median:.2f} us/step; "
            f"min {r.low:,.0f}, max {r.high:,.0f})"
        )
    ref = rates[REFERENCE].median
    for env_id in PERIODIC_IDS:
        print(ratio_line(f"{env_id} / {REFERENCE}", rates[env_id].median / ref))
    ratio = rates["Inventory-v0"].median / ref
    print(ratio_line(f"Inventory-v0 / {REFERENCE}", ratio, TARGET, REFERENCE))
    return rates


if __name__ == "__main__":
    main()
