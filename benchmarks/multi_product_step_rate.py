"""Product-steps per second of ``multi_product_v0`` with many products.

Measures, in the same run: the PettingZoo dict API (``env.step(dict)``, without per-agent
infos, with them (the default; each agent's dict is built when read) and with every agent's
info read each step), the batched path (``env.step_arrays(array)``, episodes started by
``env.reset_arrays()``), and the reference of
looping over ``n_products`` single ``Inventory-v0`` envs (``gymnasium.make``), and prints
the ratios. Each rate is the median of ``--repeats`` windows of ``--seconds`` each.
Targets (1,000 products): >= 1 M product-steps/s through the dict API and >= 20 M through
the batched path.

    OMP_NUM_THREADS=1 python benchmarks/multi_product_step_rate.py [--products 1000]
        [--seconds 1] [--repeats 5]
"""

from __future__ import annotations

import argparse
import statistics
import time

import gymnasium as gym
import numpy as np

import gym_inventory  # noqa: F401  (registers Inventory-v0)
from gym_inventory.multi import multi_product_v0


def rate(step, seconds: float, repeats: int) -> float:
    """Calls of ``step`` per second: the median of ``repeats`` windows of about
    ``seconds`` each (after a warm-up)."""
    for _ in range(20):
        step()
    rates = []
    for _ in range(repeats):
        n, t0 = 0, time.perf_counter()
        while (elapsed := time.perf_counter() - t0) < seconds:
            for _ in range(20):
                step()
            n += 20
        rates.append(n / elapsed)
    return statistics.median(rates)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=1.0)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    P = args.products
    rng = np.random.default_rng(0)
    action_arrays = [rng.integers(0, 3, size=P) for _ in range(64)]
    agents = [f"product_{i}" for i in range(P)]
    action_dicts = [dict(zip(agents, a.tolist(), strict=True)) for a in action_arrays]

    results = {}
    for label, info, read in (
        ("dict API", False, False),
        ("dict API + infos", True, False),
        ("dict API + infos, all read", True, True),
    ):
        env = multi_product_v0.parallel_env(n_products=P, agent_info=info)
        env.reset(seed=0)
        i = 0

        def step_dict(env=env, read=read):
            nonlocal i
            i += 1
            if not env.agents:
                env.reset()
            infos = env.step(action_dicts[i % 64])[-1]
            if read:  # every agent's info dict (built when first read)
                for _ in infos.values():
                    pass

        results[label] = rate(step_dict, args.seconds, args.repeats) * P

    env = multi_product_v0.parallel_env(n_products=P)
    env.reset_arrays(seed=0)
    j = 0

    def step_arrays():
        nonlocal j
        j += 1
        if not env.agents:
            env.reset_arrays()
        env.step_arrays(action_arrays[j % 64])

    results["batched step_arrays"] = rate(step_arrays, args.seconds, args.repeats) * P

    singles = [gym.make("Inventory-v0") for _ in range(P)]
    for s, e in enumerate(singles):
        e.reset(seed=s)
    k = 0

    def step_singles():
        nonlocal k
        k += 1
        acts = action_arrays[k % 64].tolist()
        for e, a in zip(singles, acts, strict=True):
            _, _, term, trunc, _ = e.step(a)
            if term or trunc:
                e.reset()

    reference = rate(step_singles, args.seconds, args.repeats) * P
    print(
        f"{P} products, coupling on (auto shared capacity and budget), seed action mode; "
        f"median of {args.repeats} windows of {args.seconds:g} s"
    )
    print(f"{'loop of single Inventory-v0 envs':>36}: {reference / 1e6:8.3f} M product-steps/s")
    for label, r in results.items():
        print(f"{label:>36}: {r / 1e6:8.3f} M product-steps/s  ({r / reference:6.1f}x the loop)")


if __name__ == "__main__":
    main()
