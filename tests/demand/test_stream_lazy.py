"""DemandStream turns a full refill into demand as next() reaches it: same values as at once."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from gym_inventory.demand import DemandSource, DemandStream, PoissonDemand, SeasonalDemand


class OnlySample(DemandSource):
    """A source without a table (drawn through its own sample)."""

    def sample(self, rng, periods):
        return rng.integers(0, 5, len(periods)).astype(float)

    def mean(self, periods):
        return np.full(len(periods), 2.0)


def _sources():
    profile = 1.0 + np.sin(np.arange(168) / 9.0)
    return [PoissonDemand(3.0), SeasonalDemand(profile, mean=5.0), OnlySample()] * 3


@pytest.mark.parametrize("lead", [False, True])
@pytest.mark.parametrize("batch_size", [1, 4])
def test_next_equals_the_whole_block_drawn_at_once(lead, batch_size):
    """Two streams, same seeds and resets: one read through ``demand`` right after every
    draw (the whole block turned into demand at once), one only through ``next``."""
    plan = np.random.default_rng(0)
    streams = [DemandStream(_sources(), batch_size, block=100, lead_uniforms=lead)]
    streams.append(DemandStream(_sources(), batch_size, block=100, lead_uniforms=lead))
    rngs = [[np.random.default_rng(b) for b in range(batch_size)] for _ in streams]
    for s, r in zip(streams, rngs, strict=True):
        s.reset(r)
    assert streams[0]._pending is not None  # the lazy one has periods left to turn
    for t in range(450):
        if plan.random() < 0.03:  # some members restart (the others keep their blocks)
            index = sorted(set(plan.integers(0, batch_size, 2).tolist()))
            for s, r in zip(streams, rngs, strict=True):
                s.reset(r, index)
        elif plan.random() < 0.01:
            for s, r in zip(streams, rngs, strict=True):
                s.reset(r)
        assert streams[1].demand is not None  # turns the whole pending block into demand now
        (d0, u0), (d1, u1) = streams[0].next(), streams[1].next()
        assert d0.tobytes() == d1.tobytes(), t
        assert lead == (u0 is not None) and (u0 is None or u0.tobytes() == u1.tobytes())
    np.testing.assert_array_equal(streams[0].demand, streams[1].demand)


@pytest.mark.parametrize("bit_generator", ["PCG64", "PCG64DXSM", "MT19937", "PCG64+uint32"])
def test_deferred_uniforms_draw_what_the_eager_stream_draws(bit_generator):
    """One member, no lead uniforms: a refill defers drawing its uniforms (a copy of the
    generator draws them as next() reaches them; the generator skips them at once). The
    demand and every generator's state afterwards equal the stream that draws each block
    at once, through refills, restarts mid-block and untabled sources."""
    name = bit_generator.split("+")[0]

    def generator():
        rng = np.random.Generator(getattr(np.random, name)(7))
        if bit_generator.endswith("uint32"):  # a buffered 32-bit half: no deferring
            rng.integers(0, 10, dtype=np.uint32)
        return rng

    deferred = DemandStream(_sources(), 1, block=100)
    eager = DemandStream(_sources(), 1, block=100)
    eager._defer = False
    rngs = [generator(), generator()]
    deferred.reset(rngs[:1])
    eager.reset(rngs[1:])
    expect_deferred = name.startswith("PCG64") and bit_generator == name
    assert (deferred._drawn == 0) == expect_deferred and eager._drawn == 100
    plan = np.random.default_rng(1)
    for t in range(450):
        if plan.random() < 0.01:  # an episode ends mid-block
            deferred.reset(rngs[:1])
            eager.reset(rngs[1:])
        d0, d1 = deferred.next()[0], eager.next()[0]
        assert d0.tobytes() == d1.tobytes(), t
        assert pickle.dumps(rngs[0].bit_generator.state) == pickle.dumps(
            rngs[1].bit_generator.state
        )
    assert rngs[0].random() == rngs[1].random()
