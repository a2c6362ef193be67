"""Ray RLlib support (optional: ``pip install "gym-inventory[rllib]"``, its own venv).

RLlib 2.60 pins ``gymnasium==1.2.2``; gym-inventory supports it. The pieces:

- :func:`vector_env`: an RLlib env creator that returns the **native** vector env of a
  gym-inventory id (``gymnasium.make_vec(..., vectorization_mode="vector_entry_point")``,
  one compiled kernel call per step for all copies), optionally with scaled rewards.
  RLlib calls it with ``num_envs`` when ``gym_env_vectorize_mode="vector_entry_point"``.
- :func:`multi_product_env`: ``multi_product_v0`` as an RLlib ``MultiAgentEnv``
  (:class:`~ray.rllib.env.wrappers.pettingzoo_env.ParallelPettingZooEnv`).
- :func:`ppo_config`: a PPO configuration for either (one shared policy for all products
  of ``multi_product_v0``: parameter sharing), sampling in the driver by default.
- :func:`export_mlp`: the trained policy network (RLlib's default torch fcnet) and its
  observation filter written in the leaderboard's ``"mlp"`` format, so the policy runs
  with NumPy alone (:class:`gym_inventory.leaderboard.MLPPolicy`).
- :func:`rllib_actions`: RLlib's own deterministic actions for a batch of observations
  (its filter, ``forward_inference`` and the distribution's deterministic sample), to check
  an export against.

A plain id works too (no reward scaling), as RLlib's docs show::

    from ray.rllib.algorithms.ppo import PPOConfig

    config = (
        PPOConfig()
        .environment("gym_inventory:Inventory-v0")
        .env_runners(num_envs_per_env_runner=16, gym_env_vectorize_mode="vector_entry_point")
    )
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from gym_inventory.errors import ConfigError, DataError, require
from gym_inventory.registration import env_class

__all__ = [
    "MULTI_PRODUCT",
    "MULTI_PRODUCT_ENV_NAME",
    "SHARED_POLICY",
    "VECTOR_ENV_NAME",
    "export_mlp",
    "filter_stats",
    "multi_product_env",
    "ppo_config",
    "rllib_actions",
    "vector_env",
]

#: Env name :func:`ppo_config` accepts for the PettingZoo multi-product env.
MULTI_PRODUCT = "multi_product_v0"
#: Module id of the one policy every product shares on ``multi_product_v0``.
SHARED_POLICY = "shared"
#: Names under which :func:`ppo_config` registers the env creators with Ray Tune's registry.
VECTOR_ENV_NAME = "gym_inventory_vector_env"
MULTI_PRODUCT_ENV_NAME = "gym_inventory_multi_product_v0"
#: The observation filter's clip (RLlib's ``MeanStdFilter`` cannot be built without one);
#: far outside any standardised observation, so :func:`export_mlp` needs no clip.
FILTER_CLIP = 1e4
# RLlib's ``MeanStdFilter`` divides by ``std + SMALL_NUMBER`` (ray.rllib.utils.numpy).
_FILTER_EPS = 1e-6


def vector_env(config: Mapping[str, Any]) -> Any:
    """RLlib env creator: the native vector env of ``config["env_id"]``.

    Parameters
    ----------
    config : mapping
        RLlib's ``env_config`` plus ``num_envs`` (RLlib adds it): ``env_id`` (a
        gym-inventory id, default ``"Inventory-v0"``), ``reward_scale`` (rewards are
        multiplied by it, default 1), every other key an env keyword argument.

    Returns
    -------
    gymnasium.vector.VectorEnv
        :class:`~gym_inventory.envs.InventoryVectorEnv` (wrapped in
        ``gymnasium.wrappers.vector.TransformReward`` when ``reward_scale != 1``).
    """
    import gymnasium as gym
    from gymnasium.wrappers.vector import TransformReward

    import gym_inventory  # noqa: F401  (registers the ids)

    kwargs = dict(config)
    env_id = kwargs.pop("env_id", "Inventory-v0")
    scale = float(kwargs.pop("reward_scale", 1.0))
    num_envs = kwargs.pop("num_envs", 1)
    env = gym.make_vec(env_id, num_envs=num_envs, vectorization_mode="vector_entry_point", **kwargs)
    return env if scale == 1.0 else TransformReward(env, lambda r: r * scale)


def multi_product_env(config: Mapping[str, Any]) -> Any:
    """RLlib env creator: ``multi_product_v0.parallel_env(**config)`` as a ``MultiAgentEnv``.

    ``config["reward_scale"]`` (default 1) multiplies every agent's reward; the other keys
    are ``multi_product_v0`` arguments.
    """
    pz = require("ray.rllib.env.wrappers.pettingzoo_env", "rllib", "multi_product_env")
    from gym_inventory.multi import multi_product_v0

    kwargs = dict(config)
    scale = float(kwargs.pop("reward_scale", 1.0))

    class ScaledParallelPettingZooEnv(pz.ParallelPettingZooEnv):
        def step(self, action_dict: dict) -> tuple:
            obs, rewards, terminated, truncated, infos = super().step(action_dict)
            return obs, {a: r * scale for a, r in rewards.items()}, terminated, truncated, infos

    return ScaledParallelPettingZooEnv(multi_product_v0.parallel_env(**kwargs))


def ppo_config(
    env_id: str = "Inventory-v0",
    env_kwargs: Mapping[str, Any] | None = None,
    *,
    seed: int = 0,
    num_envs: int = 16,
    num_env_runners: int = 0,
    reward_scale: float = 0.01,
    train_batch_size: int = 4096,
    minibatch_size: int = 256,
    num_epochs: int = 10,
    lr: float = 3e-4,
    gamma: float = 0.99,
    lambda_: float = 0.95,
    fcnet_hiddens: Sequence[int] = (64, 64),
) -> Any:
    """A PPO configuration for a gym-inventory id or ``multi_product_v0``.

    Single-agent ids sample from the native vector env (:func:`vector_env`,
    ``gym_env_vectorize_mode="vector_entry_point"``, ``num_envs`` copies per env runner);
    ``"multi_product_v0"`` trains one policy (:data:`SHARED_POLICY`) for every product
    (parameter sharing). Observations pass RLlib's running ``MeanStdFilter``; rewards are
    multiplied by ``reward_scale`` so the returns are of order 1 (RLlib's value-loss clip
    is off). The networks are RLlib's default torch fcnet (separate policy and value
    networks) with ``fcnet_hiddens`` tanh layers: 64 x 64, as Stable-Baselines3's default,
    rather than RLlib's 256 x 256 (a 16x smaller leaderboard artifact). Otherwise RLlib's
    defaults, with
    Stable-Baselines3's PPO settings (GAE 0.95, 10 epochs, gradient norm 0.5, no KL term).

    Parameters
    ----------
    env_id : str
        A gym-inventory id (``"module:"`` prefixes such as ``"gym_inventory:"`` are
        accepted) or ``"multi_product_v0"``.
    env_kwargs : mapping, optional
        Env keyword arguments.
    seed : int
        RLlib's seed (network initialisation, sampling, env resets).
    fcnet_hiddens : sequence of int
        Hidden layer sizes of the policy and value networks.
    num_env_runners : int
        0 samples in the driver (the default; right for a small machine); on a cluster
        use one or more per core.

    Raises
    ------
    ConfigError
        If ``env_id`` is not a gym-inventory id, a size is not a positive int or
        ``reward_scale`` is not a positive number (before anything is imported).
    MissingDependencyError
        If Ray RLlib is not installed.
    """
    for name, value in (
        ("num_envs", num_envs),
        ("train_batch_size", train_batch_size),
        ("minibatch_size", minibatch_size),
        ("num_epochs", num_epochs),
    ):
        if not isinstance(value, int) or value < 1:
            raise ConfigError(f"{name} must be a positive int, got {value!r}")
    if not isinstance(num_env_runners, int) or num_env_runners < 0:
        raise ConfigError(f"num_env_runners must be an int >= 0, got {num_env_runners!r}")
    hidden = list(fcnet_hiddens)
    if not hidden or not all(isinstance(h, int) and h >= 1 for h in hidden):
        raise ConfigError(f"fcnet_hiddens must be positive ints, got {fcnet_hiddens!r}")
    if not isinstance(reward_scale, int | float) or not 0 < reward_scale < math.inf:
        raise ConfigError(f"reward_scale must be a positive number, got {reward_scale!r}")
    multi = env_id.rpartition(":")[2] == MULTI_PRODUCT
    if not multi:
        env_class(env_id.rpartition(":")[2])  # ConfigError for an id that is not ours
    ppo = require("ray.rllib.algorithms.ppo", "rllib", "gym_inventory.rllib.ppo_config")
    from ray.rllib.connectors.env_to_module import MeanStdFilter
    from ray.rllib.core.rl_module.default_model_config import DefaultModelConfig
    from ray.tune.registry import register_env

    env_config = {"reward_scale": reward_scale, **(env_kwargs or {})}
    register_env(VECTOR_ENV_NAME, vector_env)
    register_env(MULTI_PRODUCT_ENV_NAME, multi_product_env)
    config = ppo.PPOConfig()
    if multi:
        config = config.environment(MULTI_PRODUCT_ENV_NAME, env_config=env_config).multi_agent(
            policies={SHARED_POLICY},
            policy_mapping_fn=lambda agent_id, episode, **kw: SHARED_POLICY,
        )
    else:
        env_config = {"env_id": env_id, **env_config}
        config = config.environment(VECTOR_ENV_NAME, env_config=env_config)
    return (
        config.env_runners(
            num_env_runners=num_env_runners,
            num_envs_per_env_runner=1 if multi else num_envs,
            gym_env_vectorize_mode="vector_entry_point" if not multi else "sync",
            env_to_module_connector=lambda env, spaces=None, device=None: MeanStdFilter(
                multi_agent=multi, clip_by_value=FILTER_CLIP
            ),
        )
        .training(
            train_batch_size_per_learner=train_batch_size,
            minibatch_size=minibatch_size,
            num_epochs=num_epochs,
            lr=lr,
            gamma=gamma,
            lambda_=lambda_,
            clip_param=0.2,
            vf_clip_param=float("inf"),
            vf_loss_coeff=0.5,
            grad_clip=0.5,
            use_kl_loss=False,
        )
        .rl_module(
            model_config=DefaultModelConfig(
                fcnet_hiddens=hidden, fcnet_activation="tanh", vf_share_layers=False
            )
        )
        .debugging(seed=seed)
    )


def filter_stats(algo: Any) -> tuple[np.ndarray, np.ndarray]:
    """``(mean, std + 1e-6)`` of the observation filter in ``algo``'s local env runner.

    Single-agent algorithms only. The filtered observation is
    ``(obs - mean) / (std + 1e-6)``, as RLlib's ``MeanStdFilter`` computes it.
    """
    from ray.rllib.utils.filter import RunningStat

    state = algo.env_runner.get_state(components="env_to_module_connector")
    filt = state["env_to_module_connector"].get("MeanStdFilter")
    if filt is None or None not in filt:
        raise DataError("the algorithm has no single-agent MeanStdFilter statistics")
    (stat,) = [RunningStat.from_state(s) for s in filt[None]["running_stats"]]
    return np.asarray(stat.mean, np.float64), np.asarray(stat.std, np.float64) + _FILTER_EPS


def _linear_layers(module: Any) -> tuple[list[Any], str]:
    # The policy network of RLlib's default PPO module: actor encoder MLP, then pi head.
    import torch

    layers, acts = [], set()
    for part in (module.encoder.actor_encoder.net.mlp, module.pi.net.mlp):
        for layer in part:
            if isinstance(layer, torch.nn.Linear):
                layers.append(layer)
            elif isinstance(layer, torch.nn.Tanh | torch.nn.ReLU):
                acts.add("tanh" if isinstance(layer, torch.nn.Tanh) else "relu")
            else:
                raise DataError(f"cannot export layer {layer!r} to the mlp format")
    if len(acts) > 1:
        raise DataError(f"the network mixes activations {sorted(acts)}")
    return layers, acts.pop() if acts else "tanh"


def export_mlp(algo: Any, path: str | Path, module_id: str = "default_policy") -> Path:
    """Write the deterministic policy of ``algo`` to ``path`` in the ``"mlp"`` format.

    The weights of RLlib's default torch fcnet (actor encoder then the ``pi`` head, in
    order), the observation filter's statistics (:func:`filter_stats`) and the
    categorical action distribution's deterministic sample, ``argmax``. Only discrete
    action spaces (the gym-inventory ids' spaces) of single-agent algorithms are exported.
    """
    from gym_inventory.leaderboard import save_mlp

    module = algo.get_module(module_id)
    if module is None:
        raise DataError(f"the algorithm has no module {module_id!r}")
    if module.get_inference_action_dist_cls().__name__ != "TorchCategorical":
        raise DataError("only categorical (Discrete action) policies export to 'mlp'")
    layers, activation = _linear_layers(module)
    mean, std = filter_stats(algo)
    return save_mlp(
        path,
        [layer.weight.detach().cpu().numpy().T for layer in layers],
        [layer.bias.detach().cpu().numpy() for layer in layers],
        activation=activation,
        output="argmax",
        obs_mean=mean,
        obs_std=std,
    )


def rllib_actions(algo: Any, obs: np.ndarray, module_id: str = "default_policy") -> np.ndarray:
    """RLlib's deterministic actions for a batch of raw observations ``(n, obs_dim)``.

    The observations go through the env runner's own filter (without updating it), then
    the module's ``forward_inference`` and its action distribution's deterministic
    sample, as RLlib acts with ``explore=False``.
    """
    import torch
    from ray.rllib.core.columns import Columns

    # RLlib has no public handle on the live filter object: the runner's pipeline has it.
    runner = algo.env_runner
    filt = next(c for c in runner._env_to_module.connectors if type(c).__name__ == "MeanStdFilter")
    x = filt._filters[None](np.asarray(obs, dtype=np.float32), update=False)
    module = algo.get_module(module_id)
    with torch.no_grad():
        out = module.forward_inference({Columns.OBS: torch.as_tensor(x)})
    dist = module.get_inference_action_dist_cls().from_logits(out[Columns.ACTION_DIST_INPUTS])
    return dist.to_deterministic().sample().cpu().numpy()
