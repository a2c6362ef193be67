"""The one inventory dynamics kernel: a batch of copies of products, stepped by THE period.

:class:`InventoryKernel` holds the state of ``batch_size`` independent copies of
``n_products`` products (on hand, backlog, the pipeline of outstanding orders, the
starting stock not yet paid for) and the constants of the period (lead-time
distributions, capacities, the price table, the coupling rules).
:meth:`InventoryKernel.step` checks its arrays' shapes and types, then changes the
state through the compiled :func:`gym_inventory.core.period.step`; everything the kernel
is built from is checked here, so no numba typing error reaches a user. (The env faces
step through their model's compiled step, on arrays the model owns and fills itself.)

Each step writes a new record array, ``(batch, products, len(RECORD_FIELDS))``: the
period's flows, money, profit and units in transit (:mod:`gym_inventory.core.fields`).
A record is never overwritten, so callers may keep it (an ``info`` holds views of it).
(Copy-major: each copy's period is one contiguous row. Field-major rows, 32 KB apart
for 4,096 copies, made the loop 30x slower through cache-set conflicts.)
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from gym_inventory.core.config import CouplingConfig, InventoryConfig
from gym_inventory.core.fields import (
    FLOW_FIELDS,
    MONEY_FIELDS,
    ORDERED,
    PROFIT,
    RECORD_FIELDS,
    price_table,
)
from gym_inventory.core.period import spend
from gym_inventory.core.period import step as step_period
from gym_inventory.errors import ConfigError

__all__ = ["FLOW_FIELDS", "MONEY_FIELDS", "RECORD_FIELDS", "InventoryKernel"]

_RECORD_INDEX = {name: i for i, name in enumerate(RECORD_FIELDS)}


def _lead_cdf(config: InventoryConfig, slots: int) -> np.ndarray:
    """The lead-time distribution of ``config`` as a cdf over ``0..slots-1``."""
    pmf = np.zeros(slots)
    if config.stochastic_lead_time:
        pmf[: len(config.lead_time)] = config.lead_time
    else:
        pmf[config.lead_time] = 1.0
    cdf = np.cumsum(pmf)
    cdf[-1] = 1.0  # (a pmf summing to 1 - 1e-12 still ends every draw)
    return cdf


def _batch_array(name: str, x: object, shape: tuple[int, int]) -> np.ndarray:
    """``x`` as a C-contiguous float64 array of ``shape`` (scalars broadcast), or raise."""
    if (
        type(x) is np.ndarray
        and x.dtype == np.float64
        and x.shape == shape
        and x.flags.c_contiguous
    ):
        return x
    try:
        return np.ascontiguousarray(np.broadcast_to(np.asarray(x, dtype=np.float64), shape))
    except (ValueError, TypeError):
        raise ConfigError(f"{name} must be numbers of shape {shape}, got {x!r}") from None


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
    on_hand, backlog : ndarray, shape (batch_size, n_products)
        The state at the end of the last period.
    pipeline : ndarray, shape (batch_size, n_products, max_lead_time + 1)
        Outstanding orders by arrival: ``pipeline[b, p, k]`` arrives at the start of the
        ``k``-th next period (``k = 0``: the next one; the last entry is always 0).
    opening : ndarray, shape (batch_size, n_products)
        Units of starting stock not yet paid for: ``initial_stock`` after a reset, bought
        at ``unit_cost`` in the copy's next period (in its ``ordering`` money), then 0.
    record : ndarray, shape (batch_size, n_products, len(RECORD_FIELDS))
        The last period (zeros after a reset); a new array every step.
    prices : ndarray, shape (n_products, len(PRICE_FIELDS))
        The price table.
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
        R = self.max_lead_time + 1
        #: Whether some product draws its lead times (then ``step`` needs ``lead_u``).
        self.stochastic_lead_time = any(c.stochastic_lead_time for c in configs)
        self.lead_cdf = np.array([_lead_cdf(c, R) for c in configs])
        self.capacity = np.array([c.capacity for c in configs], dtype=np.float64)
        self.initial_stock = np.array([c.initial_stock for c in configs], dtype=np.float64)
        self.prices = price_table(configs)
        shared = self.coupling.shared_capacity
        if math.isfinite(shared) and self.initial_stock.sum() > shared:
            raise ConfigError(
                f"the products' initial_stock sums to {self.initial_stock.sum():g}, more "
                f"than shared_capacity {shared:g}"
            )
        self.on_hand = np.zeros((B, P))
        self.backlog = np.zeros((B, P))
        self.pipeline = np.zeros((B, P, R))
        self.opening = np.zeros((B, P))
        self.record = np.zeros((B, P, len(RECORD_FIELDS)))
        self._all = np.ones(B, dtype=np.bool_)
        self._no_lead_u = np.zeros((B, P))
        self._compiled_args = (
            self.lead_cdf, self.capacity, self.prices, self.backlog_mode,
            self.coupling.shared_capacity, self.coupling.budget,
            self.on_hand, self.backlog, self.pipeline, self.opening,
        )  # fmt: skip
        self.reset()

    def reset(self, index: np.ndarray | slice | None = None) -> None:
        """Reset the copies selected by ``index`` (all by default) to the initial state:
        ``initial_stock`` on hand, to be paid for in their next period."""
        idx = slice(None) if index is None else index
        self.on_hand[idx] = self.initial_stock
        self.opening[idx] = self.initial_stock
        self.backlog[idx] = 0.0
        self.pipeline[idx] = 0.0
        record = self.record.copy()  # (the last record may be in a caller's hands)
        record[idx] = 0.0
        self.record = record

    def step(
        self,
        order: np.ndarray,
        clearance: np.ndarray,
        demand: np.ndarray,
        lead_u: np.ndarray | None = None,
        active: np.ndarray | None = None,
    ) -> np.ndarray:
        """Advance the (active) copies by one period; returns the new :attr:`record`.

        Parameters
        ----------
        order, clearance, demand : ndarray of float64, shape (batch, products)
            Units ordered (non-negative, integer-valued), most units to sell through
            clearance, units demanded.
        lead_u : ndarray, shape (batch, products), optional
            Uniforms in [0, 1) for stochastic lead times (required when some product
            has one; ignored otherwise).
        active : ndarray of bool, shape (batch,), optional
            The copies to step (all by default); the others keep their state and get a
            record of zeros.
        """
        if lead_u is None or not self.stochastic_lead_time:
            if self.stochastic_lead_time:
                raise ConfigError("lead_u is required with stochastic lead times")
            lead_u = self._no_lead_u
        order, clearance, demand, lead_u = self.checked(
            order=order, clearance=clearance, demand=demand, lead_u=lead_u
        ).values()
        active = self.active_mask(active)
        record = np.empty_like(self.record)
        step_period(order, clearance, demand, lead_u, active, record, *self.compiled_args())
        self.record = record
        return record

    def active_mask(self, active: np.ndarray | None) -> np.ndarray:
        """``active`` checked as a bool array of shape ``(batch,)`` (all copies for None)."""
        if active is None:
            return self._all
        if not (
            isinstance(active, np.ndarray)
            and active.dtype == np.bool_
            and active.shape == (self.batch_size,)
        ):
            raise ConfigError(f"active must be a bool array of shape ({self.batch_size},)")
        return active

    def checked(self, **arrays: object) -> dict[str, np.ndarray]:
        """Each of ``arrays`` as a C-contiguous float64 ``(batch, products)`` array
        (numbers broadcast); a ``ConfigError`` naming the first that is not numbers of that
        shape (so no typing error of the compiled code reaches a user)."""
        shape = self.on_hand.shape
        return {name: _batch_array(name, x, shape) for name, x in arrays.items()}

    def compiled_args(self) -> tuple:
        """The constants and state arrays :func:`gym_inventory.core.period.step` takes
        after its per-step arguments (the same objects on every call)."""
        return self._compiled_args

    @property
    def reward(self) -> np.ndarray:
        """The last period's profit, shape ``(batch, products)`` (a view of :attr:`record`)."""
        return self.record[:, :, PROFIT]

    def last(self, name: str) -> np.ndarray:
        """Field ``name`` of the last period (one of ``RECORD_FIELDS``), ``(batch, products)``."""
        return self.record[:, :, _RECORD_INDEX[name]]

    def order_spend(self) -> np.ndarray:
        """What the last period's orders cost, ``(batch,)``: the budget rule's measure,
        the ``ordering`` money without the starting stock paid in a first period."""
        orders = np.ascontiguousarray(self.record[:, :, ORDERED])
        return np.array([sum(spend(copy, self.prices)) for copy in orders])

    def in_transit(self) -> np.ndarray:
        """Units ordered and not yet received, shape ``(batch, products)``."""
        return self.pipeline.sum(axis=2)

    def pipeline_by_arrival(self) -> np.ndarray:
        """Outstanding orders by arrival, ``(batch, products, max_lead_time)``: entry
        ``k`` arrives at the start of the ``k``-th next period (``k = 0``: the next)."""
        return self.pipeline[:, :, :-1].copy()
