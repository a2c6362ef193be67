"""The one inventory dynamics kernel: a batched period step over ``(batch, products)``.

Every face of the package (the single env, the vector env, the multi-product PettingZoo
env, the policy evaluators and the exact solver's simulator) steps inventory through
:class:`InventoryKernel`, so a fix or a speed-up lands everywhere at once.

The kernel is pure NumPy (it imports neither gymnasium nor pettingzoo), keeps all state in
preallocated arrays updated in place, and keeps the order pipeline in a ring buffer of
``max_lead_time + 1`` slots: an order placed in period ``t`` with lead time ``L`` is added to
slot ``(t + L) % R`` and received when the pointer reaches that slot.

The period's arithmetic is written once, in :meth:`InventoryKernel._period`, over
operands that may be NumPy arrays (the batched :meth:`~InventoryKernel.step`) or plain
Python floats (:meth:`~InventoryKernel.step1`, the single-env fast path: one copy, one
product, no coupling). Both run the very same operations in the same order, so a copy
stepped alone and the same copy stepped in a batch agree bit for bit; ``step1`` only
exists because a NumPy call on a one-element array costs more than the whole period in
floats.

The kernel trusts its inputs (non-negative integer-valued float arrays); the environments
validate actions before they reach it.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Sequence
from typing import Any

import numpy as np

from gym_inventory.core.config import CouplingConfig, InventoryConfig
from gym_inventory.errors import ConfigError

__all__ = ["FLOW_FIELDS", "MONEY_FIELDS", "InventoryKernel", "money_terms"]

#: Names of the per-period quantities the kernel records, in the order of
#: :attr:`InventoryKernel.flows` (first axis).
FLOW_FIELDS: tuple[str, ...] = (
    "ordered",  # units ordered this period (after any budget scaling)
    "orders_placed",  # 1 if anything was ordered, else 0
    "arrived",  # units due this period (before the capacity rule)
    "received",  # units accepted into stock
    "disposed",  # units that did not fit and were disposed of
    "cleared",  # units sold through the clearance action
    "sold",  # units sold to demand (in backorder mode including backlog served)
    "unmet",  # units of this period's demand not served from stock (lost or backlogged)
    "lost",  # units of demand lost this period (lost-sales mode)
    "backlog",  # units backlogged at period end (state; backorder mode)
    "on_hand",  # units on hand at period end (state)
    "demand",  # units demanded this period
)
_F = {name: i for i, name in enumerate(FLOW_FIELDS)}
_ON_HAND, _BACKLOG = _F["on_hand"], _F["backlog"]
_SOLD, _CLEARED, _ORDERED, _PLACED, _DISPOSED = (
    _F[n] for n in ("sold", "cleared", "ordered", "orders_placed", "disposed")
)
_RECEIVED, _UNMET = _F["received"], _F["unmet"]
#: The rows :meth:`InventoryKernel._period` may return as something other than the
#: kernel's own row, written in place (a new array, another row, a float or ``_ZERO``).
_NOT_IN_PLACE = (_RECEIVED, _DISPOSED, _CLEARED, _F["lost"])
_PACK_ROWS = struct.Struct(f"{len(FLOW_FIELDS) + 1}d")  # the flows and the reward
#: What :meth:`InventoryKernel._period` returns for a flow that is zero by construction
#: in this configuration (no clearance, no capacity, lost sales in backorder mode): the
#: batched step leaves such a row as it is (zero) instead of filling it every period.
_ZERO = 0.0

#: Components of the period's profit, as reported in ``info``: revenue (sales and
#: clearance) minus the four costs. ``reward = revenue - ordering - holding - penalty
#: - disposal``.
MONEY_FIELDS: tuple[str, ...] = ("revenue", "ordering", "holding", "penalty", "disposal")


def _min1(a: float, b: float, out: None = None) -> float:
    """:func:`min` of two floats with ``numpy.minimum``'s signature (for ``_period``)."""
    return b if b < a else a


def _sub1(a: float, b: float, out: None = None) -> float:
    """``a - b`` with ``numpy.subtract``'s signature (for ``_period``)."""
    return a - b


#: ``_period``'s ``ops`` for floats: no destinations, float operations (arrays: ``_ops``).
_FLOAT_OPS = ((None,) * len(FLOW_FIELDS), _min1, _sub1)


def _per_product(configs: Sequence[InventoryConfig], name: str) -> np.ndarray:
    return np.array([float(getattr(c, name)) for c in configs], dtype=np.float64)


def money_terms(rows: Any, prices: tuple) -> tuple:
    """The period's :data:`MONEY_FIELDS` (costs positive) from its flows.

    ``rows`` is indexed like :attr:`InventoryKernel.flows` (arrays, or one copy's
    floats); ``prices`` is :attr:`InventoryKernel.prices` (or ``prices1(p)``). Plain
    operators, so arrays and floats give the same numbers. A price of ``None`` (zero for
    every product) leaves its term of a two-term sum out: the term is +0.0 (flows are
    non-negative), which changes no such sum.
    """
    price, clear_price, unit, fixed, hold, penalty_row, penalty, disposal = prices
    return (
        _two_terms(rows[_SOLD], price, rows[_CLEARED], clear_price),
        _two_terms(rows[_ORDERED], unit, rows[_PLACED], fixed),
        rows[_ON_HAND] * hold,
        rows[penalty_row] * penalty,
        rows[_DISPOSED] * disposal,
    )


def _two_terms(x: Any, x_price: Any, y: Any, y_price: Any) -> Any:
    """``x * x_price + y * y_price``, where a ``None`` price is zero (see money_terms)."""
    if x_price is None:
        return x * 0.0 if y_price is None else y * y_price
    return x * x_price if y_price is None else x * x_price + y * y_price


class InventoryKernel:
    """Batched inventory dynamics for ``batch_size`` independent copies of ``n_products``.

    Parameters
    ----------
    configs : InventoryConfig or sequence of InventoryConfig
        One configuration per product (a single one means one product). All products
        must share the same ``backlog`` mode.
    batch_size : int
        Number of independent copies stepped together.
    coupling : CouplingConfig, optional
        Shared warehouse capacity and ordering budget across products.

    Attributes
    ----------
    flows : ndarray, shape (len(FLOW_FIELDS), batch_size, n_products)
        The last period's quantities (see :data:`FLOW_FIELDS`). Rows ``on_hand`` and
        ``backlog`` are the state itself.
    reward : ndarray, shape (batch_size, n_products)
        The last period's profit per product (overwritten by the next step).
    prices : tuple
        What :func:`money_terms` multiplies the flows by: per-product arrays of the
        price, clearance price, unit cost, fixed cost (each ``None`` when zero for every
        product), holding cost, the index of the penalised flow row (``lost`` or
        ``backlog``), penalty cost and disposal cost.
    pipeline : ndarray, shape (R, batch_size, n_products)
        Ring buffer of outstanding orders, ``R = max_lead_time + 1``.
    """

    def __init__(
        self,
        configs: InventoryConfig | Sequence[InventoryConfig],
        batch_size: int = 1,
        coupling: CouplingConfig | None = None,
    ) -> None:
        if isinstance(configs, InventoryConfig):
            configs = (configs,)
        configs = tuple(configs)
        if not configs or not all(isinstance(c, InventoryConfig) for c in configs):
            raise ConfigError("configs must be one InventoryConfig or a non-empty sequence of them")
        if len({c.backlog for c in configs}) != 1:
            raise ConfigError("backlog must be the same for every product of one kernel")
        if isinstance(batch_size, bool) or not isinstance(batch_size, int | np.integer):
            raise ConfigError(f"batch_size must be a positive int, got {batch_size!r}")
        if batch_size < 1:
            raise ConfigError(f"batch_size must be a positive int, got {batch_size!r}")
        if coupling is not None and not isinstance(coupling, CouplingConfig):
            raise ConfigError(f"coupling must be a CouplingConfig or None, got {coupling!r}")
        self.configs = configs
        self.coupling = coupling or CouplingConfig()
        self.batch_size = B = int(batch_size)
        self.n_products = P = len(configs)
        self.backlog_mode = configs[0].backlog

        self.max_lead_time = max(c.max_lead_time for c in configs)
        self.n_slots = R = self.max_lead_time + 1
        self.pipeline = np.zeros((R, B, P), dtype=np.float64)
        # The flows and the reward in one buffer, so step1 stores a period in one call.
        self._buf = np.zeros((len(FLOW_FIELDS) + 1, B, P), dtype=np.float64)
        self.period = 0  # ring pointer position; all copies share it
        # step1 applies: one copy of one product, no coupling.
        self._scalar = B == 1 and P == 1 and self.coupling == CouplingConfig()
        self._bind_views()

        # Lead times: one fixed L for all, per-product fixed L, or per-order draws.
        self.stochastic_lead_time = any(c.stochastic_lead_time for c in configs)
        fixed = [c.lead_time for c in configs if not c.stochastic_lead_time]
        self._uniform_lead = (
            fixed[0] if not self.stochastic_lead_time and len(set(fixed)) == 1 else None
        )
        if self._uniform_lead is None:
            # Cumulative distribution of each product's lead time over 0..R-1, (P, R).
            cdf = np.zeros((P, R))
            for p, c in enumerate(configs):
                pmf = np.zeros(R)
                if c.stochastic_lead_time:
                    pmf[: len(c.lead_time)] = c.lead_time
                else:
                    pmf[c.lead_time] = 1.0
                cdf[p] = np.cumsum(pmf)
            cdf[:, -1] = 1.0
            self._lead_cdf = cdf
            self._fixed_lead = np.array(
                [c.lead_time if not c.stochastic_lead_time else 0 for c in configs]
            )
            self._b_idx = np.arange(B)[:, None]
            self._p_idx = np.arange(P)[None, :]

        self.capacity = _per_product(configs, "capacity")
        self._capped = bool(np.isfinite(self.capacity).any())
        self._shared_cap = self.coupling.shared_capacity
        self._budget = self.coupling.budget
        self._unit_cost = _per_product(configs, "unit_cost")
        self._fixed_cost = _per_product(configs, "fixed_cost")
        self.initial_stock = _per_product(configs, "initial_stock")
        if np.isfinite(self._shared_cap) and self.initial_stock.sum() > self._shared_cap:
            raise ConfigError(
                f"the products' initial_stock sums to {self.initial_stock.sum():g}, more "
                f"than shared_capacity {self._shared_cap:g}"
            )

        # Signed money per unit of each flow, shape (F, 1, P): money = flows * coef.
        coef = np.zeros((len(FLOW_FIELDS), 1, P))
        coef[_F["ordered"], 0] = -self._unit_cost
        coef[_F["orders_placed"], 0] = -self._fixed_cost
        coef[_F["disposed"], 0] = -_per_product(configs, "disposal_cost")
        # (+ 0.0: a price of -0.0 is +0.0, so the sold term is never -0.0; see _period)
        coef[_F["cleared"], 0] = _per_product(configs, "clearance_price") + 0.0
        coef[_F["sold"], 0] = _per_product(configs, "price") + 0.0
        penalty_row = "backlog" if self.backlog_mode else "lost"
        coef[_F[penalty_row], 0] = -_per_product(configs, "penalty_cost")
        coef[_F["on_hand"], 0] = -_per_product(configs, "holding_cost")
        self._coef = coef
        self._money_buf = np.zeros((len(FLOW_FIELDS), B, P))  # step's flows * coef
        # The rows with money, in FLOW_FIELDS order (the reward is their sum in this
        # order), but for those priced zero for every product, whose terms change no
        # result (see _period), and always with sold.
        money_rows = ("ordered", "orders_placed", "disposed", "cleared", "sold")
        money_rows = tuple(_F[n] for n in (*money_rows, penalty_row, "on_hand"))
        self._money_rows = tuple(r for r in money_rows if r == _SOLD or np.any(coef[r] != 0))
        # ... and the rows step multiplies by their prices: runs of adjacent rows, one
        # call each, or all rows from the first to the last in one call, whichever
        # costs less (a call costs about as much as multiplying 1,500 numbers).
        runs = [[self._money_rows[0]]]
        for r in self._money_rows[1:]:
            if r == runs[-1][-1] + 1:
                runs[-1].append(r)
            else:
                runs.append([r])
        span = [self._money_rows[0], self._money_rows[-1]]
        if (
            len(runs) * 1500 + len(self._money_rows) * B * P
            > 1500 + (span[1] - span[0] + 1) * B * P
        ):
            runs = [span]
        self._money_runs = tuple(slice(run[0], run[-1] + 1) for run in runs)
        # ... and the rows step adds, by whether disposed and cleared are zero this
        # period (zero by construction: their terms, -0.0 and +0.0, change no result)
        self._money_adds = {
            (no_disposal, no_clearance): tuple(
                r
                for r in self._money_rows
                if not ((r == _DISPOSED and no_disposal) or (r == _CLEARED and no_clearance))
            )
            for no_disposal in (False, True)
            for no_clearance in (False, True)
        }
        # The constants of _period: per-product arrays for step, floats for step1.
        share = self._apply_shared_capacity if self._shared_cap != math.inf else None
        cap = self.capacity if self._capped else None
        # (ones as an array: np.minimum with an array is faster than with a scalar)
        self._ones = np.ones((B, P))
        self._consts = (cap, share, self.backlog_mode, self._ones, None)
        if self._scalar:
            # (with the prices of the money rows, None for those priced zero: left out)
            money1 = tuple(
                float(coef[r, 0, 0]) if r in self._money_rows else None for r in money_rows
            )
            self._consts1 = (
                None if cap is None else float(cap[0]), None, self.backlog_mode, 1.0, money1
            )  # fmt: skip
        # The prices money_terms multiplies the flows by (costs positive), per product.
        pen = _F[penalty_row]
        pairs = (coef[_F["sold"], 0], coef[_F["cleared"], 0], -coef[_F["ordered"], 0],
                 -coef[_F["orders_placed"], 0])  # fmt: skip
        price, clear_price, unit, fixed = (v if v.any() else None for v in pairs)
        self.prices = (
            price, clear_price, unit, fixed, -coef[_F["on_hand"], 0], pen, -coef[pen, 0],
            -coef[_F["disposed"], 0],
        )  # fmt: skip
        self.reset()

    # ------------------------------------------------------------------ state
    def _bind_views(self) -> None:
        # Named views of ``_buf``; rebuilt after unpickling (pickle copies views).
        self.flows = self._buf[: len(FLOW_FIELDS)]
        self.reward = self._buf[len(FLOW_FIELDS)]
        self._rows = (*self.flows, self.reward)
        self._ops = (self._rows, np.minimum, np.subtract)  # _period's, for arrays
        for name, row in zip(FLOW_FIELDS, self._rows, strict=False):
            setattr(self, name, row)
        if self._scalar:  # step1 reads and writes the one copy through memoryviews
            self._flat = memoryview(self._buf.reshape(-1))
            self._pipe1 = memoryview(self.pipeline.reshape(-1))

    _VIEWS = frozenset((*FLOW_FIELDS, "flows", "reward", "_rows", "_ops", "_flat", "_pipe1"))

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k not in self._VIEWS}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._bind_views()

    def reset(self, index: np.ndarray | slice | None = None) -> None:
        """Reset the copies selected by ``index`` (all by default) to the initial state."""
        idx = slice(None) if index is None else index
        self._buf[:, idx] = 0.0
        self.pipeline[:, idx] = 0.0
        self.on_hand[idx] = self.initial_stock
        if index is None:  # which rows are all zero (step skips refilling them)
            self._zeroed = [True] * len(self._rows)

    @property
    def money(self) -> np.ndarray:
        """The signed money of each flow in the last period (revenue positive, costs
        negative), shape ``(len(FLOW_FIELDS), batch_size, n_products)``: computed on
        access from :attr:`flows` (a new array)."""
        return self.flows * self._coef

    def in_transit(self, out: np.ndarray | None = None) -> np.ndarray:
        """Units ordered and not yet received, shape ``(batch, products)``."""
        return np.add.reduce(self.pipeline, axis=0, out=out)  # (= .sum, without its wrapper)

    def pipeline_by_arrival(self) -> np.ndarray:
        """Outstanding orders by arrival, shape ``(batch, products, max_lead_time)``.

        Entry ``k`` holds the units that arrive at the start of the ``k``-th next period
        (``k = 0``: the next period). Empty when ``max_lead_time == 0``.
        """
        R = self.n_slots
        slots = (self.period + np.arange(R - 1)) % R
        return np.moveaxis(self.pipeline[slots], 0, -1)

    def sample_lead_times(self, u: np.ndarray) -> np.ndarray:
        """Map uniforms ``u`` in [0, 1), shape ``(batch, products)``, to lead times."""
        lead = (u[..., None] >= self._lead_cdf).sum(axis=-1)
        return np.minimum(lead, self.n_slots - 1)

    def money_breakdown(self, index: int | None = None) -> dict[str, np.ndarray]:
        """The last period's money by component (:data:`MONEY_FIELDS`), costs positive.

        Returns arrays of shape ``(batch, products)``, or ``(products,)`` for ``index``.
        """
        rows = self.flows if index is None else self.flows[:, index]
        return dict(zip(MONEY_FIELDS, money_terms(rows, self.prices), strict=True))

    def prices1(self, p: int = 0) -> tuple:
        """:attr:`prices` of product ``p`` as floats (for :func:`money_terms` on floats)."""
        return tuple(v if v is None or isinstance(v, int) else float(v[p]) for v in self.prices)

    # ------------------------------------------------------------------- step
    def _period(
        self,
        c: tuple,
        on_hand: Any,
        backlog: Any,
        ordered: Any,
        arrived: Any,
        clearance: Any,
        demand: Any,
        ops: tuple,
    ) -> tuple:
        """The period after ordering, for arrays or for floats (the one copy of the rules).

        Takes the state at the start of the period (``on_hand``, ``backlog``), the units
        ``ordered`` now and ``arrived`` (due now), the clearance limit and the demand;
        ``ops`` is ``(out, minimum, subtract)``: for arrays, the kernel's rows
        (results are written straight into them) and the NumPy ufuncs; for floats
        (``_FLOAT_OPS``), no destinations and the same operations on floats. Returns
        the new contents of :attr:`flows` (in :data:`FLOW_FIELDS` order), then, for
        floats, the reward: each flow times its price (:attr:`money`) summed in that
        order, which :meth:`step` sums for arrays.
        Written with plain operators so floats and arrays take the same IEEE operations.
        Arrays ``on_hand`` and ``backlog`` (the kernel's state rows) are updated in place;
        the other inputs are never changed. For arrays, every returned value is the
        kernel's own row (passed in, or written with ``out=``) except those of
        ``_NOT_IN_PLACE``, which :meth:`step` copies.
        """
        cap, share, backlog_mode, one, money = c
        out, minimum, subtract = ops
        placed = minimum(ordered, one, out=out[_PLACED])  # = (ordered > 0): integer-valued
        # 2) arrivals due now, the capacity rule, backlog first.
        received = arrived if cap is None else minimum(arrived, cap - on_hand, out=out[_RECEIVED])
        if share is not None:
            received = share(received, on_hand)
        # Without a capacity rule nothing is disposed of.
        disposed = _ZERO if received is arrived else arrived - received
        on_hand += received
        if backlog_mode:
            sold = minimum(backlog, on_hand, out=out[_SOLD])  # the backlog served first
            backlog -= sold
            on_hand -= sold
        # 3) clearance, then demand served from stock
        no_clearance = isinstance(clearance, float | int) and clearance == 0
        if no_clearance:  # (skipping it leaves every flow bit for bit the same)
            cleared = _ZERO
        else:
            cleared = minimum(clearance, on_hand, out=out[_CLEARED])
            on_hand -= cleared
        served = minimum(demand, on_hand, out=None if backlog_mode else out[_SOLD])
        on_hand -= served
        unmet = subtract(demand, served, out=out[_UNMET])
        if backlog_mode:
            sold += served
            backlog += unmet
            lost = _ZERO
            penalized = backlog
        else:
            sold, lost = served, unmet
            penalized = lost
        if money is None:  # arrays: step adds up the money of every product at once
            return (
                ordered, placed, arrived, received, disposed, cleared, sold, unmet, lost,
                backlog, on_hand, demand,
            )  # fmt: skip
        # 4) floats: the reward, the money rows times their prices summed in FLOW_FIELDS
        # order as step sums them. Terms left out, here or in both, change no result:
        # the flows zero by construction (_ZERO, whose rows step adds) and the rows
        # priced zero (None) give -0.0 (a cost), and x + -0.0 is x, or +0.0 (revenue,
        # before sold), and x + 0.0 is x but for x = -0.0, which the sold term after it
        # (never -0.0: always in, price +0.0 or more) makes +0.0 in both sums alike.
        m_ord, m_fix, m_disp, m_clear, m_sold, m_pen, m_hold = money
        reward = -0.0 if m_ord is None else ordered * m_ord
        if m_fix is not None:
            reward += placed * m_fix
        if m_disp is not None and disposed is not _ZERO:
            reward += disposed * m_disp
        if m_clear is not None and cleared is not _ZERO:
            reward += cleared * m_clear
        reward += sold * m_sold
        if m_pen is not None:
            reward += penalized * m_pen
        if m_hold is not None:
            reward += on_hand * m_hold
        return (
            ordered, placed, arrived, received, disposed, cleared, sold, unmet, lost,
            backlog, on_hand, demand, reward,
        )  # fmt: skip

    def step(
        self,
        order: np.ndarray,
        clearance: np.ndarray | float,
        demand: np.ndarray,
        lead_u: np.ndarray | None = None,
    ) -> np.ndarray:
        """Advance every copy by one period.

        Parameters
        ----------
        order : ndarray, shape (batch, products)
            Units ordered (non-negative, integer-valued).
        clearance : ndarray or float
            Most units to sell through clearance this period (0 for none).
        demand : ndarray, shape (batch, products)
            Units demanded this period.
        lead_u : ndarray, optional
            Uniform draws in [0, 1), shape (batch, products), for stochastic or mixed
            lead times; ignored when every product has the same fixed lead time.

        Returns
        -------
        ndarray, shape (batch, products)
            The period's profit (the kernel's own buffer, overwritten by the next step).
        """
        R = self.n_slots
        ptr = self.period
        # 1) the agent's order enters the pipeline (L=0 lands in this period's slot)
        ordered = self.ordered
        if self._budget != math.inf:
            self._apply_budget(order)  # (writes ordered)
        else:
            np.copyto(ordered, order)
        if self._uniform_lead is not None:
            self.pipeline[(ptr + self._uniform_lead) % R] += ordered
        else:
            if self.stochastic_lead_time:
                if lead_u is None:
                    raise ValueError("lead_u is required with stochastic lead times")
                lead = self.sample_lead_times(lead_u)
            else:
                lead = self._fixed_lead
            slot = (ptr + lead) % R
            self.pipeline[slot, self._b_idx, self._p_idx] += ordered
        due = self.pipeline[ptr]
        np.copyto(self.arrived, due)
        due.fill(0.0)
        np.copyto(self.demand, demand)
        rows = self._period(
            self._consts, self.on_hand, self.backlog, ordered, self.arrived, clearance,
            self.demand, self._ops,
        )  # fmt: skip
        own, zeroed = self._rows, self._zeroed
        for i in _NOT_IN_PLACE:  # (_period writes every other row in place)
            value, row = rows[i], own[i]
            if value is row:  # written in place: no copy
                zeroed[i] = False
            elif value is _ZERO:  # zero by construction: the row stays zero
                if not zeroed[i]:
                    row.fill(0.0)
                    zeroed[i] = True
            else:
                np.copyto(row, value)
                zeroed[i] = False
        # The reward: each flow times its price, summed in FLOW_FIELDS order as _period
        # sums them for floats (here all products at once: a multiplication per run of
        # rows, then an addition per row; not a reduction, whose order NumPy may change).
        money, flows, coef = self._money_buf, self.flows, self._coef
        for run in self._money_runs:
            np.multiply(flows[run], coef[run], out=money[run])
        first, *rest = self._money_adds[zeroed[_DISPOSED], zeroed[_CLEARED]]
        reward = self.reward
        if rest:
            np.add(money[first], money[rest[0]], out=reward)
            for row in rest[1:]:
                reward += money[row]
        else:  # sold alone (-0.0 + x is x)
            np.copyto(reward, money[first])
        self.period = (ptr + 1) % R
        return self.reward

    def step1(
        self, order: float, clearance: float, demand: float, lead_u: float | None = None
    ) -> tuple[float, ...]:
        """:meth:`step` for a kernel of one copy of one product without coupling, in floats.

        Takes and returns plain floats: the new contents of :attr:`flows` and the reward
        (also stored in the arrays). Bit for bit the same as :meth:`step`.
        """
        R = self.n_slots
        ptr = self.period
        pipe = self._pipe1
        if self._uniform_lead is not None:
            slot = (ptr + self._uniform_lead) % R
        elif lead_u is None:
            raise ValueError("lead_u is required with stochastic lead times")
        else:
            slot = (ptr + self.sample_lead_times(np.array([[lead_u]])).item()) % R
        pipe[slot] += order
        arrived = pipe[ptr]
        pipe[ptr] = 0.0
        flat = self._flat
        rows = self._period(
            self._consts1, flat[_ON_HAND], flat[_BACKLOG], order, arrived, clearance, demand,
            _FLOAT_OPS,
        )  # fmt: skip
        _PACK_ROWS.pack_into(flat, 0, *rows)  # = self._buf[:] = rows, at half the cost
        self.period = (ptr + 1) % R
        return rows

    # --------------------------------------------------------------- coupling
    def _apply_budget(self, order: np.ndarray) -> None:
        """Write ``order`` into :attr:`ordered`, scaled down where it costs more than the
        budget (floor of ``order * f``, ``f`` the budget left after the fixed costs over
        the variable cost)."""
        q = self.ordered
        # One copy scales a float order straight into q; otherwise q holds the order first
        # (the sums below on floats, as for every order).
        if self.batch_size != 1 or order.dtype != np.float64:
            np.copyto(q, order)
            order = q
        var = order @ self._unit_cost
        # = (order > 0) as floats (integer-valued), in the placed row (_period rewrites it)
        fix = np.minimum(order, self._ones, out=self.orders_placed) @ self._fixed_cost
        if self.batch_size == 1:  # one copy: the same operations on its floats
            v, x = var.item(), fix.item()
            if v + x > self._budget:
                f = (self._budget - x) / v if v > 0 else 0.0
                np.multiply(order, min(max(f, 0.0), 1.0), out=q)
                np.floor(q, out=q)
            elif order is not q:
                np.copyto(q, order)
            return
        over = np.flatnonzero(var + fix > self._budget)
        if over.size == 0:
            return
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            f = np.where(var[over] > 0, (self._budget - fix[over]) / var[over], 0.0)
        f = np.clip(f, 0.0, 1.0)
        q[over] = np.floor(q[over] * f[:, None])

    def _apply_shared_capacity(self, received: np.ndarray, on_hand: np.ndarray) -> np.ndarray:
        if self.batch_size == 1:  # one copy: is the rule binding? (integer sums: exact)
            ones = self._ones[0]
            if np.dot(received[0], ones) <= self._shared_cap - np.dot(on_hand[0], ones):
                return received
        free = self._shared_cap - on_hand.sum(axis=1)
        want = received.sum(axis=1)
        binding = want > free
        if not binding.any():
            return received
        rec = received.copy()
        over = np.flatnonzero(binding)
        r = rec[over]
        share = r * (free[over] / want[over])[:, None]
        base = np.floor(share)
        left = np.rint(free[over] - base.sum(axis=1))
        frac = share - base
        rank = np.empty_like(frac)
        np.put_along_axis(
            rank,
            np.argsort(-frac, axis=1, kind="stable"),
            np.arange(frac.shape[1], dtype=np.float64)[None, :].repeat(len(over), 0),
            axis=1,
        )
        base += (rank < left[:, None]) & (frac > 0)
        rec[over] = base
        return rec
