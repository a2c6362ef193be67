"""The agents of ``supply_chain_v0``: one per stage, their spaces and action checks, and
the env's render frames.

:class:`StageAgents` names the agents of a one-copy
:class:`~gym_inventory.envs.supply.SupplyChainModel`, holds their spaces and turns the
actions of a step (a dict keyed by agent, or one array in stage order) into one checked
int array, raising :class:`~gym_inventory.errors.ActionError` naming the offending agent;
nothing is clipped or coerced. :func:`ansi_frame` and :func:`rgb_frame` draw the last
period.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from gymnasium import spaces

from gym_inventory.core.fields import PROFIT
from gym_inventory.core.supply import SUPPLY_RECORD_FIELDS
from gym_inventory.envs.model import UNBOUNDED
from gym_inventory.envs.supply import SupplyChainModel, stage_names
from gym_inventory.errors import ActionError, ConfigError

__all__ = ["StageAgents", "ansi_frame", "rgb_frame"]


class StageAgents:
    """The agents of ``model`` (one copy), in stage order.

    Attributes
    ----------
    names : list of str
        :func:`~gym_inventory.envs.supply.stage_names` of the model's chain.
    state_space : Box
        The space of :meth:`SupplyChainModel.state`.
    """

    def __init__(self, model: SupplyChainModel) -> None:
        self.model = model
        self.names = stage_names(model.config)
        self.index = {a: i for i, a in enumerate(self.names)}
        obs_space, act_space = model.single_observation_space(), model.single_action_space()
        self._observation_spaces = {a: obs_space for a in self.names}
        self._action_spaces = {a: act_space for a in self.names}
        self.state_space = spaces.Box(0.0, UNBOUNDED, shape=(model.state_dim(),), dtype=np.float32)

    def observation_space(self, agent: str) -> spaces.Box:
        return self._observation_spaces[self.known(agent)]

    def action_space(self, agent: str) -> spaces.Discrete:
        return self._action_spaces[self.known(agent)]

    def known(self, agent: Any, error: type[Exception] = ConfigError) -> str:
        """``agent``, or ``error`` if it is not one of :attr:`names`."""
        if not isinstance(agent, str) or agent not in self.index:
            raise error(f"unknown agent {agent!r}; the agents are {self.names}")
        return agent

    def check_one(self, agent: str, action: Any) -> None:
        """Raise :class:`ActionError` (naming ``agent``) unless ``action`` is valid."""
        self.known(agent, ActionError)
        try:
            self.model.check_actions(action, ())
        except ActionError as e:
            raise ActionError(f"{agent}: {e}") from None

    def check_array(self, a: Any, agents: list[str]) -> np.ndarray:
        """The actions of ``agents`` (every stage, in order) as one checked array."""
        a = np.asarray(a)
        S = len(self.names)
        if a.shape != (S,):
            raise ActionError(
                f"actions must be an array of shape ({S},) (one order per stage, in agent "
                f"order), got shape {a.shape}"
            )
        try:
            return self.model.check_actions(a, (S,))
        except ActionError:
            for agent, v in zip(agents, a, strict=True):
                self.check_one(agent, v)
            raise

    def gather(self, actions: Any, agents: list[str]) -> np.ndarray:
        """The actions of the live ``agents`` from a dict keyed by agent, checked."""
        if not isinstance(actions, Mapping):
            raise ActionError(
                f"actions must be a dict mapping each agent to its action, got "
                f"{type(actions).__name__}"
            )
        missing = [a for a in agents if a not in actions]
        extra = [k for k in actions if k not in agents]
        if missing or extra:
            raise ActionError(
                f"step needs one action for every agent {agents}: missing {missing}, "
                f"unknown {extra}"
            )
        vals = [actions[a] for a in agents]
        for agent, v in zip(agents, vals, strict=True):  # (no silent coercion of a float)
            if not (isinstance(v, int | np.integer) and not isinstance(v, bool | np.bool_)):
                self.check_one(agent, v)
        return self.check_array(np.array(vals), agents)


def ansi_frame(model: SupplyChainModel, names: list[str], time: int) -> str:
    """The last period as text: the team cost, then one line per stage."""
    lines = [
        f"t={time:5d} | team cost {-model.record[0, :, PROFIT].sum():.2f}",
        f"{'agent':>12} {'on hand':>8} {'backlog':>8} {'transit':>8} {'on order':>8} "
        f"{'order':>6} {'shipped':>7} {'cost':>9}",
    ]
    o, transit = model.obs[0], model.in_transit()[0]
    for s, agent in enumerate(names):
        info = dict(zip(SUPPLY_RECORD_FIELDS, model.record[0, s].tolist(), strict=True))
        lines.append(
            f"{agent:>12} {o[s, 0]:8.0f} {o[s, 1]:8.0f} {transit[s]:8.0f} {o[s, 3]:8.0f} "
            f"{info['order']:6.0f} {info['sold']:7.0f} {-info['profit']:9.2f}"
        )
    return "\n".join(lines) + "\n"


def rgb_frame(model: SupplyChainModel) -> np.ndarray:
    """Each stage's stock on hand and in transit as stacked bars (NumPy only)."""
    from gym_inventory.plotting import draw_stock_bars

    return draw_stock_bars(model.on_hand[0], model.in_transit()[0])
