"""Stage-steps per second of the supply chain's batched path against a naive NumPy serial
kernel, measured in the same run.

The script builds a serial chain of ``--stages`` stages (lead time ``--lead-time`` on
every link, no information delay, Poisson(5) customer demand backordered, ``h = 1`` at
every stage, ``p = 9`` at the retailer) twice:

* :class:`gym_inventory.envs.supply.SupplyChainModel` with ``--copies`` copies: the batched
  path of ``supply_chain_v0`` (``check_actions`` -> ``decode`` -> one compiled step of
  every copy and stage, the period's record and observations);
* :class:`NaiveSerial` below: the same period written the way one would first write it in
  NumPy (whole-array operations, a fresh array per operation, ``np.roll`` pipelines,
  ``rng.poisson`` demand), with the same observation layout;

and steps both with the same installation base-stock rule, computed in NumPy from each
one's observations: stage ``s`` orders ``min((S_s - IP_s)^+, max_order)``, ``IP_s`` its
inventory position ``on hand - backlog + on order + pipeline`` (``obs @ w``), ``S_s`` the
0.9 quantile of Poisson(5 (L + 1)). The rule's own cost is part of both rates. A
stage-step is one stage of one copy for one period: rate = copies x stages x steps / s.
Each rate is the median of ``--repeats`` windows of ``--seconds``, the candidates timed
in turn (``timing.py``).

Target (issue 15): the batched path >= 3x the naive kernel at 4 stages x 4,096 copies.

``--breakdown`` then steps the batched path again, untimed as a rate, one part at a time
(the rule; ``check_actions`` and ``decode``; the compiled calls of ``supply_model_step``
made one by one: this period's demand, the chain's period, the observations; the demand
refills, averaged over every step) and prints each part's median microseconds per step,
beside the naive kernel's whole step; it checks that the parts, made one by one, step
the chain exactly as ``SupplyChainModel.step`` does.

Usage::

    OMP_NUM_THREADS=1 python benchmarks/supply_chain.py [--copies 4096] [--stages 4]
        [--lead-time 2] [--seconds 1] [--repeats 5] [--quick] [--breakdown]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from scipy import stats
from timing import interleaved_rates, ratio_line

from gym_inventory.core.fields import PROFIT
from gym_inventory.core.supply import supply_observation, supply_step
from gym_inventory.demand.stream import take_period
from gym_inventory.envs.supply import SupplyChainModel
from gym_inventory.envs.supply_config import SupplyChainConfig

MEAN, HOLDING, PENALTY, MAX_ORDER = 5.0, 1.0, 9.0, 50
TARGET = 3.0


class NaiveSerial:
    """``N`` copies of a serial chain of ``S`` stages in plain NumPy (lead times ``L >= 1``).

    The period of ``supply_chain_v0`` without information delays: arrivals; the top's
    order enters its pipeline; each upstream ships ``min(on hand, owed + order)`` into its
    downstream's pipeline and keeps the rest as backlog; Poisson(``mean``) demand at the
    retailer, backordered; cost = ``h`` per unit on hand + ``p`` per unit backordered.
    Observations ``(N, S, 4 + L)`` as the package's: on hand, backlog, order received,
    on order, pipeline by arrival.
    """

    def __init__(self, n: int, stages: int, lead_time: int, seed: int = 0) -> None:
        self.n, self.S, self.L = n, stages, lead_time
        self.rng = np.random.default_rng(seed)
        self.reset()

    def reset(self) -> np.ndarray:
        n, S, L = self.n, self.S, self.L
        self.on_hand = np.zeros((n, S))
        self.backlog = np.zeros((n, S))
        self.pipeline = np.zeros((n, S, L))
        self.received = np.zeros((n, S))
        return self.observe()

    def observe(self) -> np.ndarray:
        on_order = np.zeros((self.n, self.S))
        on_order[:, :-1] = self.backlog[:, 1:]  # owed to s by s + 1
        return np.concatenate(
            [
                self.on_hand[:, :, None],
                self.backlog[:, :, None],
                self.received[:, :, None],
                on_order[:, :, None],
                self.pipeline,
            ],
            axis=2,
        ).astype(np.float32)

    def step(self, order: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        arrived = self.pipeline[:, :, 0]
        self.pipeline = np.roll(self.pipeline, -1, axis=2)
        self.pipeline[:, :, -1] = 0.0
        self.pipeline[:, -1, -1] += order[:, -1]  # from the outside supplier
        stock = self.on_hand + arrived
        need = self.backlog.copy()
        need[:, 1:] += order[:, :-1]  # orders reach their upstream at once
        demand = self.rng.poisson(MEAN, self.n).astype(np.float64)
        need[:, 0] += demand
        shipped = np.minimum(stock, need)
        self.pipeline[:, :-1, -1] += shipped[:, 1:]
        self.on_hand = stock - shipped
        self.backlog = need - shipped
        self.received = np.concatenate([demand[:, None], order[:, :-1]], axis=1)
        cost = HOLDING * self.on_hand.sum(axis=1) + PENALTY * self.backlog[:, 0]
        return self.observe(), -cost


def base_stock_rule(stages: int, lead_time: int):
    """Orders ``min((S - IP)^+, max_order)`` (int64 ``(N, S)``) from observations."""
    level = float(stats.poisson(MEAN * (lead_time + 1)).ppf(PENALTY / (PENALTY + HOLDING)))
    w = np.array([1.0, -1.0, 0.0, 1.0] + [1.0] * lead_time, dtype=np.float32)

    def order(obs: np.ndarray) -> np.ndarray:
        # (a 2-D product: ``obs @ w`` on the 3-D array took 250-430 us at N = 4096, this
        # 36-50 us, measured; it would hide the kernels' speed)
        position = (obs.reshape(-1, obs.shape[2]) @ w).reshape(obs.shape[:2])
        return np.minimum(np.maximum(level - position, 0.0), MAX_ORDER).astype(np.int64)

    return order


def breakdown(config: SupplyChainConfig, n: int, rule, naive: NaiveSerial, steps: int = 1024):
    """Median microseconds per step of each part of the batched path (see the docstring)."""
    S = config.n_stages
    twin, model = SupplyChainModel(config, n), SupplyChainModel(config, n)
    for m in (twin, model):
        m.reset([np.random.default_rng(i) for i in range(n)])
    stream = model.stream.compiled_args()  # (its 5th array: the period's demand)
    chain = model.compiled_args()[len(stream) :]
    everyone = np.ones(n, dtype=np.bool_)
    naive_obs = naive.reset()
    names = ("rule", "check + decode", "demand of the period", "chain period", "observations",
             "refills (mean)")  # fmt: skip
    parts: dict[str, list[float]] = {k: [] for k in (*names, "naive step (with rule)")}
    for t in range(steps + 64):
        t0 = time.perf_counter()
        actions = rule(model.obs)
        t1 = time.perf_counter()
        order = model.decode(model.check_actions(actions, (n, S)))
        record = np.empty_like(model.record)
        t2 = time.perf_counter()
        ended = take_period(*stream, everyone)
        t3 = time.perf_counter()
        supply_step(order, stream[4], everyone, record, *chain)
        model.time += 1
        t4 = time.perf_counter()
        supply_observation(chain[0], chain[1], *chain[-6:-3], *chain[-2:], record, model.obs)
        t5 = time.perf_counter()
        if ended:
            model.stream.refill_ended()
        model.record = record
        t6 = time.perf_counter()
        if t >= 64:  # (after a warm-up)
            for k, v in zip(names, np.diff([t0, t1, t2, t3, t4, t5, t6]), strict=True):
                parts[k].append(v * 1e6)
        else:  # (warm-up) the parts made one by one are the model's step
            twin.step(twin.decode(twin.check_actions(actions, (n, S))))
            assert np.array_equal(twin.record, record) and np.array_equal(twin.obs, model.obs)
    for t in range(steps + 64):  # (apart: the naive kernel's arrays would evict the model's)
        t0 = time.perf_counter()
        naive_obs, _ = naive.step(rule(naive_obs).astype(np.float64))
        if t >= 64:
            parts["naive step (with rule)"].append((time.perf_counter() - t0) * 1e6)
    print(f"breakdown of one step, {S} stages x {n} copies, {steps} steps (median us):")
    for k, v in parts.items():
        print(f"{k:>24}: {np.mean(v) if k.startswith('refills') else np.median(v):8.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=4096)
    parser.add_argument("--stages", type=int, default=4)
    parser.add_argument("--lead-time", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=1.0)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="256 copies, short windows")
    parser.add_argument("--breakdown", action="store_true", help="then time each part")
    args = parser.parse_args()
    if args.quick:
        args.copies, args.seconds, args.repeats = 256, 0.2, 2
    n, S, L = args.copies, args.stages, args.lead_time
    config = SupplyChainConfig(
        n_stages=S, lead_times=L, holding_costs=HOLDING, penalty_cost=PENALTY,
        demand_mean=MEAN, max_order=MAX_ORDER,
    )  # fmt: skip
    model = SupplyChainModel(config, n)
    naive = NaiveSerial(n, S, L)
    rule = base_stock_rule(S, L)
    state = {"model": model.reset([np.random.default_rng(i) for i in range(n)]).copy()}
    state["naive"] = naive.reset()

    def step_model() -> np.ndarray:
        actions = model.check_actions(rule(state["model"]), (n, S))
        record = model.step(model.decode(actions))
        state["model"] = model.obs
        return record

    def step_naive() -> np.ndarray:
        state["naive"], reward = naive.step(rule(state["naive"]).astype(np.float64))
        return reward

    # Untimed: both model the same chain (their mean cost per period agrees).
    costs = {
        "batched": np.mean([-step_model()[:, :, PROFIT].sum(axis=1).mean() for _ in range(500)]),
        "naive": np.mean([-step_naive().mean() for _ in range(500)]),
    }
    rates = interleaved_rates(
        {"batched": step_model, "naive": step_naive}, args.seconds, args.repeats
    )
    stage_steps = n * S
    print(f"serial chain: {S} stages x {n} copies, lead time {L} per link, Poisson({MEAN:g})")
    for name, r in rates.items():
        print(
            f"{name:>8}: {r.median * stage_steps / 1e6:8.2f} M stage-steps/s "
            f"(windows {r.low * stage_steps / 1e6:.2f} .. {r.high * stage_steps / 1e6:.2f}); "
            f"mean cost per period (500 untimed periods) {costs[name]:.2f}"
        )
    print(
        ratio_line(
            "batched supply chain / naive NumPy serial kernel",
            rates["batched"].median / rates["naive"].median,
            TARGET,
            "naive",
        )
    )
    if args.breakdown:
        breakdown(config, n, rule, naive, 256 if args.quick else 1024)


if __name__ == "__main__":
    main()
