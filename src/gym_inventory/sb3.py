"""Stable-Baselines3 support (optional: ``pip install "gym-inventory[baselines]"``).

:func:`as_sb3_vec_env` exposes a native gym-inventory vector env as an SB3
:class:`~stable_baselines3.common.vec_env.VecEnv`, so SB3 trains on thousands of copies
stepped by one kernel call instead of a ``DummyVecEnv`` loop::

    import gymnasium as gym
    from stable_baselines3 import PPO
    from gym_inventory.sb3 import as_sb3_vec_env

    venv = as_sb3_vec_env(gym.make_vec("Inventory-v0", num_envs=64))
    PPO("MlpPolicy", venv).learn(10_000)

:class:`OrderPriorPolicy` (``policy: gym_inventory.sb3.OrderPriorPolicy`` in an rl-zoo3
file) starts PPO/A2C on order quantities from small orders instead of uniform ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from gym_inventory.errors import require

__all__ = ["OrderPriorPolicy", "as_sb3_vec_env"]  # noqa: F822 (module __getattr__)


def __getattr__(name: str) -> Any:
    # ``OrderPriorPolicy`` subclasses an SB3 class: imported on first use (rl-zoo3 finds it
    # as "gym_inventory.sb3.OrderPriorPolicy").
    if name == "OrderPriorPolicy":
        require("stable_baselines3", "baselines", "gym_inventory.sb3.OrderPriorPolicy")
        from gym_inventory._sb3_policy import OrderPriorPolicy

        return OrderPriorPolicy
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def as_sb3_vec_env(vector_env: Any, info_keys: Sequence[str] = ()) -> Any:
    """Wrap a gym-inventory vector env as a Stable-Baselines3 ``VecEnv``.

    Parameters
    ----------
    vector_env : InventoryVectorEnv
        Made with ``gymnasium.make_vec(id, num_envs=N)`` (any autoreset mode: the
        adapter switches it to ``SAME_STEP``, the semantics SB3 expects, and needs a
        ``reset()`` before stepping, as every SB3 algorithm does).
    info_keys : sequence of str
        ``info`` entries (e.g. ``"sold"``, ``"lost"``) copied into the per-copy info
        dicts SB3 passes around (e.g. for ``VecMonitor(info_keywords=...)``). Each step's
        infos always carry ``"TimeLimit.truncated"`` and, for a copy whose episode ended,
        ``"terminal_observation"``.

    Returns
    -------
    stable_baselines3.common.vec_env.VecEnv
        Seeded through ``seed(s)`` (copy ``i`` gets ``s + i`` at the next reset, as in
        ``reset(seed=s)`` of the vector env). The copies share one kernel, so
        ``get_attr``/``env_method`` answer with the vector env's attribute or the
        result of one call of its method, the same for every copy; ``set_attr`` sets
        the vector env's attribute (all copies at once only).

    Raises
    ------
    MissingDependencyError
        If stable-baselines3 is not installed.
    """
    require("stable_baselines3.common.vec_env", "baselines", "gym_inventory.sb3.as_sb3_vec_env")
    from gym_inventory._sb3_vec_env import NativeVecEnv

    return NativeVecEnv(vector_env, info_keys)
