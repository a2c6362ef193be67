"""The SB3 ``VecEnv`` behind :func:`gym_inventory.sb3.as_sb3_vec_env` (imports SB3)."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium.vector import AutoresetMode
from stable_baselines3.common.vec_env.base_vec_env import VecEnv, VecEnvIndices

from gym_inventory.envs.vector import InventoryVectorEnv
from gym_inventory.errors import ConfigError


class NativeVecEnv(VecEnv):
    """SB3 view of an :class:`~gym_inventory.envs.InventoryVectorEnv` (see ``as_sb3_vec_env``)."""

    def __init__(self, vector_env: Any, info_keys: Sequence[str] = ()) -> None:
        venv = getattr(vector_env, "unwrapped", vector_env)
        if not isinstance(venv, InventoryVectorEnv) or venv is not vector_env:
            raise ConfigError(
                "as_sb3_vec_env needs an unwrapped gym-inventory vector env "
                f"(gymnasium.make_vec(id, num_envs=N)), got {vector_env!r}"
            )
        venv.autoreset_mode = AutoresetMode.SAME_STEP
        venv.metadata = {**venv.metadata, "autoreset_mode": AutoresetMode.SAME_STEP}
        self.venv = venv
        self.info_keys = tuple(info_keys)
        self._actions: np.ndarray | None = None
        self._reset_done = False
        super().__init__(venv.num_envs, venv.single_observation_space, venv.single_action_space)

    # ------------------------------------------------------------- stepping
    def reset(self) -> np.ndarray:
        if any(self._options):
            raise ConfigError(f"reset options are not supported, got {self._options[0]!r}")
        seeds = None if all(s is None for s in self._seeds) else list(self._seeds)
        obs, _ = self.venv.reset(seed=seeds)
        self._reset_seeds()
        self._reset_options()
        self.reset_infos = [{} for _ in range(self.num_envs)]
        self._reset_done = True
        return obs

    def step_async(self, actions: np.ndarray) -> None:
        self._actions = actions

    def step_wait(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[dict[str, Any]]]:
        if not self._reset_done:
            raise gym.error.ResetNeeded("call reset() on the SB3 VecEnv before stepping")
        obs, reward, terminated, truncated, info = self.venv.step(self._actions)
        dones = terminated | truncated
        infos: list[dict[str, Any]] = [{} for _ in range(self.num_envs)]
        for key in self.info_keys:
            if key not in info:  # (every copy was reset this step: no step info)
                continue
            values, mask = info[key], info["_" + key]
            for i in np.flatnonzero(mask).tolist():
                infos[i][key] = values[i].item()
        timeouts = (truncated & ~terminated).tolist()
        for i, d in enumerate(infos):
            d["TimeLimit.truncated"] = timeouts[i]
        for i in np.flatnonzero(dones).tolist():
            infos[i]["terminal_observation"] = info["final_obs"][i]
            for key in self.info_keys:
                infos[i][key] = info["final_info"][key][i].item()
        return obs, reward.astype(np.float32), dones, infos

    def close(self) -> None:
        self.venv.close()

    # ------------------------------------------------------ attributes etc.
    def _count(self, indices: VecEnvIndices) -> int:
        return len(list(self._get_indices(indices)))

    def get_attr(self, attr_name: str, indices: VecEnvIndices = None) -> list[Any]:
        return [getattr(self.venv, attr_name)] * self._count(indices)

    def set_attr(self, attr_name: str, value: Any, indices: VecEnvIndices = None) -> None:
        if self._count(indices) != self.num_envs:
            raise ConfigError(
                "the copies of a native vector env share their attributes: set_attr "
                "applies to all of them (indices=None)"
            )
        setattr(self.venv, attr_name, value)

    def env_method(
        self, method_name: str, *method_args: Any, indices: VecEnvIndices = None, **kwargs: Any
    ) -> list[Any]:
        result = getattr(self.venv, method_name)(*method_args, **kwargs)
        return [result] * self._count(indices)

    def env_is_wrapped(self, wrapper_class: type, indices: VecEnvIndices = None) -> list[bool]:
        return [False] * self._count(indices)  # the copies are not gymnasium.Env objects

    def get_images(self) -> Sequence[np.ndarray | None]:
        if self.render_mode != "rgb_array":
            warnings.warn(
                f"The render mode is {self.render_mode}, but get_images needs 'rgb_array'",
                stacklevel=2,
            )
            return [None] * self.num_envs
        return list(self.venv.render())
