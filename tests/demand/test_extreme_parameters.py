"""Parametric sources at extreme parameters: valid tables, or a clear ConfigError."""

import gymnasium as gym
import numpy as np
import pytest

import gym_inventory  # noqa: F401  (registers the env ids)
from gym_inventory.demand import (
    HOURS_PER_WEEK,
    DemandStream,
    NegativeBinomialDemand,
    PoissonDemand,
    SeasonalDemand,
)
from gym_inventory.errors import ConfigError

TINY = [5e-324, 1e-300, 1e-17, 1e-16, 2.0**-53]


def _check_table(table):
    """Every state's cdf row: finite, non-decreasing, in [0, 1], ending at exactly 1."""
    assert table is not None
    for row in table.cdfs:
        assert np.isfinite(row).all()
        assert (np.diff(row) >= 0).all() and row[0] >= 0 and row[-1] == 1.0


@pytest.mark.parametrize("mean", [0.0, *TINY])
def test_tiny_poisson_mean_makes_a_valid_env(mean):
    env = gym.make("InventoryLostSales-v0", demand_mean=mean)
    env.reset(seed=0)
    for _ in range(5):
        _, reward, *_, info = env.step(env.action_space.sample())
        assert info["demand"] == 0.0 and np.isfinite(reward)


@pytest.mark.parametrize("mean", TINY)
def test_tiny_poisson_mean_table_is_the_poisson_law(mean):
    table = PoissonDemand(mean).demand_table()
    _check_table(table)
    # P(X >= 1) = 1 - exp(-mean) <= 2**-53: below a uniform double's resolution, cut
    assert table.k0.tolist() == [0] and table.cdfs[0].tolist() in ([1.0], [np.exp(-mean), 1.0])


@pytest.mark.parametrize("mean", [1e-10, 0.3, 0.9999])
def test_small_poisson_mean_table_matches_scipy(mean):
    stats = pytest.importorskip("scipy.stats")
    (row,) = PoissonDemand(mean).demand_table().cdfs
    k = np.arange(len(row) - 1)
    np.testing.assert_allclose(row[:-1], stats.poisson(mean).cdf(k), rtol=1e-15)


def test_seasonal_hour_with_a_tiny_mean_draws():
    profile = np.ones(HOURS_PER_WEEK)
    profile[3] = 1e-20  # mean 1e-20 in hour 3
    src = SeasonalDemand(profile, mean=2.0)
    _check_table(src.demand_table())
    stream = DemandStream([src], batch_size=2, block=64)
    stream.reset([np.random.default_rng(1), np.random.default_rng(2)])
    demand = np.array([stream.next()[0].copy() for _ in range(2 * HOURS_PER_WEEK)])[:, :, 0]
    assert np.isfinite(demand).all() and (demand >= 0).all()
    assert (demand[[3, 3 + HOURS_PER_WEEK]] == 0).all()


@pytest.mark.parametrize(("mean", "variance"), [(1e-300, 1.0), (5e-324, 1e-300), (1e160, 1e200)])
def test_negative_binomial_shape_that_is_not_representable_is_refused(mean, variance):
    with pytest.raises(ConfigError, match="shape n, must be a positive finite float"):
        NegativeBinomialDemand(mean, variance)


def test_negative_binomial_tiny_but_representable_shape_draws_zero():
    src = NegativeBinomialDemand(1e-17, 1.0)  # n = 1e-34
    draws = src.sample(np.random.default_rng(0), np.arange(100))
    assert (draws == 0).all()
