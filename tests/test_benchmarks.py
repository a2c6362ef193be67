"""Smoke tests of the benchmark scripts: each runs (``--quick``) and prints its ratio lines.

No timing is asserted (the machines are shared and noisy): only that the script exits 0
and that its output has the format the README and the kernel-rewrite comparisons read.
"""

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks"
#: What every ratio line looks like (``timing.ratio_line``).
RATIO = re.compile(
    r"^ratio .+: \d+\.\d\dx \((target >= [\d.]+x \S+: (met|not met)|no target)\)$", re.M
)


def run(script: str, *args: str) -> str:
    """Run ``benchmarks/<script>`` on this tree's sources; return its stdout."""
    env = dict(os.environ, OMP_NUM_THREADS="1", MPLBACKEND="Agg")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")]))
    proc = subprocess.run(
        [sys.executable, str(BENCH / script), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout


def _load(name):
    """Import ``benchmarks/<name>.py`` (not a package) as a module."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # (dataclasses look their module up there)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("script", "label", "target"),
    [
        ("step_rate.py", "Inventory-v0 / CartPole-v1", "target >= 1.2x CartPole-v1"),
        ("vector_step_rate.py", "native / naive kernel (a) at N=256", "target >= 4x naive"),
        (
            "multi_product_step_rate.py",
            "batched step_arrays / naive kernel (b)",
            "target >= 3x naive",
        ),
        ("evaluate_rate.py", "evaluate / naive kernel (a), periods/s", "no target"),
        (
            "supply_chain.py",
            "batched supply chain / naive NumPy serial kernel",
            "target >= 3x naive",
        ),
    ],
)
def test_quick_run_prints_its_ratio_line(script, label, target):
    out = run(script, "--quick")
    lines = {
        m.group(0).split(": ")[0].removeprefix("ratio "): m.group(0) for m in RATIO.finditer(out)
    }
    assert label in lines, out
    assert f"({target}" in lines[label], out


@pytest.mark.slow
def test_exact_solver_runs_with_its_same_run_reference():
    out = run("exact_solver.py")  # (no --quick: about 6 s in full)
    assert re.search(r"took \d+\.\d\d s \(\d+\.\dx the exact solves\)", out), out
    assert "total solve time:" in out


def test_ratio_line_format():
    timing = _load("timing")
    assert RATIO.fullmatch(timing.ratio_line("a / b", 4.5, 4, "naive"))
    assert timing.ratio_line("a / b", 3.9, 4, "naive").endswith("(target >= 4x naive: not met)")
    assert RATIO.fullmatch(timing.ratio_line("a / b", 0.5))


def test_naive_kernels_follow_the_period_and_the_coupling_rules():
    import numpy as np

    naive = _load("naive_kernels")
    # No demand (Poisson(0)), lead time 1: the rules alone move the stock.
    k = naive.NaiveMultiProduct(
        np.zeros(5), lead_time=1, shared_capacity=10.0, budget=60.0, fixed_cost=1.0
    )
    k.step(np.array([4, 4, 3, 2, 0]))  # costs 5 * 13 + 4 = 69 > 60: f = 56 / 65
    assert k.budget_bound and k.pipeline[:, 0].tolist() == [3, 3, 2, 1, 0]
    on_hand, _, _ = k.step(np.array([2, 2, 1, 0, 0]))  # 9 units arrive, fit
    assert not (k.budget_bound or k.shared_bound) and on_hand.tolist() == [3, 3, 2, 1, 0]
    on_hand, _, profit = k.step(np.zeros(5))  # 5 arrive, 1 fits: to the lower of the ties
    assert k.shared_bound and on_hand.tolist() == [4, 3, 2, 1, 0]
    assert profit[1] == pytest.approx(-(0.1 * 3 + 1.0 * 2))  # holding 0.1, disposal 1 per unit
    lost = naive.NaiveLostSales(3, lead_time=2, mean=0.0)
    obs, _ = lost.step(np.array([1, 2, 3]))
    assert obs.tolist() == [[0, 0, 1], [0, 0, 2], [0, 0, 3]]  # arrives in 2 periods
    obs, _ = lost.step(np.zeros(3))
    obs, reward = lost.step(np.zeros(3))
    assert obs[:, 0].tolist() == [1, 2, 3] and reward.tolist() == [-1, -2, -3]
