"""Validated, immutable configuration of the inventory dynamics.

Every field is checked when the dataclass is built; a bad value raises
:class:`~gym_inventory.errors.ConfigError` naming the field and what was expected.
Nothing is clipped or coerced silently (an ``int``-valued float such as ``2.0`` is
accepted for an integer field; ``2.5`` is not).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any

from gym_inventory.errors import ConfigError

__all__ = [
    "MAX_LEAD_TIME",
    "MAX_PRICE",
    "MAX_QUANTITY",
    "MAX_SUPPORT",
    "CouplingConfig",
    "InventoryConfig",
    "check_int",
    "check_limit",
    "check_real",
]

#: Largest stock, capacity or demand quantity accepted (``1e15`` units). Integer units are
#: exact in float64 up to ``2**53`` (about ``9.007e15``), which leaves room for a few
#: thousand periods of arrivals or backlog on top, and finite in a float32 observation.
MAX_QUANTITY = 1e15
#: Largest cost or price accepted (``1e200`` per unit, or per order for ``fixed_cost``):
#: times any quantity up to :data:`MAX_QUANTITY` it is ``1e215``, so a period's profit,
#: and its sum over any feasible number of periods, products and batch members, stays
#: finite in float64 (whose largest value is about ``1.8e308``).
MAX_PRICE = 1e200
#: Longest lead time accepted (periods): the pipeline holds ``lead time + 1`` slots per
#: copy and product, and the periodic envs observe every slot.
MAX_LEAD_TIME = 10_000

#: Most integer values a demand source enumerates at once (``2**20``, 8 MB as float64):
#: the ``mu +/- 12 sigma`` grid of a :class:`~gym_inventory.demand.NormalDemand`, or
#: states x width of the inverse-CDF table of any parametric or bootstrap source (for a
#: seasonal source, over all its hours). A table that would be larger is not built:
#: Poisson, negative binomial and finite-pmf sources then draw directly (NumPy's
#: samplers, ``rng.choice``), with memory bounded by their parameters; a normal source,
#: which needs its grid for its exact mean, is refused with a ConfigError.
MAX_SUPPORT = 1 << 20


def check_real(
    name: str,
    value: Any,
    *,
    low: float | None = 0.0,
    high: float | None = None,
    allow_inf: bool = False,
    low_inclusive: bool = True,
) -> float:
    """Return ``value`` as a float or raise :class:`ConfigError` naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ConfigError(f"{name} must be a real number, got {value!r}")
    v = float(value)
    if math.isnan(v) or (math.isinf(v) and not allow_inf):
        raise ConfigError(f"{name} must be a finite number, got {value!r}")
    if low is not None and (v < low or (v == low and not low_inclusive)):
        op = ">=" if low_inclusive else ">"
        raise ConfigError(f"{name} must be {op} {low:g}, got {value!r}")
    if high is not None and v > high:
        raise ConfigError(f"{name} must be <= {high:g}, got {value!r}")
    return v


def check_int(name: str, value: Any, *, low: int | None = 0, high: int | None = None) -> int:
    """Return ``value`` as an int or raise :class:`ConfigError` naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ConfigError(f"{name} must be an int, got {value!r}")
    if isinstance(value, numbers.Integral):
        v = int(value)
    elif float(value).is_integer():
        v = int(value)
    else:
        raise ConfigError(f"{name} must be an int, got {value!r}")
    if low is not None and v < low:
        what = "a non-negative int" if low == 0 else f"an int >= {low}"
        raise ConfigError(f"{name} must be {what}, got {value!r}")
    if high is not None and v > high:
        raise ConfigError(f"{name} must be an int <= {high}, got {value!r}")
    return v


@dataclass(frozen=True)
class InventoryConfig:
    r"""Dynamics and economics of one product (one period = one step).

    The period follows one convention everywhere (see the env cards):

    1. orders due this period arrive (an order placed in period :math:`t` with lead time
       :math:`L` arrives at the start of :math:`t+L`; :math:`L=0` arrives at once, before
       demand); in backorder mode arrivals first serve the backlog; the rest goes into
       stock, and what is beyond the free storage space is **disposed** at
       ``disposal_cost`` per unit;
    2. the agent acts: it orders (paying ``unit_cost`` per unit and ``fixed_cost`` if it
       orders anything) and may sell up to a clearance quantity from stock at
       ``clearance_price``;
    3. demand is realised and served from on-hand stock at ``price`` per unit;
    4. unmet demand is lost (``backlog=False``) or backlogged (``backlog=True``);
    5. costs: ``holding_cost`` per unit on hand at period end, ``penalty_cost`` per unit
       lost (or per unit backlogged at period end); in the first period after a reset,
       also ``unit_cost`` per unit of ``initial_stock`` (the starting stock is bought).

    Parameters
    ----------
    lead_time : int or sequence of float
        An ``int`` :math:`L \ge 0` is a fixed lead time. A sequence ``p`` is a probability
        mass function over lead times ``0..len(p)-1``; each order draws its own lead time,
        so orders may cross. Stored as an ``int`` or a ``tuple`` of floats.
    backlog : bool
        ``False``: unmet demand is lost. ``True``: it is backlogged and served first from
        later arrivals.
    unit_cost : float
        Purchase cost :math:`c` per unit ordered (paid when ordered).
    fixed_cost : float
        Fixed cost :math:`K` per period in which anything is ordered.
    holding_cost : float
        Holding cost :math:`h` per unit on hand at period end.
    penalty_cost : float
        Penalty :math:`p` per unit lost, or per unit backlogged at period end.
    price : float
        Revenue per unit sold to demand (including backlog served later).
    clearance_price : float
        Revenue per unit sold through the clearance action.
    capacity : float
        Storage capacity for on-hand stock (``math.inf`` for none). Arrivals beyond the
        free space are disposed of at ``disposal_cost`` per unit.
    disposal_cost : float
        Cost per unit disposed because it did not fit.
    initial_stock : int
        On-hand stock at reset; must not exceed ``capacity``. It is bought at
        ``unit_cost``: the first period after each reset charges ``initial_stock ×
        unit_cost`` in its ``ordering`` (no fixed cost, outside any ordering budget;
        ``ordered`` stays the agent's order).

    Notes
    -----
    Values whose results could not be represented are refused: costs and prices above
    :data:`MAX_PRICE`, ``capacity`` and ``initial_stock`` above :data:`MAX_QUANTITY`, lead
    times above :data:`MAX_LEAD_TIME`. (Stock that grows over an episode, such as a backlog
    or unlimited on-hand stock, stays exact while it is below ``2**53``.)
    """

    lead_time: int | tuple[float, ...] = 0
    backlog: bool = False
    unit_cost: float = 0.0
    fixed_cost: float = 0.0
    holding_cost: float = 0.0
    penalty_cost: float = 0.0
    price: float = 0.0
    clearance_price: float = 0.0
    capacity: float = math.inf
    disposal_cost: float = 0.0
    initial_stock: int = 0

    def __post_init__(self) -> None:
        lt = self.lead_time
        if isinstance(lt, numbers.Real) and not isinstance(lt, bool):
            lt = check_limit("lead_time", check_int("lead_time", lt), "MAX_LEAD_TIME")
            object.__setattr__(self, "lead_time", lt)
        elif isinstance(lt, Sequence) and not isinstance(lt, str):
            if len(lt) > MAX_LEAD_TIME + 1:
                raise ConfigError(
                    f"lead_time distribution must cover lead times 0..MAX_LEAD_TIME = "
                    f"{MAX_LEAD_TIME} at most ({_WHY['MAX_LEAD_TIME']}), got {len(lt)} "
                    "probabilities"
                )
            object.__setattr__(self, "lead_time", _check_pmf("lead_time", lt))
        else:
            raise ConfigError(
                "lead_time must be a non-negative int or a sequence of probabilities over "
                f"lead times 0..max, got {lt!r}"
            )
        if not isinstance(self.backlog, bool):
            raise ConfigError(f"backlog must be a bool, got {self.backlog!r}")
        for name in (
            "unit_cost",
            "fixed_cost",
            "holding_cost",
            "penalty_cost",
            "price",
            "clearance_price",
            "disposal_cost",
        ):
            value = check_real(name, getattr(self, name))
            object.__setattr__(self, name, check_limit(name, value, "MAX_PRICE"))
        cap = check_real("capacity", self.capacity, low=0.0, allow_inf=True, low_inclusive=False)
        if not math.isinf(cap):
            cap = float(check_int("capacity", cap, low=1))
            check_limit("capacity", cap, "MAX_QUANTITY", "or math.inf for none")
        object.__setattr__(self, "capacity", cap)
        init = check_int("initial_stock", self.initial_stock)
        check_limit("initial_stock", init, "MAX_QUANTITY")
        if init > cap:
            raise ConfigError(
                f"initial_stock must be <= capacity ({cap:g}), got {self.initial_stock!r}"
            )
        object.__setattr__(self, "initial_stock", init)

    @property
    def max_lead_time(self) -> int:
        """Largest possible lead time."""
        return self.lead_time if isinstance(self.lead_time, int) else len(self.lead_time) - 1

    @property
    def stochastic_lead_time(self) -> bool:
        """Whether lead times are drawn per order from a distribution."""
        return not isinstance(self.lead_time, int)

    @property
    def mean_lead_time(self) -> float:
        """Expected lead time."""
        if isinstance(self.lead_time, int):
            return float(self.lead_time)
        return float(sum(i * p for i, p in enumerate(self.lead_time)))

    @classmethod
    def from_kwargs(cls, kwargs: dict[str, Any], *, where: str = "config") -> InventoryConfig:
        """Build from a dict, rejecting unknown keys with a message naming them."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(kwargs) - known)
        if unknown:
            raise ConfigError(
                f"unknown {where} field(s) {unknown}; expected some of {sorted(known)}"
            )
        return cls(**kwargs)


_WHY = {
    "MAX_QUANTITY": "so that integer units stay exact in float64 and finite in float32",
    "MAX_PRICE": "so that its product with any quantity up to MAX_QUANTITY stays finite",
    "MAX_LEAD_TIME": "the pipeline holds one slot per period of lead time",
}


def check_limit(name: str, value: Any, limit_name: str, alt: str = "") -> Any:
    """Return ``value``, or raise :class:`ConfigError` if it exceeds a named limit of this module.

    Parameters
    ----------
    name : str
        The field, for the message.
    value : int or float
        An already type-checked value.
    limit_name : {"MAX_QUANTITY", "MAX_PRICE", "MAX_LEAD_TIME"}
        The module constant bounding it (named in the message with its reason).
    alt : str
        What else the field accepts, for the message (e.g. ``"or math.inf for none"``).
    """
    limit = globals()[limit_name]
    if value > limit:
        raise ConfigError(
            f"{name} must be <= {limit_name} = {limit:g}{' ' + alt if alt else ''} "
            f"({_WHY[limit_name]}), got {value!r}"
        )
    return value


def _check_pmf(name: str, pmf: Sequence[Any]) -> tuple[float, ...]:
    if len(pmf) == 0:
        raise ConfigError(f"{name} distribution must have at least one probability, got []")
    probs = tuple(check_real(f"{name}[{i}]", p, low=0.0, high=1.0) for i, p in enumerate(pmf))
    total = math.fsum(probs)
    if not math.isclose(total, 1.0, rel_tol=0.0, abs_tol=1e-9):
        raise ConfigError(f"{name} probabilities must sum to 1, got sum {total!r}")
    return probs


@dataclass(frozen=True)
class CouplingConfig:
    """Constraints shared by all products stepped together (multi-product envs).

    Parameters
    ----------
    shared_capacity : float
        Total on-hand stock the warehouse holds across products (``math.inf`` for none).
        When arrivals exceed the free space, space is allocated **in proportion to each
        product's arrivals**, rounded down, with the leftover units of space given one at a
        time to the largest fractional remainders (ties to the lower product index). Units
        not accepted are disposed of at each product's ``disposal_cost``.
    budget : float
        Most that may be spent on orders in one period (``math.inf`` for none). If the
        orders cost more, every order is scaled by the same factor
        ``(budget - fixed costs of the products ordering) / variable cost`` and rounded
        down (a product whose order rounds to zero pays no fixed cost); if the budget
        does not cover the fixed costs, nothing is ordered.
    """

    shared_capacity: float = math.inf
    budget: float = math.inf

    def __post_init__(self) -> None:
        cap = check_real(
            "shared_capacity", self.shared_capacity, low=0.0, allow_inf=True, low_inclusive=False
        )
        if not math.isinf(cap):
            cap = float(check_int("shared_capacity", cap, low=1))
            check_limit("shared_capacity", cap, "MAX_QUANTITY", "or math.inf for none")
        object.__setattr__(self, "shared_capacity", cap)
        object.__setattr__(self, "budget", check_real("budget", self.budget, allow_inf=True))
