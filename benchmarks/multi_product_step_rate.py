"""Product-steps per second of ``multi_product_v0`` with many products, against references
measured in the same run.

Two parts, each rate the median of ``--repeats`` windows of ``--seconds``, the candidates
of a part timed in turn (see ``timing.py``):

1. **API cost** (the default env: Instacart demand, ``action_mode="seed"``, automatic
   shared capacity and budget, fixed random actions): the PettingZoo dict API
   (``env.step(dict)``, without per-agent infos, with them (the default; each agent's
   dict is built when read) and with every agent's info read each step), the batched
   path (``env.step_arrays(array)``, episodes started by ``env.reset_arrays()``), and the
   reference of looping over ``n_products`` single ``Inventory-v0`` envs
   (``gymnasium.make``). Targets (1,000 products): >= 1 M product-steps/s through the
   dict API and >= 20 M through the batched path.
2. **Kernel with coupling**: the batched path in ``action_mode="quantity"`` with
   Poisson demand of per-product means ``10 / sqrt(1 + i)``, lead time 2, per-product
   capacity, a shared capacity and a budget that each bind in part of the periods,
   against :class:`naive_kernels.NaiveMultiProduct` (the same rules and costs in plain
   NumPy). Both are stepped with the same fixed orders (one array per period of the
   168-period episode, drawn before timing; see :func:`coupled_setup`) and reset every
   168 periods (the env's episode). An untimed pass then reports how often each
   coupling rule binds and both mean profits per period (close: the same model).
   Target: the batched path >= 3x the naive kernel.

Usage::

    OMP_NUM_THREADS=1 python benchmarks/multi_product_step_rate.py [--products 1000]
        [--seconds 1] [--repeats 5] [--quick]
"""

from __future__ import annotations

import argparse

import gymnasium as gym
import numpy as np
from naive_kernels import NaiveMultiProduct
from timing import Rate, interleaved_rates, ratio_line

import gym_inventory  # noqa: F401  (registers Inventory-v0)
from gym_inventory.demand import PoissonDemand
from gym_inventory.multi import multi_product_v0

TARGET_NAIVE = 3.0
LEAD_TIME, MAX_ORDER, EPISODE = 2, 100, 168
#: Fixed cost per order in part 2 (the default, 10, would make 1,000 products' fixed costs
#: alone exceed a budget that binds only sometimes, and the budget rule then stops orders).
FIXED_COST = 1.0
#: Part 2's coupling: shared capacity in periods of the products' total mean demand; the
#: budget a percentile of the spend the order arrays ask for (so it binds in about a
#: quarter of the periods); per-product capacity ``8 mean + 5``.
SHARED_CAPACITY_PERIODS, BUDGET_PERCENTILE = 5.0, 75.0


def api_rates(P: int, seconds: float, repeats: int) -> tuple[dict[str, Rate], Rate]:
    """Part 1: product-steps/s of each face of the default env, and of the loop of
    single ``Inventory-v0`` envs (the reference)."""
    rng = np.random.default_rng(0)
    action_arrays = [rng.integers(0, 3, size=P) for _ in range(64)]
    agents = [f"product_{i}" for i in range(P)]
    action_dicts = [dict(zip(agents, a.tolist(), strict=True)) for a in action_arrays]
    count = {"i": 0}
    steps = {}
    for label, info, read in (
        ("dict API", False, False),
        ("dict API + infos", True, False),
        ("dict API + infos, all read", True, True),
    ):
        env = multi_product_v0.parallel_env(n_products=P, agent_info=info)
        env.reset(seed=0)

        def step_dict(env=env, read=read):
            count["i"] += 1
            if not env.agents:
                env.reset()
            infos = env.step(action_dicts[count["i"] % 64])[-1]
            if read:  # every agent's info dict (built when first read)
                for _ in infos.values():
                    pass

        steps[label] = step_dict

    env = multi_product_v0.parallel_env(n_products=P)
    env.reset_arrays(seed=0)

    def step_arrays():
        count["i"] += 1
        if not env.agents:
            env.reset_arrays()
        env.step_arrays(action_arrays[count["i"] % 64])

    steps["batched step_arrays"] = step_arrays

    singles = [gym.make("Inventory-v0") for _ in range(P)]
    for s, e in enumerate(singles):
        e.reset(seed=s)

    def step_singles():
        count["i"] += 1
        acts = action_arrays[count["i"] % 64].tolist()
        for e, a in zip(singles, acts, strict=True):
            _, _, term, trunc, _ = e.step(a)
            if term or trunc:
                e.reset()

    steps["loop"] = step_singles
    batch = {name: 1 if name == "loop" or P >= 2000 else 5 for name in steps}
    rates = {k: r * P for k, r in interleaved_rates(steps, seconds, repeats, batch).items()}
    return rates, rates.pop("loop")


def coupled_setup(P: int, seed: int = 0) -> tuple[dict, dict, list[np.ndarray]]:
    """Part 2's env arguments, the naive kernel's, and the orders of each period of an
    episode: ``Poisson(u_t * mean_i)`` with ``u_t ~ U(0.6, 1.4)`` (1 on average, so stock
    neither drains nor piles up; some periods ask for more than the budget)."""
    rng = np.random.default_rng(seed)
    means = 10.0 / np.sqrt(1.0 + np.arange(P))
    orders = [np.minimum(rng.poisson(means * u), MAX_ORDER) for u in rng.uniform(0.6, 1.4, EPISODE)]
    spend = [5.0 * q.sum() + FIXED_COST * np.count_nonzero(q) for q in orders]  # unit cost 5
    budget = float(np.percentile(spend, BUDGET_PERCENTILE))
    shared = float(np.ceil(SHARED_CAPACITY_PERIODS * means.sum()))
    capacity = np.ceil(8.0 * means + 5.0)
    initial = np.floor(LEAD_TIME * means)
    env_kwargs = dict(
        n_products=P,
        demand=[PoissonDemand(float(m)) for m in means],
        action_mode="quantity",
        max_order=MAX_ORDER,
        lead_time=LEAD_TIME,
        max_cycles=EPISODE,
        capacity=capacity.tolist(),
        shared_capacity=shared,
        budget=budget,
        initial_stock=initial.astype(int).tolist(),
        fixed_cost=FIXED_COST,
        agent_info=False,
    )
    naive_kwargs = dict(
        means=means,
        lead_time=LEAD_TIME,
        capacity=capacity,
        shared_capacity=shared,
        budget=budget,
        initial_stock=initial,
        fixed_cost=FIXED_COST,
    )  # (the other costs: both use multi_product_v0's defaults)
    return env_kwargs, naive_kwargs, orders


def coupled(P: int, seconds: float, repeats: int, check_periods: int) -> dict[str, object]:
    """Part 2: product-steps/s of the batched path and the naive kernel, stepped with the
    same orders, and the untimed check pass (binding frequencies, mean profits)."""
    env_kwargs, naive_kwargs, orders = coupled_setup(P)
    env = multi_product_v0.parallel_env(**env_kwargs)
    naive = NaiveMultiProduct(**naive_kwargs, seed=0)
    env.reset_arrays(seed=0)
    t = {"env": 0, "naive": 0}  # period of the episode

    def step_env() -> float:
        if not env.agents:
            env.reset_arrays()
            t["env"] = 0
        reward = env.step_arrays(orders[t["env"]])[1]
        t["env"] += 1
        return float(reward[0])  # (team mode: every agent's reward is the total)

    def step_naive() -> float:
        if t["naive"] == EPISODE:
            naive.reset()
            t["naive"] = 0
        profit = naive.step(orders[t["naive"]])[2]
        t["naive"] += 1
        return float(profit.sum())

    rates = interleaved_rates({"env": step_env, "naive": step_naive}, seconds, repeats, 5)
    # Untimed: both from a fresh start, the rules' binding recorded.
    env.reset_arrays(seed=1)
    naive = NaiveMultiProduct(**naive_kwargs, seed=1)
    t.update(env=0, naive=0)
    stats = {"env budget": 0, "env disposed": 0, "naive budget": 0, "naive shared": 0}
    profit = {"env": 0.0, "naive": 0.0}
    for _ in range(check_periods):
        profit["env"] += step_env()
        infos = env.last_infos()
        requested = sum(i["requested"] for i in infos.values())
        stats["env budget"] += requested > sum(i["ordered"] for i in infos.values())
        stats["env disposed"] += sum(i["disposed"] for i in infos.values()) > 0
        profit["naive"] += step_naive()
        stats["naive budget"] += bool(naive.budget_bound)
        stats["naive shared"] += bool(naive.shared_bound)
    return {
        "env": rates["env"] * P,
        "naive": rates["naive"] * P,
        "binding": {k: v / check_periods for k, v in stats.items()},
        "profit": {k: v / check_periods for k, v in profit.items()},
        "shared": env_kwargs["shared_capacity"],
        "budget": env_kwargs["budget"],
    }


def main(argv: list[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=1.0, help="window length")
    parser.add_argument("--repeats", type=int, default=5, help="windows per candidate")
    parser.add_argument(
        "--check-periods", type=int, default=4 * EPISODE, help="untimed pass of part 2"
    )
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: 100 products, 2 windows of 0.05 s"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.products, args.seconds, args.repeats, args.check_periods = 100, 0.05, 2, 20
    P = args.products
    results, reference = api_rates(P, args.seconds, args.repeats)
    print(
        f"1. {P} products, coupling on (auto shared capacity and budget), seed action mode, "
        f"fixed random actions; median of {args.repeats} windows of {args.seconds:g} s"
    )
    print(
        f"{'loop of single Inventory-v0 envs':>36}: {reference.median / 1e6:8.3f} M product-steps/s"
    )
    for label, r in results.items():
        print(
            f"{label:>36}: {r.median / 1e6:8.3f} M product-steps/s  "
            f"({r.median / reference.median:6.1f}x the loop)"
        )

    c = coupled(P, args.seconds, args.repeats, args.check_periods)
    env, naive = c["env"], c["naive"]
    b = c["binding"]
    print(
        f"\n2. {P} products, quantity mode, Poisson demand, lead time {LEAD_TIME}, fixed "
        f"random orders; shared capacity {c['shared']:g}, budget {c['budget']:g}, per-product "
        "capacity"
    )
    print(f"{'batched step_arrays':>36}: {env.median / 1e6:8.3f} M product-steps/s")
    print(f"{'naive NumPy kernel (b)':>36}: {naive.median / 1e6:8.3f} M product-steps/s")
    print(
        f"periods the rules bound (untimed pass of {args.check_periods}): env budget "
        f"{b['env budget']:.0%}, env units disposed {b['env disposed']:.0%}; naive budget "
        f"{b['naive budget']:.0%}, naive shared capacity {b['naive shared']:.0%}"
    )
    print(
        f"mean team profit per period: env {c['profit']['env']:,.1f}, naive "
        f"{c['profit']['naive']:,.1f} (the same model: close, not equal)"
    )
    print(
        ratio_line(
            "batched step_arrays / naive kernel (b)",
            env.median / naive.median,
            TARGET_NAIVE,
            "naive",
        )
    )
    return {"api": results, "loop": reference, "coupled": c}


if __name__ == "__main__":
    main()
