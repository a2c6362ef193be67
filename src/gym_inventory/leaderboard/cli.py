"""``gym-inventory leaderboard list|show|render|verify|reproduce``.

ENTRY is an entry's name (``InventoryLostSales-v0__base-stock``, looked up in ``--dir``)
or the path of its JSON file. Exit status: 0 when everything passed, 1 when an entry
failed (its score is outside the recorded interval, or it could not be read or run),
:data:`FLAGGED` (3) when an entry was made with another package version, on an env id that
is not registered or has a newer version, or on an env whose fingerprint changed (not
compared unless ``--allow-version-mismatch``), 2 for a bad argument (as every command).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from gym_inventory.errors import DataError, GymInventoryError
from gym_inventory.leaderboard.entry import DEFAULT_DIR, Entry, find_entries, load_entry

__all__ = ["FLAGGED", "configure", "run"]

#: Exit status of an entry flagged for a version or fingerprint mismatch.
FLAGGED = 3
#: Seconds ``verify`` should take per entry at most on 2 cores (a warning beyond).
VERIFY_BUDGET = 60.0


def configure(p: argparse.ArgumentParser) -> None:
    """Add the ``leaderboard`` actions and their options to ``p``."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--dir", default=str(DEFAULT_DIR), help=f"entries directory (default {DEFAULT_DIR})"
    )
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    s = sub.add_parser("list", parents=[common], help="one line per entry")
    s.add_argument("--env", help="only entries of this env id")
    s = sub.add_parser("show", parents=[common], help="an entry's fields")
    s.add_argument("entry", metavar="ENTRY", help="entry name or path")
    s = sub.add_parser("render", parents=[common], help="the ranked tables (docs page)")
    fmt = s.add_mutually_exclusive_group()
    fmt.add_argument("--markdown", action="store_true", help="Markdown (default)")
    fmt.add_argument("--csv", action="store_true", help="CSV")
    s.add_argument("--env", help="only entries of this env id")
    s.add_argument("-o", "--output", help="write here instead of printing")
    for name, help_ in (
        ("verify", "re-score the saved policies on the entry's evaluation episodes"),
        ("reproduce", "retrain with the entry's command and seeds, then compare (long)"),
    ):
        s = sub.add_parser(name, parents=[common], help=help_, description=help_)
        s.add_argument("entries", metavar="ENTRY", nargs="*", help="entry names or paths")
        s.add_argument("--all", action="store_true", help="every entry in --dir")
        s.add_argument("--env", help="with --all: only entries of this env id")
        s.add_argument(
            "--allow-version-mismatch",
            action="store_true",
            help="compare flagged entries anyway (report the flags, do not fail on them)",
        )


def _resolve(name: str, directory: str) -> Path:
    p = Path(name)
    if p.suffix == ".json" or p.is_file():
        return p
    return Path(directory) / f"{name}.json"


def _selected(args: argparse.Namespace, usage: type[Exception]) -> list[Entry]:
    if args.all and args.entries:
        raise usage("give ENTRY names or --all, not both")
    if not args.all and not args.entries:
        raise usage("give at least one ENTRY, or --all")
    if args.env and not args.all:
        raise usage("--env filters --all; drop it or use --all")
    if args.all:
        return find_entries(args.dir, env_id=args.env)
    return [load_entry(_resolve(n, args.dir)) for n in args.entries]


def _list(args: argparse.Namespace) -> int:
    from gym_inventory.leaderboard.render import score

    entries = find_entries(args.dir, env_id=args.env)
    width = max((len(e.name) for e in entries), default=4)
    print(f"{'name':{width}s}  {'kind':8s} {'information':12s} {'score ± 95% CI':>20s}  gap")
    for e in entries:
        what = "cost" if e.average_cost is not None else "profit"
        ci = e.eval["ci95"]
        gap = "-" if e.gap_pct is None else f"{e.gap_pct:+.2f} %"
        sc = f"{what} {score(e):.3f} ± {ci:.3f}"
        print(f"{e.name:{width}s}  {e.kind:8s} {e.information:12s} {sc:>20s}  {gap}")
    print(f"{len(entries)} entries in {args.dir}")
    return 0


def _show(args: argparse.Namespace) -> int:
    e = load_entry(_resolve(args.entry, args.dir))
    print(f"# {e.path}")
    print(json.dumps(e.to_dict(), indent=2))
    return 0


def _render(args: argparse.Namespace) -> int:
    from gym_inventory.leaderboard.render import render_csv, render_markdown

    entries = find_entries(args.dir, env_id=args.env)
    text = render_csv(entries) if args.csv else render_markdown(entries)
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise DataError(f"cannot write -o file {args.output!r}: {exc}") from exc
        print(f"written to {args.output}")
    else:
        sys.stdout.write(text)
    return 0


def _check(args: argparse.Namespace, usage: type[Exception]) -> int:
    from gym_inventory.leaderboard.verify import reproduce_entry, verify_entry, version_flags

    entries = _selected(args, usage)
    action = args.action
    statuses = []
    for e in entries:
        print(f"{action} {e.name} ({e.env_id}, {e.policy}):", flush=True)
        t0 = time.perf_counter()
        try:
            flags = version_flags(e)
            for f in flags:
                print(f"  FLAGGED: {f}")
            if flags and not args.allow_version_mismatch:
                print("  not compared (pass --allow-version-mismatch to compare anyway)")
                statuses.append(FLAGGED)
                continue
            c = verify_entry(e) if action == "verify" else reproduce_entry(e)
        except GymInventoryError as exc:
            print(f"  FAIL: {exc}")
            statuses.append(1)
            continue
        for seed, old, new in c.per_seed:
            print(f"  seed {seed}: recorded {old:.6f}, now {new:.6f} (difference {new - old:+.2e})")
        rule = (
            f"within recorded ± {c.recorded_ci:.6f}"
            if action == "verify"
            else f"intervals overlap: |difference| <= {c.recorded_ci:.6f} + {c.measured_ci:.6f}"
        )
        verdict, seconds = "PASS" if c.passed else "FAIL", time.perf_counter() - t0
        print(
            f"  {verdict}: mean reward recorded {c.recorded:.6f} ± {c.recorded_ci:.6f}, "
            f"now {c.measured:.6f} ± {c.measured_ci:.6f} "
            f"({'' if c.passed else 'not '}{rule}) [{seconds:.1f} s]",
            flush=True,
        )
        if action == "verify" and seconds > VERIFY_BUDGET:
            print(f"  SLOW: over the {VERIFY_BUDGET:.0f} s budget of verify per entry")
        statuses.append(0 if c.passed else 1)
    if len(entries) > 1:
        n_fail, n_flag = statuses.count(1), statuses.count(FLAGGED)
        print(
            f"{len(entries)} entries: {statuses.count(0)} passed, {n_fail} failed, {n_flag} flagged"
        )
    return 1 if 1 in statuses else FLAGGED if FLAGGED in statuses else 0


def run(args: argparse.Namespace, usage: type[Exception]) -> int:
    """Run ``args.action``; ``usage`` is the exception class of a bad argument (status 2)."""
    actions = {"list": _list, "show": _show, "render": _render}
    try:
        if args.action in ("verify", "reproduce"):
            return _check(args, usage)
        return actions[args.action](args)
    except GymInventoryError as exc:
        print(f"gym-inventory leaderboard {args.action}: error: {exc}", file=sys.stderr)
        return 1
