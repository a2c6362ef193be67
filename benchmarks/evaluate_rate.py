"""Wall time and periods per second of :func:`gym_inventory.evaluate`, against a naive
NumPy kernel running the same rule in the same run.

The rule is an untuned base-stock policy, :class:`gym_inventory.policies.BaseStock` with
``S`` the 0.9 (= p / (p + h)) quantile of Poisson(5) demand over ``L + 1`` periods, on
``InventoryLostSales-v0`` with lead time ``L = 4``, evaluated on ``--episodes`` episodes x
``--periods`` periods (default 1,000 x 1,000). The reference steps
:class:`naive_kernels.NaiveLostSales` (``--episodes`` copies, ``--periods`` periods) with
the very same policy object called on its observations each period, adding up the
reward. The policy's own time (``T`` calls on ``n`` observations) is printed too: it is
part of both. ``evaluate`` also accumulates its metrics (fill rate, cost breakdown, ...) each
period; the reference only the reward. Both average costs are printed as a check (close,
not equal: the same model, different random streams). Each time is the median of
``--repeats`` runs, the two timed in turn.

No target is set for this ratio yet; it is the baseline for the kernel rewrite.

Usage::

    OMP_NUM_THREADS=1 python benchmarks/evaluate_rate.py [--episodes 1000]
        [--periods 1000] [--repeats 9] [--quick]
"""

from __future__ import annotations

import argparse

import numpy as np
from naive_kernels import NaiveLostSales
from scipy import stats
from timing import interleaved_rates, ratio_line

from gym_inventory.evaluation import evaluate
from gym_inventory.policies import BaseStock

ENV_ID, LEAD_TIME = "InventoryLostSales-v0", 4
MEAN, HOLDING, PENALTY = 5.0, 1.0, 9.0  # the id's defaults


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=1000)
    parser.add_argument("--periods", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=9, help="timed runs of each")
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: 100 episodes x 100 periods, 2 runs"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.episodes, args.periods, args.repeats = 100, 100, 2
    n, T = args.episodes, args.periods
    S = int(stats.poisson(MEAN * (LEAD_TIME + 1)).ppf(PENALTY / (PENALTY + HOLDING)))
    policy = BaseStock(S, env_id=ENV_ID, lead_time=LEAD_TIME)
    costs: dict[str, float] = {}

    def run_evaluate() -> None:
        result = evaluate(policy, ENV_ID, n_episodes=n, max_steps=T, lead_time=LEAD_TIME)
        costs["evaluate"] = result.average_cost

    def run_naive() -> None:
        kernel = NaiveLostSales(n, LEAD_TIME, MEAN, HOLDING, PENALTY, seed=0)
        obs, total = kernel.reset(), np.zeros(n)
        for _ in range(T):
            obs, reward = kernel.step(policy(obs))
            total += reward
        costs["naive"] = -float(total.mean()) / T

    obs = NaiveLostSales(n, LEAD_TIME, seed=1).reset().astype(np.float32) + 5.0

    def run_policy() -> None:  # the rule alone, as often as in one run
        for _ in range(T):
            policy(obs)

    # (one run per window: seconds=0 closes each window after its first run)
    runs = {"evaluate": run_evaluate, "naive": run_naive, "policy": run_policy}
    rates = interleaved_rates(runs, 0.0, args.repeats, 1)
    wall = {name: 1.0 / r.median for name, r in rates.items()}
    periods = n * T
    print(
        f"{ENV_ID}, lead_time={LEAD_TIME}, {policy.describe()}: {n:,} episodes x {T:,} "
        f"periods = {periods:,} periods; median of {args.repeats} runs"
    )
    labels = {"evaluate": "gym_inventory.evaluate", "naive": "naive NumPy kernel (a)"}
    for name, label in labels.items():
        print(
            f"{label:>24}: {wall[name]:7.3f} s  {periods / wall[name] / 1e6:7.2f} M periods/s"
            f"  (average cost {costs[name]:.3f})"
        )
    print(
        f"{'(the policy alone)':>24}: {wall['policy']:7.3f} s, {T:,} calls on {n:,} "
        "observations: part of both times above"
    )
    ratio = wall["naive"] / wall["evaluate"]
    print(ratio_line("evaluate / naive kernel (a), periods/s", ratio))
    return {"evaluate_s": wall["evaluate"], "naive_s": wall["naive"], "ratio": ratio}


if __name__ == "__main__":
    main()
