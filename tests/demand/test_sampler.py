"""Inverse-CDF demand draws: exact laws, the stream's draw order, plug-in sources."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from gym_inventory.demand import (
    DemandSource,
    DemandStream,
    DiscreteDemand,
    EmpiricalDemand,
    InstacartDemand,
    NegativeBinomialDemand,
    NormalDemand,
    PoissonDemand,
    SeasonalDemand,
)
from gym_inventory.demand.instacart import _PoissonReplay
from gym_inventory.demand.sampler import DemandTable, InverseCDF, draw_members

WEEK = np.r_[np.ones(84), 3 * np.ones(84)]

SOURCES = {
    "poisson": lambda: PoissonDemand(5.0),
    "poisson0": lambda: PoissonDemand(0.0),
    "poisson_large": lambda: PoissonDemand(3e4),
    "negbin": lambda: NegativeBinomialDemand(5.0, 12.0),
    "normal": lambda: NormalDemand(3.0, 2.0),
    "discrete_gaps": lambda: DiscreteDemand([0.0, 0.5, 0.0, 0.5], [0, 3, 7, 1000]),
    "bootstrap": lambda: EmpiricalDemand([3, 0, 5, 5], mode="bootstrap"),
    "seasonal": lambda: SeasonalDemand(WEEK, mean=4.0, start_hour=5),
    "seasonal_negbin": lambda: SeasonalDemand(WEEK, base=NegativeBinomialDemand(4.0, 9.0)),
    "seasonal_discrete": lambda: SeasonalDemand(
        np.arange(168) + 1.0, base=DiscreteDemand([0.2, 0.8])
    ),
    "replay_poisson": lambda: _PoissonReplay(np.linspace(0.5, 20.0, 50), start=7),
    "instacart": lambda: InstacartDemand(24852),
}


class OnlySample(DemandSource):
    """A third-party source implementing only the abstract methods."""

    def sample(self, rng, periods):
        return rng.integers(0, 4, size=len(periods)).astype(np.float64)

    def mean(self, periods):
        return np.full(len(periods), 1.5)


@pytest.mark.parametrize("name", SOURCES)
def test_draw_is_the_inverse_cdf(name):
    """Guide-table draws equal ``k0 + #{i : F(i) <= u}`` for every uniform."""
    table = SOURCES[name]().demand_table()
    periods = np.arange(1000, 1000 + 50_000)
    u = np.random.default_rng(1).random(len(periods))
    got = InverseCDF([table]).draw(u, periods)
    states = table.phase[periods % len(table.phase)]
    want = [
        table.k0[s] + np.searchsorted(table.cdfs[s], x, side="right")
        for s, x in zip(states.tolist(), u.tolist(), strict=True)
    ]
    np.testing.assert_array_equal(got, want)


def _draw_all(icdf, u, periods):
    """Every member's draws of every table, ``u`` (members, periods, n) -> same shape."""
    members, K, n = u.shape
    out = np.zeros((members, K, n))
    for t in range(K):  # each period as a block of one (the periods are not consecutive)
        draw_members(
            np.ascontiguousarray(u[:, t : t + 1]), np.arange(members),
            np.full(members, periods[t]), np.arange(n), icdf.phase, icdf.cycle, icdf.guide,
            icdf.bins, icdf.cdf, icdf.first, icdf.k0, out[:, t : t + 1],
        )  # fmt: skip
    return out


def _reference(tables, periods, u):
    """``k0 + #{i : F(i) <= u}`` per draw by ``np.searchsorted``; u is (members, periods, n)."""
    want = np.zeros(u.shape, dtype=np.int64)
    for j, table in enumerate(tables):
        states = table.phase[periods % len(table.phase)]
        for i, s in enumerate(states.tolist()):
            want[:, i, j] = table.k0[s] + np.searchsorted(table.cdfs[s], u[:, i, j], side="right")
    return want


def _pmf_row(kind, mean, rng, width):
    """One pmf row of ``width`` values: Poisson(mean), random weights, or many tiny steps."""
    if kind == "poisson":
        return stats.poisson.pmf(np.arange(width), mean)
    if kind == "random":
        return rng.dirichlet(np.full(width, 0.3))
    pmf = np.zeros(width)  # 40 steps of 1e-6 inside one bin, then the bulk, then a tail
    pmf[:40] = 1e-6
    pmf[40] = 0.9
    pmf[41:] = (1.0 - pmf.sum()) / (width - 41)
    return pmf


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(1, 3),
    cycle=st.sampled_from([1, 3, 700, 5000]),  # 5000 phases x n rows: 4 or 8 bins a row
    kinds=st.lists(st.sampled_from(["poisson", "random", "steps"]), min_size=3, max_size=3),
    means=st.lists(st.sampled_from([0.0, 0.05, 0.47, 3.0, 50.0, 500.0]), min_size=3, max_size=3),
    seed=st.integers(0, 2**32 - 1),
)
def test_draw_equals_searchsorted_on_every_row(n, cycle, kinds, means, seed):
    """Any tables, any guide size: draws equal the reference, edge uniforms included.

    Uniforms: random ones, 0, the largest double below 1, every bin edge, every
    threshold of the drawn rows and the doubles just below and above each.
    """
    rng = np.random.default_rng(seed)
    width = 800
    tables = []
    for j in range(n):
        S = 3
        pmf = np.array([_pmf_row(kinds[s], means[(s + j) % 3], rng, width) for s in range(S)])
        tables.append(
            DemandTable.from_pmf(rng.integers(0, S, size=cycle), rng.integers(0, 5, S), pmf)
        )
    icdf = InverseCDF(tables)
    M = icdf.bins
    periods = rng.integers(0, 3 * cycle, size=24)
    special = [0.0, np.nextafter(1.0, 0.0), *(np.arange(1, M) / M)]
    for table in tables:
        for c in table.cdfs:
            inner = c[c < 1.0]
            special += [*inner, *np.nextafter(inner, 0.0), *np.nextafter(inner, 1.0)]
    special = np.unique(np.clip(special, 0.0, np.nextafter(1.0, 0.0)))
    members = -(-len(special) // (24 * n)) + 2
    u = rng.random((members, 24, n))
    flat = u.reshape(-1)
    flat[: len(special)] = rng.permutation(special)
    want = _reference(tables, periods, u)
    np.testing.assert_array_equal(_draw_all(icdf, u, periods), want)


def test_negative_values_are_rejected():
    table = DemandTable(np.zeros(1, dtype=np.int64), np.array([-1]), [np.array([0.5, 1.0])])
    with pytest.raises(ValueError, match="non-negative"):
        InverseCDF([table])


@pytest.mark.parametrize("name", SOURCES)
def test_tables_hold_the_stated_distribution(name):
    """Each period's table is ``distribution(period)`` to 1e-13 (cut tails below 2**-53)."""
    src = SOURCES[name]()
    table = src.demand_table()
    for period in (0, 3, 17, 100, 167):
        s = table.phase[period % len(table.phase)]
        cdf = table.cdfs[s]
        k = table.k0[s] + np.arange(len(cdf))
        d = src.distribution(period)
        exact = np.where(d.cdf(k) <= 0.5, d.cdf(k), 1 - d.sf(k))
        assert np.abs(cdf[:-1] - exact[:-1]).max(initial=0.0) < 1e-13
        assert d.cdf(k[0] - 1) < 2.0**-53 and d.sf(k[-1]) < 2.0**-53
        np.testing.assert_allclose(float(src.mean(np.array([period]))[0]), d.mean(), rtol=1e-12)


def test_poisson_draws_pass_chi_square_and_the_test_has_power():
    x = PoissonDemand(5.0).sample(np.random.default_rng(7), np.arange(1_000_000))
    k = np.arange(16)
    observed = np.r_[np.bincount(x.astype(int), minlength=16)[:15], (x >= 15).sum()]

    def p_value(lam):
        probs = np.r_[stats.poisson.pmf(k[:15], lam), stats.poisson.sf(14, lam)]
        return stats.chisquare(observed, probs * len(x)).pvalue

    assert p_value(5.0) > 1e-3
    assert p_value(5.05) < 1e-6  # a 1 % error in the mean would be caught


def test_seasonal_hours_pass_chi_square():
    src = SeasonalDemand(WEEK, mean=4.0)
    periods = np.arange(168 * 4000)
    x = src.sample(np.random.default_rng(3), periods)
    for hour, lam in ((0, 2.0), (100, 6.0)):
        y = x[periods % 168 == hour].astype(int)
        k = np.arange(12)
        observed = np.r_[np.bincount(y, minlength=12)[:11], (y >= 11).sum()]
        probs = np.r_[stats.poisson.pmf(k[:11], lam), stats.poisson.sf(10, lam)]
        assert stats.chisquare(observed, probs * len(y)).pvalue > 1e-3


@pytest.mark.parametrize("low", [0, 200, 2**25, 2**33])
def test_draws_hold_every_value(low):
    src = DiscreteDemand([0.25, 0.75], [low, low + 3])
    x = src.sample(np.random.default_rng(0), np.arange(20_000))
    assert x.dtype == np.float64
    assert set(np.unique(x).tolist()) == {float(low), float(low + 3)}
    assert abs((x == low).mean() - 0.25) < 0.01


def test_too_wide_supports_fall_back_to_direct_draws():
    src = PoissonDemand(1e9)
    assert src.demand_table() is None
    x = src.sample(np.random.default_rng(0), np.arange(1000))
    assert abs(x.mean() - 1e9) < 5 * np.sqrt(1e9 / 1000)


def _member(sources, seed, block, lead, bit_generator=np.random.PCG64):
    """What one member draws for its first block, following the documented order."""
    rng = np.random.Generator(bit_generator(seed))
    tab = [p for p, s in enumerate(sources) if s.demand_table() is not None]
    u = rng.random((block, len(tab) + (len(sources) if lead else 0)))
    demand = np.zeros((block, len(sources)))
    periods = np.arange(block)
    for j, p in enumerate(tab):
        table = sources[p].demand_table()
        demand[:, p] = InverseCDF([table]).draw(u[:, j], periods)
    for p, s in enumerate(sources):
        if p not in tab:
            demand[:, p] = s.sample(rng, periods)
    return demand, (u[:, len(tab) :] if lead else None)


@pytest.mark.parametrize("lead", [False, True])
def test_stream_draw_order(lead):
    sources = [PoissonDemand(3.0), OnlySample(), SOURCES["seasonal"](), SOURCES["replay_poisson"]()]
    stream = DemandStream(sources, batch_size=3, block=32, lead_uniforms=lead)
    stream.reset([np.random.default_rng(10 + b) for b in range(3)])
    for b in range(3):
        demand, lead_u = _member(sources, 10 + b, 32, lead)
        np.testing.assert_array_equal(stream.demand[b], demand)
        if lead:
            np.testing.assert_array_equal(stream.lead_u[b], lead_u)


def test_single_product_stream_draws_what_sample_draws():
    src = SOURCES["instacart"]()
    stream = DemandStream([src], batch_size=1, block=64)
    stream.reset([np.random.default_rng(5)])
    rng = np.random.default_rng(5)
    first = [stream.next()[0][0, 0] for _ in range(64 * 3)]
    want = np.concatenate([src.sample(rng, np.arange(64 * i, 64 * (i + 1))) for i in range(3)])
    np.testing.assert_array_equal(first, want)


def test_members_at_different_positions_match_their_own_streams():
    """Partial resets: each member of a batched stream equals a stream of its own."""
    sources = [PoissonDemand(2.0), SOURCES["seasonal"](), OnlySample(), SOURCES["negbin"]()]
    seeds = [1, 2, 3]
    batch = DemandStream(sources, batch_size=3, block=16, lead_uniforms=True)
    rngs = [np.random.default_rng(s) for s in seeds]
    batch.reset(rngs)
    singles = [DemandStream(sources, batch_size=1, block=16, lead_uniforms=True) for _ in seeds]
    for s, single in zip(seeds, singles, strict=True):
        single.reset([np.random.default_rng(s)])
    for t in range(90):
        if t in (7, 40):  # member 1 restarts with a fresh generator
            rngs[1] = np.random.default_rng(100 + t)
            batch.reset(rngs, index=[1])
            singles[1].reset([np.random.default_rng(100 + t)])
        d, u = batch.next()
        for b, single in enumerate(singles):
            d1, u1 = single.next()
            np.testing.assert_array_equal(d[b], d1[0])
            np.testing.assert_array_equal(u[b], u1[0])


TABLED = ("poisson", "seasonal", "replay_poisson", "negbin")


@pytest.mark.parametrize("lead", [False, True])
@pytest.mark.parametrize("kinds", ["pcg64", "philox", "mixed"])
def test_compiled_refill_draws_what_rng_random_draws(lead, kinds):
    """Tabled sources only: each member's block is drawn inside compiled code through its
    bit generator's ctypes interface (one kind for all members) or, with mixed kinds, by
    ``rng.random``: the same values either way, the ones of the contract's order."""
    sources = [SOURCES[name]() for name in TABLED]
    kind = {"pcg64": [np.random.PCG64] * 3, "philox": [np.random.Philox] * 3}.get(
        kinds, [np.random.PCG64, np.random.Philox, np.random.PCG64]
    )
    stream = DemandStream(sources, batch_size=3, block=32, lead_uniforms=lead)
    stream.reset([np.random.Generator(kind[b](10 + b)) for b in range(3)])
    assert (stream._next_double is None) == (kinds == "mixed")
    for b in range(3):
        demand, lead_u = _member(sources, 10 + b, 32, lead, bit_generator=kind[b])
        np.testing.assert_array_equal(stream.demand[b], demand)
        if lead:
            np.testing.assert_array_equal(stream.lead_u[b], lead_u)


@pytest.mark.parametrize("copy", ["pickle", "deepcopy"])
def test_a_copied_stream_draws_from_its_own_generators(copy):
    """A copy made mid-block continues exactly like the original, from its own copies of
    the generators (the original's are left alone)."""
    import copy as copying
    import pickle

    sources = [SOURCES[name]() for name in TABLED]
    stream = DemandStream(sources, batch_size=2, block=8, lead_uniforms=True)
    stream.reset([np.random.default_rng(3), np.random.default_rng(4)])
    for _ in range(5):
        stream.next()
    twin = pickle.loads(pickle.dumps(stream)) if copy == "pickle" else copying.deepcopy(stream)
    assert all(a is not b for a, b in zip(twin.rngs, stream.rngs, strict=True))
    for _ in range(30):  # across several refills
        d, u = stream.next()
        d2, u2 = twin.next()
        np.testing.assert_array_equal(d, d2)
        np.testing.assert_array_equal(u, u2)


class CustomPoisson(PoissonDemand):
    """A subclass of a tabled source that draws its own way."""

    def sample(self, rng, periods):
        return np.full(len(periods), 7.0) + rng.integers(0, 1, size=len(periods))


def test_stream_uses_an_overridden_sample():
    stream = DemandStream([CustomPoisson(3.0), PoissonDemand(3.0)], block=8)
    stream.reset([np.random.default_rng(0)])
    assert (stream.demand[0, :, 0] == 7.0).all()
    assert not (stream.demand[0, :, 1] == 7.0).all()


def test_plug_in_source_drives_a_vector_env():
    """A source with only ``sample``: vector member i equals the single env seeded s + i."""
    import gymnasium as gym

    venv = gym.make_vec("InventoryLostSales-v0", num_envs=2, demand=OnlySample())
    env = gym.make("InventoryLostSales-v0", demand=OnlySample())
    obs, _ = venv.reset(seed=0)
    single, _ = env.reset(seed=1)
    np.testing.assert_array_equal(obs[1], single)
    for _ in range(300):  # past a block refill
        actions = venv.action_space.sample()
        obs, *_ = venv.step(actions)
        single, *_ = env.step(actions[1])
        np.testing.assert_array_equal(obs[1], single)
