r"""Base-stock rules for a serial chain: :class:`EchelonBaseStock` and
:class:`InstallationBaseStock`.

Both act on a batch of per-stage observations of
:mod:`gym_inventory.multi.supply_chain_v0` (stage 0 the retailer first), each stage's row
laid out as :data:`STAGE_OBS_FIELDS`: own on-hand stock, backlog owed downstream (the
customer backlog at the retailer), the last order received, the units on order (ordered,
not yet shipped to it), then the inbound pipeline by arrival (any length; zero-padded rows
welcome). Stage :math:`i`'s installation inventory position is

.. math::

    IP_i = \text{on hand}_i - \text{backlog}_i + \text{on order}_i + \text{pipeline}_i

and its echelon inventory position (that of
:meth:`~gym_inventory.envs.supply.SupplyChainModel.echelon_position`, with or without
information delays)

.. math::

    EIP_i = \sum_{j \le i} (\text{on hand}_j + \text{pipeline}_j) - \text{backlog}_0
    + \text{on order}_i ,

the sum of the :math:`IP_j` when orders reach their upstream at once (what :math:`j < i`
has on order is then what :math:`j+1` owes it). Divergent chains: a retailer's echelon is
itself; the warehouse's sums over every stage and subtracts every retailer's backlog.

* :class:`EchelonBaseStock` ``(S)``: stage :math:`i` orders :math:`(S_i - \sum_{j\le i}
  IP_j)^+`; optimal with the levels of :func:`~gym_inventory.policies.solve_serial`.
* :class:`InstallationBaseStock` ``(s)``: stage :math:`i` orders :math:`(s_i - IP_i)^+`
  (local information only). All stages order at once, so a stage sees its downstream's
  order one period late (in its backlog): unlike the textbook continuous-review case it is
  *not* equivalent to echelon base stock with :math:`S_i = \sum_{j \le i} s_j`, and costs
  more than the optimum (measured in ``docs/multi_echelon_optimum.md``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from gym_inventory.core.config import check_int
from gym_inventory.errors import ConfigError
from gym_inventory.policies.base import TuneResult
from gym_inventory.policies.clark_scarf import SerialSystem
from gym_inventory.policies.tuning import SearchSpace, local_search

__all__ = [
    "STAGE_OBS_FIELDS",
    "EchelonBaseStock",
    "InstallationBaseStock",
    "chain_objective",
    "installation_positions",
    "simulate_chain",
]

#: Layout of one stage's observation row (then the pipeline, one column per period ahead):
#: ``supply_chain_v0``'s.
STAGE_OBS_FIELDS = ("on_hand", "backlog", "order_received", "on_order")

#: Objective of a tuner: expected cost per period of a policy (lower is better).
Objective = Callable[["SerialBaseStock"], float]


def _stack(obs: Any) -> tuple[np.ndarray, bool, list[str] | None]:
    # -> (B, N, d) float64 array, whether a single observation was given, agent names
    names = None
    if isinstance(obs, Mapping):
        names = list(obs)
        rows = [np.asarray(obs[a], dtype=np.float64) for a in names]
        if len({r.ndim for r in rows}) != 1 or rows[0].ndim not in (1, 2):
            raise ConfigError("observations by agent must all be (d,) or all (batch, d) arrays")
        width = max(r.shape[-1] for r in rows)
        pad = [
            np.concatenate([r, np.zeros((*r.shape[:-1], width - r.shape[-1]))], -1) for r in rows
        ]
        o = np.stack(pad, axis=-2)
    else:
        o = np.asarray(obs, dtype=np.float64)
    single = o.ndim == 2
    if single:
        o = o[None]
    if o.ndim != 3 or o.shape[-1] < len(STAGE_OBS_FIELDS):
        raise ConfigError(
            "observations must have shape (stages, d) or (batch, stages, d) with d >= 4 "
            f"(on_hand, backlog, order_received, on_order, pipeline...), got {np.shape(obs)}"
        )
    return o, single, names


def installation_positions(obs: np.ndarray) -> np.ndarray:
    """Installation inventory positions ``(B, N)`` of per-stage observations ``(B, N, d)``."""
    on_hand, backlog, on_order = obs[..., 0], obs[..., 1], obs[..., 3]
    return on_hand - backlog + on_order + obs[..., 4:].sum(axis=-1)


def chain_config(system: SerialSystem, **overrides: Any) -> Any:
    """The :class:`~gym_inventory.envs.supply_config.SupplyChainConfig` of ``system``
    (serial, backorders, no information delays; Poisson or any
    :class:`~gym_inventory.demand.DemandSource` demand)."""
    from gym_inventory.demand.base import DemandSource
    from gym_inventory.demand.parametric import DiscreteDemand, PoissonDemand
    from gym_inventory.envs.supply_config import SupplyChainConfig

    d = system.demand
    if not isinstance(d, DemandSource):
        d = PoissonDemand(d) if np.ndim(d) == 0 else DiscreteDemand(list(np.ravel(d)))
    kw = dict(
        topology="serial",
        n_stages=system.n_stages,
        lead_times=system.lead_times,
        holding_costs=system.holding_costs,
        penalty_cost=system.penalty_cost,
        demand=d,
    )
    return SupplyChainConfig.from_kwargs({**kw, **overrides})


def simulate_chain(
    policy: SerialBaseStock,
    config: Any,
    *,
    batch: int = 64,
    periods: int = 2000,
    warmup: int = 200,
    seed: int = 0,
) -> np.ndarray:
    """Average cost per period of ``policy`` in each of ``batch`` copies of the
    ``supply_chain_v0`` chain ``config`` (a ``SupplyChainConfig`` or a
    :class:`SerialSystem`), after ``warmup`` periods from the empty chain; copy ``b`` is
    seeded ``seed + b`` (common random numbers across policies). Returns ``(batch,)``."""
    from gym_inventory.core.fields import PROFIT
    from gym_inventory.envs.supply import SupplyChainModel

    if isinstance(config, SerialSystem):
        config = chain_config(config)
    check_int("batch", batch, low=1)
    check_int("warmup", warmup)
    check_int("periods", periods, low=warmup + 1)
    model = SupplyChainModel(config, batch_size=batch)
    obs = model.reset([np.random.default_rng(seed + b) for b in range(batch)])
    total = np.zeros(batch)
    for t in range(periods):
        record = model.step(np.asarray(policy(obs), dtype=np.float64))
        if t >= warmup:
            total -= record[:, :, PROFIT].sum(axis=1)
    return total / (periods - warmup)


def chain_objective(system: Any, **settings: Any) -> Objective:
    """``policy -> mean cost`` by :func:`simulate_chain` on ``system``'s chain (a
    :class:`SerialSystem` or a ``SupplyChainConfig``), the same seeds for every policy
    (``settings``: ``batch``, ``periods``, ``warmup``, ``seed``)."""
    config = chain_config(system) if isinstance(system, SerialSystem) else system
    return lambda policy: float(simulate_chain(policy, config, **settings).mean())


class SerialBaseStock:
    """Common part of the two rules: levels, validation, the call on observations.

    ``topology="divergent"``: stages ``0 .. N-2`` are retailers supplied by the warehouse
    ``N-1`` (``supply_chain_v0``'s divergent numbering); a retailer's echelon is itself, the
    warehouse's is the whole chain.
    """

    def __init__(self, levels: Sequence[int], topology: str = "serial") -> None:
        if isinstance(levels, (str, bytes)) or not isinstance(levels, (Sequence, np.ndarray)):
            raise ConfigError(f"levels must be a sequence of ints (one per stage), got {levels!r}")
        if len(levels) == 0:
            raise ConfigError("levels must have one entry per stage, got none")
        if topology not in ("serial", "divergent"):
            raise ConfigError(f"topology must be 'serial' or 'divergent', got {topology!r}")
        self.levels = tuple(check_int(f"levels[{i}]", v) for i, v in enumerate(levels))
        self.topology = topology

    @property
    def n_stages(self) -> int:
        return len(self.levels)

    def __repr__(self) -> str:
        top = "" if self.topology == "serial" else ", topology='divergent'"
        return f"{type(self).__name__}({list(self.levels)}{top})"

    def positions(self, obs: np.ndarray) -> np.ndarray:
        """The positions the rule raises to its levels, ``(B, N)``."""
        raise NotImplementedError

    def order(self, obs: np.ndarray) -> np.ndarray:
        """Orders ``(B, N)`` (float64) for observations ``(B, N, d)``."""
        return np.maximum(np.asarray(self.levels, dtype=np.float64) - self.positions(obs), 0.0)

    def __call__(self, obs: Any) -> Any:
        """Orders for one observation ``(N, d)`` -> ``(N,)``, a batch ``(B, N, d)`` ->
        ``(B, N)`` (int64), or a mapping agent -> row(s) in stage order -> agent -> order(s)."""
        o, single, names = _stack(obs)
        if o.shape[1] != self.n_stages:
            raise ConfigError(
                f"observations have {o.shape[1]} stages, the rule has {self.n_stages} levels"
            )
        q = np.rint(self.order(o)).astype(np.int64)
        if single:
            q = q[0]
        if names is not None:
            return {a: q[..., i] for i, a in enumerate(names)}
        return q

    @classmethod
    def _local_search(
        cls, start: Sequence[int], objective: Objective, topology: str = "serial"
    ) -> tuple[SerialBaseStock, float, int]:
        hi = tuple(3 * max(v, 1) + 10 for v in start)
        space = SearchSpace(tuple(start), (0,) * len(start), hi)
        best, value, n = local_search(lambda x: objective(cls(x, topology)), space)
        return cls(best, topology), value, n

    @classmethod
    def search(
        cls,
        config: Any,
        start: Sequence[int],
        objective: Objective | None = None,
        *,
        shared_retailer_level: bool = False,
    ) -> TuneResult:
        """Pattern search from ``start`` on any ``supply_chain_v0`` chain ``config`` (a
        ``SupplyChainConfig``; serial or divergent, information delays allowed), by default on
        :func:`chain_objective`. ``shared_retailer_level``: divergent chains search one
        level for every retailer (``start[0]``) and the warehouse's (``start[-1]``)."""
        from gym_inventory.envs.supply_config import SupplyChainConfig

        if not isinstance(config, SupplyChainConfig):
            raise ConfigError(f"config must be a SupplyChainConfig, got {config!r}")
        topology = "divergent" if config.divergent else "serial"
        s0 = cls(start, topology).levels
        if len(s0) != config.n_stages:
            raise ConfigError(f"start must have {config.n_stages} entries, got {len(s0)}")
        f = chain_objective(config) if objective is None else objective
        if not (shared_retailer_level and topology == "divergent"):
            policy, value, n = cls._local_search(s0, f, topology)
            return TuneResult(policy, value, "simulation", n)  # type: ignore[arg-type]
        R = config.n_stages - 1

        def expand(x: tuple[int, ...]) -> SerialBaseStock:
            return cls((x[0],) * R + (x[1],), topology)

        space = SearchSpace((s0[0], s0[-1]), (0, 0), (3 * s0[0] + 10, 3 * s0[-1] + 10))
        best, value, n = local_search(lambda x: f(expand(x)), space)
        return TuneResult(expand(best), value, "simulation", n)  # type: ignore[arg-type]


class EchelonBaseStock(SerialBaseStock):
    r"""Order up to :math:`S_i` on the echelon inventory position of each stage.

    Examples
    --------
    >>> import numpy as np
    >>> pi = EchelonBaseStock([4, 9])  # rows: on hand, backlog, received, on order, pipeline
    >>> obs = np.array([[2.0, 0.0, 3.0, 1.0, 1.0], [3.0, 1.0, 1.0, 0.0, 2.0]])
    >>> pi(obs)  # installation positions 2-0+1+1 = 4 and 3-1+0+2 = 4, echelon 4 and 8
    array([0, 1])
    """

    def positions(self, obs: np.ndarray) -> np.ndarray:
        stock = obs[..., 0] + obs[..., 4:].sum(axis=-1)  # on hand + inbound pipeline
        on_order, backlog = obs[..., 3], obs[..., 1]
        if self.topology == "divergent":
            out = installation_positions(obs)
            out[:, -1] = stock.sum(axis=1) - backlog[:, :-1].sum(axis=1) + on_order[:, -1]
            return out
        return np.cumsum(stock, axis=1) - backlog[:, :1] + on_order

    @classmethod
    def tune(cls, system: SerialSystem, objective: Objective | None = None) -> TuneResult:
        """The optimal levels of ``system`` (exact, :meth:`SerialSystem.solve`); with an
        ``objective`` (e.g. a simulation with common random numbers), a local search from
        them on it, to check or refine them on another model."""
        if not isinstance(system, SerialSystem):
            raise ConfigError(f"system must be a SerialSystem, got {system!r}")
        sol = system.solve()
        if objective is None:
            return TuneResult(cls(sol.levels), sol.average_cost, "exact", 1)  # type: ignore[arg-type]
        policy, value, n = cls._local_search(sol.levels, objective)
        return TuneResult(policy, value, "simulation", n)  # type: ignore[arg-type]


class InstallationBaseStock(SerialBaseStock):
    r"""Order up to :math:`s_i` on each stage's own (installation) inventory position.

    Examples
    --------
    >>> import numpy as np
    >>> pi = InstallationBaseStock([5, 6])
    >>> pi(np.array([[2.0, 0.0, 3.0, 1.0, 1.0], [3.0, 1.0, 1.0, 0.0, 2.0]]))  # positions 4, 4
    array([1, 2])
    """

    def positions(self, obs: np.ndarray) -> np.ndarray:
        return installation_positions(obs)

    @classmethod
    def tune(
        cls,
        system: SerialSystem,
        objective: Objective | None = None,
        start: Sequence[int] | None = None,
    ) -> TuneResult:
        """Integer pattern search (:func:`~gym_inventory.policies.tuning.local_search`) on
        ``objective`` (cost per period of a policy; default :func:`chain_objective`, a
        simulation of ``supply_chain_v0`` with common random numbers), from ``start``
        (default: the stock each stage adds in the echelon optimum,
        :attr:`SerialSolution.local_levels`). A local optimum in general."""
        if not isinstance(system, SerialSystem):
            raise ConfigError(f"system must be a SerialSystem, got {system!r}")
        if objective is None:
            objective = chain_objective(system)
        if not callable(objective):
            raise ConfigError(f"objective must be callable (policy -> cost), got {objective!r}")
        s0 = system.solve().local_levels if start is None else cls(start).levels
        if len(s0) != system.n_stages:
            raise ConfigError(f"start must have {system.n_stages} entries, got {len(s0)}")
        policy, value, n = cls._local_search(s0, objective)
        return TuneResult(policy, value, "simulation", n)  # type: ignore[arg-type]
