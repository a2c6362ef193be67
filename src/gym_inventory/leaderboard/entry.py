"""A leaderboard entry: one JSON file per (env, policy), its fields, and their checks.

An entry records what was run (``env_id``, ``env_kwargs``, ``policy``, ``kind``,
``information``), how to rebuild the policy (``artifact``), how it was scored (``eval``) and
how to regenerate it (``command``). Entries live in ``baselines/results/leaderboard/``
(:data:`DEFAULT_DIR`), artifacts in ``artifacts/<entry name>/`` beside them; every path in an
entry is relative to the directory of its JSON file.

The fields (``docs/leaderboard_format.md`` shows a complete example):

``schema``
    Format version of the file (:data:`SCHEMA_VERSION`).
``env_id``, ``env_kwargs``
    What the policy was scored on: a registered Gymnasium id, or a multi-agent env name
    such as ``"multi_product_v0"`` (see :func:`gym_inventory.leaderboard.register_evaluator`).
``env_fingerprint``
    SHA-256 of a fixed 200-step trajectory of the env (:func:`env_fingerprint`): a change
    of dynamics without an id bump is flagged.
``policy``, ``kind``, ``information``
    A display name (``"PPO"``, ``"capped base stock"``, ``"optimal"``); one of
    :data:`KINDS`; one of :data:`INFORMATION` (``"observation"``: only what the agent
    observes; ``"model"``: tuned with the demand distribution and costs; ``"oracle"``: the
    full model, e.g. the exact solver).
``library``
    ``{"name": ..., "version": ...}`` of what trained it (``gym-inventory`` for rules).
``package_version``, ``commit``, ``hardware``, ``created``
    The gym-inventory version and git commit that produced it, the machine, the date.
``seeds``, ``train_steps``, ``train_seconds``
    Training seeds (>= 5 for learned entries; ``[0]`` for rules), environment steps per
    seed, wall-clock seconds per seed (mean); ``None`` where nothing was trained.
``eval``
    ``episodes``, ``seed`` (episode ``i`` is seeded ``seed + i``), ``max_steps`` (periods
    per episode), ``warmup`` (periods not counted), ``deterministic``, ``mean_reward``
    (mean over training seeds of each seed's mean reward per period), ``ci95`` (95 %
    half-width: over the training seeds' means when there are >= 2, else over episodes),
    ``per_seed`` (``seed``, ``mean_reward``, ``ci95`` over episodes).
``average_cost`` / ``profit``
    Per period, ``-mean_reward`` for the cost variants, ``mean_reward`` for profit envs.
``optimal_cost``, ``gap_pct``
    The exact optimal average cost and ``100 * (average_cost - optimal_cost) /
    optimal_cost``, where an optimum is known; else ``None``.
``command``
    The exact shell command that regenerates the entry.
``artifact``
    ``{"format": ..., "params": {...}, "files": {"<seed>": [paths]}}``: how
    :func:`gym_inventory.leaderboard.load_policy` rebuilds the policy of each seed.
``learning_curve``
    Optional path of a CSV (``seed, step, mean_reward``) written during training.
``notes``
    Free text: what a reader must know (e.g. "misses the 3 % target: ...").
"""

from __future__ import annotations

import json
import math
from dataclasses import MISSING, asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from gym_inventory.errors import DataError

__all__ = [
    "DEFAULT_DIR",
    "INFORMATION",
    "KINDS",
    "SCHEMA_VERSION",
    "Entry",
    "find_entries",
    "load_entry",
    "save_entry",
]

#: Version of the entry file format.
SCHEMA_VERSION = 1
#: Where the committed entries live, relative to the repository root.
DEFAULT_DIR = Path("baselines/results/leaderboard")
#: Allowed values of ``kind``.
KINDS = ("learned", "rule", "optimal")
#: Allowed values of ``information``.
INFORMATION = ("observation", "model", "oracle")
_EVAL_KEYS = ("episodes", "seed", "max_steps", "warmup", "mean_reward", "ci95", "per_seed")


@dataclass
class Entry:
    """One leaderboard entry (the fields of its JSON file; see the module docstring)."""

    env_id: str
    env_kwargs: dict[str, Any]
    policy: str
    kind: str
    information: str
    library: dict[str, str]
    package_version: str
    commit: str
    seeds: list[int]
    train_steps: int | None
    train_seconds: float | None
    hardware: str
    eval: dict[str, Any]
    command: str
    artifact: dict[str, Any]
    average_cost: float | None = None
    profit: float | None = None
    optimal_cost: float | None = None
    gap_pct: float | None = None
    env_fingerprint: str | None = None
    learning_curve: str | None = None
    notes: str = ""
    created: str = ""
    schema: int = SCHEMA_VERSION
    #: File the entry was read from (not stored).
    path: Path | None = field(default=None, repr=False, compare=False)

    @property
    def name(self) -> str:
        """The entry's name: its file name without ``.json``."""
        return self.path.stem if self.path is not None else ""

    @property
    def root(self) -> Path:
        """Directory that the entry's relative paths start from."""
        return self.path.parent if self.path is not None else Path(".")

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of the entry (without ``path``)."""
        d = asdict(self)
        d.pop("path")
        return d

    def check(self) -> None:
        """Raise :class:`DataError` naming the first field that is missing or invalid."""
        where = str(self.path) if self.path is not None else "entry"

        def bad(name: str, expected: str, value: Any) -> DataError:
            return DataError(f"{where}: field {name!r} must be {expected}, got {value!r}")

        if self.schema != SCHEMA_VERSION:
            raise bad("schema", f"{SCHEMA_VERSION}", self.schema)
        for name in ("env_id", "policy", "package_version", "command"):
            if not isinstance(getattr(self, name), str) or not getattr(self, name):
                raise bad(name, "a non-empty string", getattr(self, name))
        if not isinstance(self.env_kwargs, dict):
            raise bad("env_kwargs", "an object", self.env_kwargs)
        if self.kind not in KINDS:
            raise bad("kind", f"one of {KINDS}", self.kind)
        if self.information not in INFORMATION:
            raise bad("information", f"one of {INFORMATION}", self.information)
        if not self.seeds or not all(isinstance(s, int) for s in self.seeds):
            raise bad("seeds", "a non-empty list of ints", self.seeds)
        if self.kind == "learned" and len(self.seeds) < 5:
            raise bad("seeds", "at least 5 training seeds for a learned entry", self.seeds)
        if not isinstance(self.eval, dict) or any(k not in self.eval for k in _EVAL_KEYS):
            raise bad("eval", f"an object with keys {_EVAL_KEYS}", self.eval)
        if not isinstance(self.eval["mean_reward"], (int, float)) or not math.isfinite(
            self.eval["mean_reward"]
        ):
            raise bad("eval.mean_reward", "a finite number", self.eval["mean_reward"])
        per_seed = self.eval["per_seed"]
        if not isinstance(per_seed, list) or [p.get("seed") for p in per_seed] != self.seeds:
            raise bad("eval.per_seed", "one {seed, mean_reward, ci95} per training seed", per_seed)
        art = self.artifact
        if not isinstance(art, dict) or not isinstance(art.get("format"), str):
            raise bad("artifact", 'an object with a string "format"', art)
        files = art.get("files", {})
        if not isinstance(files, dict):
            raise bad("artifact.files", "an object {seed: [paths]}", files)
        for seed, paths in files.items():
            for rel in paths:
                if not (self.root / rel).is_file():
                    raise DataError(f"{where}: artifact file {rel!r} (seed {seed}) not found")


def load_entry(path: str | Path) -> Entry:
    """Read and check one entry file.

    Raises
    ------
    DataError
        If the file is missing, is not JSON, has unknown or missing fields, or a field is
        invalid (the message names the file and the field).
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"leaderboard entry {str(path)!r} not found")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DataError(f"{path}: not valid JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise DataError(f"{path}: expected a JSON object, got {type(data).__name__}")
    known = {f.name for f in fields(Entry)} - {"path"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise DataError(f"{path}: unknown field(s) {unknown}; known fields: {sorted(known)}")
    required = {
        f.name for f in fields(Entry) if f.default is MISSING and f.default_factory is MISSING
    }
    missing = sorted(required - set(data))
    if missing:
        raise DataError(f"{path}: missing field(s) {missing}")
    entry = Entry(**data, path=path)
    entry.check()
    return entry


def save_entry(entry: Entry, path: str | Path) -> Path:
    """Check ``entry`` and write it to ``path`` (indented JSON, keys in field order)."""
    path = Path(path)
    entry.path = path
    entry.check()
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(entry.to_dict(), indent=2, default=_plain)
    path.write_text(text + "\n", encoding="utf-8")
    return path


def _plain(value: Any) -> Any:
    # NumPy scalars and arrays (e.g. tuned rule parameters) as plain JSON values.
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def find_entries(directory: str | Path = DEFAULT_DIR, env_id: str | None = None) -> list[Entry]:
    """Every entry in ``directory`` (sorted by file name), optionally of one env only.

    Raises
    ------
    DataError
        If the directory does not exist or an entry in it is invalid.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise DataError(f"leaderboard directory {str(directory)!r} not found")
    entries = [load_entry(p) for p in sorted(directory.glob("*.json"))]
    return [e for e in entries if env_id is None or e.env_id == env_id]
