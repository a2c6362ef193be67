"""The ``gym-inventory`` command.

Sub-commands register themselves in :data:`COMMANDS` through :func:`command`; each gets
an :class:`argparse.ArgumentParser` to fill and returns an exit code.

Every user error is one line on stderr, ``gym-inventory COMMAND: error: ...``, never a
traceback. Arguments are checked before any work (values in range, env id registered,
output paths writable with a known extension, matplotlib importable when a figure is
asked for): those errors exit with status 2, as argparse's own do. An error found while
working (unreadable data, a write that fails at the end) exits with status 1, after
printing whatever result was already computed.
"""

from __future__ import annotations

import argparse
import os
import sys
import zipfile
from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import NoReturn

__all__ = ["main"]


class UsageError(Exception):
    """A bad argument found by a command's own checks (exit status 2)."""


class _Parser(argparse.ArgumentParser):
    """An :class:`argparse.ArgumentParser` whose errors are one line on stderr (status 2)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


def _int_at_least(low: int) -> Callable[[str], int]:
    """An argparse ``type`` accepting ints ``>= low``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or value < low:
            raise argparse.ArgumentTypeError(f"must be an int >= {low}, got {text!r}")
        return value

    parse.__name__ = f"int >= {low}"
    return parse


_positive_int, _non_negative_int = _int_at_least(1), _int_at_least(0)


def _env_id(text: str) -> str:
    """An argparse ``type`` accepting registered env ids (the message lists ours)."""
    import gymnasium as gym

    from gym_inventory.registration import ENV_IDS

    if text not in gym.registry:
        raise argparse.ArgumentTypeError(
            f"unknown env id {text!r}; the gym-inventory ids are {', '.join(ENV_IDS)}"
        )
    return text


def _figure_formats(what: str) -> Collection[str]:
    """The file extensions matplotlib saves, or :class:`UsageError` without matplotlib."""
    from gym_inventory.errors import MissingDependencyError, require

    try:
        require("matplotlib", "plot", what)
    except MissingDependencyError as exc:
        raise UsageError(str(exc)) from None
    from matplotlib.backend_bases import FigureCanvasBase

    return FigureCanvasBase.get_supported_filetypes()


def _check_output(path: str, what: str, extensions: Collection[str]) -> None:
    """Raise :class:`UsageError` unless ``path`` has a known extension and is writable.

    Writability is tried for real (opening for append, which leaves an existing file as
    it is; a file created by the check is removed again).
    """
    p = Path(path)
    ext = p.suffix.lower().lstrip(".")
    if ext not in extensions:
        known = ", ".join(f".{e}" for e in sorted(extensions))
        raise UsageError(f"{what} {path!r} must end in one of {known}, got {p.suffix or 'none'!r}")
    if p.is_dir():
        raise UsageError(f"{what} {path!r} is a directory; expected a file name")
    existed = p.exists()
    try:
        with open(p, "ab"):
            pass
    except OSError as exc:
        raise UsageError(f"cannot write {what} {path!r}: {exc.strerror or exc}") from None
    if not existed:
        os.remove(p)


def _fail(name: str, message: object) -> int:
    """Print the one-line error of command ``name``; status 1 (an error while working)."""
    print(f"gym-inventory {name}: error: {message}", file=sys.stderr)
    return 1


COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None], Callable[..., int]]] = {}


def command(name: str, help: str, configure: Callable[[argparse.ArgumentParser], None]):
    """Decorator registering ``func(args) -> int`` as sub-command ``name``."""

    def deco(func: Callable[..., int]) -> Callable[..., int]:
        COMMANDS[name] = (help, configure, func)
        return func

    return deco


def _demo_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--episodes", type=_positive_int, default=20, help="episodes per policy (default 20)"
    )
    p.add_argument("--seed", type=_non_negative_int, default=0, help="seed of the first episode")


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
    s.add_argument("--top", type=_positive_int, default=10, help="products to list (default 10)")
    s.add_argument("-o", "--output", default="instacart_heatmap.png", help="heat map PNG")
    s.add_argument("--no-heatmap", action="store_true", help="do not draw the heat map")


@command("instacart", "inspect Instacart data (the bundled sample or a download)", _instacart_args)
def _instacart(args: argparse.Namespace) -> int:
    output = None if args.no_heatmap else args.output
    if output is not None:
        formats = _figure_formats("the heat map (-o; or pass --no-heatmap)")
        _check_output(output, "heat map file", formats)
    from gym_inventory.demand.instacart import summary
    from gym_inventory.errors import GymInventoryError

    where = "the bundled sample" if args.path is None else repr(args.path)
    try:
        text = summary(args.path, top=args.top, output=output)
    except GymInventoryError as exc:  # (the loader names the file: DataError)
        return _fail("instacart", exc)
    except (OSError, zipfile.BadZipFile, UnicodeDecodeError) as exc:
        return _fail("instacart", f"cannot read the Instacart data at {where}: {exc}")
    print(text)
    return 0


def _compare_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--env", type=_env_id, default="Inventory-v0", help="env id (default Inventory-v0)"
    )
    p.add_argument(
        "--episodes", type=_positive_int, default=100, help="evaluation episodes (default 100)"
    )
    p.add_argument(
        "--seed", type=_non_negative_int, default=0, help="seed of the first evaluation episode"
    )
    p.add_argument(
        "--tune-episodes",
        type=_positive_int,
        default=64,
        help="episodes per candidate when tuning by simulation",
    )
    p.add_argument(
        "--steps", type=_positive_int, default=None, help="periods per episode (default: the id's)"
    )
    p.add_argument("--plot", metavar="PNG", help="save the policies' inventory trajectories here")
    p.add_argument("--markdown", metavar="MD", help="also write the table as Markdown here (.md)")


@command(
    "compare",
    "tune and evaluate every rule policy (and the exact optimum where it exists) on an env",
    _compare_args,
)
def _compare(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from gym_inventory.comparison import compare, format_table, plot, to_markdown
    from gym_inventory.errors import GymInventoryError
    from gym_inventory.policies import EnvView

    if args.markdown:
        _check_output(args.markdown, "--markdown file", ("md", "markdown"))
    if args.plot:
        _check_output(args.plot, "--plot file", _figure_formats("--plot"))
    try:
        EnvView.from_env(args.env)  # an id compare cannot handle fails now, not after work
    except GymInventoryError as exc:
        raise UsageError(f"--env {args.env}: {exc}") from None
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
        return _fail("compare", exc)
    print(format_table(rows, args.env))
    if args.markdown:
        cmd = (
            f"gym-inventory compare --env {args.env} --episodes {args.episodes} "
            f"--seed {args.seed} --tune-episodes {args.tune_episodes}"
            + (f" --steps {args.steps}" if args.steps else "")
            + f" --markdown {args.markdown}"
        )
        try:
            with open(args.markdown, "w", encoding="utf-8") as fh:
                fh.write(to_markdown(rows, args.env, cmd))
        except OSError as exc:
            return _fail("compare", f"cannot write --markdown file {args.markdown!r}: {exc}")
        print(f"table written to {args.markdown}")
    if args.plot:
        try:
            plot(rows, args.env, args.plot)
        except (OSError, ValueError) as exc:
            return _fail("compare", f"cannot write --plot file {args.plot!r}: {exc}")
        print(f"plot written to {args.plot}")
    return 0


def _leaderboard_args(p: argparse.ArgumentParser) -> None:
    from gym_inventory.leaderboard.cli import configure

    configure(p)


@command(
    "leaderboard",
    "list, show, render, verify or reproduce leaderboard entries",
    _leaderboard_args,
)
def _leaderboard(args: argparse.Namespace) -> int:
    from gym_inventory.leaderboard.cli import run

    return run(args, UsageError)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``gym-inventory`` command; returns the exit status.

    ``-h`` and ``--version`` return 0; a bad argument prints one line on stderr and
    returns 2 (see the module docstring).
    """
    parser = _Parser(prog="gym-inventory", description="Inventory-control environments for RL.")
    from gym_inventory import __version__

    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (help_, configure, _) in COMMANDS.items():
        configure(sub.add_parser(name, help=help_, description=help_))
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # -h, --version, or an argparse error (already printed)
        return 0 if exc.code is None else exc.code if isinstance(exc.code, int) else 2
    if args.command is None:
        parser.print_help()
        return 2
    try:
        return COMMANDS[args.command][2](args)
    except UsageError as exc:
        print(f"gym-inventory {args.command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
