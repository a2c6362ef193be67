"""gym_inventory.rllib without Ray: bad arguments are rejected before anything is imported,
and a missing Ray names the extra to install. (Training is tested in tests/rllib.)"""

import importlib.util

import pytest

from gym_inventory.errors import ConfigError, MissingDependencyError
from gym_inventory.rllib import ppo_config


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        (dict(num_envs=0), "num_envs"),
        (dict(train_batch_size=1.5), "train_batch_size"),
        (dict(minibatch_size=-1), "minibatch_size"),
        (dict(num_epochs=0), "num_epochs"),
        (dict(num_env_runners=-1), "num_env_runners"),
        (dict(reward_scale=0.0), "reward_scale"),
        (dict(reward_scale=float("inf")), "reward_scale"),
        (dict(reward_scale="0.1"), "reward_scale"),
        (dict(fcnet_hiddens=()), "fcnet_hiddens"),
        (dict(fcnet_hiddens=(64, 0)), "fcnet_hiddens"),
    ],
)
def test_invalid_arguments_name_the_field(kwargs, field):
    with pytest.raises(ConfigError, match=field):
        ppo_config("Inventory-v0", **kwargs)


def test_unknown_env_id_is_a_config_error():
    with pytest.raises(ConfigError, match="CartPole-v1"):
        ppo_config("CartPole-v1")


@pytest.mark.skipif(importlib.util.find_spec("ray") is not None, reason="Ray is installed")
@pytest.mark.parametrize(
    "env_id", ["Inventory-v0", "gym_inventory:Inventory-v0", "multi_product_v0"]
)
def test_missing_ray_names_the_extra(env_id):
    with pytest.raises(MissingDependencyError, match=r"gym-inventory\[rllib\]"):
        ppo_config(env_id)
