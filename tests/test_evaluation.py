import gymnasium as gym
import numpy as np
import pytest

from gym_inventory.errors import ActionError, ConfigError
from gym_inventory.evaluation import evaluate
from gym_inventory.policies import BaseStock, Myopic, OrderHoldClearRule, solve_optimal


@pytest.mark.parametrize(
    ("env_id", "policy", "kwargs"),
    [
        ("InventoryLostSales-v0", lambda: BaseStock(19, lead_time=2), dict(lead_time=2)),
        ("Inventory-v0", lambda: OrderHoldClearRule(), {}),
    ],
)
def test_episodes_equal_single_envs_seeded_seed_plus_i(env_id, policy, kwargs):
    pi = policy()
    res = evaluate(pi, env_id, n_episodes=3, max_steps=300, seed=40, **kwargs)
    for i in range(3):
        env = gym.make(env_id, max_episode_steps=300, **kwargs)
        obs, _ = env.reset(seed=40 + i)
        total, done = 0.0, False
        while not done:
            obs, r, term, trunc, _ = env.step(pi(obs))
            total += r
            done = term or trunc
        assert total / 300 == pytest.approx(res.episode_means[i], rel=1e-12, abs=1e-12)


def test_reproducible_and_seed_dependent():
    pi = BaseStock(20)
    a = evaluate(pi, "InventoryLostSales-v0", n_episodes=8, max_steps=200, seed=1)
    b = evaluate(pi, "InventoryLostSales-v0", n_episodes=8, max_steps=200, seed=1)
    c = evaluate(pi, "InventoryLostSales-v0", n_episodes=8, max_steps=200, seed=2)
    assert np.array_equal(a.episode_means, b.episode_means) and a.ci95 == b.ci95
    assert not np.array_equal(a.episode_means, c.episode_means)


def test_metrics_are_consistent():
    res = evaluate(
        BaseStock(18),
        "InventoryLostSales-v0",
        n_episodes=10,
        max_steps=400,
        warmup=50,
        history=True,
    )
    assert res.n_periods == 350 and res.warmup == 50
    assert res.average_cost == -res.mean_reward
    c = res.costs
    assert res.mean_reward == pytest.approx(
        c["revenue"] - c["ordering"] - c["holding"] - c["penalty"] - c["disposal"]
    )
    assert c["holding"] == pytest.approx(res.average_on_hand)  # h = 1
    assert c["penalty"] == pytest.approx(9.0 * res.lost_units)
    assert 0 < res.fill_rate < 1 and 0 < res.stockout_periods < 350 and res.backlogged_units == 0
    assert res.history.shape == (401, 5) and res.history[0, 0] == 0
    assert res.mean_return == pytest.approx(res.mean_reward * 350)
    assert res.ci95 > 0


def test_backorder_metrics():
    res = evaluate(
        BaseStock(15, env_id="InventoryBackorder-v0"),
        "InventoryBackorder-v0",
        n_episodes=4,
        max_steps=300,
    )
    assert res.backlogged_units > 0 and res.lost_units == 0


def test_single_episode_has_no_interval():
    res = evaluate(BaseStock(20), "InventoryLostSales-v0", n_episodes=1, max_steps=10)
    assert np.isnan(res.ci95)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(n_episodes=0), "n_episodes must be an int >= 1"),
        (dict(n_episodes=2, max_steps=0), "max_steps must be an int >= 1"),
        (dict(n_episodes=2, max_steps=10, warmup=10), "warmup must be < max_steps"),
        (dict(n_episodes=2, seed=-1), "seed must be a non-negative int"),
        (dict(n_episodes=2, holding=3), "unknown argument"),
    ],
)
def test_invalid_arguments(kwargs, message):
    with pytest.raises(ConfigError, match=message):
        evaluate(BaseStock(20), "InventoryLostSales-v0", **kwargs)


def test_bad_policy_output_is_reported():
    with pytest.raises(ConfigError, match="one action per episode"):
        evaluate(lambda obs: 0, "InventoryLostSales-v0", n_episodes=3, max_steps=5)
    with pytest.raises(ActionError):
        evaluate(
            lambda obs: np.full(len(obs), 99), "InventoryLostSales-v0", n_episodes=3, max_steps=5
        )


def test_evaluation_does_not_import_policies():
    # evaluation -> registration only: running a plain callable never loads gym_inventory.policies
    # (the env-id lookup lives in gym_inventory.registration, so there is no import circle)
    import subprocess
    import sys

    code = (
        "import sys, numpy as np\n"
        "from gym_inventory.evaluation import evaluate\n"
        "evaluate(lambda o: np.zeros(len(o), dtype=int), 'InventoryLostSales-v0', "
        "n_episodes=2, max_steps=3)\n"
        "print('gym_inventory.policies' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


LS = "InventoryLostSales-v0"


def test_policy_built_for_other_arguments_is_refused():
    # a Myopic rule for p = 9 used to be run at p = 4 without a word (cost 6.33 instead of
    # the 5.06 of the Myopic rule for p = 4)
    with pytest.raises(
        ConfigError,
        match=r"built for InventoryLostSales-v0 with penalty_cost=9\.0 but the env has "
        r"penalty_cost=4;",
    ):
        evaluate(Myopic(lead_time=1), LS, n_episodes=2, max_steps=5, lead_time=1, penalty_cost=4)
    opt = solve_optimal(LS, lead_time=1, penalty_cost=39).policy
    with pytest.raises(ConfigError, match=r"penalty_cost=39 but the env has penalty_cost=4"):
        evaluate(opt, LS, n_episodes=2, max_steps=5, lead_time=1, penalty_cost=4)
    # every differing argument is named, with both values
    pi = BaseStock(20, lead_time=1, holding_cost=2.0, fixed_cost=5.0)
    with pytest.raises(ConfigError) as err:
        evaluate(pi, LS, n_episodes=2, max_steps=5, lead_time=1)
    msg = str(err.value)
    assert (
        "with fixed_cost=5.0, holding_cost=2.0 but the env has fixed_cost=0.0, holding_cost=1.0;"
        in msg
    )
    assert "observation" not in msg  # the shapes agree


def test_observation_shape_mismatch_is_explained_in_env_terms():
    with pytest.raises(
        ConfigError,
        match=r"built for InventoryLostSales-v0 with lead_time=4 \(observation of 5 entries\) "
        r"but the env has lead_time=2 \(3 entries\)",
    ):
        evaluate(BaseStock(30, lead_time=4), LS, n_episodes=2, max_steps=5, lead_time=2)


def test_policy_built_for_another_id_is_refused():
    with pytest.raises(
        ConfigError, match=r"built for InventoryLostSales-v0 but the env is InventoryBackorder-v0"
    ):
        evaluate(BaseStock(20), "InventoryBackorder-v0", n_episodes=2, max_steps=5)


def test_same_env_spelled_differently_is_accepted():
    # defaults given explicitly, ints for floats, the spec's own arguments: the same env
    pi = BaseStock(19, lead_time=2)
    a = evaluate(pi, LS, n_episodes=3, max_steps=50, seed=4)
    b = evaluate(
        pi, LS, n_episodes=3, max_steps=50, seed=4, lead_time=2, penalty_cost=9, holding_cost=1
    )
    assert np.array_equal(a.episode_means, b.episode_means)


def test_plain_callables_are_not_checked():
    # a callable with no env knowledge runs on any env whose observation fits it
    res = evaluate(lambda o: np.full(len(o), 5), LS, n_episodes=2, max_steps=20, penalty_cost=4)
    assert res.average_cost > 0
    with pytest.raises(ConfigError, match="one action per episode"):
        evaluate(lambda o: 0, LS, n_episodes=2, max_steps=5, lead_time=4)
