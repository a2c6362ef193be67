import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_ppo_baseline_runs_end_to_end(tmp_path):
    pytest.importorskip("stable_baselines3")
    pytest.importorskip("torch")
    out = tmp_path / "ppo.md"
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "baselines" / "ppo.py"),
            "--total-timesteps",
            "2048",
            "--num-envs",
            "8",
            "--eval-episodes",
            "3",
            "--env-kwargs",
            json.dumps({"lead_time": 1, "max_order": 15}),
            "--markdown",
            str(out),
        ],
        capture_output=True,
        text=True,
        env={"OMP_NUM_THREADS": "1", "PATH": "", "MPLBACKEND": "Agg"},
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    row = json.loads(proc.stdout[proc.stdout.index("{") :])
    assert row["timesteps"] == 2048 and row["env_kwargs"] == {"lead_time": 1, "max_order": 15}
    # The exact optimum is a lower bound on any policy's long-run cost (up to sampling noise).
    assert row["average_cost"] >= 0.9 * row["optimal_cost"] > 0
    table = out.read_text()
    assert "| gap to optimum |" in table and '"lead_time": 1' in table
