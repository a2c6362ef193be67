"""Every ``gymnasium.register`` call of gym-inventory, in one place, and the id -> env
class lookup.

:func:`register_envs` is idempotent: ids already registered (e.g. on re-import or after
``importlib.reload``) are left alone, so no "overriding environment" warning appears.
:func:`env_class` and :func:`make_env_model` turn an id (and env arguments) into the env
class and its batched model; the policies, :mod:`gym_inventory.evaluation` and the tuners
all use them, so none of those needs to import another to look up an env.
"""

from __future__ import annotations

import importlib
from typing import Any

import gymnasium as gym

from gym_inventory.envs.inventory import DEFAULT_EPISODE_HOURS
from gym_inventory.envs.periodic import DEFAULT_PERIODS
from gym_inventory.envs.vector import vector_entry_point
from gym_inventory.errors import ConfigError

__all__ = ["ENV_IDS", "env_arguments", "env_class", "make_env_model", "register_envs"]

# The native vector env of each id (what ``gymnasium.make_vec`` builds), named here so the
# specs refer to it by a string and stay serialisable (``EnvSpec.to_json``).
inventory_v0_vector = vector_entry_point("gym_inventory.envs.inventory:InventoryEnv")
lost_sales_v0_vector = vector_entry_point("gym_inventory.envs.periodic:InventoryLostSalesEnv")
backorder_v0_vector = vector_entry_point("gym_inventory.envs.periodic:InventoryBackorderEnv")

_SPECS: dict[str, dict[str, Any]] = {
    "Inventory-v0": dict(
        entry_point="gym_inventory.envs.inventory:InventoryEnv",
        vector_entry_point="gym_inventory.registration:inventory_v0_vector",
        max_episode_steps=DEFAULT_EPISODE_HOURS,
    ),
    "InventoryLostSales-v0": dict(
        entry_point="gym_inventory.envs.periodic:InventoryLostSalesEnv",
        vector_entry_point="gym_inventory.registration:lost_sales_v0_vector",
        max_episode_steps=DEFAULT_PERIODS,
    ),
    "InventoryBackorder-v0": dict(
        entry_point="gym_inventory.envs.periodic:InventoryBackorderEnv",
        vector_entry_point="gym_inventory.registration:backorder_v0_vector",
        max_episode_steps=DEFAULT_PERIODS,
    ),
}

#: Every env id this package registers.
ENV_IDS: tuple[str, ...] = tuple(_SPECS)


def register_envs() -> None:
    """Register every gym-inventory env id with Gymnasium (idempotent)."""
    for env_id, kwargs in _SPECS.items():
        if env_id not in gym.registry:
            gym.register(id=env_id, **kwargs)


def env_class(env_id: str) -> type:
    """The env class behind a registered id (from the gymnasium spec's entry point).

    Parameters
    ----------
    env_id : str
        A registered gymnasium id.

    Returns
    -------
    type
        The env class; it has ``make_model`` and ``env_arguments`` (a gym-inventory env).

    Raises
    ------
    ConfigError
        If ``env_id`` is not registered, or its class has no batched model.
    """
    register_envs()
    try:
        spec = gym.spec(env_id)
    except gym.error.Error as exc:
        raise ConfigError(f"env_id {env_id!r} is not a registered gymnasium id") from exc
    ep = spec.entry_point
    if isinstance(ep, str):
        module, _, name = ep.partition(":")
        ep = getattr(importlib.import_module(module), name)
    if not hasattr(ep, "make_model"):
        raise ConfigError(
            f"env_id {env_id!r} has no batched model (its class lacks make_model); "
            "gym-inventory policies work on gym-inventory ids"
        )
    return ep


def env_arguments(env_id: str, **env_kwargs: Any) -> dict[str, Any]:
    """Every keyword argument of ``gymnasium.make(env_id, **env_kwargs)``'s env.

    The env's own defaults (its ``__init__`` signature), then the spec's ``kwargs``, then
    ``env_kwargs``. Unknown names raise :class:`~gym_inventory.errors.ArgumentError`.
    """
    return env_class(env_id).env_arguments({**gym.spec(env_id).kwargs, **env_kwargs})


def make_env_model(env_id: str, batch_size: int, **env_kwargs: Any) -> tuple[Any, dict[str, Any]]:
    """The batched model of ``batch_size`` copies of ``gymnasium.make(env_id, **env_kwargs)``.

    The arguments are completed as in :func:`env_arguments` and passed to
    ``EnvCls.make_model``, so the model is configured exactly like the env.

    Returns
    -------
    tuple
        ``(model, merged_kwargs)``.
    """
    kwargs = env_arguments(env_id, **env_kwargs)
    return env_class(env_id).make_model(batch_size, **kwargs), kwargs
