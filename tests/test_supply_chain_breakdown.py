"""``benchmarks/supply_chain.py --breakdown`` runs: its parts, made one by one, step the
chain exactly as ``SupplyChainModel.step`` does (the script asserts it), and it prints
every part. No timing is asserted."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_breakdown_steps_the_chain_as_the_model_and_prints_every_part():
    env = dict(os.environ, OMP_NUM_THREADS="1")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")]))
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "supply_chain.py"), "--quick", "--breakdown"],
        capture_output=True, text=True, env=env, timeout=300, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    parts = ("rule", "check + decode", "demand of the period", "chain period", "observations",
             "refills (mean)", "naive step (with rule)")  # fmt: skip
    lines = proc.stdout.split("breakdown of one step")[1].splitlines()[1:]
    assert [line.split(":")[0].strip() for line in lines] == list(parts), proc.stdout
    assert all(float(line.split(":")[1]) > 0 for line in lines), proc.stdout
