r"""``supply_chain_v0``: a serial or divergent supply chain, one agent per stage.

A PettingZoo environment (Parallel API native, AEC through ``parallel_to_aec``)::

    from gym_inventory.multi import supply_chain_v0

    env = supply_chain_v0.parallel_env(preset="beer_game")
    observations, infos = env.reset(seed=0)
    while env.agents:
        actions = {agent: env.action_space(agent).sample() for agent in env.agents}
        observations, rewards, terminations, truncations, infos = env.step(actions)

    aec = supply_chain_v0.env(topology="divergent", n_retailers=3)  # AEC, standard wrappers

PettingZoo's conventions: ``parallel_env``, ``env``, ``raw_env``, ``metadata["name"]``.
The env card is the docstring of :class:`SupplyChainEnv`. The dynamics are
:class:`gym_inventory.envs.supply.SupplyChainModel` (the batched model a policy or a
benchmark may step directly, many copies at once), configured by
:class:`gym_inventory.envs.supply_config.SupplyChainConfig`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from gymnasium import logger
from gymnasium.error import ResetNeeded
from gymnasium.utils import seeding

from gym_inventory.core.config import check_int
from gym_inventory.core.fields import PROFIT
from gym_inventory.core.supply import SUPPLY_RECORD_FIELDS
from gym_inventory.envs.supply import STAGE_OBS_FIELDS, SupplyChainModel
from gym_inventory.envs.supply_config import PRESETS, SupplyChainConfig, preset_arguments
from gym_inventory.errors import ConfigError, require

require("pettingzoo", "multi", "gym_inventory.multi")

from pettingzoo.utils import wrappers  # noqa: E402
from pettingzoo.utils.conversions import parallel_to_aec  # noqa: E402

from gym_inventory.multi.agents import ActionCheckWrapper, AgentArraysEnv  # noqa: E402
from gym_inventory.multi.supply_agents import StageAgents, ansi_frame, rgb_frame  # noqa: E402

__all__ = [
    "PRESETS",
    "STAGE_OBS_FIELDS",
    "SUPPLY_RECORD_FIELDS",
    "SupplyChainEnv",
    "env",
    "parallel_env",
    "raw_env",
]

#: Episode length without a preset (a preset may set its own).
DEFAULT_MAX_CYCLES = 1000


class SupplyChainEnv(AgentArraysEnv):
    r"""## Description

    A supply chain of $S$ stages, each managed by its own agent, that together serve
    random customer demand at the retailers: the beer game's serial chain (retailer,
    wholesaler, distributor, factory) or a divergent one (one warehouse supplying
    ``n_retailers`` retailers). The top stage orders from an unlimited outside supplier
    (optionally up to a production capacity). Every stage runs the package's one period
    (:func:`gym_inventory.core.period.period`); the upstream-supply rule
    (:func:`gym_inventory.core.supply.supply_step`) couples them. With one stage the
    env reproduces ``InventoryBackorder-v0`` (``backlog=True``) or
    ``InventoryLostSales-v0`` (``backlog=False``) bit for bit: same demand, lead time,
    costs and seed give the same trajectory and costs.

    Stages are numbered from the customers up: stage $0$ is the retailer, stage $S-1$
    the top. Serial agents are ``stage_0`` … ``stage_{S-1}``; divergent agents are
    ``retailer_0`` … ``retailer_{R-1}`` (stages $0..R-1$) and ``warehouse_0``
    (stage $R$).
    Link $s$ brings stock into stage $s$ from its upstream (stage $s+1$; the warehouse
    for a divergent retailer; the outside supplier for the top) with shipping lead time
    $L_s \ge 0$.

    ## The period (one step)

    1. **Arrivals.** Every stage receives what was shipped to it $L_s$ periods ago (a
       shipment sent in period $t$ arrives at the start of period $t + L_s$, before that
       period's demand; $L_s = 0$ arrives at once, see 3).
    2. **Orders.** Every agent's action is the quantity it orders from its upstream this
       period. An order reaches the upstream after the link's information delay
       ``info_delays`` $d_s$ (ordered in $t$, it is seen upstream in $t + d_s$; $d_s = 0$:
       at once, this period).
    3. **Shipping, from the top down** (top, then $S-2$, …, $0$). The outside supplier
       ships the order that reached it in full, or at most ``supply_capacity`` units (the
       rest of that order is never shipped). Stage $s+1$ ships to stage $s$
       $\min(\text{on hand}_{s+1},\ \text{owed}_{s+1 \to s} + \text{order}_s)$ and keeps
       the rest as internal backlog owed to stage $s$, **never lost**. The top-down order
       lets a zero-lead-time link pass stock through in the same period. **Divergent
       allocation**: a warehouse that cannot ship every retailer what it owes plus its
       new order ships retailer $j$ $\lfloor n_j X / \sum_k n_k \rfloor$ ($n_j$ that
       claim, $X$ the warehouse's stock) and gives the units left one each to the
       largest fractional remainders (ties to the lower index): proportional to the
       claims, within one unit, exactly $X$ units.
    4. **Customer demand** at each retailer is served from its on-hand stock; the unmet
       rest is backlogged (``backlog=True``, default) or lost.
    5. **Costs of the period.** Holding $h_s$ per unit on hand at stage $s$ at period
       end (each stage pays on its own stock only); penalty $p$ per unit backlogged at a
       retailer at period end (or lost this period); ``internal_backlog_cost`` per unit
       an internal stage owes at period end; ``pipeline_costs`` per unit in transit to
       stage $s$ at period end (both default 0); the top pays ``unit_cost`` per unit and
       ``fixed_cost`` per shipment the supplier sends it (default 0, as in
       ``InventoryBackorder-v0``).

    So with the defaults the cost of stage $s$ in a period is
    $h_s \cdot \text{on hand}_s$, plus at a retailer $p \cdot \text{backlog}$ (or
    $p \cdot \text{lost}$).

    ## Action Space

    Every agent: ``Discrete(max_order + 1)``, the units it orders (default ``max_order``:
    10 × the mean customer demand of a period, summed over the retailers). ``step``
    needs one action for every live agent; a missing action, an unknown agent or an
    action outside the space raises :class:`gym_inventory.errors.ActionError` naming the
    agent (nothing is stepped, nothing clipped). :meth:`step_arrays` takes all actions as
    one int array ``(S,)`` in agent (stage) order and returns the observations as one
    ``(S, 4 + L)`` array; :meth:`reset_arrays` starts an episode the same way.

    ## Observation Space

    Each agent sees ``Box(0, unbounded, (4 + L,), float32)``, $L = \max_s L_s$ (what a
    beer-game player sees of its own stage):

    | Num | Observation | Meaning |
    |-----|-------------|---------|
    | 0 | on hand | the stage's stock at the end of the last period |
    | 1 | backlog | units it owes downstream (at a retailer: its backlogged customers) |
    | 2 | order received | the order that reached it last period (customer demand at a retailer) |
    | 3 | on order | units it ordered that were not yet shipped to it (on their way upstream, or owed by its upstream) |
    | 4 + k | pipeline | units arriving at the start of the $(k+1)$-th next period ($k < L_s$; 0 beyond) |

    The stage's inventory position is ``on hand - backlog + on order + sum(pipeline)``.
    ``state()`` is the global state ``Box(0, unbounded, (S (4 + L) + S D,))``, $D =
    \max_s d_s$: every agent's observation (stage-major), then every stage's orders on
    their way upstream by arrival ($D$ each). :meth:`echelon_position` gives each stage's
    echelon inventory position (:meth:`SupplyChainModel.echelon_position <gym_inventory.envs.supply.SupplyChainModel.echelon_position>`); with no
    information delays it is the sum of the local positions of the stage and every stage
    below it.

    ## Rewards

    ``reward_mode="team"`` (default): every agent receives minus the chain's total cost
    of the period. ``reward_mode="own"``: each agent receives minus its own stage's
    cost. With ``agent_info=True`` (default) each agent's ``info`` is its stage's period
    (:data:`SUPPLY_RECORD_FIELDS`, floats): ``ordered`` (units shipped to the stage this
    period, into its inbound pipeline), ``arrived``, ``sold`` (units it shipped
    downstream, or sold to customers), ``demand`` (the order that reached it, or
    customer demand), ``backlog`` (units it owes downstream), ``lost``, ``on_hand``,
    ``in_transit`` (inbound), the money ``ordering``, ``holding``, ``penalty`` (the
    retailer's penalty, or the internal backlog cost), ``profit`` (minus the stage's
    cost), and ``order`` (the agent's own order) and ``pipeline_cost``.

    ## Starting State

    ``initial_stock`` on hand at every stage (default 0), nothing in transit, owed or
    on order.

    ## Episode End

    Agents never terminate; all are truncated together after ``max_cycles`` steps
    (default 1000; the presets set their own), after which ``env.agents`` is empty.

    ## Presets

    ``preset="beer_game"``: the four-stage beer game as in Oroojlooyjadid, Nazari,
    Snyder and Takáč (2022), "A Deep Q-Network for the Beer Game", *MSOM* 24(1), with
    the defaults of the authors' code (``config.py`` of
    github.com/OptMLGroup/DeepBeerInventory-RL): demand U{0, 1, 2} (``randint(0, 3)``),
    holding cost 2 at every stage (``ch``), shortage cost 2 at the retailer and 0
    elsewhere (``cp``), shipping lead times $(2, 2, 2, 4)$ (``leadRecItem``, retailer
    first; the factory's 4 is its production delay), information delays $(2, 2, 2, 0)$
    (``leadRecOrder``), nothing on hand or in transit at the start (``ILInit``,
    ``AOInit``, ``ASInit``), 100 periods (``TLow = TUp = 100``). The period's events
    are in the same order there; what a player sees differs: in that code a player
    acts after seeing the order (or demand) arriving this period, here it sees the one
    of the last period.

    ``preset="clark_scarf"``: the three-stage serial system of Snyder and Shen (2019),
    *Fundamentals of Supply Chain Theory*, 2nd ed., Example 6.1 (stockpyl's instance
    ``"example_6_1"``): local holding costs $(7, 4, 2)$, stockout cost 37.12 at the
    retailer, demand N(5, 1) rounded to whole units
    (:class:`~gym_inventory.demand.NormalDemand`), backorders, 1000 periods, and
    shipping lead times $(0, 1, 2)$: the book's $(1, 1, 2)$ with the retailer's one
    period shorter, because the book's stages order after the period's demand and these
    before it, so here as there the echelons' orders cover 1, 2 and 4 periods of demand.
    (The book also charges holding on units in transit; set ``pipeline_costs`` for
    that.)

    Any argument given with a preset replaces the preset's value.

    ## Arguments

    | argument | default | meaning |
    |---|---|---|
    | ``preset`` | None | ``"beer_game"``, ``"clark_scarf"`` or None |
    | ``topology`` | ``"serial"`` | ``"serial"`` or ``"divergent"`` |
    | ``n_stages`` | 4 | serial: number of stages |
    | ``n_retailers`` | 2 | divergent: number of retailers |
    | ``lead_times`` | 2 | $L_s$: an int, or one per stage |
    | ``info_delays`` | 0 | $d_s$: an int, or one per stage |
    | ``holding_costs`` | 1.0 | $h_s$: a number, or one per stage |
    | ``penalty_cost`` | 9.0 | $p$ at the retailers |
    | ``internal_backlog_cost`` | 0.0 | per unit owed internally at period end |
    | ``pipeline_costs`` | 0.0 | per unit in transit to a stage at period end (or one per stage) |
    | ``backlog`` | True | retail demand backlogged (True) or lost (False) |
    | ``demand`` | None | a ``DemandSource`` (or one per retailer); None: Poisson(``demand_mean``) |
    | ``demand_mean`` | None | the default Poisson demand's mean (None: 5.0) |
    | ``unit_cost``, ``fixed_cost`` | 0.0, 0.0 | the top's purchase cost per unit and per shipment |
    | ``supply_capacity`` | ``math.inf`` | most units the outside supplier ships per period |
    | ``initial_stock`` | 0 | on hand at reset: an int, or one per stage |
    | ``max_order`` | None | largest order; None: 10 × total mean demand per period |
    | ``reward_mode`` | ``"team"`` | ``"team"`` or ``"own"`` |
    | ``max_cycles`` | 1000 | steps per episode (the presets: 100, 1000) |
    | ``agent_info`` | True | per-agent breakdown in ``infos`` (else empty dicts) |
    | ``render_mode`` | None | ``"human"``, ``"ansi"`` or ``"rgb_array"`` |

    Every argument is checked before anything is built; a bad one raises
    :class:`gym_inventory.errors.ConfigError` naming it. ``reset(options=...)`` accepts
    and ignores ``options``.

    ## Version History

    * v0: initial release.
    """

    metadata = {
        "name": "supply_chain_v0",
        "render_modes": ["human", "ansi", "rgb_array"],
        "render_fps": 4,
        "is_parallelizable": True,
    }

    def __init__(
        self,
        *,
        preset: str | None = None,
        reward_mode: str = "team",
        max_cycles: int | None = None,
        agent_info: bool = True,
        render_mode: str | None = None,
        **chain: Any,
    ) -> None:
        if render_mode is not None and render_mode not in self.metadata["render_modes"]:
            raise ConfigError(
                f"render_mode must be one of {self.metadata['render_modes']} or None, "
                f"got {render_mode!r}"
            )
        if reward_mode not in ("team", "own"):
            raise ConfigError(f"reward_mode must be 'team' or 'own', got {reward_mode!r}")
        if not isinstance(agent_info, bool):
            raise ConfigError(f"agent_info must be a bool, got {agent_info!r}")
        kwargs = preset_arguments(preset, chain)
        preset_cycles = kwargs.pop("max_cycles", DEFAULT_MAX_CYCLES)
        cycles = preset_cycles if max_cycles is None else max_cycles
        self.max_cycles = check_int("max_cycles", cycles, low=1)
        self.config = SupplyChainConfig.from_kwargs(kwargs)
        self.preset = preset
        self.render_mode = render_mode
        self.reward_mode = reward_mode
        self.agent_info = agent_info
        self.model = SupplyChainModel(self.config, 1)
        self.n_stages = S = self.config.n_stages
        self._agents = StageAgents(self.model)
        self.possible_agents = self._agents.names[:]
        self.agents: list[str] = []
        self.state_space = self._agents.state_space
        self._rewards = np.zeros(S)
        self.np_random, _ = seeding.np_random()
        self.np_random_seed: int | None = None
        self._started = False

    # ------------------------------------------------------------ reset (spaces, the dict
    # reset and the action check: AgentArraysEnv)
    def reset_arrays(
        self, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> np.ndarray:
        """:meth:`reset` for the batched path: the observations as one ``(S, 4 + L)``
        float32 array, one row per agent (**a buffer overwritten by the next step**)."""
        if seed is not None:
            self.np_random, self.np_random_seed = seeding.np_random(seed)
        self.model.reset([self.np_random])
        self._started = True
        self.agents = self.possible_agents[:]
        return self.model.obs[0]

    # ------------------------------------------------------------ batched path
    def step_arrays(self, actions: np.ndarray) -> tuple[np.ndarray, np.ndarray, bool, bool]:
        """Step all stages with one int array of actions ``(S,)``, in agent order.

        Returns
        -------
        observations : ndarray, shape (S, 4 + L), float32
            One row per agent (**a buffer overwritten by the next step**).
        rewards : ndarray, shape (S,)
            Each agent's reward (team or own; a buffer).
        terminated : bool
            Always ``False``.
        truncated : bool
            ``True`` after ``max_cycles`` steps; the episode is then over.
        """
        if not self.agents:
            self._need_reset()
        a = self._agents.check_array(actions, self.possible_agents)
        return self._step(a)

    def _step(self, a: np.ndarray) -> tuple[np.ndarray, np.ndarray, bool, bool]:
        model = self.model
        profit = model.step(model.decode(a[None]))[0, :, PROFIT]
        if self.reward_mode == "team":
            self._rewards.fill(profit.sum())
        else:
            np.copyto(self._rewards, profit)
        truncated = self.time >= self.max_cycles
        if truncated:
            self.agents = []
        return model.obs[0], self._rewards, False, truncated

    # ------------------------------------------------------------ dict API
    def step(self, actions: Mapping[str, Any]) -> tuple[dict, dict, dict, dict, dict]:
        """PettingZoo parallel step: one action per live agent, keyed by agent name."""
        if not self.agents:
            self._need_reset()
        agents = self.agents
        a = self._agents.gather(actions, agents)
        obs, rewards, _, truncated = self._step(a)
        observations = dict(zip(agents, obs.copy(), strict=True))
        rew = dict(zip(agents, rewards.tolist(), strict=True))
        terminations = dict.fromkeys(agents, False)
        truncations = dict.fromkeys(agents, truncated)
        infos = self.last_infos() if self.agent_info else {a: {} for a in agents}
        if self.render_mode == "human":
            self.render()
        return observations, rew, terminations, truncations, infos

    def last_infos(self) -> dict[str, dict[str, float]]:
        """The last step's per-agent breakdown (what ``agent_info=True`` puts in ``infos``)."""
        return {a: self.model.info(0, s) for s, a in enumerate(self.possible_agents)}

    # ------------------------------------------------------------ state
    def state(self) -> np.ndarray:
        """The global state (see the env card's Observation Space)."""
        return self.model.state(0)

    def echelon_position(self) -> np.ndarray:
        """Each stage's echelon inventory position, ``(S,)``."""
        return self.model.echelon_position()[0]

    # ------------------------------------------------------------ rendering
    def render(self) -> str | np.ndarray | None:
        """``"ansi"``: a text table; ``"rgb_array"``: stock bars; ``"human"``: print the table."""
        if self.render_mode is None:
            logger.warn("render() called without a render_mode; pass render_mode='ansi'")
            return None
        if not self._started:
            raise ResetNeeded("call reset() before render()")
        if self.render_mode == "rgb_array":
            return rgb_frame(self.model)
        text = ansi_frame(self.model, self.possible_agents, self.time)
        if self.render_mode == "human":
            print(text, end="")
            return None
        return text

    def close(self) -> None:
        """Nothing to release."""


def parallel_env(**kwargs: Any) -> SupplyChainEnv:
    """The native Parallel env (see :class:`SupplyChainEnv` for the arguments)."""
    return SupplyChainEnv(**kwargs)


def raw_env(**kwargs: Any):
    """The AEC env without wrappers (``parallel_to_aec`` of :func:`parallel_env`)."""
    return parallel_to_aec(parallel_env(**kwargs))


def env(**kwargs: Any):
    """The AEC env with the standard wrappers (action check, order enforcing)."""
    aec = raw_env(**kwargs)
    aec = ActionCheckWrapper(aec)
    return wrappers.OrderEnforcingWrapper(aec)


# The leaderboard scores entries of this env through its evaluator (registered on import).
from gym_inventory.multi import supply_leaderboard  # noqa: E402, F401
