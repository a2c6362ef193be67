"""The agents of a multi-product env: one per product, their spaces, observations, actions.

:class:`Agents` names the agents of a one-copy model of ``N`` products
(``product_0`` … ``product_{N-1}``), builds their observation and action spaces and the
state space, writes their observations (each product's store entries, then the shared
:data:`SHARED_OBS_FIELDS`), and turns the actions of a step (a dict keyed by agent, or
one array in agent order) into one checked array, raising
:class:`~gym_inventory.errors.ActionError` naming the offending agent; nothing is clipped
or coerced. :class:`ActionCheckWrapper` does the same check at each turn of the AEC env.
:class:`AgentArraysEnv` is the part of the PettingZoo face that ``multi_product_v0`` and
``supply_chain_v0`` share.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
from gymnasium import spaces

from gym_inventory.core.config import CouplingConfig
from gym_inventory.envs.model import UNBOUNDED, KernelModel
from gym_inventory.envs.observations import STORE_OBS_FIELDS
from gym_inventory.errors import ActionError, ConfigError, require

require("pettingzoo", "multi", "gym_inventory.multi")

from gymnasium.error import ResetNeeded  # noqa: E402
from pettingzoo import ParallelEnv  # noqa: E402
from pettingzoo.utils import wrappers  # noqa: E402

__all__ = [
    "AGENT_OBS_FIELDS",
    "SHARED_OBS_FIELDS",
    "ActionCheckWrapper",
    "AgentArraysEnv",
    "Agents",
]

#: Shared entries appended to every agent's observation, in order.
SHARED_OBS_FIELDS: tuple[str, ...] = (
    "warehouse_utilisation",
    "inbound_utilisation",
    "budget_left",
)
#: One agent's observation entries: its product's ``Inventory-v0`` observation, then the
#: shared entries.
AGENT_OBS_FIELDS: tuple[str, ...] = STORE_OBS_FIELDS + SHARED_OBS_FIELDS
_OWN = len(STORE_OBS_FIELDS)
_WAREHOUSE, _INBOUND, _BUDGET_LEFT = range(_OWN, len(AGENT_OBS_FIELDS))


class Agents:
    """The agents of ``model`` (one copy of ``N`` products) under ``coupling``.

    Attributes
    ----------
    names : list of str
        ``product_0`` … ``product_{N-1}``, in product order.
    index : dict of str to int
        The product of each agent.
    state_space : Box
        Every product's store entries (product-major), then the shared entries.
    action_shape : tuple of int
        The shape of one step's actions as one array: ``(N,)``, or ``(N, 1)`` in
        continuous mode.
    """

    def __init__(self, model: KernelModel, coupling: CouplingConfig) -> None:
        N = model.n_products
        self.model = model
        self.coupling = coupling
        self.names = [f"product_{i}" for i in range(N)]
        self.index = {a: i for i, a in enumerate(self.names)}
        low, high = model.observation_bounds()
        if math.isfinite(coupling.shared_capacity):
            high[0] = min(float(high[0]), coupling.shared_capacity)
        s_low = np.zeros(len(SHARED_OBS_FIELDS), dtype=np.float32)
        s_high = np.array([1.0, UNBOUNDED, 1.0], dtype=np.float32)
        a_low, a_high = np.concatenate([low, s_low]), np.concatenate([high, s_high])
        self._observation_spaces = {
            a: spaces.Box(a_low, a_high, dtype=np.float32) for a in self.names
        }
        self._action_spaces = {a: model.single_action_space() for a in self.names}
        self.state_space = spaces.Box(
            np.concatenate([np.tile(low, N), s_low]),
            np.concatenate([np.tile(high, N), s_high]),
            dtype=np.float32,
        )
        self.continuous = model.actions.mode == "continuous"
        self.action_shape = (N, 1) if self.continuous else (N,)

    # ------------------------------------------------------------ spaces
    def observation_space(self, agent: str) -> spaces.Box:
        """The observation space of ``agent`` (the same object on every call)."""
        try:
            return self._observation_spaces[agent]
        except (KeyError, TypeError):
            raise ConfigError(self.unknown(agent)) from None

    def action_space(self, agent: str) -> spaces.Space:
        """The action space of ``agent`` (the same object on every call)."""
        try:
            return self._action_spaces[agent]
        except (KeyError, TypeError):
            raise ConfigError(self.unknown(agent)) from None

    def unknown(self, agent: Any) -> str:
        """The message for an agent that is not one of :attr:`names`."""
        return f"unknown agent {agent!r}; the agents are 'product_0' .. '{self.names[-1]}'"

    # ------------------------------------------------------------ observations
    def observe(self, out: np.ndarray) -> None:
        """Every agent's observation into ``out`` ``(N, len(AGENT_OBS_FIELDS))``, from
        the model's state: its product's store entries, then the shared entries (the
        warehouse's stock and the units in transit over ``shared_capacity``, and the share
        of the ``budget`` the last period's orders left: :meth:`~gym_inventory.core.
        InventoryKernel.order_spend`, which leaves out the starting stock)."""
        k = self.model.kernel
        out[:, :_OWN] = self.model.obs[0]
        cap, budget = self.coupling.shared_capacity, self.coupling.budget
        if math.isfinite(cap):
            out[:, _WAREHOUSE] = k.on_hand.sum() / cap
            out[:, _INBOUND] = k.pipeline.sum() / cap
        else:
            out[:, _WAREHOUSE] = out[:, _INBOUND] = 0.0
        if math.isfinite(budget) and budget > 0:
            out[:, _BUDGET_LEFT] = max(0.0, 1.0 - k.order_spend()[0] / budget)
        else:
            out[:, _BUDGET_LEFT] = 0.0 if budget == 0 else 1.0

    # ------------------------------------------------------------ actions
    def check_one(self, agent: str, action: Any) -> None:
        """Raise :class:`ActionError` (naming ``agent``) unless ``action`` is valid."""
        if agent not in self.index:
            raise ActionError(self.unknown(agent))
        try:
            self.model.check_actions(action, ())
        except ActionError as e:
            raise ActionError(f"{agent}: {e}") from None

    def check_array(self, actions: Any) -> np.ndarray:
        """All agents' actions as one array in agent order, checked."""
        a = np.asarray(actions)
        if a.shape != self.action_shape:
            raise ActionError(
                f"actions must be an array of shape {self.action_shape} (one action per "
                f"product, in agent order), got shape {a.shape}"
            )
        try:
            return self.model.check_actions(a, self.action_shape[:1])
        except ActionError:
            for i, agent in enumerate(self.names):
                self.check_one(agent, a[i])
            raise

    def gather(self, actions: Mapping[str, Any], agents: list[str]) -> np.ndarray:
        """The actions of the live ``agents`` from a dict keyed by agent, checked."""
        try:
            vals = [actions[a] for a in agents]
        except KeyError:
            vals = None
        if vals is None or len(actions) != len(agents):
            missing = [a for a in agents if a not in actions]
            unknown = [k for k in actions if k not in self.index]
            done = [k for k in actions if k in self.index and k not in agents]
            parts = []
            if missing:
                parts.append(f"missing actions for {missing}")
            if unknown:
                parts.append(f"unknown agent(s) {unknown} ({self.unknown(unknown[0])})")
            if done:
                parts.append(f"actions for agents no longer in the episode {done}")
            raise ActionError("; ".join(parts))
        if not self.continuous and not all(
            t is int or issubclass(t, np.integer) for t in set(map(type, vals))
        ):  # e.g. a bool or a float among ints: np.array would coerce it silently
            for agent, v in zip(agents, vals, strict=True):
                self.check_one(agent, v)
        try:
            a = np.array(vals)
        except ValueError:
            a = None
        if a is None or a.shape != self.action_shape:
            for agent, v in zip(agents, vals, strict=True):
                self.check_one(agent, v)
            raise ActionError(f"actions must each have the shape of {agents[0]}'s action space")
        try:
            return self.model.check_actions(a, self.action_shape[:1])
        except ActionError:
            for agent, v in zip(agents, vals, strict=True):
                self.check_one(agent, v)
            raise


class ActionCheckWrapper(wrappers.BaseWrapper):
    """Validate each agent's action at its own turn.

    ``parallel_to_aec`` only steps the parallel env when the last agent has acted; this
    wrapper raises :class:`~gym_inventory.errors.ActionError` at the offending agent's
    turn instead (PettingZoo's ``AssertOutOfBoundsWrapper`` would raise a bare
    ``AssertionError``).
    """

    def step(self, action: Any) -> None:
        agent = self.agent_selection
        if not (self.terminations[agent] or self.truncations[agent]):
            self.unwrapped.check_action(agent, action)
        super().step(action)


class AgentArraysEnv(ParallelEnv):
    """The PettingZoo face shared by the gym-inventory multi-agent envs.

    A subclass sets ``self.model`` (a one-copy batched model with ``time``),
    ``self._agents`` (its agents: ``observation_space``, ``action_space``, ``check_one``),
    ``self.agents`` and ``self._started``, and defines :meth:`reset_arrays`; this class
    gives the spaces, the dict :meth:`reset` over it, the per-agent action check of the
    AEC wrapper and the "call reset() first" error.
    """

    @property
    def time(self) -> int:
        """Steps taken in the current episode."""
        return int(self.model.time[0])

    def observation_space(self, agent: str) -> spaces.Box:
        """The observation space of ``agent`` (the same object on every call)."""
        return self._agents.observation_space(agent)

    def action_space(self, agent: str) -> spaces.Space:
        """The action space of ``agent`` (the same object on every call)."""
        return self._agents.action_space(agent)

    def reset(
        self, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[dict[str, np.ndarray], dict[str, dict]]:
        """Start an episode; ``seed`` reseeds ``np_random`` (the only randomness)."""
        obs = self.reset_arrays(seed, options).copy()
        infos: dict[str, dict] = {a: {} for a in self.agents}
        return dict(zip(self.agents, obs, strict=True)), infos

    def check_action(self, agent: str, action: Any) -> None:
        """Raise :class:`~gym_inventory.errors.ActionError` unless ``action`` is valid for
        ``agent`` (used by the AEC wrapper to fail at the offending agent's turn)."""
        self._agents.check_one(agent, action)

    def _need_reset(self) -> None:
        what = "the episode is over" if self._started else "the env was not reset"
        raise ResetNeeded(f"{what}; call reset() before step()")
