"""Cost of demand draws: inverse-CDF tables against NumPy's ``rng.poisson``, same run.

Two measurements, each the median of ``--repeats``:

1. Draws per second of one source drawing 2**20 periods: ``PoissonDemand(5).sample``
   (a uniform block turned into demand through the guide table) against
   ``rng.poisson(5, size)``.
2. Demand cost per env step of a :class:`~gym_inventory.demand.DemandStream` over whole
   blocks (refills included), against the draws the stream made before inverse-CDF
   tables (per member, per product, ``rng.poisson`` of the period means):

   - ``InventoryLostSales-v0`` at ``N = 4096`` members: one ``PoissonDemand(5)`` each;
   - ``multi_product_v0`` with 1000 products: one member, 1000 Instacart sources.

   The "(uniforms us)" column is the stream's ``rng.random`` calls alone, part of the
   first figure: the draws the stream must make whatever turns them into demand.

The step budget of issue 5 is 164 us per step at N = 4096 (25 M env-steps/s); issue 6's
is 50 us per step for 1000 products (20 M product-steps/s).

Usage::

    OMP_NUM_THREADS=1 python benchmarks/demand_draw_rate.py [--repeats 5]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable, Sequence

import numpy as np

from gym_inventory.demand import DEFAULT_BLOCK, DemandSource, DemandStream, PoissonDemand


def median_time(fn: Callable[[], object], repeats: int) -> float:
    """Median wall time of ``fn()`` in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def stream_us_per_step(sources: Sequence[DemandSource], n: int, blocks: int, repeats: int):
    """Microseconds per step: the stream of ``n`` members, its uniforms alone, the old draws."""
    stream = DemandStream(sources, batch_size=n)
    rngs = [np.random.default_rng(i) for i in range(n)]
    stream.reset(rngs)
    steps = blocks * DEFAULT_BLOCK

    def run():
        for _ in range(steps):
            stream.next()

    periods = np.arange(DEFAULT_BLOCK)
    means = [s.mean(periods) for s in sources]

    def reference():  # what each refill drew before: rng.poisson per member and product
        for _ in range(blocks):
            for rng in rngs:
                for m in means:
                    rng.poisson(m)

    buffer = np.empty((DEFAULT_BLOCK, len(sources)))

    def uniforms():  # the stream's rng.random calls alone (the part no table can speed up)
        for _ in range(blocks):
            for rng in rngs:
                rng.random(out=buffer)

    return tuple(median_time(f, repeats) / steps * 1e6 for f in (run, uniforms, reference))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)

    size = 1 << 20
    src, periods = PoissonDemand(5.0), np.arange(size)
    rng = np.random.default_rng(0)
    src.sample(rng, periods[:10])  # builds the table
    table = median_time(lambda: src.sample(rng, periods), args.repeats)
    numpy = median_time(lambda: rng.poisson(5.0, size), args.repeats)
    print(f"Poisson(5), {size:,} draws per call, median of {args.repeats}")
    for name, t in (("inverse-CDF table", table), ("rng.poisson", numpy)):
        print(f"  {name + ':':18} {size / t / 1e6:8.1f} M draws/s ({t / size * 1e9:5.1f} ns)")
    print(f"  speed-up:          {numpy / table:8.1f}x")

    print(f"\nDemandStream cost per step (block {DEFAULT_BLOCK}), median of {args.repeats}")
    head = ("case", "tables us", "(uniforms us)", "rng.poisson us", "speed-up")
    print("{:>34} {:>10} {:>14} {:>15} {:>9}".format(*head))
    from gym_inventory.multi.multi_product_v0 import default_demand_sources

    cases = [
        ("Poisson(5), N=4096 members", [PoissonDemand(5.0)], 4096, 2),
        ("1000 Instacart products, 1 member", default_demand_sources(1000), 1, 4),
    ]
    for name, sources, n, blocks in cases:
        now, uniforms, before = stream_us_per_step(sources, n, blocks, args.repeats)
        print(f"{name:>34} {now:>10.1f} {uniforms:>14.1f} {before:>15.1f} {before / now:>8.1f}x")


if __name__ == "__main__":
    main()
