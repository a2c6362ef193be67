"""``InventoryVectorEnv``: many copies of an inventory env stepped by one compiled call.

The vector env is generic over the single env class: it asks the class for the batched
model behind it (``env_cls.make_model(num_envs, **env_kwargs)``, a
:class:`~gym_inventory.envs.BatchedModel`) and steps all copies at once,
so there is no Python loop over the copies in :meth:`InventoryVectorEnv.step` and no
second copy of the dynamics.
"""

from __future__ import annotations

import functools
import importlib
from collections import deque
from collections.abc import Callable, Sequence
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium.utils import seeding
from gymnasium.vector import AutoresetMode, VectorEnv
from gymnasium.vector.utils import batch_space

from gym_inventory.core.config import check_int
from gym_inventory.core.fields import RECORD_FIELDS
from gym_inventory.envs.inventory import HISTORY_ROWS
from gym_inventory.errors import ActionTypeError, ConfigError, ConfigTypeError

__all__ = ["InventoryVectorEnv", "vector_entry_point"]


def _load(env_cls: type | str) -> type:
    if isinstance(env_cls, str):
        module, _, name = env_cls.partition(":")
        env_cls = getattr(importlib.import_module(module), name)
    if not (isinstance(env_cls, type) and callable(getattr(env_cls, "make_model", None))):
        raise ConfigError(
            f"env_cls must be an env class with a make_model classmethod, got {env_cls!r}"
        )
    return env_cls


class InventoryVectorEnv(VectorEnv):
    r"""``num_envs`` copies of an inventory env (e.g. ``Inventory-v0``) stepped together.

    ``gymnasium.make_vec(id, num_envs=N)`` returns this class for every gym-inventory id
    (``vectorization_mode="sync"`` still gives a :class:`~gymnasium.vector.SyncVectorEnv`
    of single envs, e.g. to compare). Copy ``i`` after ``reset(seed=s)`` reproduces, bit
    for bit, the single env reset with ``seed=s + i`` under the same actions (``seed``
    may also be a list with one seed per copy).

    Parameters
    ----------
    env_cls : type or str
        The single env class (or ``"module:Class"``). It must offer
        ``make_model(batch_size, **env_kwargs)``, the batched single-product model behind
        it (a :class:`~gym_inventory.envs.BatchedModel`), whose defaults are those of
        ``env_cls.__init__``;
        rendering uses its ``ansi_frame(model, b)``, ``history_row(model, b)`` and
        ``rgb_frame(model, history)`` (as :class:`~gym_inventory.envs.InventoryEnv` has).
    num_envs : int
        Number of copies.
    max_episode_steps : int, optional
        Time limit: a copy is truncated after this many steps (``make_vec`` passes the
        registered limit). ``None``: never truncated.
    autoreset_mode : gymnasium.vector.AutoresetMode or str
        ``NEXT_STEP`` (default, Gymnasium's convention): the step after a copy's episode
        ends resets it (its action is ignored; reward 0, not terminated or truncated).
        ``SAME_STEP`` (what Stable-Baselines3 expects): the copy is reset in the step that
        ends its episode; the last observation and info are in ``info["final_obs"]`` and
        ``info["final_info"]``. ``DISABLED``: copies are reset only by
        ``reset(options={"reset_mask": mask})``; stepping a finished copy raises.
    render_mode : str, optional
        One of the single env's render modes; :meth:`render` returns one frame per copy.
    **env_kwargs
        The single env's keyword arguments (the same for every copy).

    Notes
    -----
    ``info`` has the single env's keys, each an array over the copies with a boolean
    mask ``info["_key"]`` (Gymnasium's vector convention; a copy reset in this step has
    its mask false). All copies advance through the same kernel call; randomness comes
    from one generator per copy, drawn in blocks exactly as the single env draws them.
    """

    metadata: dict[str, Any] = {"autoreset_mode": AutoresetMode.NEXT_STEP}

    def __init__(
        self,
        env_cls: type | str,
        num_envs: int = 1,
        *,
        max_episode_steps: int | None = None,
        autoreset_mode: AutoresetMode | str = AutoresetMode.NEXT_STEP,
        render_mode: str | None = None,
        **env_kwargs: Any,
    ) -> None:
        self.env_cls = env_cls = _load(env_cls)
        self.num_envs = B = check_int("num_envs", num_envs, low=1)
        self.max_episode_steps = (
            None
            if max_episode_steps is None
            else check_int("max_episode_steps", max_episode_steps, low=1)
        )
        try:
            self.autoreset_mode = AutoresetMode(autoreset_mode)
        except ValueError:
            raise ConfigError(
                f"autoreset_mode must be one of {[m.value for m in AutoresetMode]}, "
                f"got {autoreset_mode!r}"
            ) from None
        hooks = {"ansi": ("ansi_frame",), "rgb_array": ("history_row", "rgb_frame")}
        modes = [
            mode
            for mode in env_cls.metadata.get("render_modes", [])
            if all(hasattr(env_cls, hook) for hook in hooks.get(mode, ("-",)))
        ]
        if render_mode is not None and render_mode not in modes:
            raise ConfigError(f"render_mode must be one of {modes} or None, got {render_mode!r}")
        self.render_mode = render_mode
        self.metadata = {
            **env_cls.metadata,
            "render_modes": modes,
            "autoreset_mode": self.autoreset_mode,
        }
        self.model = model = env_cls.make_model(B, **env_kwargs)
        if model.n_products != 1:
            raise ConfigError(
                f"{env_cls.__name__}'s model has {model.n_products} products; the vector "
                "env batches single-product envs"
            )
        self.single_observation_space = model.single_observation_space()
        self.single_action_space = model.single_action_space()
        self.observation_space = batch_space(self.single_observation_space, B)
        self.action_space = batch_space(self.single_action_space, B)
        # The model's batch shape of actions (copy, product, *single action shape).
        self._action_shape = (B, 1, *self.single_action_space.shape)

        self._rngs: list[np.random.Generator | None] = [None] * B
        self._copy_seeds: list[int | None] = [None] * B  # what seeded each generator
        self._elapsed = np.zeros(B, dtype=np.int64)
        self._done = np.zeros(B, dtype=bool)  # episode ended in the last step
        self._any_done = False
        self._started = False
        # What rgb_array draws: each copy's last HISTORY_ROWS periods.
        self._histories = [deque(maxlen=HISTORY_ROWS) for _ in range(B)]

    # ------------------------------------------------------------------ API
    def reset(
        self,
        *,
        seed: int | Sequence[int | None] | None = None,
        options: dict[str, Any] | None = None,
    ) -> tuple[np.ndarray, dict[str, Any]]:
        """Reset every copy (or those in ``options["reset_mask"]``).

        ``seed``: an int ``s`` seeds copy ``i`` with ``s + i``; a list gives one seed (or
        ``None``) per copy; ``None`` keeps each copy's generator (fresh ones at first).
        """
        B = self.num_envs
        options = dict(options or {})
        mask = options.pop("reset_mask", None)
        if options:
            raise ConfigError(
                f"reset options other than reset_mask are not supported, got {sorted(options)}"
            )
        if mask is None:
            index = None
            members = range(B)
        else:
            mask = np.asarray(mask)
            if mask.shape != (B,) or mask.dtype != np.bool_:
                raise ConfigTypeError(
                    f"reset_mask must be a bool array of shape ({B},), got {mask!r}"
                )
            if not mask.any():
                raise ConfigError("reset_mask must select at least one copy")
            if not self._started and not mask.all():
                raise ConfigError("the first reset must reset every copy (no reset_mask)")
            index = np.flatnonzero(mask)
            members = index.tolist()
        seeds = self._seeds(seed)
        for i in members:
            if seeds[i] is not None or self._rngs[i] is None:
                self._rngs[i], self._copy_seeds[i] = seeding.np_random(seeds[i])
        self._reset(index)
        self._started = True
        return self._observations(), {}

    def step(
        self, actions: Any
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, dict[str, Any]]:
        """Step every copy with its action (see ``autoreset_mode`` for finished copies)."""
        if not self._started:
            raise gym.error.ResetNeeded("call reset() before step()")
        model = self.model
        order, clearance = model.decode(self._check(actions))
        mode = self.autoreset_mode
        done = self._done if self._any_done else None
        if done is not None and mode == AutoresetMode.DISABLED:
            raise gym.error.ResetNeeded(
                f"copies {np.flatnonzero(done).tolist()} ended their episode; reset them "
                "with reset(options={'reset_mask': mask}) (autoreset_mode=DISABLED)"
            )
        if done is not None and mode == AutoresetMode.NEXT_STEP:
            # The finished copies are reset instead of stepped; the others step.
            live = ~done
            index, stepped = np.flatnonzero(done), np.flatnonzero(live)
            model.step(order, clearance, active=live)
            self._elapsed[stepped] += 1
            self._reset(index)
            info = self._info(live=live)
        else:
            model.step(order, clearance)
            self._elapsed += 1
            stepped = range(self.num_envs)
            info = self._info(live=None)
        reward = model.kernel.reward[:, 0]  # (a view of the step's new record)
        if self.render_mode == "rgb_array":
            self._record(stepped)
        terminated = np.zeros(self.num_envs, dtype=bool)  # these envs never terminate
        if self.max_episode_steps is None:
            truncated = np.zeros(self.num_envs, dtype=bool)
        else:
            truncated = self._elapsed >= self.max_episode_steps
        self._done = truncated | terminated  # a new array: the returned ones stay the caller's
        self._any_done = bool(self._done.any())
        if self._any_done and mode == AutoresetMode.SAME_STEP:
            obs = self._same_step_reset(info)
        else:
            obs = self._observations()
        return obs, reward, terminated, truncated, info

    def render(self) -> tuple[Any, ...] | None:
        """One frame per copy (a string for ``"ansi"``, an RGB array for ``"rgb_array"``)."""
        if self.render_mode is None:
            gym.logger.warn(
                "render() called without a render_mode; pass render_mode= to "
                "gymnasium.make_vec (one of " + str(self.metadata["render_modes"]) + ")"
            )
            return None
        if not self._started:
            raise gym.error.ResetNeeded("call reset() before render()")
        if self.render_mode == "ansi":
            return tuple(self.env_cls.ansi_frame(self.model, b) for b in range(self.num_envs))
        return tuple(self.env_cls.rgb_frame(self.model, history) for history in self._histories)

    def close_extras(self, **kwargs: Any) -> None:
        # (also called by VectorEnv.__del__ after a constructor that raised early)
        for history in getattr(self, "_histories", ()):
            history.clear()

    @property
    def np_random_seed(self) -> tuple[int | None, ...]:
        """The seed of each copy's generator (as ``SyncVectorEnv`` gives its envs' seeds):
        ``s + i`` after ``reset(seed=s)``; a random int for a copy seeded by entropy."""
        return tuple(self._copy_seeds)

    def __repr__(self) -> str:
        name = self.spec.id if self.spec is not None else self.env_cls.__name__
        return f"InventoryVectorEnv({name}, num_envs={self.num_envs})"

    # -------------------------------------------------------------- helpers
    def _seeds(self, seed: Any) -> list[int | None]:
        B = self.num_envs
        if seed is None:
            return [None] * B
        if isinstance(seed, int | np.integer) and not isinstance(seed, bool):
            return [int(seed) + i for i in range(B)]
        if isinstance(seed, Sequence) and not isinstance(seed, str) and len(seed) == B:
            return [int(s) if isinstance(s, np.integer) else s for s in seed]
        raise ConfigError(f"seed must be None, an int or a sequence of {B} ints/None, got {seed!r}")

    def _reset(self, index: np.ndarray | None) -> None:
        """Reset the copies in ``index`` (all for ``None``) with their generators."""
        if index is not None and len(index) == self.num_envs:
            index = None
        self.model.reset(self._rngs, index)
        idx = slice(None) if index is None else index
        self._elapsed[idx] = 0
        self._done[idx] = False
        self._any_done = bool(self._done.any())
        if self.render_mode == "rgb_array":
            for b in range(self.num_envs) if index is None else index.tolist():
                self._histories[b].clear()
            self._record(range(self.num_envs) if index is None else index.tolist())

    def _check(self, actions: Any) -> np.ndarray:
        """Validate a batch of actions; return it in the model's batch shape."""
        a = np.asarray(actions)
        if a.shape != self.action_space.shape:
            raise ActionTypeError(
                f"actions must have shape {self.action_space.shape} (one action per copy "
                f"of {self.single_action_space}), got {a.shape}"
            )
        return self.model.check_actions(a.reshape(self._action_shape), self._action_shape[:2])

    def _observations(self) -> np.ndarray:
        return self.model.obs[:, 0].copy()

    def _info(self, live: np.ndarray | None) -> dict[str, Any]:
        """The batched info; ``live`` masks out copies reset in this step."""
        mask = np.ones(self.num_envs, dtype=bool) if live is None else live
        if not mask.any():  # every copy was reset: an empty info, as SyncVectorEnv's
            return {}
        info: dict[str, Any] = {}
        for key, value in self.model.batch_info(product=0).items():
            info[key] = value
            info[_MASK_KEYS[key]] = mask
        return info

    def _same_step_reset(self, info: dict[str, Any]) -> np.ndarray:
        """SAME_STEP: put the finished copies' last observation and info in ``info``
        (``final_obs``, ``final_info``), reset them, and return the observations."""
        done = self._done.copy()
        index = np.flatnonzero(done)
        last = self._observations()
        final_obs = np.full(self.num_envs, None, dtype=object)
        for b in index.tolist():
            final_obs[b] = last[b]
        final_info = {key: (done if key[0] == "_" else v) for key, v in info.items()}
        live = ~done  # the reset copies' own info is the (empty) reset info
        if live.any():
            for key in final_info:
                if key[0] == "_":
                    info[key] = live
        else:  # no copy's step info is left (as SyncVectorEnv: only the final entries)
            info.clear()
        info.update(final_obs=final_obs, _final_obs=done, final_info=final_info, _final_info=done)
        self._reset(index)
        return self._observations()

    def _record(self, members: Any) -> None:
        row = self.env_cls.history_row
        for b in members:
            self._histories[b].append(row(self.model, b))


#: The key of each info key's mask.
_MASK_KEYS = {key: "_" + key for key in RECORD_FIELDS}


def vector_entry_point(env_entry_point: str) -> Callable[..., InventoryVectorEnv]:
    """The vector env creator of an env class (``"module:Class"``) for ``gymnasium.register``.

    ``gymnasium.register(id, entry_point=E, vector_entry_point=vector_entry_point(E))``
    (or a ``"module:name"`` string naming the result, which keeps the spec serialisable)
    makes ``gymnasium.make_vec(id, num_envs=N, **kwargs)`` build an
    :class:`InventoryVectorEnv` of that class.
    """
    return functools.partial(InventoryVectorEnv, env_entry_point)
