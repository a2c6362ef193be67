"""Env-steps per second of the native vector env against a naive NumPy kernel and
``SyncVectorEnv``, measured in the same run.

For each ``N`` in ``--num-envs`` the script builds

* ``gymnasium.make_vec("InventoryLostSales-v0", num_envs=N, lead_time=L)``: the native
  :class:`~gym_inventory.envs.InventoryVectorEnv` (registered time limit of 1000 periods,
  autoreset);
* the reference :class:`naive_kernels.NaiveLostSales` (``N`` copies, the same lead time,
  Poisson(5) demand, ``h = 1``, ``p = 9``, ``np.roll`` pipeline, ``rng.poisson``
  demand), reset every 1000 periods like the env;
* the same id with ``vectorization_mode="sync"``: a :class:`~gymnasium.vector.SyncVectorEnv`
  of single envs;

* the floor reference :class:`plain_loop.PlainLoopLostSales`: the same period as one
  plain numba loop with one generator and no info (what the env would cost without its
  contracts; no target, printed so the gap is known);

and steps all four with the same rule: the base-stock order ``min((S - position)^+,
max_order)`` computed in NumPy from each one's observation (``position`` = the sum of the
observation: on hand + pipeline), ``S = 32`` for ``L = 4``: the Poisson(5 (L + 1))
quantile at ``p / (p + h) = 0.9``. The rule's own cost is part of every rate (and printed apart).
Each rate is the median of ``--repeats`` windows of ``--seconds``, the candidates timed
in turn (see ``timing.py``).

Targets: the native env >= 4x the naive kernel at N = 4096 (and 1024); issue 5's
>= 25 M env-steps/s and >= 200x ``SyncVectorEnv`` at N = 4096.

Usage::

    OMP_NUM_THREADS=1 python benchmarks/vector_step_rate.py [--num-envs 1024 4096]
        [--lead-time 4] [--seconds 1] [--repeats 5] [--quick]
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

import gymnasium as gym
import numpy as np
from naive_kernels import NaiveLostSales
from plain_loop import PlainLoopLostSales
from scipy import stats
from timing import Rate, interleaved_rates, ratio_line

import gym_inventory  # noqa: F401  (registers the ids)

ENV_ID = "InventoryLostSales-v0"
MEAN, HOLDING, PENALTY, PERIODS = 5.0, 1.0, 9.0, 1000  # the id's defaults
TARGET_NAIVE, TARGET_SYNC, TARGET_RATE, TARGET_N = 4.0, 200.0, 25e6, 4096


def base_stock_rule(lead_time: int, max_order: int) -> Callable[[np.ndarray], np.ndarray]:
    """The order ``min((S - position)^+, max_order)`` as int64, for observations
    ``(N, 1 + L)``; ``S`` the 0.9 quantile of Poisson(5 (L + 1)) demand.

    The position is ``obs @ ones`` (a matrix-vector product, about 3 us at N = 4096):
    ``obs.sum(axis=1)``, a reduction over a short inner axis, costs 70-130 us there,
    half as much as an env step, and would hide the kernel's speed.
    """
    S = float(stats.poisson(MEAN * (lead_time + 1)).ppf(PENALTY / (PENALTY + HOLDING)))
    ones = {dtype: np.ones(lead_time + 1, dtype) for dtype in (np.float32, np.float64)}

    def order(obs: np.ndarray) -> np.ndarray:
        position = obs @ ones[obs.dtype.type]
        return np.minimum(np.maximum(S - position, 0.0), max_order).astype(np.int64)

    return order


def measure(n: int, lead_time: int, seconds: float, repeats: int) -> dict[str, Rate]:
    """Env-steps/s of the native env, the naive kernel and ``SyncVectorEnv`` (and calls/s
    of the rule alone, as ``"rule"``) for ``n`` copies."""
    native = gym.make_vec(ENV_ID, num_envs=n, lead_time=lead_time)
    sync = gym.make_vec(ENV_ID, num_envs=n, vectorization_mode="sync", lead_time=lead_time)
    rule = base_stock_rule(lead_time, native.single_action_space.n - 1)
    naive = NaiveLostSales(n, lead_time, MEAN, HOLDING, PENALTY, seed=0)
    state = {"native": native.reset(seed=0)[0], "sync": sync.reset(seed=0)[0]}
    state["naive"], state["t"] = naive.reset(), 0
    plain = PlainLoopLostSales(n, lead_time, MEAN, HOLDING, PENALTY, seed=0)
    state["plain"] = plain.reset()

    def step_native() -> None:
        state["native"] = native.step(rule(state["native"]))[0]

    def step_sync() -> None:
        state["sync"] = sync.step(rule(state["sync"]))[0]

    def step_naive() -> None:
        state["t"] += 1
        if state["t"] % (PERIODS + 1) == 0:  # the env's autoreset step: a reset
            state["naive"] = naive.reset()
        else:
            state["naive"] = naive.step(rule(state["naive"]))[0]

    def step_plain() -> None:
        state["plain"] = plain.step(rule(state["plain"]))[0]

    obs = state["native"].copy()
    steps = {
        "native": step_native,
        "naive": step_naive,
        "sync": step_sync,
        "plain": step_plain,
        "rule": lambda: rule(obs),
    }
    # (SyncVectorEnv steps take milliseconds at large N: one call per clock read)
    batch = {"native": 20, "naive": 20, "sync": 1 if n >= 256 else 5, "plain": 20, "rule": 20}
    rates = interleaved_rates(steps, seconds, repeats, batch)
    native.close()
    sync.close()
    return {name: r * n if name != "rule" else r for name, r in rates.items()}


def main(argv: list[str] | None = None) -> dict[int, dict[str, Rate]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--num-envs", type=int, nargs="+", default=[1024, 4096])
    parser.add_argument("--lead-time", type=int, default=4, help="L (>= 1)")
    parser.add_argument("--seconds", type=float, default=1.0, help="window length")
    parser.add_argument("--repeats", type=int, default=5, help="windows per candidate")
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: N = 256, 2 windows of 0.05 s"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.num_envs, args.seconds, args.repeats = [256], 0.05, 2
    L = args.lead_time
    print(
        f"{ENV_ID} (lead_time={L}): env-steps/s, base-stock rule, median of "
        f"{args.repeats} windows of {args.seconds:g} s"
    )
    head = ("N", "native", "naive NumPy", "plain loop", "SyncVectorEnv", "vs naive",
            "vs plain", "vs sync", "rule us")  # fmt: skip
    print("{:>6} {:>13} {:>13} {:>13} {:>13} {:>9} {:>9} {:>9} {:>8}".format(*head))
    results = {}
    for n in args.num_envs:
        r = results[n] = measure(n, L, args.seconds, args.repeats)
        nat, nai, syn = r["native"].median, r["naive"].median, r["sync"].median
        pla = r["plain"].median
        print(
            f"{n:>6} {nat:>13,.0f} {nai:>13,.0f} {pla:>13,.0f} {syn:>13,.0f} {nat / nai:>8.2f}x "
            f"{nat / pla:>8.2f}x {nat / syn:>8.1f}x {1e6 / r['rule'].median:>8.1f}"
        )
    print(
        "(native spread over windows: "
        + ", ".join(
            f"N={n}: {r['native'].low / 1e6:.1f}-{r['native'].high / 1e6:.1f} M"
            for n, r in results.items()
        )
        + "; 'rule us': the base-stock rule alone, per call, included in every rate)"
    )
    for n, r in results.items():
        nat = r["native"].median
        ratio = nat / r["naive"].median
        print(ratio_line(f"native / naive kernel (a) at N={n}", ratio, TARGET_NAIVE, "naive"))
        if n == TARGET_N:
            ratio = nat / r["sync"].median
            line = ratio_line(
                f"native / SyncVectorEnv at N={n}", ratio, TARGET_SYNC, "SyncVectorEnv"
            )
            print(line)
            print(
                f"rate at N={n}: {nat / 1e6:.1f} M env-steps/s "
                f"(target >= {TARGET_RATE / 1e6:.0f} M: {nat / TARGET_RATE:.2f} of it)"
            )
    return results


if __name__ == "__main__":
    main()
