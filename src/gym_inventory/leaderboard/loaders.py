"""Rebuild the policy of a leaderboard entry from its ``artifact``.

``artifact["format"]`` names a loader; the built-in ones:

``"rule"``
    ``params = {"class": <name in gym_inventory.policies>, "params": {...}}``: the rule is
    rebuilt with those parameters for the entry's env (no files).
``"optimal"``
    The exact optimum, recomputed by :func:`gym_inventory.policies.solve_optimal` (no files).
``"sb3"``
    ``params = {"algo": "PPO"}``; files per seed: the SB3 ``.zip`` (``model.save``) or,
    to keep only the weights that act (no optimizer state, no critic or replay buffer), a
    ``.pth`` written by the policy's own ``save`` (e.g. ``model.actor.save(path)``) with
    ``params["policy_class"]`` naming its class, from SB3 or gym-inventory
    (``"stable_baselines3.sac.policies.Actor"``);
    and optionally the observation-normalisation statistics (``.npz`` from
    :func:`save_obs_normalization`). The policy acts deterministically.
``"mlp"``
    One ``.npz`` per seed written by :func:`save_mlp`: a plain multilayer perceptron run
    with NumPy (``argmax`` over discrete actions, or the output clipped to the action
    bounds). Any trainer can export to it (RLlib, a classifier of approximate policy
    iteration).
``"python"``
    ``params = {"callable": "module:function"}``: ``function(entry, seed, paths)`` returns
    the policy. For methods that need their own loader.

:func:`register_loader` adds a format. A loaded policy maps a batch of observations
``(n, obs_dim)`` to actions, as :func:`gym_inventory.evaluation.evaluate` expects.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from gym_inventory.errors import DataError, require

__all__ = [
    "MLPPolicy",
    "load_policy",
    "register_loader",
    "save_mlp",
    "save_obs_normalization",
]

Loader = Callable[[Any, int, list[Path]], Callable[[np.ndarray], Any]]
_LOADERS: dict[str, Loader] = {}


def register_loader(fmt: str, loader: Loader) -> None:
    """Register ``loader(entry, seed, paths) -> policy`` for ``artifact["format"] == fmt``."""
    _LOADERS[fmt] = loader


def load_policy(entry: Any, seed: int) -> Callable[[np.ndarray], Any]:
    """The policy of training seed ``seed`` of ``entry``, ready for ``evaluate``.

    Raises
    ------
    DataError
        If the format is unknown, the seed has no files, or a file cannot be read.
    """
    art = entry.artifact
    fmt = art["format"]
    if fmt not in _LOADERS:
        raise DataError(
            f"{entry.path}: artifact format {fmt!r} is unknown; known: {sorted(_LOADERS)}"
        )
    files = art.get("files", {})
    paths = [entry.root / rel for rel in files.get(str(seed), [])]
    if files and not paths:
        raise DataError(f"{entry.path}: artifact has no files for seed {seed}")
    return _LOADERS[fmt](entry, seed, paths)


def _rule(entry: Any, seed: int, paths: list[Path]) -> Callable[[np.ndarray], Any]:
    from gym_inventory import policies

    name = entry.artifact.get("params", {}).get("class")
    cls = getattr(policies, str(name), None)
    if not (isinstance(cls, type) and issubclass(cls, policies.Policy)):
        raise DataError(f"{entry.path}: artifact.params.class {name!r} is not a policy class")
    params = entry.artifact["params"].get("params", {})
    return cls(**params, env_id=entry.env_id, **entry.env_kwargs)


def _optimal(entry: Any, seed: int, paths: list[Path]) -> Callable[[np.ndarray], Any]:
    from gym_inventory.policies import solve_optimal

    return solve_optimal(entry.env_id, **entry.env_kwargs).policy


def save_obs_normalization(path: str | Path, vec_normalize: Any) -> Path:
    """Write the observation statistics of an SB3 ``VecNormalize`` to ``path`` (``.npz``)."""
    path = Path(path)
    rms = vec_normalize.obs_rms
    np.savez(
        path,
        mean=rms.mean,
        var=rms.var,
        clip=np.float64(vec_normalize.clip_obs),
        epsilon=np.float64(vec_normalize.epsilon),
    )
    return path


def _read_npz(path: Path) -> dict[str, np.ndarray]:
    try:
        with np.load(path, allow_pickle=False) as data:
            return {k: data[k] for k in data.files}
    except (OSError, ValueError) as exc:
        raise DataError(f"artifact file {str(path)!r} is not a readable .npz ({exc})") from exc


def _sb3(entry: Any, seed: int, paths: list[Path]) -> Callable[[np.ndarray], Any]:
    sb3 = require("stable_baselines3", "baselines", "loading an SB3 leaderboard entry")
    algo = entry.artifact.get("params", {}).get("algo", "")
    cls = getattr(sb3, str(algo), None)
    if cls is None:
        raise DataError(f"{entry.path}: artifact.params.algo {algo!r} is not an SB3 algorithm")
    models = [p for p in paths if p.suffix in (".zip", ".pth")]
    stats = [p for p in paths if p.suffix == ".npz"]
    if len(models) != 1:
        raise DataError(f"{entry.path}: seed {seed} needs exactly one .zip or .pth, got {models}")
    if models[0].suffix == ".zip":
        model = cls.load(models[0], device="cpu")
    else:
        model = _sb3_policy_class(entry).load(str(models[0]), device="cpu")
    norm = _read_npz(stats[0]) if stats else None

    def policy(obs: np.ndarray) -> np.ndarray:
        x = np.asarray(obs, dtype=np.float32)
        if norm is not None:
            x = (x - norm["mean"]) / np.sqrt(norm["var"] + norm["epsilon"])
            x = np.clip(x, -norm["clip"], norm["clip"]).astype(np.float32)
        action, _ = model.predict(x, deterministic=True)
        return action

    return policy


def _sb3_policy_class(entry: Any) -> Any:
    from stable_baselines3.common.policies import BasePolicy

    name = str(entry.artifact.get("params", {}).get("policy_class", ""))
    module, _, attr = name.rpartition(".")
    try:
        cls = getattr(importlib.import_module(module), attr) if module else None
    except ImportError:
        cls = None
    trusted = module.split(".")[0] in ("stable_baselines3", "gym_inventory")
    if not (trusted and isinstance(cls, type) and issubclass(cls, BasePolicy)):
        raise DataError(
            f"{entry.path}: a .pth artifact needs artifact.params.policy_class, an SB3 "
            f"policy class of stable_baselines3 or gym_inventory, got {name!r}"
        )
    return cls


_MLP_KEYS = {"activation", "output", "obs_mean", "obs_std", "action_low", "action_high"}


def _is_mlp_key(name: str) -> bool:
    # The arrays of the MLP itself: its fixed keys and the layers W0, b0, W1, b1, ...
    return name in _MLP_KEYS or re.fullmatch(r"[Wb]\d+", name) is not None


def save_mlp(
    path: str | Path,
    weights: Sequence[np.ndarray],
    biases: Sequence[np.ndarray],
    *,
    activation: str = "tanh",
    output: str = "argmax",
    obs_mean: np.ndarray | None = None,
    obs_std: np.ndarray | None = None,
    action_low: np.ndarray | None = None,
    action_high: np.ndarray | None = None,
    extra: Mapping[str, Any] | None = None,
) -> Path:
    """Write a multilayer perceptron to ``path`` (``.npz``) for the ``"mlp"`` format.

    Parameters
    ----------
    weights, biases : sequences of arrays
        Layer ``k`` computes ``x @ weights[k] + biases[k]`` (``weights[k]`` of shape
        ``(in, out)``), followed by ``activation`` except after the last layer.
    activation : {"tanh", "relu"}
        Hidden-layer activation.
    output : {"argmax", "clip"}
        ``"argmax"``: the action is the index of the largest output (discrete spaces);
        ``"clip"``: the output clipped to ``[action_low, action_high]`` (boxes).
    obs_mean, obs_std : arrays, optional
        Observations are standardised as ``(obs - obs_mean) / obs_std`` first.
    extra : mapping, optional
        More named arrays stored in the same file for a loader of its own (e.g. APV's
        ``max_position``); :class:`MLPPolicy` keeps them in ``extra``.
    """
    if activation not in ("tanh", "relu"):
        raise ValueError(f"activation must be 'tanh' or 'relu', got {activation!r}")
    if output not in ("argmax", "clip"):
        raise ValueError(f"output must be 'argmax' or 'clip', got {output!r}")
    if len(weights) != len(biases) or not weights:
        raise ValueError("weights and biases must be non-empty and of the same length")
    arrays: dict[str, Any] = {"activation": np.array(activation), "output": np.array(output)}
    for k, (w, b) in enumerate(zip(weights, biases, strict=True)):
        arrays[f"W{k}"] = np.asarray(w, dtype=np.float64)
        arrays[f"b{k}"] = np.asarray(b, dtype=np.float64)
    for name, value in (
        ("obs_mean", obs_mean),
        ("obs_std", obs_std),
        ("action_low", action_low),
        ("action_high", action_high),
    ):
        if value is not None:
            arrays[name] = np.asarray(value, dtype=np.float64)
    for name, value in (extra or {}).items():
        if _is_mlp_key(name):
            raise ValueError(f"extra array name {name!r} is one the MLP itself uses")
        arrays[name] = np.asarray(value)
    path = Path(path)
    np.savez(path, **arrays)
    return path


class MLPPolicy:
    """A policy read from an ``"mlp"`` artifact (see :func:`save_mlp`)."""

    def __init__(self, path: str | Path) -> None:
        data = _read_npz(Path(path))
        n = sum(1 for k in data if k.startswith("W"))
        try:
            self.weights = [data[f"W{k}"] for k in range(n)]
            self.biases = [data[f"b{k}"] for k in range(n)]
            self.activation = str(data["activation"])
            self.output = str(data["output"])
        except KeyError as exc:
            raise DataError(f"artifact file {str(path)!r} misses array {exc}") from exc
        self.obs_mean = data.get("obs_mean")
        self.obs_std = data.get("obs_std")
        self.action_low = data.get("action_low")
        self.action_high = data.get("action_high")
        #: Arrays of the file that are not the MLP's own (``save_mlp(extra=...)``).
        self.extra = {k: v for k, v in data.items() if not _is_mlp_key(k)}

    def logits(self, obs: np.ndarray) -> np.ndarray:
        """The network's outputs for a batch of observations."""
        x = np.asarray(obs, dtype=np.float64)
        if self.obs_mean is not None:
            x = x - self.obs_mean
        if self.obs_std is not None:
            x = x / self.obs_std
        act = np.tanh if self.activation == "tanh" else (lambda z: np.maximum(z, 0.0))
        for k, (w, b) in enumerate(zip(self.weights, self.biases, strict=True)):
            x = x @ w + b
            if k < len(self.weights) - 1:
                x = act(x)
        return x

    def __call__(self, obs: np.ndarray) -> np.ndarray:
        out = self.logits(obs)
        if self.output == "argmax":
            return np.argmax(out, axis=-1)
        return np.clip(out, self.action_low, self.action_high).astype(np.float32)


def _mlp(entry: Any, seed: int, paths: list[Path]) -> Callable[[np.ndarray], Any]:
    if len(paths) != 1:
        raise DataError(f"{entry.path}: seed {seed} needs exactly one .npz, got {paths}")
    return MLPPolicy(paths[0])


def _python(entry: Any, seed: int, paths: list[Path]) -> Callable[[np.ndarray], Any]:
    target = str(entry.artifact.get("params", {}).get("callable", ""))
    module, _, attr = target.partition(":")
    try:
        fn = getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError, ValueError) as exc:
        raise DataError(
            f"{entry.path}: artifact.params.callable {target!r} is not 'module:function'"
        ) from exc
    return fn(entry, seed, paths)


for _fmt, _fn in (
    ("rule", _rule),
    ("optimal", _optimal),
    ("sb3", _sb3),
    ("mlp", _mlp),
    ("python", _python),
):
    register_loader(_fmt, _fn)
