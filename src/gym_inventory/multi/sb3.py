"""Train one shared-parameter Stable-Baselines3 policy on every product or stage (SuperSuit).

SuperSuit turns the Parallel env into a vector env with one slot per agent
(``pettingzoo_env_to_vec_env_v1``) and concatenates copies of it
(``concat_vec_envs_v1(..., base_class="stable_baselines3")``), so one SB3 policy acts for
every product (parameter sharing).

**The fix.** SuperSuit's ``ConcatVecEnv`` has no ``seed()`` method, but SB3 calls
``env.seed(seed)`` whenever a model is built with ``seed=...`` (``set_random_seed``), and
SuperSuit's ``SB3VecEnvWrapper.reset(seed=...)`` calls it too; both fail with
``AttributeError``. :class:`SeededSB3VecEnv` is SuperSuit's SB3 wrapper with a working
``seed()``: it stores the seed and the next ``reset()`` passes it to
``ConcatVecEnv.reset(seed=...)`` (which seeds copy ``i`` with ``seed + i``). That is SB3's
own convention since Gymnasium: "seeds are only passed to the environment at the next
reset". ``ConcatVecEnv`` has no ``get_attr`` either, which SB3 wrappers such as
``VecNormalize`` call for ``render_mode``; the wrapper answers that one itself.

Needs the ``multi`` and ``baselines`` extras (SuperSuit, SB3).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gym_inventory.errors import require

require("supersuit", "baselines", "gym_inventory.multi.sb3")
require("stable_baselines3", "baselines", "gym_inventory.multi.sb3")

import supersuit as ss  # noqa: E402
from supersuit.vector.sb3_vector_wrapper import SB3VecEnvWrapper  # noqa: E402

from gym_inventory.multi.multi_product_v0 import parallel_env  # noqa: E402

__all__ = ["SeededSB3VecEnv", "make_sb3_vec_env"]


class SeededSB3VecEnv(SB3VecEnvWrapper):
    """SuperSuit's ``SB3VecEnvWrapper`` whose ``seed()`` works (seeds the next reset).

    Parameters
    ----------
    venv : SB3VecEnvWrapper or supersuit ConcatVecEnv
        What ``concat_vec_envs_v1(..., base_class="stable_baselines3")`` returns, or the
        ``ConcatVecEnv`` inside it.
    """

    def __init__(self, venv: Any) -> None:
        if isinstance(venv, SB3VecEnvWrapper):
            venv = venv.venv
        super().__init__(venv)
        self._pending_seed: int | None = None

    def seed(self, seed: int | None = None) -> list[int | None]:
        """Seed the next :meth:`reset` (copy ``i`` of the concatenated env gets ``seed + i``)."""
        self._pending_seed = seed
        return [None if seed is None else seed + i for i in range(self.num_envs)]

    def get_attr(self, attr_name: str, indices: Any = None) -> list[Any]:
        """``render_mode`` for SB3's wrappers (``ConcatVecEnv`` has no ``get_attr``)."""
        if attr_name == "render_mode":
            return [self.render_mode] * self.num_envs
        return super().get_attr(attr_name, indices)

    def reset(self, seed: int | None = None, options: dict | None = None) -> Any:
        if seed is not None:
            self._pending_seed = seed
        seed, self._pending_seed = self._pending_seed, None
        observations, self.reset_infos = self.venv.reset(seed=seed, options=options)
        return observations


def make_sb3_vec_env(
    num_vec_envs: int = 1, *, env_fn: Callable[..., Any] | None = None, **env_kwargs: Any
) -> SeededSB3VecEnv:
    """``multi_product_v0`` (or the Parallel env ``env_fn`` builds, e.g.
    ``supply_chain_v0.parallel_env``: every agent with the same spaces) as an SB3
    ``VecEnv`` with one slot per agent and copy.

    ``num_vec_envs`` copies of ``env_fn(**env_kwargs)`` are concatenated, so the VecEnv has
    ``num_vec_envs * n_agents`` slots.
    """
    make = parallel_env if env_fn is None else env_fn
    venv = ss.pettingzoo_env_to_vec_env_v1(make(**env_kwargs))
    venv = ss.concat_vec_envs_v1(venv, num_vec_envs, num_cpus=0, base_class="stable_baselines3")
    return SeededSB3VecEnv(venv)
