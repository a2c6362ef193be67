"""Parametric sources at extreme parameters: valid tables, or a clear ConfigError."""

import re
import tracemalloc

import gymnasium as gym
import numpy as np
import pytest

import gym_inventory  # noqa: F401  (registers the env ids)
from gym_inventory.core.config import MAX_QUANTITY, MAX_SUPPORT
from gym_inventory.demand import (
    HOURS_PER_WEEK,
    ConstantDemand,
    DemandStream,
    DiscreteDemand,
    EmpiricalDemand,
    NegativeBinomialDemand,
    NormalDemand,
    PoissonDemand,
    SeasonalDemand,
)
from gym_inventory.errors import ConfigError, DataError

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


@pytest.mark.parametrize(("mean", "variance"), [(1e-300, 1.0), (5e-324, 1e-300), (1e-170, 1.0)])
def test_negative_binomial_shape_that_is_not_representable_is_refused(mean, variance):
    with pytest.raises(ConfigError, match="shape n, must be a positive finite float"):
        NegativeBinomialDemand(mean, variance)


def test_negative_binomial_tiny_but_representable_shape_draws_zero():
    src = NegativeBinomialDemand(1e-17, 1.0)  # n = 1e-34
    draws = src.sample(np.random.default_rng(0), np.arange(100))
    assert (draws == 0).all()


# ---- bounded memory: no source enumerates more than MAX_SUPPORT values
PROFILE = 1.0 + np.sin(np.arange(HOURS_PER_WEEK) / 24 * 2 * np.pi) ** 2
WIDE = {
    "normal-widest-grid": lambda: NormalDemand(1e9, MAX_SUPPORT // 24 - 1),
    "normal-far-below-0": lambda: NormalDemand(-1e12, 1e6),  # grid [0, 1]
    "poisson-huge-mean": lambda: PoissonDemand(1e12),
    "negbin-huge-mean-and-variance": lambda: NegativeBinomialDemand(1e12, 1e30),
    "discrete-wide-support": lambda: DiscreteDemand([0.5, 0.5], values=[0, 10**12]),
    # these built tables of 1e6 to 3.6e6 values (130-160 MB) before the bound
    "seasonal-negbin": lambda: SeasonalDemand(PROFILE, base=NegativeBinomialDemand(1e4, 1e6)),
    "seasonal-discrete": lambda: SeasonalDemand(PROFILE, 3e4, base=DiscreteDemand([0.5, 0.5])),
    "seasonal-bootstrap": lambda: SeasonalDemand(
        PROFILE, 3e4, base=EmpiricalDemand([0, 2], mode="bootstrap")
    ),
    "seasonal-poisson": lambda: SeasonalDemand(PROFILE, mean=1e5),
}


@pytest.mark.parametrize("name", WIDE)
def test_memory_is_bounded_by_max_support(name):
    pytest.importorskip("scipy.stats")  # imported outside the measurement
    tracemalloc.start()
    try:
        src = WIDE[name]()
        table = src.demand_table()
        draws = src.sample(np.random.default_rng(0), np.arange(512))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 12 * 8 * MAX_SUPPORT  # about a dozen float64 arrays of MAX_SUPPORT
    assert table is None or sum(len(c) for c in table.cdfs) <= MAX_SUPPORT
    assert np.isfinite(draws).all() and (draws >= 0).all() and (draws == np.floor(draws)).all()
    assert np.isfinite(src.mean(np.arange(3))).all()


@pytest.mark.parametrize(("mu", "sigma"), [(10.0, 1e6), (10.0, 1e300), (1e9, MAX_SUPPORT / 24)])
def test_normal_grid_beyond_max_support_is_refused(mu, sigma):
    message = re.escape(f"NormalDemand(mu={mu!r}, sigma={sigma!r})") + ".*" + f"= {MAX_SUPPORT}"
    with pytest.raises(ConfigError, match=message):
        NormalDemand(mu, sigma)


@pytest.mark.parametrize("mu", [0.0, 1e9])
def test_widest_normal_grid_is_accepted_with_its_exact_mean(mu):
    sigma = MAX_SUPPORT // 24 - 1
    src = NormalDemand(mu, sigma)
    # E[max(0, round(X))], X ~ N(mu, s^2): s / sqrt(2 pi) at mu = 0 (up to O(1/s)); mu far above
    expected = sigma / np.sqrt(2 * np.pi) if mu == 0 else mu
    assert src.mean(np.arange(1))[0] == pytest.approx(expected, abs=1.0)


# ---- demand quantities bounded like stock: at most MAX_QUANTITY
@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda: PoissonDemand(1e19), ConfigError, r"^mean must be <= MAX_QUANTITY = 1e\+15"),
        (lambda: NegativeBinomialDemand(1e16, 1e20), ConfigError, r"^mean must be <= MAX_QUANT"),
        (lambda: NegativeBinomialDemand(1.0, 1e31), ConfigError, r"^variance must be <= MAX_Q"),
        (lambda: NormalDemand(1e300, 1.0), ConfigError, r"^mu must be <= MAX_QUANTITY"),
        (lambda: DiscreteDemand([1.0], [10**30]), ConfigError, r"^values\[0\] must be <= MAX_"),
        (lambda: ConstantDemand(10**400), ConfigError, r"^value must be <= MAX_QUANTITY"),
        (lambda: SeasonalDemand(PROFILE, mean=1e15), ConfigError, r"busiest hour's mean demand"),
        (lambda: EmpiricalDemand([0, 1e16]), DataError, r"values <= MAX_QUANTITY.*entry 1"),
    ],
)
def test_demand_beyond_max_quantity_is_refused(make, error, message):
    with pytest.raises(error, match=message):
        make()


def test_demand_at_max_quantity_draws_exact_integers():
    top = int(MAX_QUANTITY)
    sources = [
        PoissonDemand(MAX_QUANTITY),
        NegativeBinomialDemand(MAX_QUANTITY, MAX_QUANTITY**2),
        NormalDemand(MAX_QUANTITY, 1.0),
        DiscreteDemand([0.5, 0.5], [0, top]),
        ConstantDemand(top),
        EmpiricalDemand([0, top], mode="bootstrap"),
    ]
    for src in sources:
        draws = src.sample(np.random.default_rng(0), np.arange(64))
        assert np.isfinite(draws).all() and (draws >= 0).all(), src
        assert (draws == np.floor(draws)).all() and draws.max() < 2**53, src
