"""Timing helpers shared by the benchmark scripts: rates measured in interleaved windows.

The machines these scripts run on are shared and noisy, so every script compares the
package with a reference measured in the same run. :func:`interleaved_rates` times each
candidate in turn, one window each per round, so a burst of load from elsewhere hits all
of them alike, and reports each rate as the median over the rounds.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Rate:
    """Calls per second of one candidate: the median and the spread of its windows."""

    median: float
    low: float
    high: float

    def __mul__(self, k: float) -> Rate:
        return Rate(self.median * k, self.low * k, self.high * k)

    __rmul__ = __mul__


def window(step: Callable[[], object], seconds: float, batch: int = 20) -> float:
    """Calls of ``step`` per second over one window of about ``seconds`` (whole batches
    of ``batch`` calls, at least one)."""
    n, t0 = 0, time.perf_counter()
    while True:
        for _ in range(batch):
            step()
        n += batch
        elapsed = time.perf_counter() - t0
        if elapsed >= seconds:
            return n / elapsed


def interleaved_rates(
    steps: Mapping[str, Callable[[], object]],
    seconds: float,
    repeats: int,
    batch: int | Mapping[str, int] = 20,
) -> dict[str, Rate]:
    """Calls per second of each of ``steps``: ``repeats`` rounds of one window of about
    ``seconds`` per candidate, in turn; the median (and min, max) over the rounds.

    ``batch`` calls are made between clock reads (a number, or one per candidate: 1 for
    steps that take milliseconds). Each candidate is warmed up with one batch first.
    """
    batches = {name: batch if isinstance(batch, int) else batch[name] for name in steps}
    for name, step in steps.items():  # warm-up: imports, caches, first touch of memory
        for _ in range(batches[name]):
            step()
    samples: dict[str, list[float]] = {name: [] for name in steps}
    for _ in range(repeats):
        for name, step in steps.items():
            samples[name].append(window(step, seconds, batches[name]))
    return {name: Rate(statistics.median(r), min(r), max(r)) for name, r in samples.items()}


def ratio_line(label: str, ratio: float, target: float | None = None, reference: str = "") -> str:
    """The line every script prints for each ratio: ``ratio <label>: <r>x (target >=
    <t>x <reference>: met|not met)``, or ``(no target)`` (the smoke tests look for it)."""
    if target is None:
        return f"ratio {label}: {ratio:.2f}x (no target)"
    verdict = "met" if ratio >= target else "not met"
    return f"ratio {label}: {ratio:.2f}x (target >= {target:g}x {reference}: {verdict})"
