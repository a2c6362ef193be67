"""Leaderboard tables (Markdown, CSV) and learning-curve figures from the entries.

One table per env (per env id and distinct ``env_kwargs``; the ``action_mode`` of
``Inventory-v0`` does not split a table, it only changes how a policy acts, and is shown
beside the policy), ranked by score: lowest average cost per period on the cost variants,
highest profit per period on ``Inventory-v0``. The docs build calls
:func:`render_markdown` with the entries' directory (no network, no assumption about the
working directory).
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from gym_inventory.leaderboard.entry import Entry, find_entries

__all__ = [
    "COLUMNS",
    "figure_name",
    "group_entries",
    "plot_learning_curves",
    "ranks",
    "render_csv",
    "render_markdown",
    "score",
]

#: Columns of every table (the CSV has these plus ``env_id`` and ``env_kwargs`` first).
COLUMNS = (
    "rank",
    "policy",
    "kind",
    "information",
    "score ± 95% CI",
    "gap to optimum",
    "seeds",
    "train steps",
    "train wall time",
    "hardware",
    "version",
    "command",
)
#: Env arguments that change the interface of a policy, not the problem it solves.
_INTERFACE_KWARGS = ("action_mode",)
#: Order of kinds among equal scores.
_KIND_ORDER = ("optimal", "rule", "learned")


def _as_entries(entries: Iterable[Entry] | str | Path) -> list[Entry]:
    if isinstance(entries, (str, Path)):
        return find_entries(entries)
    return list(entries)


def _problem(entry: Entry) -> dict[str, Any]:
    return {k: v for k, v in entry.env_kwargs.items() if k not in _INTERFACE_KWARGS}


def _kwargs_text(kwargs: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in sorted(kwargs.items()))


def _is_cost(entry: Entry) -> bool:
    return entry.average_cost is not None


def score(entry: Entry) -> float:
    """The ranking score: average cost (cost variants) or profit per period."""
    return float(entry.average_cost if _is_cost(entry) else entry.eval["mean_reward"])


def group_entries(entries: Iterable[Entry]) -> list[tuple[str, list[Entry]]]:
    """``(title, entries ranked best first)`` per env id and distinct env arguments."""
    groups: dict[tuple[str, str], list[Entry]] = {}
    for e in entries:
        groups.setdefault((e.env_id, _kwargs_text(_problem(e))), []).append(e)
    out = []
    for (env_id, kw), members in sorted(groups.items()):
        members.sort(key=lambda e: (_loss(e), _KIND_ORDER.index(e.kind), e.name))
        out.append((f"{env_id} ({kw})" if kw else env_id, members))
    return out


def _spec(e: Entry) -> tuple[Any, ...]:
    return tuple(e.eval[k] for k in ("episodes", "seed", "max_steps", "warmup"))


def _loss(e: Entry) -> float:
    return score(e) if _is_cost(e) else -score(e)


def ranks(members: list[Entry]) -> list[int]:
    """Competition ranks of ranked ``members``: equal scores share a rank (1, 1, 3, ...)."""
    return [1 + sum(_loss(o) < _loss(e) for o in members) for e in members]


def _num(x: float | None, fmt: str) -> str:
    return "-" if x is None or (isinstance(x, float) and math.isnan(x)) else format(x, fmt)


def _row(rank: int, e: Entry, installed: str) -> list[str]:
    ci = e.eval["ci95"]
    mode = e.env_kwargs.get("action_mode")
    policy = e.policy + (f" (action_mode={mode})" if mode is not None else "")
    version = e.package_version + ("" if e.package_version == installed else " †")
    if e.library.get("name") not in (None, "gym-inventory"):
        version += f", {e.library['name']} {e.library.get('version', '?')}"
    return [
        str(rank),
        policy,
        e.kind,
        e.information,
        f"{score(e):.3f} ± {_num(ci, '.3f')}",
        _gap(e),
        str(len(e.seeds)),
        _num(e.train_steps, ","),
        "-" if e.train_seconds is None else f"{e.train_seconds:.0f} s",
        e.hardware,
        version,
        e.command,
    ]


def _gap(e: Entry) -> str:
    # The gap's 95 % interval: the score's, relative to the optimum.
    if e.gap_pct is None or not e.optimal_cost:
        return "-"
    half = 100.0 * e.eval["ci95"] / e.optimal_cost
    return f"{e.gap_pct:+.2f} ± {_num(half, '.2f')} %"


def _installed() -> str:
    import gym_inventory

    return gym_inventory.__version__


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render_markdown(
    entries: Iterable[Entry] | str | Path,
    *,
    title: str = "Leaderboard",
    figures_dir: str | None = None,
) -> str:
    """The leaderboard as Markdown: one ranked table per env.

    Parameters
    ----------
    entries : entries, or a directory of entry files
        What to render (a directory is read with
        :func:`~gym_inventory.leaderboard.find_entries`).
    title : str
        The page's ``#`` heading.
    figures_dir : str, optional
        Where :func:`plot_learning_curves` wrote its figures, relative to the page: each
        table with learned entries shows its figure (``figures_dir/<figure_name(title)>``).

    Examples
    --------
    The docs build (``docs/`` beside ``baselines/``)::

        entries = root / "baselines" / "results" / "leaderboard"
        plot_learning_curves(entries, root / "docs" / "_static" / "leaderboard")
        text = render_markdown(entries, figures_dir="_static/leaderboard")
    """
    entries = _as_entries(entries)
    installed = _installed()
    out = [f"# {title}", ""]
    out += [
        "Every row is a JSON entry under `baselines/results/leaderboard/`, scored on the "
        "same held-out episodes as the other rows of its table; `gym-inventory leaderboard "
        "verify NAME` re-checks it and its command regenerates it. *kind*: learned, rule or "
        "the exact optimum; *information*: what the policy may use (`observation`: only what "
        "it observes, `model`: tuned with the demand distribution and costs, `oracle`: the "
        "full model). The CI is over training seeds (over episodes for a single seed); the "
        "gap to the optimum carries the same interval, so a gap inside it is no gap. "
        "† entry made with another gym-inventory version than this one.",
        "",
    ]
    if not entries:
        out.append("No entries yet.")
    for name, members in group_entries(entries):
        specs = [_spec(e) for e in members]
        common = max(specs, key=specs.count)  # ties: the best-ranked entry's
        e0 = members[specs.index(common)]
        ev = e0.eval
        what = "average cost per period" if _is_cost(e0) else "profit per period"
        length = ev["max_steps"] or "registered number of"
        out += [
            f"## {name}",
            "",
            f"Score: {what} ({'lower' if _is_cost(e0) else 'higher'} is better), "
            f"{ev['episodes']} episodes from seed {ev['seed']}, {length} periods, "
            f"the first {ev['warmup']} not counted."
            + ("" if len(set(specs)) == 1 else " ‡ scored on other episodes: not comparable."),
            "",
            "| " + " | ".join(COLUMNS) + " |",
            "|" + "|".join("---" for _ in COLUMNS) + "|",
        ]
        for rank, e, spec in zip(ranks(members), members, specs, strict=True):
            cells = _row(rank, e, installed)
            cells[1] += "" if spec == common else " ‡"
            cells[-1] = f"`{cells[-1]}`"
            out.append("| " + " | ".join(_cell(c) for c in cells) + " |")
        out.append("")
        if figures_dir is not None and _curves(members):
            out += [f"![Learning curves on {name}]({figures_dir}/{figure_name(name)})", ""]
    return "\n".join(out)


def render_csv(entries: Iterable[Entry] | str | Path) -> str:
    """The leaderboard as CSV: one row per entry, ``env_id``, ``env_kwargs`` and the columns
    of the tables (score and CI in two columns), ranked within each env."""
    entries = _as_entries(entries)
    installed = _installed()
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    head = ["env_id", "env_kwargs", *COLUMNS]
    i = head.index("score ± 95% CI")
    head[i : i + 1] = ["score", "ci95"]
    w.writerow([*head, "entry"])
    for _, members in group_entries(entries):
        for rank, e in zip(ranks(members), members, strict=True):
            cells = _row(rank, e, installed)
            cells[4:5] = [repr(score(e)), repr(e.eval["ci95"])]
            kwargs = json.dumps(e.env_kwargs, sort_keys=True)
            w.writerow([e.env_id, kwargs, *cells, e.name])
    return buf.getvalue()


def _read_curve(path: Path) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    from gym_inventory.errors import DataError

    try:
        with open(path, encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        data = [(int(r["seed"]), float(r["step"]), float(r["mean_reward"])) for r in rows]
    except (OSError, KeyError, ValueError, TypeError) as exc:
        raise DataError(
            f"learning curve {str(path)!r} must be a CSV with columns seed,step,mean_reward "
            f"({exc!r})"
        ) from exc
    out: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    for seed in sorted({s for s, _, _ in data}):
        pts = sorted((st, r) for s, st, r in data if s == seed)
        out[seed] = (np.array([p[0] for p in pts]), np.array([p[1] for p in pts]))
    return out


def figure_name(title: str) -> str:
    """File name of the learning-curve figure of the table ``title``."""
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in title) + ".png"


def _curves(members: list[Entry]) -> list[Entry]:
    return [e for e in members if e.kind == "learned" and e.learning_curve]


def plot_learning_curves(entries: Iterable[Entry] | str | Path, out_dir: str | Path) -> list[Path]:
    """One PNG per env with the learning curves of all its learned entries.

    Each entry's curve is the mean over its training seeds (each seed's curve
    interpolated on the steps of all seeds) with a band of 95 % t-intervals over seeds;
    the best rule and the optimum of the same table are drawn as horizontal lines for
    reference. Envs without a learned entry with a ``learning_curve`` get no figure.
    Returns the written paths (``<out_dir>/<figure_name(table title)>``).
    """
    from gym_inventory.errors import require
    from gym_inventory.evaluation import ci95_half_width

    require("matplotlib", "plot", "plotting learning curves")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, members in group_entries(_as_entries(entries)):
        learned = _curves(members)
        if not learned:
            continue
        fig, ax = plt.subplots(figsize=(7, 4))
        for e in learned:
            curves = _read_curve(e.root / e.learning_curve)
            grid = np.unique(np.concatenate([st for st, _ in curves.values()]))
            ys = np.array([np.interp(grid, st, r) for st, r in curves.values()])
            mean = ys.mean(axis=0)
            (line,) = ax.plot(grid, mean, label=f"{e.policy} ({len(ys)} seeds)")
            if len(ys) > 1:
                half = np.array([ci95_half_width(seeds) for seeds in ys.T])
                ax.fill_between(grid, mean - half, mean + half, color=line.get_color(), alpha=0.2)
        refs = [e for e in members if e.kind == "optimal"]
        rules = [e for e in members if e.kind == "rule"]
        refs += rules[:1]  # members are ranked: the first rule is the best one
        for e in refs:
            grey = "k" if e.kind == "optimal" else "0.5"
            label = e.policy if e.kind == "optimal" else f"best rule: {e.policy}"
            ax.axhline(e.eval["mean_reward"], ls="--", lw=1, color=grey, label=label)
        ax.set_xlabel("training steps")
        ax.set_ylabel("mean reward per period")
        ax.set_title(f"Learning curves on {name}")
        ax.legend(fontsize=8)
        fig.tight_layout()
        path = out_dir / figure_name(name)
        fig.savefig(path, dpi=110)
        plt.close(fig)
        written.append(path)
    return written
