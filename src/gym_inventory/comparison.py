"""Tune and evaluate every applicable rule policy (and the exact optimum) on one env id:
the engine of ``gym-inventory compare``.

Tuning uses episodes seeded ``seed + TUNE_SEED_OFFSET + i`` (common random numbers) or
the exact Markov chain; the reported evaluation uses the disjoint episodes
``seed .. seed + episodes - 1``, so the table is not biased by the tuning noise.
"""

from __future__ import annotations

import math
import platform
import time
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from gym_inventory.errors import ConfigError
from gym_inventory.evaluation import EvalResult, evaluate
from gym_inventory.policies import (
    SQ,
    SS,
    BaseStock,
    CappedBaseStock,
    ConstantOrder,
    EnvView,
    HourOfWeekOrderUpTo,
    Myopic,
    OrderHoldClearRule,
    Policy,
    solve_optimal,
)
from gym_inventory.policies.tuning import exact_supported

__all__ = ["TUNE_SEED_OFFSET", "CompareRow", "candidates", "compare", "to_markdown"]

#: Tuning episodes are seeded from ``seed + TUNE_SEED_OFFSET`` (disjoint from evaluation).
TUNE_SEED_OFFSET = 1_000_000


@dataclass
class CompareRow:
    """One line of the comparison table."""

    name: str
    policy: Policy
    tuned_by: str
    exact_cost: float | None
    result: EvalResult
    seconds: float
    gap: float = math.nan  # relative gap to the optimum (or to the best row)


def candidates(env_id: str, **env_kwargs: Any) -> list[tuple[str, Callable[..., Any]]]:
    """The (name, build) pairs compared on ``env_id``; ``build(seed)`` returns
    ``(policy, tuned_by, exact_cost)``."""
    view = EnvView.from_env(env_id, **env_kwargs)

    def tuned(cls: type[Policy], **extra: Any) -> Callable[..., Any]:
        def build(seed: int, **sim: Any):
            r = cls.tune(env_id, seed=seed + TUNE_SEED_OFFSET, **sim, **{**env_kwargs, **extra})
            return r.policy, r.method, r.average_cost if r.method == "exact" else None

        return build

    if view.family == "store":
        if env_kwargs.get("action_mode", "order_hold_clear") != "order_hold_clear":
            raise ConfigError(
                "compare on Inventory-v0 sets the action modes itself; drop action_mode"
            )
        qty = dict(action_mode="quantity")
        return [
            (
                "prototype rule (order <100, clear >400)",
                lambda seed, **_: (OrderHoldClearRule(env_id=env_id, **env_kwargs), "-", None),
            ),
            ("prototype rule, thresholds tuned", tuned(OrderHoldClearRule)),
            ("(s, Q=30) on position, order/hold/clear actions", tuned(SQ)),
            ("base stock", tuned(BaseStock, **qty)),
            ("capped base stock", tuned(CappedBaseStock, **qty)),
            ("(s, S)", tuned(SS, **qty)),
            ("(s, Q)", tuned(SQ, **qty)),
            ("constant order", tuned(ConstantOrder, **qty)),
            ("hour-of-week (s_t, S_t)", tuned(HourOfWeekOrderUpTo, **qty)),
        ]

    def optimal(seed: int, **_: Any):
        sol = solve_optimal(env_id, **env_kwargs)
        return sol.policy, "exact", sol.average_cost

    out: list[tuple[str, Callable[..., Any]]] = []
    if exact_supported(view):
        out.append(("optimal (relative value iteration)", optimal))
    out += [
        ("base stock", tuned(BaseStock)),
        ("capped base stock", tuned(CappedBaseStock)),
        ("(s, S)", tuned(SS)),
        ("(s, Q)", tuned(SQ)),
    ]
    if exact_supported(view):
        out.append(("myopic", tuned(Myopic)))
    out.append(("constant order", tuned(ConstantOrder)))
    return out


def compare(
    env_id: str = "Inventory-v0",
    *,
    episodes: int = 100,
    seed: int = 0,
    max_steps: int | None = None,
    warmup: int | None = None,
    tune_episodes: int = 64,
    progress: Callable[[Iterable[Any]], Iterable[Any]] | None = None,
    history: bool = True,
    **env_kwargs: Any,
) -> list[CompareRow]:
    """Tune and evaluate every applicable policy on ``env_id``.

    ``progress`` wraps the iteration over policies (e.g. ``tqdm``) and may have a
    ``set_description``. Rows keep the order of :func:`candidates`; ``gap`` is the
    relative gap of the simulated average cost to the optimal policy's on the same episodes
    (benchmark variants) or of the mean reward to the best row (``Inventory-v0``).
    """
    view = EnvView.from_env(env_id, **env_kwargs)
    if warmup is None:
        warmup = (
            100
            if view.family == "periodic" and (max_steps or view.max_episode_steps or 0) > 200
            else 0
        )
    sim = dict(n_episodes=tune_episodes, max_steps=max_steps, warmup=warmup)
    cands = candidates(env_id, **env_kwargs)
    it = progress(cands) if progress else cands
    rows = []
    for name, build in it:
        if hasattr(it, "set_description"):
            it.set_description(f"{name[:30]:30s}")
        t0 = time.perf_counter()
        try:
            policy, how, exact = build(seed, **sim)
        except ConfigError as exc:
            if not name.startswith("optimal"):
                raise
            warnings.warn(f"the exact optimum is skipped: {exc}", stacklevel=2)
            continue
        kw = {**env_kwargs, **policy.env.env_kwargs}
        res = evaluate(
            policy,
            env_id,
            n_episodes=episodes,
            max_steps=max_steps,
            warmup=warmup,
            seed=seed,
            history=history,
            **kw,
        )
        rows.append(CompareRow(name, policy, how, exact, res, time.perf_counter() - t0))
    if view.family == "periodic":
        # simulated costs on the same episodes (common random numbers), relative to the
        # optimal policy's (or the best row's when there is no optimum)
        opt = [r.result.average_cost for r in rows if r.name.startswith("optimal")]
        ref = opt[0] if opt else min(r.result.average_cost for r in rows)
        for r in rows:
            r.gap = (r.result.average_cost - ref) / abs(ref) if ref else math.nan
    else:
        best = max(r.result.mean_reward for r in rows)
        for r in rows:
            r.gap = (best - r.result.mean_reward) / abs(best) if best else math.nan
    return rows


def _table(rows: list[CompareRow], env_id: str) -> tuple[list[str], list[list[str]]]:
    cost_env = rows and rows[0].policy.env.family == "periodic"
    head = ["policy", "parameters", "tuned by", "mean reward/period ± 95% CI"]
    if cost_env:
        head.append("exact avg cost")
    head += [
        "fill rate",
        "stockout periods/ep",
        "avg on hand",
        "gap to " + ("optimum" if cost_env else "best"),
    ]
    body = []
    for r in rows:
        e = r.result
        line = [r.name, r.policy.describe(), r.tuned_by, f"{e.mean_reward:.3f} ± {e.ci95:.3f}"]
        if cost_env:
            line.append("-" if r.exact_cost is None else f"{r.exact_cost:.4f}")
        line += [
            f"{e.fill_rate:.1%}",
            f"{e.stockout_periods:.1f}",
            f"{e.average_on_hand:.1f}",
            f"{r.gap:+.1%}",
        ]
        body.append(line)
    return head, body


def format_table(rows: list[CompareRow], env_id: str) -> str:
    """The comparison as a fixed-width text table."""
    head, body = _table(rows, env_id)
    widths = [max(len(x) for x in col) for col in zip(head, *body, strict=True)]

    def fmt(cells: list[str]) -> str:  # text columns left, numbers right
        return "  ".join(
            c.ljust(w) if i < 3 else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    lines = [fmt(head), "  ".join("-" * w for w in widths)] + [fmt(b) for b in body]
    return "\n".join(lines)


def _accounting(config: Any) -> str:
    """How the rewards treat the starting stock, one sentence for the results file."""
    n, c = config.initial_stock, config.unit_cost
    if n == 0 or c == 0:
        return f"Starting stock: {n:g} units at unit cost {c:g}, so none is charged."
    return (
        f"Starting stock charged: the {n:g} units on hand at reset are bought at unit cost "
        f"{c:g} in each episode's first period (its `ordering`, {n * c:g} in all), so no "
        "reward comes from free stock; stock left at the end is not valued."
    )


def to_markdown(rows: list[CompareRow], env_id: str, command: str) -> str:
    """The comparison as a Markdown document (with how it was produced)."""
    from gym_inventory import __version__

    head, body = _table(rows, env_id)
    e = rows[0].result
    out = [
        f"# Policy comparison on `{env_id}`",
        "",
        f"Produced by `{command}` (gym-inventory {__version__}, Python "
        f"{platform.python_version()}, NumPy {np.__version__}).",
        "",
        f"{e.n_episodes} evaluation episodes (seeds {e.seed}..{e.seed + e.n_episodes - 1}) of "
        f"{e.n_periods + e.warmup} periods, the first {e.warmup} left out; parameters tuned "
        f"beforehand on other episodes (seeds from {e.seed + TUNE_SEED_OFFSET}) or on the exact "
        "Markov chain. Mean reward is per period; the 95% CI is over episodes.",
        "",
        _accounting(rows[0].policy.env.config),
        "",
        "| " + " | ".join(head) + " |",
        "|" + "|".join("---" for _ in head) + "|",
    ]
    out += ["| " + " | ".join(b) + " |" for b in body]
    return "\n".join(out) + "\n"


def plot(rows: list[CompareRow], env_id: str, path: str, periods: int = 168) -> None:
    """Save the first evaluation episode's stock trajectory of every policy to ``path``."""
    from gym_inventory.plotting import plot_trajectories

    hist = {r.name: r.result.history[: periods + 1] for r in rows if r.result.history is not None}
    cap = rows[0].policy.env.config.capacity
    fig = plot_trajectories(hist, capacity=cap, title=f"{env_id}: episode {rows[0].result.seed}")
    fig.savefig(path, dpi=110)
    import matplotlib.pyplot as plt

    plt.close(fig)
