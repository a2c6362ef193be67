"""OrderPriorPolicy: SB3's actor-critic policy starting from small orders."""

import gymnasium as gym
import numpy as np
import pytest

pytest.importorskip("stable_baselines3")
torch = pytest.importorskip("torch")

from gym_inventory.errors import ConfigError  # noqa: E402
from gym_inventory.sb3 import OrderPriorPolicy, as_sb3_vec_env  # noqa: E402


def _ppo(**policy_kwargs):
    from stable_baselines3 import PPO

    venv = as_sb3_vec_env(gym.make_vec("InventoryLostSales-v0", num_envs=2))
    return PPO(OrderPriorPolicy, venv, n_steps=8, batch_size=16, policy_kwargs=policy_kwargs)


def test_first_distribution_is_the_geometric_prior_and_survives_save_load(tmp_path):
    model = _ppo(order_scale=5.0)
    obs = torch.zeros((1, 3))
    probs = model.policy.get_distribution(obs).distribution.probs.detach().numpy()[0]
    a = np.arange(51)
    prior = np.exp(-a / 5.0) / np.exp(-a / 5.0).sum()
    assert np.allclose(probs, prior, atol=0.02)  # (the head's weights are near zero)
    assert 4.0 < float((probs * a).sum()) < 5.5 and probs.argmax() == 0
    model.policy.save(str(tmp_path / "p.pth"))
    loaded = OrderPriorPolicy.load(str(tmp_path / "p.pth"), device="cpu")
    assert loaded.order_scale == 5.0
    x = np.array([[0, 3, 4], [9, 0, 0]], dtype=np.float32)
    assert np.array_equal(
        loaded.predict(x, deterministic=True)[0], model.predict(x, deterministic=True)[0]
    )


@pytest.mark.parametrize("scale", [0, -1.0, float("nan")])
def test_bad_order_scale_is_a_config_error(scale):
    with pytest.raises(ConfigError, match="order_scale must be a positive number"):
        _ppo(order_scale=scale)


def test_needs_a_discrete_action_space():
    from stable_baselines3 import PPO

    venv = as_sb3_vec_env(gym.make_vec("Inventory-v0", num_envs=2, action_mode="continuous"))
    with pytest.raises(ConfigError, match="needs a Discrete action space"):
        PPO(OrderPriorPolicy, venv, n_steps=8, batch_size=16)
