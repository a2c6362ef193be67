"""Build demand sources by name; third-party sources plug in through entry points.

Built-in names: ``poisson``, ``negative_binomial``, ``normal``, ``discrete``,
``constant``, ``seasonal``, ``empirical``, ``instacart``. A package adds its own source
by declaring an entry point in the group ``gym_inventory.demand``::

    # the plug-in's pyproject.toml
    [project.entry-points."gym_inventory.demand"]
    my_demand = "my_package.demand:MyDemand"

where ``MyDemand(**kwargs)`` (a class or any callable) returns a
:class:`~gym_inventory.demand.DemandSource`. Entry points are read lazily, the first
time a name is not found among the registered ones (or when :func:`available` is
called); a plug-in that fails to import raises an error naming it. In-process, call
:func:`register_demand`.

Examples
--------
>>> from gym_inventory.demand import make_demand
>>> make_demand("poisson", mean=3.0)
PoissonDemand(mean=3.0)
"""

from __future__ import annotations

import importlib.metadata
import inspect
from collections.abc import Callable
from typing import Any

from gym_inventory.demand.base import DemandSource
from gym_inventory.errors import ConfigError

__all__ = ["ENTRY_POINT_GROUP", "available", "make_demand", "register_demand"]

#: The entry-point group third-party demand sources register under.
ENTRY_POINT_GROUP = "gym_inventory.demand"

_REGISTRY: dict[str, Callable[..., DemandSource]] = {}
_entry_points_loaded = False


def _seasonal(
    profile: Any,
    mean: float | None = None,
    start_hour: int = 0,
    base: DemandSource | str | None = None,
    base_kwargs: dict[str, Any] | None = None,
) -> DemandSource:
    """``SeasonalDemand``; ``base`` may also be a registered name (with ``base_kwargs``)."""
    from gym_inventory.demand.seasonal import SeasonalDemand

    if isinstance(base, str):
        base = make_demand(base, **(base_kwargs or {}))
    elif base_kwargs:
        raise ConfigError("base_kwargs only applies when base= is a name")
    return SeasonalDemand(profile, mean, start_hour, base)


def _register_builtins() -> None:
    from gym_inventory.demand import parametric
    from gym_inventory.demand.empirical import EmpiricalDemand
    from gym_inventory.demand.instacart import InstacartDemand

    _REGISTRY.update(
        poisson=parametric.PoissonDemand,
        negative_binomial=parametric.NegativeBinomialDemand,
        normal=parametric.NormalDemand,
        discrete=parametric.DiscreteDemand,
        constant=parametric.ConstantDemand,
        seasonal=_seasonal,
        empirical=EmpiricalDemand,
        instacart=InstacartDemand,
    )


def register_demand(name: str, factory: Callable[..., DemandSource]) -> None:
    """Register ``factory(**kwargs) -> DemandSource`` under ``name`` (replacing any).

    Parameters
    ----------
    name : str
        The name :func:`make_demand` and the envs' ``demand=`` accept.
    factory : callable
        A :class:`~gym_inventory.demand.DemandSource` subclass or any callable returning
        an instance.
    """
    if not isinstance(name, str) or not name:
        raise ConfigError(f"demand name must be a non-empty str, got {name!r}")
    if not callable(factory):
        raise ConfigError(f"demand factory for {name!r} must be callable, got {factory!r}")
    if not _REGISTRY:
        _register_builtins()
    _REGISTRY[name] = factory


def _load_entry_points() -> None:
    global _entry_points_loaded
    if _entry_points_loaded:
        return
    _entry_points_loaded = True
    for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        if ep.name in _REGISTRY:
            continue  # an explicit registration (or a built-in) wins
        _REGISTRY[ep.name] = _LazyEntryPoint(ep)


class _LazyEntryPoint:
    """Imports the plug-in only when it is first used."""

    def __init__(self, ep: importlib.metadata.EntryPoint) -> None:
        self.ep = ep
        self._factory: Callable[..., DemandSource] | None = None

    def load(self) -> Callable[..., DemandSource]:
        if self._factory is None:
            try:
                factory = self.ep.load()
            except Exception as exc:
                raise ConfigError(
                    f"demand plug-in {self.ep.name!r} (entry point {self.ep.value!r} in "
                    f"group {ENTRY_POINT_GROUP!r}) failed to load: "
                    f"{type(exc).__name__}: {exc}"
                ) from exc
            if not callable(factory):
                raise ConfigError(
                    f"demand plug-in {self.ep.name!r} ({self.ep.value!r}) is not callable"
                )
            self._factory = factory
        return self._factory


def available() -> list[str]:
    """Sorted names accepted by :func:`make_demand` (built-ins, registered, plug-ins)."""
    if not _REGISTRY:
        _register_builtins()
    _load_entry_points()
    return sorted(_REGISTRY)


def make_demand(name: str, **kwargs: Any) -> DemandSource:
    """Build the demand source registered as ``name`` with keyword arguments ``kwargs``.

    Raises
    ------
    ConfigError
        Unknown name (the message lists the available ones), keyword arguments the
        source does not take, a plug-in that fails to load, or a factory that does not
        return a :class:`~gym_inventory.demand.DemandSource`.
    """
    if not _REGISTRY:
        _register_builtins()
    if not isinstance(name, str):
        raise ConfigError(f"demand name must be a str, got {name!r}")
    if name not in _REGISTRY:
        _load_entry_points()
    if name not in _REGISTRY:
        raise ConfigError(f"unknown demand source {name!r}; available: {available()}")
    factory = _REGISTRY[name]
    if isinstance(factory, _LazyEntryPoint):
        factory = factory.load()
    try:
        sig = inspect.signature(factory)
    except (TypeError, ValueError):  # some builtins have no signature: let the call check
        sig = None
    if sig is not None:
        try:
            sig.bind(**kwargs)
        except TypeError as exc:
            params = [p for p in sig.parameters if p not in ("args", "kwargs")]
            raise ConfigError(
                f"bad keyword arguments for demand {name!r}: {exc}; it takes {params}"
            ) from None
    source = factory(**kwargs)
    if not isinstance(source, DemandSource):
        raise ConfigError(
            f"demand factory {name!r} returned {type(source).__name__}, "
            "not a gym_inventory.demand.DemandSource"
        )
    return source
