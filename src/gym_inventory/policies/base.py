"""The :class:`Policy` base class and :class:`EnvView`, what a policy knows of its env.

A policy is built for one env configuration (an env id and its keyword arguments). It
reads the inventory position from observations and encodes its order in the env's action
space, so the same rule runs on ``InventoryLostSales-v0``, ``InventoryBackorder-v0`` and
``Inventory-v0`` (any action mode).
"""

from __future__ import annotations

import abc
import math
from dataclasses import dataclass
from typing import Any, ClassVar

import gymnasium as gym
import numpy as np

from gym_inventory.core.config import InventoryConfig
from gym_inventory.demand.base import DemandSource
from gym_inventory.envs.observations import STORE_OBS_FIELDS
from gym_inventory.errors import ConfigError
from gym_inventory.registration import make_env_model

__all__ = ["EnvView", "Policy", "TuneResult"]

_ON_HAND, _IN_TRANSIT, _BACKLOG = (
    STORE_OBS_FIELDS.index(n) for n in ("on_hand", "in_transit", "backlog")
)


@dataclass(frozen=True)
class EnvView:
    """What a policy needs to know of an env configuration.

    Build it with :meth:`from_env`. ``family`` is ``"periodic"`` for the benchmark
    variants (observation ``[level, pipeline...]``) and ``"store"`` for ``Inventory-v0``
    (observation fields of :data:`gym_inventory.envs.observations.STORE_OBS_FIELDS`).
    """

    env_id: str
    env_kwargs: dict[str, Any]
    family: str
    config: InventoryConfig
    demand: DemandSource
    max_order: int
    action_mode: str
    order_quantity: int
    obs_dim: int
    start_hour: int = 0
    max_episode_steps: int | None = None

    @classmethod
    def from_env(cls, env_id: str, **env_kwargs: Any) -> EnvView:
        """Inspect ``env_id`` built with ``env_kwargs`` (validated by the env itself)."""
        from gym_inventory.envs.periodic import PeriodicModel

        model, _ = make_env_model(env_id, 1, **env_kwargs)
        spec = gym.spec(env_id)
        p = model.params
        return cls(
            env_id=env_id,
            env_kwargs=dict(env_kwargs),
            family="periodic" if isinstance(model, PeriodicModel) else "store",
            config=model.kernel.configs[0],
            demand=model.stream.sources[0],
            max_order=p.max_order,
            action_mode=p.action_mode,
            order_quantity=p.order_quantity,
            obs_dim=model.obs.shape[-1],
            start_hour=p.start_hour,
            max_episode_steps=spec.max_episode_steps,
        )

    def mean_demand(self) -> float:
        """Mean demand per period (over a week of periods)."""
        return float(np.mean(self.demand.mean(np.arange(168))))

    def base_level(self) -> int:
        """A starting order-up-to level for searches: the newsvendor level over
        :math:`L+1` periods for i.i.d. demand with a known distribution, else the mean
        demand over :math:`L+1` periods."""
        from gym_inventory.policies.optimal import newsvendor_level
        from gym_inventory.policies.tuning import exact_supported

        if exact_supported(self):
            return newsvendor_level(self)
        return max(1, round(self.mean_demand() * (self.lead_time + 1)))

    def level_cap(self) -> int:
        """Largest order-up-to level worth searching (the capacity if finite)."""
        if math.isfinite(self.config.capacity):
            return int(self.config.capacity)
        return 10 * self.base_level() + 10

    @property
    def lead_time(self) -> int:
        """The (largest) lead time."""
        return self.config.max_lead_time

    @property
    def backlog(self) -> bool:
        return self.config.backlog

    def position(self, obs: np.ndarray) -> np.ndarray:
        """Inventory position (on hand + in transit - backlog) of observations ``(B, d)``."""
        if self.family == "periodic":
            return obs.sum(axis=1, dtype=np.float64)
        return obs[:, _ON_HAND].astype(np.float64) + obs[:, _IN_TRANSIT] - obs[:, _BACKLOG]

    def encode(self, order: np.ndarray) -> np.ndarray:
        """Encode desired orders ``(B,)`` as actions of the env's action space.

        Orders are rounded to whole units and capped at ``[0, max_order]`` (the most the
        env accepts). In ``Inventory-v0``'s ``"order_hold_clear"`` mode any positive order becomes
        action 0 (order ``order_quantity``) and no order action 1 (hold). In
        ``"continuous"`` mode the order becomes the fraction ``order / max_order``.
        """
        q = np.clip(np.rint(order), 0, self.max_order)
        if self.action_mode == "order_hold_clear":
            return np.where(q > 0, 0, 1).astype(np.int64)
        if self.action_mode == "continuous":
            return (q / self.max_order).astype(np.float32)[:, None]
        return q.astype(np.int64)


class Policy(abc.ABC):
    """A decision rule for one env configuration, callable on observations.

    ``policy(obs)`` takes one observation (shape ``(d,)``) and returns one action (a
    Python ``int``, or a ``(1,)`` float32 array in continuous mode), or a batch
    ``(B, d)`` and returns ``(B,)`` actions (``(B, 1)`` in continuous mode).

    Parameters
    ----------
    env_id : str
        Registered id of the env the policy acts in.
    **env_kwargs
        The env's keyword arguments (as given to ``gymnasium.make``).
    """

    #: Names of the rule's parameters, in the order of the constructor.
    param_names: ClassVar[tuple[str, ...]] = ()
    #: Whether the rule keeps the inventory position bounded (exact evaluation possible).
    exact_ok: ClassVar[bool] = True

    def __init__(self, env_id: str = "InventoryLostSales-v0", **env_kwargs: Any) -> None:
        self.env = EnvView.from_env(env_id, **env_kwargs)

    @property
    def env_id(self) -> str:
        """The id of the env the policy was built for."""
        return self.env.env_id

    @property
    def env_kwargs(self) -> dict[str, Any]:
        """The env arguments the policy was built with (as given, a copy);
        :func:`~gym_inventory.evaluation.evaluate` refuses any other env."""
        return dict(self.env.env_kwargs)

    @property
    def params(self) -> dict[str, Any]:
        """The rule's parameters by name."""
        return {n: getattr(self, n) for n in self.param_names}

    def describe(self) -> str:
        """Parameters as ``name=value`` text (for tables)."""
        return ", ".join(f"{k}={v}" for k, v in self.params.items())

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.describe()})"

    @abc.abstractmethod
    def order(self, obs: np.ndarray) -> np.ndarray:
        """Desired order quantities ``(B,)`` for observations ``(B, d)`` (float64)."""

    def act(self, obs: np.ndarray) -> np.ndarray:
        """Actions for a batch of observations ``(B, d)``."""
        return self.env.encode(self.order(obs))

    def position_bound(self) -> int | None:
        """Largest inventory position after ordering the rule ever sets, if bounded."""
        return None

    @classmethod
    def search_space(cls, view: EnvView) -> Any:
        """The :class:`~gym_inventory.policies.tuning.SearchSpace` of ``tune``."""
        raise NotImplementedError(f"{cls.__name__} has no parameters to tune")

    @classmethod
    def exact_search(cls, view: EnvView) -> tuple[tuple[Any, ...], int] | None:
        """The best parameters of the family for ``view`` found by an exhaustive search
        within provable bounds, as ``(params, candidates evaluated)``; ``None`` where the
        family has no such search (``tune`` then runs its local search)."""
        return None

    @classmethod
    def tune(
        cls,
        env_id: str = "InventoryLostSales-v0",
        *,
        method: str = "auto",
        seed: int = 0,
        n_episodes: int | None = None,
        max_steps: int | None = None,
        warmup: int | None = None,
        **env_kwargs: Any,
    ) -> TuneResult:
        """Find the best parameters of this rule for an env configuration.

        With exact evaluation, families with a closed-form cost search every candidate
        within bounds that provably contain the best (:meth:`exact_search`: :class:`SS`
        and, with backorders, :class:`SQ`; see :mod:`gym_inventory.policies.renewal`);
        otherwise the search is an integer pattern search from a textbook starting point
        (:func:`~gym_inventory.policies.tuning.local_search`), a local optimum in
        general.

        Parameters
        ----------
        env_id, **env_kwargs
            The env configuration.
        method : {"auto", "exact", "simulation"}
            ``"auto"``: exact Markov-chain evaluation where the state space is finite
            and small (benchmark variants with i.i.d. demand of known distribution),
            else simulation with common random numbers.
        seed, n_episodes, max_steps, warmup
            Simulation settings (episodes ``seed .. seed + n_episodes - 1``; defaults
            64 episodes of the id's length, warm-up 100 on the benchmark variants).

        Returns
        -------
        TuneResult
        """
        from gym_inventory.policies.tuning import local_search, make_objective

        view = EnvView.from_env(env_id, **env_kwargs)
        cost, used = make_objective(
            view,
            method,
            exact_ok=cls.exact_ok,
            seed=seed,
            n_episodes=n_episodes,
            max_steps=max_steps,
            warmup=warmup,
        )
        if not cls.param_names:
            policy = cls(env_id=env_id, **env_kwargs)
            return TuneResult(policy, cost(policy), used, 1)
        found = cls.exact_search(view) if used == "exact" else None
        if found is not None:
            params, n = found
            policy = cls(*params, env_id=env_id, **env_kwargs)
            return TuneResult(policy, cost(policy), used, n)
        space = cls.search_space(view)
        best, value, n = local_search(
            lambda x: cost(cls(*space.params(x), env_id=env_id, **env_kwargs)), space
        )
        return TuneResult(cls(*space.params(best), env_id=env_id, **env_kwargs), value, used, n)

    def __call__(self, obs: Any) -> Any:
        o = np.asarray(obs, dtype=np.float64)
        if o.ndim == 1:
            if o.shape[0] != self.env.obs_dim:
                raise ConfigError(
                    f"observation must have {self.env.obs_dim} entries for {self.env.env_id}, "
                    f"got shape {o.shape}"
                )
            a = self.act(o[None])
            return a[0] if self.env.action_mode == "continuous" else int(a[0])
        if o.ndim != 2 or o.shape[1] != self.env.obs_dim:
            raise ConfigError(
                f"observations must have shape (batch, {self.env.obs_dim}) for "
                f"{self.env.env_id}, got {o.shape}"
            )
        return self.act(o)


@dataclass
class TuneResult:
    """Outcome of a policy family's ``tune``.

    Attributes
    ----------
    policy : Policy
        The best policy found.
    average_cost : float
        Its average cost per period (exact, or the simulation estimate).
    method : str
        ``"exact"`` (Markov-chain evaluation) or ``"simulation"`` (common random numbers).
    evaluations : int
        Number of candidate parameter settings evaluated.
    """

    policy: Policy
    average_cost: float
    method: str
    evaluations: int
