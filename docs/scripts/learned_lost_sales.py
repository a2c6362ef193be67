"""Make the table and the plot of ``docs/learned_lost_sales.md`` from the leaderboard entries.

Run from the repository root, after ``python baselines/apv.py --all``::

    python docs/scripts/learned_lost_sales.py

Reads ``baselines/results/leaderboard/InventoryLostSales-v0__L{L}-p{p}__{apv,capped-base-stock,
optimal}.json``, evaluates every APV seed's saved policy exactly (Markov chain,
:func:`gym_inventory.policies.exact_average_cost`), writes the table between the markers of
the page and the figure ``docs/_static/apv_policy_L4_p39.png``.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from gym_inventory.leaderboard import DEFAULT_DIR, load_entry, load_policy
from gym_inventory.policies import exact_average_cost

PAGE = Path("docs/learned_lost_sales.md")
FIGURE = Path("docs/_static/apv_policy_L4_p39.png")
ENV_ID = "InventoryLostSales-v0"


def entry(L: int, p: int, slug: str):
    return load_entry(DEFAULT_DIR / f"{ENV_ID}__L{L}-p{p}__{slug}.json")


def table() -> str:
    rows = [
        "| L | p | optimum (exact) | APV cost (sim.) | gap to optimum | paired gap | "
        "exact gap, mean (max) over seeds | capped base stock: exact gap | train s/seed |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for L in (1, 2, 3, 4):
        for p in (4, 9, 19, 39):
            apv, opt = entry(L, p, "apv"), entry(L, p, "optimal")
            cbs = entry(L, p, "capped-base-stock")
            exact = np.array(
                [exact_average_cost(load_policy(apv, s)).average_cost for s in apv.seeds]
            )
            gaps = 100 * (exact / apv.optimal_cost - 1)
            cbs_exact = exact_average_cost(load_policy(cbs, 0)).average_cost
            paired = 100 * (apv.average_cost - opt.average_cost) / apv.optimal_cost
            ci = 100 * apv.eval["ci95"] / apv.optimal_cost
            rows.append(
                f"| {L} | {p} | {apv.optimal_cost:.4f} | {apv.average_cost:.4f} "
                f"| {apv.gap_pct:+.3f} % ± {ci:.3f} | {paired:+.3f} % "
                f"| {gaps.mean():.3f} % ({gaps.max():.3f} %) "
                f"| {100 * (cbs_exact / apv.optimal_cost - 1):.3f} % | {apv.train_seconds:.0f} |"
            )
    return "\n".join(rows)


def plot(L: int = 4, p: int = 39) -> None:
    import matplotlib.pyplot as plt

    from gym_inventory.learning import sample_states

    apv, opt = entry(L, p, "apv"), entry(L, p, "optimal")
    learned, optimal = load_policy(apv, apv.seeds[0]), load_policy(opt, 0)
    states = np.unique(
        sample_states(learned, ENV_ID, apv.env_kwargs, 4096, warmup=100, seed=123), axis=0
    )
    position = states.sum(axis=1)
    jitter = np.random.default_rng(0).uniform(-0.25, 0.25, len(states))
    fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
    for ax, (name, pi) in zip(
        axes, ((f"APV (seed {apv.seeds[0]})", learned), ("optimal", optimal)), strict=True
    ):
        ax.scatter(position + jitter, np.asarray(pi(states)) + jitter, s=4, alpha=0.3)
        ax.set_title(f"{name}, L={L}, p={p}")
        ax.set_xlabel("inventory position (on hand + pipeline)")
    axes[0].set_ylabel("order")
    agree = float((np.asarray(learned(states)) == np.asarray(optimal(states))).mean())
    fig.suptitle(
        f"order against inventory position at {len(states)} distinct states visited by APV "
        f"(same order as the optimum at {100 * agree:.0f} % of them)"
    )
    fig.tight_layout()
    FIGURE.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(FIGURE, dpi=110)


def main() -> None:
    text = PAGE.read_text(encoding="utf-8")
    new = re.sub(
        r"(<!-- table start -->\n).*?(<!-- table end -->)",
        lambda m: m.group(1) + table() + "\n" + m.group(2),
        text,
        flags=re.S,
    )
    PAGE.write_text(new, encoding="utf-8")
    plot()


if __name__ == "__main__":
    main()
