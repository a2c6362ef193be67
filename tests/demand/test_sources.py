"""Every demand source: reproducibility, mean/variance against stated values, shapes."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gym_inventory.demand import (
    HOURS_PER_WEEK,
    ConstantDemand,
    DemandStream,
    DiscreteDemand,
    EmpiricalDemand,
    InstacartDemand,
    NegativeBinomialDemand,
    NormalDemand,
    PoissonDemand,
    SeasonalDemand,
)
from gym_inventory.demand.instacart import hour_of_week_counts
from gym_inventory.errors import ConfigError, DataError

stats = pytest.importorskip("scipy.stats")

PROFILE = 1.0 + np.sin(np.arange(HOURS_PER_WEEK) / 24 * 2 * np.pi) ** 2

# name -> (factory, stated mean, stated variance) for i.i.d. sources, values from textbooks
IID = {
    "poisson": (lambda: PoissonDemand(4.0), 4.0, 4.0),
    "negative_binomial": (lambda: NegativeBinomialDemand(6.0, 15.0), 6.0, 15.0),
    # far from 0 rounding adds 1/12 to the variance (Sheppard) and truncation is negligible
    "normal": (lambda: NormalDemand(20.0, 3.0), 20.0, 9.0 + 1 / 12),
    "discrete": (
        lambda: DiscreteDemand([0.2, 0.5, 0.3], values=[1, 4, 10]),
        5.2,
        0.2 * 1 + 0.5 * 16 + 0.3 * 100 - 5.2**2,
    ),
    "constant": (lambda: ConstantDemand(7), 7.0, 0.0),
    "bootstrap": (
        lambda: EmpiricalDemand([0, 2, 2, 8], mode="bootstrap"),
        3.0,
        ((0 - 3) ** 2 + 2 * (2 - 3) ** 2 + (8 - 3) ** 2) / 4,
    ),
}

ALL = {
    **{k: v[0] for k, v in IID.items()},
    "seasonal-poisson": lambda: SeasonalDemand(PROFILE, mean=5.0),
    "seasonal-negbin": lambda: SeasonalDemand(PROFILE, base=NegativeBinomialDemand(3.0, 9.0)),
    "seasonal-normal": lambda: SeasonalDemand(PROFILE, 12.0, 5, NormalDemand(30.0, 4.0)),
    "seasonal-constant": lambda: SeasonalDemand(PROFILE, base=ConstantDemand(3)),
    "seasonal-discrete": lambda: SeasonalDemand(PROFILE, 2.0, base=DiscreteDemand([0.5, 0.5])),
    "replay": lambda: EmpiricalDemand(np.arange(10) % 4),
    "instacart-profile": lambda: InstacartDemand(24852, mean=10.0),
    "instacart-negbin": lambda: InstacartDemand(
        13176, mean=4.0, sampler="negative_binomial", variance_ratio=3.0
    ),
    "instacart-timeline": lambda: InstacartDemand(24852, mode="timeline", weeks=4),
    "instacart-timeline-mean": lambda: InstacartDemand(24852, mode="timeline", mean=2.0),
}


@pytest.mark.parametrize("name", ALL)
def test_seeded_reproducibility_and_shapes(name):
    src = ALL[name]()
    periods = np.arange(300, 557)
    a = src.sample(np.random.default_rng(5), periods)
    b = src.sample(np.random.default_rng(5), periods)
    assert a.shape == (len(periods),) and a.dtype == np.float64
    assert np.array_equal(a, b)
    assert (a >= 0).all() and (a == np.floor(a)).all()
    m = src.mean(periods)
    assert m.shape == (len(periods),) and m.dtype == np.float64
    # a stream of 3 members x 2 products draws identically to the single calls
    stream = DemandStream([src, src], batch_size=3, block=64)
    stream.reset([np.random.default_rng(s) for s in (1, 2, 1)])
    d = np.array([stream.next()[0] for _ in range(100)])
    assert d.shape == (100, 3, 2)
    assert np.array_equal(d[:, 0], d[:, 2])


@pytest.mark.parametrize("name", IID)
def test_iid_mean_and_variance(name):
    factory, mean, var = IID[name]
    src = factory()
    assert src.stationary
    np.testing.assert_allclose(src.mean(np.arange(5)), mean, rtol=1e-6)
    dist = src.distribution(0)
    assert dist.mean() == pytest.approx(mean, rel=1e-6)
    assert dist.var() == pytest.approx(var, rel=1e-3, abs=1e-9)
    x = src.sample(np.random.default_rng(0), np.arange(200_000))
    se = math.sqrt(var / len(x)) if var else 1e-12
    assert abs(x.mean() - mean) < 5 * se + 1e-12
    assert x.var() == pytest.approx(var, rel=0.03, abs=1e-9)


def test_normal_mean_accounts_for_truncation():
    src = NormalDemand(0.5, 2.0)  # a third of the mass is truncated to 0
    x = src.sample(np.random.default_rng(1), np.arange(400_000))
    assert src.mean(np.arange(1))[0] > 1.0  # far above mu: truncation lifts it
    assert x.mean() == pytest.approx(src.mean(np.arange(1))[0], abs=0.01)
    assert src.distribution(0).var() == pytest.approx(x.var(), rel=0.02)


SEASONAL = [k for k in ALL if k.startswith("seasonal")] + ["instacart-profile"]


@pytest.mark.parametrize("name", SEASONAL)
def test_seasonal_hourly_means(name):
    src = ALL[name]()
    week = np.arange(HOURS_PER_WEEK)
    mu = src.mean(week)
    weeks = 1500
    x = src.sample(np.random.default_rng(2), np.arange(HOURS_PER_WEEK * weeks))
    emp = x.reshape(weeks, HOURS_PER_WEEK).mean(axis=0)
    sd = np.sqrt(np.array([src.distribution(h).var() for h in (0, 40, 100)]))
    for j, h in enumerate((0, 40, 100)):
        assert src.distribution(h).mean() == pytest.approx(mu[h], rel=1e-6)
        assert abs(emp[h] - mu[h]) < 5 * sd[j] / np.sqrt(weeks) + 1e-9
    assert x.mean() == pytest.approx(mu.mean(), rel=0.01)


def test_seasonal_profile_and_start_hour():
    src = SeasonalDemand(PROFILE, 6.0, start_hour=30)
    mu = src.mean(np.arange(HOURS_PER_WEEK))
    assert mu.mean() == pytest.approx(6.0)
    np.testing.assert_allclose(mu, 6.0 * np.roll(PROFILE, -30) / PROFILE.mean())
    # the historical constructor still works positionally
    assert SeasonalDemand(PROFILE, 2.0, 0).mean(np.arange(1))[0] == pytest.approx(
        2.0 * PROFILE[0] / PROFILE.mean()
    )


def test_seasonal_discrete_base_mean_is_exact_with_stochastic_rounding():
    src = SeasonalDemand(PROFILE, base=DiscreteDemand([0.5, 0.5], values=[1, 2]))
    x = src.sample(np.random.default_rng(3), np.arange(HOURS_PER_WEEK * 2000))
    assert x.mean() == pytest.approx(1.5, rel=0.01)
    assert (x == np.floor(x)).all()


def test_replay_is_deterministic_and_cyclic():
    src = EmpiricalDemand([1, 2, 3], start=1)
    assert src.sample(None, np.arange(5)).tolist() == [2, 3, 1, 2, 3]
    assert src.mean(np.arange(2)).tolist() == [2.0, 3.0]
    assert not src.stationary
    assert src.distribution(0).mean() == 2.0


def test_empirical_from_dataframe_series_and_csv(tmp_path):
    df = pd.DataFrame({"day": [1, 2, 3], "units": [4, 0, 6]})
    assert EmpiricalDemand(df, column="units").series.tolist() == [4, 0, 6]
    assert EmpiricalDemand(df["units"]).series.tolist() == [4, 0, 6]
    path = tmp_path / "d.csv"
    df.to_csv(path, index=False)
    assert EmpiricalDemand(path, column="units").series.tolist() == [4, 0, 6]
    assert EmpiricalDemand(str(path), column="units", mode="bootstrap").mean(
        np.arange(2)
    ).tolist() == [10 / 3, 10 / 3]


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda: PoissonDemand(-1.0), ConfigError, "mean must be >= 0"),
        (lambda: NegativeBinomialDemand(3.0, 3.0), ConfigError, "variance must be > mean"),
        (lambda: NormalDemand(3.0, -1.0), ConfigError, "sigma must be >= 0"),
        (lambda: DiscreteDemand([0.5, 0.4]), ConfigError, "must sum to 1"),
        (lambda: DiscreteDemand([0.5, 0.5], values=[1, 1]), ConfigError, "distinct"),
        (lambda: DiscreteDemand([0.5, 0.5], values=[1]), ConfigError, "one entry per"),
        (lambda: DiscreteDemand([0.5, 0.5], values=[1, -2]), ConfigError, "values\\[1\\]"),
        (lambda: ConstantDemand(2.5), ConfigError, "value must be an int"),
        (lambda: SeasonalDemand(np.ones(24), 1.0), ConfigError, "168 entries"),
        (lambda: SeasonalDemand(-PROFILE, 1.0), ConfigError, "non-negative"),
        (lambda: SeasonalDemand(PROFILE), ConfigError, "needs mean="),
        (
            lambda: SeasonalDemand(PROFILE, base=EmpiricalDemand([1, 2])),
            ConfigError,
            "stationary",
        ),
        (lambda: SeasonalDemand(PROFILE, 2.0, base=ConstantDemand(0)), ConfigError, "mean 0"),
        (lambda: EmpiricalDemand([1, 2.5]), DataError, "entry 1 is 2.5"),
        (lambda: EmpiricalDemand([1, -1]), DataError, "non-negative integers"),
        (lambda: EmpiricalDemand([]), DataError, "non-empty"),
        (lambda: EmpiricalDemand([1], mode="shuffle"), ConfigError, "mode must be"),
        (lambda: EmpiricalDemand(pd.DataFrame({"a": [1], "b": [2]})), ConfigError, "column="),
        (lambda: EmpiricalDemand(pd.DataFrame({"a": [1]}), column="z"), DataError, "'z'"),
        (lambda: EmpiricalDemand("/nonexistent/d.csv"), DataError, "does not exist"),
        (lambda: InstacartDemand(24852, mode="forecast"), ConfigError, "mode must be"),
        (lambda: InstacartDemand(24852, sampler="gamma"), ConfigError, "sampler must be"),
        (lambda: InstacartDemand(24852, variance_ratio=2.0), ConfigError, "variance_ratio"),
        (lambda: InstacartDemand(1_000_000), DataError, "no order lines"),
        (lambda: InstacartDemand(24852, eval_sets=("test",)), ConfigError, "eval_sets"),
    ],
)
def test_invalid_sources(make, error, message):
    with pytest.raises(error, match=message):
        make()


@settings(max_examples=30, deadline=None)
@given(mu=st.floats(-5.0, 50.0), cv=st.floats(0.0, 2.0), scale=st.floats(0.0, 3.0))
def test_rounded_normal_distribution_and_scaling(mu, cv, scale):
    src = NormalDemand(mu, cv * abs(mu))
    d = src.distribution(0)
    assert d.cdf(-1) == 0
    assert d.mean() == pytest.approx(src.mean(np.arange(1))[0], rel=1e-9, abs=1e-12)
    if src.mean(np.arange(1))[0] > 0:  # stochastic rounding keeps the mean exact
        assert src.distribution_at_mean(scale * d.mean()).mean() == pytest.approx(
            scale * d.mean(), rel=1e-9, abs=1e-12
        )


def test_instacart_profile_smoothing_and_scale():
    raw = InstacartDemand(24852, mean=10.0, smoothing=0.0)
    np.testing.assert_allclose(raw.profile, raw.counts)
    smooth = InstacartDemand(24852, mean=10.0)
    assert smooth.counts.sum() == 751  # Banana's prior lines in the sample
    assert smooth.profile.sum() == pytest.approx(751 + 168)
    # every hour in which the whole store sold gets some demand
    store = hour_of_week_counts(None)
    assert ((smooth.profile > 0) == (store > 0)).all()
    assert (store > 0).sum() > 150
    assert smooth.mean(np.arange(HOURS_PER_WEEK)).mean() == pytest.approx(10.0)
    # the busiest hour of the counts stays the busiest
    assert np.argmax(smooth.profile) == np.argmax(raw.counts)


def test_instacart_timeline_replays_real_lines():
    src = InstacartDemand(24852, mode="timeline", weeks=8, seed=3)
    assert src.series.sum() == 751
    assert np.array_equal(src.sample(None, np.arange(len(src.series))), src.series)
    other = InstacartDemand(24852, mode="timeline", weeks=8, seed=4)
    assert not np.array_equal(src.series[: len(other.series)], other.series[: len(src.series)])
    both = InstacartDemand(24852, mode="timeline", weeks=8, eval_sets=("prior", "train"))
    assert both.series.sum() > 751
    scaled = InstacartDemand(24852, mode="timeline", weeks=8, seed=3, mean=2.0)
    assert scaled.mean(np.arange(len(src.series))).mean() == pytest.approx(2.0)


BASES = {
    "poisson": lambda m: PoissonDemand(m),
    "negative_binomial": lambda m: NegativeBinomialDemand(m, 2 * m + 1),
    "normal": lambda m: NormalDemand(m, m / 3 + 0.1),
    "constant": lambda m: ConstantDemand(round(m) + 1),
    "discrete": lambda m: DiscreteDemand([0.25, 0.75], values=[0, round(m) + 1]),
}


@settings(max_examples=40, deadline=None)
@given(
    profile=st.lists(st.floats(0.0, 10.0), min_size=168, max_size=168).filter(lambda p: sum(p) > 0),
    mean=st.floats(0.1, 30.0),
    base=st.sampled_from(sorted(BASES)),
    start=st.integers(0, 167),
    hour=st.integers(0, 10_000),
)
def test_seasonal_mean_is_weekly_average_for_every_base(profile, mean, base, start, hour):
    src = SeasonalDemand(profile, mean, start, BASES[base](mean))
    week = src.mean(np.arange(HOURS_PER_WEEK))
    assert week.mean() == pytest.approx(mean, rel=1e-9)
    prof = np.asarray(profile) / max(profile)  # the same ratios, free of underflow
    assert src.mean(np.array([hour]))[0] == pytest.approx(
        mean * prof[(hour + start) % 168] / prof.mean(), rel=1e-9
    )
    assert src.distribution(hour).mean() == pytest.approx(
        src.mean(np.array([hour]))[0], rel=1e-6, abs=1e-9
    )


def test_seasonal_tiny_profile_does_not_overflow():
    # Found by hypothesis: one subnormal entry made mean / profile.mean() overflow to inf.
    profile = [0.0] * 167 + [2.2250738585072014e-308]
    src = SeasonalDemand(profile, 1.0, 0, ConstantDemand(1.0))
    week = src.mean(np.arange(HOURS_PER_WEEK))
    assert week.mean() == pytest.approx(1.0, rel=1e-9) and week[-1] == pytest.approx(168.0)
