"""DemandStream turns a full refill into demand as next() reaches it: same values as at once."""

from __future__ import annotations

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
