"""The ``gym-inventory`` command.

Sub-commands register themselves in :data:`COMMANDS` through :func:`command`; each gets
an :class:`argparse.ArgumentParser` to fill and returns an exit code.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

__all__ = ["main"]

COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None], Callable[..., int]]] = {}


def command(name: str, help: str, configure: Callable[[argparse.ArgumentParser], None]):
    """Decorator registering ``func(args) -> int`` as sub-command ``name``."""

    def deco(func: Callable[..., int]) -> Callable[..., int]:
        COMMANDS[name] = (help, configure, func)
        return func

    return deco


def _demo_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--episodes", type=int, default=20, help="episodes per policy (default 20)")
    p.add_argument("--seed", type=int, default=0, help="seed of the first episode")


@command("demo", "run Inventory-v0 with simple policies and print a summary", _demo_args)
def _demo(args: argparse.Namespace) -> int:
    import gymnasium as gym
    import numpy as np

    import gym_inventory  # noqa: F401  (registers the ids)

    def seed_rule(obs: np.ndarray) -> int:
        # The prototype's rule: order below 100 units, clear above 400, else hold.
        return 0 if obs[0] < 100 else 2 if obs[0] > 400 else 1

    policies = {
        "prototype rule (order < 100, clear > 400)": seed_rule,
        "always hold": lambda obs: 1,
        "order every hour": lambda obs: 0,
    }
    env = gym.make("Inventory-v0")
    print(f"Inventory-v0, {args.episodes} episodes of one week (168 hourly steps) per policy\n")
    print(f"{'policy':40s} {'profit/episode':>16s} {'fill rate':>10s} {'avg on hand':>12s}")
    for name, policy in policies.items():
        returns, sold, demand, stock = [], 0.0, 0.0, []
        for ep in range(args.episodes):
            obs, _ = env.reset(seed=args.seed + ep)
            total, done = 0.0, False
            while not done:
                obs, r, term, trunc, info = env.step(policy(obs))
                total += float(r)
                sold += info["sold"]
                demand += info["demand"]
                stock.append(info["on_hand"])
                done = term or trunc
            returns.append(total)
        m = np.mean(returns)
        half = 1.96 * np.std(returns, ddof=1) / np.sqrt(len(returns)) if len(returns) > 1 else 0
        fill = sold / demand if demand else float("nan")
        print(f"{name:40s} {m:9.0f} ± {half:4.0f} {fill:10.1%} {np.mean(stock):12.1f}")
    env.close()
    return 0


def _instacart_args(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    s = sub.add_parser("summary", help="row counts, top products and a day x hour heat map")
    s.add_argument("path", nargs="?", help="data directory or zip (default: bundled sample)")
    s.add_argument("--top", type=int, default=10, help="products to list (default 10)")
    s.add_argument("-o", "--output", default="instacart_heatmap.png", help="heat map PNG")


@command("instacart", "inspect Instacart data (the bundled sample or a download)", _instacart_args)
def _instacart(args: argparse.Namespace) -> int:
    from gym_inventory.demand.instacart import summary
    from gym_inventory.errors import GymInventoryError

    try:
        print(summary(args.path, top=args.top, output=args.output))
    except GymInventoryError as exc:
        print(f"gym-inventory instacart: error: {exc}", file=sys.stderr)
        return 1
    return 0


def _compare_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--env", default="Inventory-v0", help="env id (default Inventory-v0)")
    p.add_argument("--episodes", type=int, default=100, help="evaluation episodes (default 100)")
    p.add_argument("--seed", type=int, default=0, help="seed of the first evaluation episode")
    p.add_argument(
        "--tune-episodes",
        type=int,
        default=64,
        help="episodes per candidate when tuning by simulation",
    )
    p.add_argument(
        "--steps", type=int, default=None, help="periods per episode (default: the id's)"
    )
    p.add_argument("--plot", metavar="PNG", help="save the policies' inventory trajectories here")
    p.add_argument("--markdown", metavar="MD", help="also write the table as Markdown here")


@command(
    "compare",
    "tune and evaluate every rule policy (and the exact optimum where it exists) on an env",
    _compare_args,
)
def _compare(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from gym_inventory.comparison import compare, format_table, plot, to_markdown
    from gym_inventory.errors import GymInventoryError

    print(f"{args.env}: tuning and evaluating every policy on {args.episodes} episodes")
    try:
        rows = compare(
            args.env,
            episodes=args.episodes,
            seed=args.seed,
            max_steps=args.steps,
            tune_episodes=args.tune_episodes,
            progress=lambda items: tqdm(items, unit="policy", leave=False),
        )
    except GymInventoryError as exc:
        print(f"gym-inventory compare: error: {exc}", file=sys.stderr)
        return 2
    print(format_table(rows, args.env))
    if args.markdown:
        cmd = (
            f"gym-inventory compare --env {args.env} --episodes {args.episodes} "
            f"--seed {args.seed} --tune-episodes {args.tune_episodes}"
            + (f" --steps {args.steps}" if args.steps else "")
            + f" --markdown {args.markdown}"
        )
        with open(args.markdown, "w", encoding="utf-8") as fh:
            fh.write(to_markdown(rows, args.env, cmd))
        print(f"table written to {args.markdown}")
    if args.plot:
        plot(rows, args.env, args.plot)
        print(f"plot written to {args.plot}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``gym-inventory`` command."""
    parser = argparse.ArgumentParser(
        prog="gym-inventory", description="Inventory-control environments for RL."
    )
    from gym_inventory import __version__

    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (help_, configure, _) in COMMANDS.items():
        configure(sub.add_parser(name, help=help_, description=help_))
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    return COMMANDS[args.command][2](args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
