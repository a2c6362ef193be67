"""The batched model behind ``Inventory-v0``: kernel + demand stream + observation + actions.

:class:`StoreModel` is pure NumPy and steps ``batch_size`` copies of ``n_products`` at
once. :class:`~gym_inventory.envs.InventoryEnv` is one copy of one product; the vector env
is many copies; the multi-product env is one copy of many products. All of them share
this code, so their trajectories agree bit for bit.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
from gymnasium import spaces

from gym_inventory.core.config import CouplingConfig, InventoryConfig, check_int
from gym_inventory.core.kernel import FLOW_FIELDS, InventoryKernel, money_terms
from gym_inventory.demand.base import DemandSource, DemandStream
from gym_inventory.demand.parametric import HOURS_PER_WEEK
from gym_inventory.errors import ActionError, ConfigError

__all__ = [
    "ACTION_MODES",
    "OBS_FIELDS",
    "StoreModel",
    "StoreParams",
    "time_features",
]

ACTION_MODES = ("seed", "quantity", "continuous")

#: Observation entries of one product, in order.
OBS_FIELDS: tuple[str, ...] = (
    "on_hand",
    "in_transit",
    "backlog",
    "sales",
    "unmet",
    "hour_sin",
    "hour_cos",
    "dow_sin",
    "dow_cos",
    "demand_ema_short",
    "demand_ema_long",
)
_OBS = {n: i for i, n in enumerate(OBS_FIELDS)}

#: Upper bound used for quantities with no natural bound (demand, backlog, ...).
UNBOUNDED = float(np.finfo(np.float32).max)

#: Smoothing of the two demand moving averages (exponential, per period):
#: short ~ the last 4 hours, long ~ the last week.
EMA_SHORT_HALF_LIFE = 4.0
EMA_LONG_HALF_LIFE = 168.0


def time_features(start_hour: int = 0) -> np.ndarray:
    """Cyclic time features of each hour of the week, shape ``(168, 4)``.

    Columns: ``sin``/``cos`` of the hour of day (period 24) and of the day of week
    (period 7, using the fractional day so the features move every hour), for the hour of
    the week ``(t + start_hour) % 168`` of period ``t``.
    """
    h = (np.arange(HOURS_PER_WEEK) + start_hour) % HOURS_PER_WEEK
    hod = 2 * np.pi * (h % 24) / 24.0
    dow = 2 * np.pi * (h / 24.0) / 7.0
    return np.stack([np.sin(hod), np.cos(hod), np.sin(dow), np.cos(dow)], axis=1)


@dataclass(frozen=True)
class StoreParams:
    """The ``Inventory-v0`` action and observation settings (beyond :class:`InventoryConfig`).

    Parameters
    ----------
    action_mode : {"seed", "quantity", "continuous"}
        ``"seed"``: ``Discrete(3)`` (0 order ``order_quantity``, 1 hold, 2 clearance sale of
        up to ``clearance_quantity``). ``"quantity"``: ``Discrete(max_order + 1)`` order
        quantity. ``"continuous"``: ``Box(0, 1, (1,))``, the order as a fraction of
        ``max_order``, rounded half up to whole units (``floor(a * max_order + 0.5)``).
    order_quantity : int
        Units ordered by seed action 0.
    clearance_quantity : int
        Most units sold by seed action 2.
    max_order : int
        Largest order in the quantity and continuous modes.
    start_hour : int
        Hour of the week (0 = day 0, 00:00) of the first period.
    """

    action_mode: str = "seed"
    order_quantity: int = 30
    clearance_quantity: int = 30
    max_order: int = 100
    start_hour: int = 0

    def __post_init__(self) -> None:
        if self.action_mode not in ACTION_MODES:
            raise ConfigError(
                f"action_mode must be one of {ACTION_MODES}, got {self.action_mode!r}"
            )
        object.__setattr__(
            self, "order_quantity", check_int("order_quantity", self.order_quantity, low=1)
        )
        object.__setattr__(
            self,
            "clearance_quantity",
            check_int("clearance_quantity", self.clearance_quantity, low=1),
        )
        object.__setattr__(self, "max_order", check_int("max_order", self.max_order, low=1))
        object.__setattr__(
            self,
            "start_hour",
            check_int("start_hour", self.start_hour, high=HOURS_PER_WEEK - 1),
        )


def split_kwargs(kwargs: dict[str, Any]) -> tuple[InventoryConfig, StoreParams]:
    """Split flat env keyword arguments into the two dataclasses; reject unknown keys."""
    cfg_names = {f.name for f in fields(InventoryConfig)}
    par_names = {f.name for f in fields(StoreParams)}
    unknown = sorted(set(kwargs) - cfg_names - par_names)
    if unknown:
        raise ConfigError(
            f"unknown argument(s) {unknown}; expected some of {sorted(cfg_names | par_names)}"
        )
    cfg = InventoryConfig(**{k: v for k, v in kwargs.items() if k in cfg_names})
    par = StoreParams(**{k: v for k, v in kwargs.items() if k in par_names})
    return cfg, par


class StoreModel:
    """Batched ``Inventory-v0`` dynamics: ``batch_size`` copies of ``n_products`` products.

    Parameters
    ----------
    configs : sequence of InventoryConfig
        One per product.
    sources : sequence of DemandSource
        One per product.
    params : StoreParams
        Action mode and quantities (shared by all products).
    batch_size : int
        Number of copies.
    coupling : CouplingConfig, optional
        Shared capacity and budget across the products.

    Notes
    -----
    Every batched model (this one, the benchmark variants' model, ...) offers the same
    interface, which the vector env and the evaluators use: ``batch_size``,
    ``n_products``, ``kernel``, ``obs`` (``(B, P, obs_dim)`` float64 buffer),
    ``reset(rngs, index=None)``, ``check_actions(actions, shape)``,
    ``decode(actions) -> (order, clearance)``, ``step(order, clearance) -> reward``,
    ``info(b, p)``, ``batch_info()`` (the same keys as ``info``, as new ``(B, P)``
    arrays), ``single_action_space()``, ``single_observation_space()``.

    The single env's fast path, when ``scalar`` is true (one copy of one product, no
    coupling): ``step1(order, clearance)`` is the same step in plain floats, through
    :meth:`InventoryKernel.step1 <gym_inventory.core.InventoryKernel.step1>`, returning
    the kernel's rows; ``info1(rows)`` is then ``info()`` and ``obs1`` the copy's
    observation. A model with its own observation sets ``scalar = False`` (or overrides
    all three).
    """

    def __init__(
        self,
        configs: Sequence[InventoryConfig],
        sources: Sequence[DemandSource],
        params: StoreParams,
        batch_size: int = 1,
        coupling: CouplingConfig | None = None,
    ) -> None:
        configs = tuple(configs)
        if len(sources) != len(configs):
            raise ConfigError(
                f"need one demand source per product: {len(configs)} products, "
                f"{len(sources)} sources"
            )
        self.params = params
        self.kernel = InventoryKernel(configs, batch_size, coupling)
        self.stream = DemandStream(
            sources, batch_size, lead_uniforms=self.kernel._uniform_lead is None
        )
        B, P = batch_size, len(configs)
        self.batch_size, self.n_products = B, P
        self.time = np.zeros(B, dtype=np.int64)  # periods elapsed in each copy's episode
        self._tf = time_features(params.start_hour)
        self._tf4 = self._tf[:, :, None, None]  # each hour's features against (4, B, P)
        # Stored entry-major (obs_dim, B, P) so each entry is one contiguous array;
        # ``obs`` is the (B, P, obs_dim) view of it.
        self._obs_t = np.zeros((len(OBS_FIELDS), B, P), dtype=np.float64)
        hl = np.array([EMA_SHORT_HALF_LIFE, EMA_LONG_HALF_LIFE])
        self._alpha = 1.0 - 0.5 ** (1.0 / hl)
        # each EMA's smoothing for every copy and product, (2, B, P), and step's scratch
        self._alpha_bp = np.repeat(self._alpha, B * P).reshape(2, B, P)
        self._ema_step = np.zeros((2, B, P))
        week = np.arange(HOURS_PER_WEEK)
        self._mean_demand = np.array([s.mean(week).mean() for s in sources])
        q = params.order_quantity
        # (order, clearance) of each seed action, one row per action
        self._seed = np.array([[q, 0.0], [0.0, 0.0], [0.0, params.clearance_quantity]])
        self._finite_cap = np.isfinite(self.kernel.capacity).all()
        self._prices1 = [self.kernel.prices1(p) for p in range(P)]  # money_terms in floats
        #: Whether :meth:`step1` applies (one copy of one product, no coupling).
        self.scalar = self.kernel._scalar
        if self.scalar:
            self._tf1 = [tuple(row) for row in self._tf.tolist()]
            self._alpha1 = tuple(self._alpha.tolist())
        self._bind_views()

    #: Views of the store's observation (``_obs_t``), which a subclass without it deletes.
    _OBS_VIEWS = ("_ema", "_head", "_transit_entry", "_tf_entries")

    def _bind_views(self) -> None:
        # Views of the buffers, rebuilt after unpickling (pickle copies views); step1 reads
        # and writes the one copy through memoryviews.
        if "obs" not in self.__dict__:
            self.obs = self._obs_t.transpose(1, 2, 0)
        if "_obs_t" in self.__dict__:
            o = self._obs_t
            #: The two demand moving averages, a view of :attr:`obs`, shape (2, B, P).
            self._ema = o[_EMA_SHORT:]
            # _fill_obs's copies: (entries, kernel rows), adjacent pairs in one; in transit
            # and the time features' entries
            buf = self.kernel._buf
            runs: list[list[int]] = []  # [first entry, first row, count]
            for j, r in enumerate(_obs_head(range(len(buf)), None)):
                if r is None:
                    continue
                if runs and (runs[-1][0] + runs[-1][2], runs[-1][1] + runs[-1][2]) == (j, r):
                    runs[-1][2] += 1
                else:
                    runs.append([j, r, 1])
            self._head = tuple((o[j : j + n], buf[r : r + n]) for j, r, n in runs)
            self._transit_entry = o[_IN_TRANSIT]
            self._tf_entries = o[_HOUR_SIN:_EMA_SHORT]
        if self.batch_size == 1:  # the one copy's time (an int as fast to read as to write)
            self._time1 = memoryview(self.time)
        if self.scalar:
            self.obs1 = self.obs.reshape(-1)  # the one copy's observation (a view)
            self._obs1 = memoryview(self.obs1)

    def __getstate__(self) -> dict:
        views = {"obs1", "_obs1", "_time1", *self._OBS_VIEWS}
        # (a subclass may have an observation of its own, and no _obs_t)
        if self.obs.base is self.__dict__.get("_obs_t", False):
            views.add("obs")
        return {k: v for k, v in self.__dict__.items() if k not in views}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._bind_views()

    # --------------------------------------------------------------- spaces
    def observation_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """Lower and upper bounds of one product's observation, float32 arrays."""
        low = np.zeros(len(OBS_FIELDS), dtype=np.float32)
        high = np.full(len(OBS_FIELDS), UNBOUNDED, dtype=np.float32)
        low[_OBS["hour_sin"] : _OBS["dow_cos"] + 1] = -1.0
        high[_OBS["hour_sin"] : _OBS["dow_cos"] + 1] = 1.0
        if self._finite_cap:
            high[_OBS["on_hand"]] = float(self.kernel.capacity.max())
        return low, high

    def single_observation_space(self) -> spaces.Box:
        """Observation space of one product of one copy."""
        low, high = self.observation_bounds()
        return spaces.Box(low, high, dtype=np.float32)

    def single_action_space(self) -> spaces.Space:
        """Action space of one product of one copy."""
        p = self.params
        if p.action_mode == "seed":
            return spaces.Discrete(3)
        if p.action_mode == "quantity":
            return spaces.Discrete(p.max_order + 1)
        return spaces.Box(0.0, 1.0, shape=(1,), dtype=np.float32)

    # -------------------------------------------------------------- actions
    def decode(self, actions: np.ndarray) -> tuple[np.ndarray, np.ndarray | float]:
        """Map validated actions of shape ``(B, P)`` (or ``(B, P, 1)`` for continuous) to
        ``(order, clearance)`` arrays."""
        mode = self.params.action_mode
        if mode == "seed":
            decoded = self._seed.take(actions, axis=0)  # (B, P, 2): one gather
            return decoded[..., 0], decoded[..., 1]
        if mode == "quantity":
            return actions, 0.0
        return np.floor(actions[..., 0] * self.params.max_order + 0.5), 0.0

    def check_actions(self, actions: Any, shape: tuple[int, ...]) -> np.ndarray:
        """Validate actions against the action space; return them as an array.

        ``shape`` is the batch shape: ``(B, P)`` for batched callers, ``()`` for one
        action. Discrete modes need integers (Python or NumPy; not floats or bools);
        the continuous mode needs numbers in [0, 1] with a trailing axis of 1. Raises
        :class:`~gym_inventory.errors.ActionError` naming the offending value; never clips.
        """
        a = np.asarray(actions)
        mode = self.params.action_mode
        want = shape + ((1,) if mode == "continuous" else ())
        if a.shape != want:
            raise ActionError(
                f"action must have shape {want} for action_mode={mode!r}, got {a.shape} "
                f"({actions!r})"
            )
        if mode == "continuous":
            if a.dtype.kind not in "fiu":
                raise ActionError(f"action must be numeric, got dtype {a.dtype} ({actions!r})")
            bad = ~((a >= 0) & (a <= 1))  # also catches NaN
            if bad.any():
                raise ActionError(
                    "action must be a fraction of max_order in [0, 1] for "
                    f"action_mode='continuous', got {a[bad].flat[0]!r}"
                )
            return a.astype(np.float64)
        n = 3 if mode == "seed" else self.params.max_order + 1
        if a.dtype.kind not in "iu":
            raise ActionError(
                f"action must be an int in [0, {n - 1}] for action_mode={mode!r}, got {actions!r}"
            )
        a_int = a if a.dtype == np.intp else a.astype(np.intp)
        # One pass: as unsigned, a negative int is larger than any valid action (and so
        # is an unsigned one too large for intp).
        if a_int.size and np.maximum.reduce(a_int.view(np.uintp), axis=None) >= n:
            bad = (a < 0) | (a >= n)
            raise ActionError(
                f"action must be an int in [0, {n - 1}] for action_mode={mode!r}, "
                f"got {a[bad].flat[0]!r}"
            )
        return a_int

    # ----------------------------------------------------------------- core
    def reset(self, rngs: Sequence[np.random.Generator], index: Any = None) -> np.ndarray:
        """Reset copies in ``index`` (all by default); returns the observation buffer."""
        idx = slice(None) if index is None else index
        self.kernel.reset(index)
        self.stream.reset(rngs, index)
        self.time[idx] = 0
        self._ema[:, idx] = self._mean_demand
        self._fill_obs(index)
        return self.obs

    def step(self, order: np.ndarray, clearance: np.ndarray | float) -> np.ndarray:
        """Advance all copies one period with decoded ``(order, clearance)``.

        Returns the profit, shape ``(B, P)`` (kernel buffer). Observations are in
        :attr:`obs` afterwards.
        """
        demand, lead_u = self.stream.next()
        reward = self.kernel.step(order, clearance, demand, lead_u)
        if self.batch_size == 1:
            self._time1[0] += 1
        else:
            self.time += 1
        _smooth(self._ema, self._alpha_bp, self.kernel.demand, self._ema_step)
        self._fill_obs(None)
        return reward

    def step1(self, order: float, clearance: float) -> tuple[float, ...]:
        """:meth:`step` for one copy of one product in plain floats (see ``scalar``).

        Returns the kernel's new flows and reward as floats; :attr:`obs` is updated.
        """
        demand, lead_u = self.stream.next1()
        kernel = self.kernel
        rows = kernel.step1(order, clearance, demand, lead_u)
        self._time1[0] = t = self._time1[0] + 1
        o = self._obs1
        a_short, a_long = self._alpha1
        _PACK_OBS.pack_into(  # = self.obs[0, 0] = (...), at half the cost
            o,
            0,
            *_obs_head(rows, sum(kernel._pipe1)),
            *self._tf1[t % HOURS_PER_WEEK],
            _smooth(o[_EMA_SHORT], a_short, demand),
            _smooth(o[_EMA_LONG], a_long, demand),
        )
        return rows

    def _fill_obs(self, index: Any) -> None:
        """Fill the observation of the copies in ``index`` (``None``: all) but the EMAs."""
        k = self.kernel
        o = self._obs_t
        if index is None:  # every copy: in_transit summed in place, rows copied
            k.in_transit(out=self._transit_entry)
            for entries, rows in self._head:
                np.copyto(entries, rows)
            if self.batch_size == 1:
                np.copyto(self._tf_entries, self._tf4[self._time1[0] % HOURS_PER_WEEK])
                return
            idx = slice(None)
        else:
            idx = index
            head = _obs_head(k._buf[:, idx], k.pipeline[:, idx].sum(axis=0))
            for j, column in enumerate(head):
                o[j, idx] = column
        time = self.time[idx]
        if time.size == 1 or (time.size and time.min() == time.max()):  # one row for all
            o[_HOUR_SIN:_EMA_SHORT, idx] = self._tf[time.item(0) % HOURS_PER_WEEK, :, None, None]
        else:
            o[_HOUR_SIN:_EMA_SHORT, idx] = self._tf[time % HOURS_PER_WEEK].T[:, :, None]

    @staticmethod
    def _info(rows: Any, in_transit: Any, prices: tuple) -> dict[str, Any]:
        """The info of one period from the kernel's rows, for floats or for arrays.

        Keys: :data:`FLOW_FIELDS`, :data:`MONEY_FIELDS` (costs positive), ``profit``,
        ``in_transit``. (A dict display: the fastest way to build a dict.)
        """
        revenue, ordering, holding, penalty, disposal = money_terms(rows, prices)
        (
            ordered, placed, arrived, received, disposed, cleared, sold, unmet, lost,
            backlog, on_hand, demand, reward,
        ) = rows  # fmt: skip
        return {
            "ordered": ordered,
            "orders_placed": placed,
            "arrived": arrived,
            "received": received,
            "disposed": disposed,
            "cleared": cleared,
            "sold": sold,
            "unmet": unmet,
            "lost": lost,
            "backlog": backlog,
            "on_hand": on_hand,
            "demand": demand,
            "revenue": revenue,
            "ordering": ordering,
            "holding": holding,
            "penalty": penalty,
            "disposal": disposal,
            "profit": reward,
            "in_transit": in_transit,
        }

    def info(self, b: int = 0, p: int = 0) -> dict[str, float]:
        """The last period's breakdown for copy ``b``, product ``p`` as plain floats."""
        rows = self.kernel._buf[:, b, p].tolist()
        return self._info(rows, self.obs.item(b, p, _OBS["in_transit"]), self._prices1[p])

    def info1(self, rows: tuple[float, ...]) -> dict[str, float]:
        """:meth:`info` of the one copy from the floats :meth:`step1` returned."""
        return self._info(rows, self._obs1[_IN_TRANSIT], self._prices1[0])

    def batch_info(self) -> dict[str, np.ndarray]:
        """:meth:`info` of every copy and product at once: new ``(B, P)`` arrays (the
        kernel's rows and ``in_transit`` are views of one new block: one allocation)."""
        buf = self.kernel._buf
        block = np.empty((len(buf) + 1, *buf.shape[1:]))
        np.copyto(block[:-1], buf)
        self._in_transit(block[-1])
        return self._info(block[:-1], block[-1], self.kernel.prices)

    def _in_transit(self, out: np.ndarray) -> None:
        """Write every copy's units in transit, ``(B, P)``, into ``out``."""
        np.copyto(out, self._obs_t[_IN_TRANSIT])


_FLOW = {name: i for i, name in enumerate(FLOW_FIELDS)}
_EMA_SHORT, _EMA_LONG = _OBS["demand_ema_short"], _OBS["demand_ema_long"]
_IN_TRANSIT, _HOUR_SIN = _OBS["in_transit"], _OBS["hour_sin"]
_PACK_OBS = struct.Struct(f"{len(OBS_FIELDS)}d")
_ON_HAND, _BACKLOG, _SOLD, _UNMET = (_FLOW[n] for n in ("on_hand", "backlog", "sold", "unmet"))


def _obs_head(rows: Any, in_transit: Any) -> tuple:
    """The first observation entries (up to the time features) from the kernel's rows."""
    return rows[_ON_HAND], in_transit, rows[_BACKLOG], rows[_SOLD], rows[_UNMET]


def _smooth(ema: Any, alpha: Any, demand: Any, scratch: np.ndarray | None = None) -> Any:
    """One step of the demand moving averages: floats, or arrays updated in place (the
    same operations through ``scratch``, an array of ``ema``'s shape, when given)."""
    if scratch is None:
        ema += alpha * (demand - ema)
        return ema
    np.subtract(demand, ema, out=scratch)
    np.multiply(scratch, alpha, out=scratch)
    return np.add(ema, scratch, out=ema)
