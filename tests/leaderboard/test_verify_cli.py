"""``gym-inventory leaderboard``: verify passes on real entries, fails (exit 1) when the
recorded score is moved out of its interval, flags version/fingerprint/id changes (exit 3),
and reproduce compares intervals."""

from __future__ import annotations

import json
import sys

import pytest

from gym_inventory.cli import main
from gym_inventory.leaderboard import load_entry, reproduce_entry, verify_entry, version_flags
from gym_inventory.leaderboard import verify as verify_module
from gym_inventory.leaderboard.cli import FLAGGED

NAME = "InventoryLostSales-v0__base-stock"


def run(capsys, *argv):
    code = main(["leaderboard", *argv])
    out = capsys.readouterr()
    return code, out.out + out.err


def test_verify_passes_on_a_real_rule_entry(entry_dir, capsys):
    code, out = run(capsys, "verify", NAME, "--dir", str(entry_dir))
    assert code == 0, out
    assert "PASS" in out and "seed 0: recorded" in out and "difference +0.00e+00" in out


def test_verify_fails_with_both_numbers_when_the_mean_is_moved_outside_its_ci(
    entry_dir, lb, capsys
):
    path = entry_dir / f"{NAME}.json"
    data = json.loads(path.read_text())
    true, ci = data["eval"]["mean_reward"], data["eval"]["ci95"]
    lb.edit(path, eval__mean_reward=true + 1.01 * ci)
    code, out = run(capsys, "verify", str(path))
    assert code == 1
    assert "FAIL" in out and f"{true + 1.01 * ci:.6f}" in out and f"now {true:.6f}" in out
    # just inside the interval still passes
    lb.edit(path, eval__mean_reward=true + 0.99 * ci)
    assert run(capsys, "verify", str(path))[0] == 0


def test_verify_flags_another_package_version(entry_dir, lb, capsys):
    path = lb.edit(entry_dir / f"{NAME}.json", package_version="0.0.1")
    code, out = run(capsys, "verify", str(path))
    assert code == FLAGGED
    assert "FLAGGED: made with gym-inventory 0.0.1" in out and "PASS" not in out
    code, out = run(capsys, "verify", str(path), "--allow-version-mismatch")
    assert code == 0 and "FLAGGED" in out and "PASS" in out


def test_verify_flags_a_changed_fingerprint(entry_dir, lb, capsys):
    path = lb.edit(entry_dir / f"{NAME}.json", env_fingerprint="0" * 64)
    code, out = run(capsys, "verify", str(path))
    assert code == FLAGGED and "FLAGGED: env fingerprint differs" in out


def test_flags_an_unregistered_id_and_a_newer_version(entry_dir, lb, monkeypatch):
    path = entry_dir / f"{NAME}.json"
    assert version_flags(load_entry(path)) == []
    known = verify_module._known_ids()
    monkeypatch.setattr(verify_module, "_known_ids", lambda: known | {"InventoryLostSales-v3"})
    flags = version_flags(load_entry(path))
    assert flags == [
        "env id InventoryLostSales-v0 has newer versions registered: ['InventoryLostSales-v3']"
    ]
    lb.edit(path, env_id="InventoryGone-v0")
    assert version_flags(load_entry(path)) == [
        "env id 'InventoryGone-v0' is not registered in the installed package"
    ]


def test_verify_all_counts_and_reports_the_worst(entry_dir, lb, capsys):
    lb.rule_entry(entry_dir, name="second", S=15)
    code, out = run(capsys, "verify", "--all", "--dir", str(entry_dir))
    assert code == 0 and "2 entries: 2 passed, 0 failed, 0 flagged" in out
    lb.edit(entry_dir / "second.json", package_version="9.9")
    code, out = run(capsys, "verify", "--all", "--dir", str(entry_dir))
    assert code == FLAGGED and "1 passed, 0 failed, 1 flagged" in out
    lb.edit(entry_dir / f"{NAME}.json", eval__mean_reward=0.0)
    code, out = run(capsys, "verify", "--all", "--dir", str(entry_dir))
    assert code == 1 and "0 passed, 1 failed, 1 flagged" in out


def test_verify_reports_an_unreadable_entry_and_bad_arguments(entry_dir, capsys):
    code, out = run(capsys, "verify", "missing", "--dir", str(entry_dir))
    assert code == 1 and "missing.json' not found" in out
    assert run(capsys, "verify", "--dir", str(entry_dir))[0] == 2
    assert run(capsys, "verify", NAME, "--all", "--dir", str(entry_dir))[0] == 2


def test_list_show_render(entry_dir, capsys):
    code, out = run(capsys, "list", "--dir", str(entry_dir))
    assert code == 0 and NAME in out and "1 entries" in out
    code, out = run(capsys, "list", "--dir", str(entry_dir), "--env", "Inventory-v0")
    assert code == 0 and NAME not in out
    code, out = run(capsys, "show", NAME, "--dir", str(entry_dir))
    assert code == 0 and '"policy": "base stock"' in out
    code, out = run(capsys, "render", "--markdown", "--dir", str(entry_dir))
    assert code == 0 and out.startswith("# Leaderboard") and "| 1 | base stock |" in out
    target = entry_dir / "board.csv"
    code, out = run(capsys, "render", "--csv", "--dir", str(entry_dir), "-o", str(target))
    assert code == 0 and target.read_text().startswith("env_id,env_kwargs,rank,policy")
    assert run(capsys, "list", "--dir", str(entry_dir / "none"))[0] == 1


def _fake_command(tmp_path, source, shift):
    # A "training" command that writes a copy of `source` with its mean shifted.
    script = tmp_path / "fake_train.py"
    script.write_text(
        "import json, sys\n"
        f"data = json.load(open({str(source)!r}))\n"
        f"data['eval']['mean_reward'] += {shift!r}\n"
        "json.dump(data, open(sys.argv[sys.argv.index('--output') + 1], 'w'))\n"
    )
    return f"python {script}"


def test_reproduce_compares_intervals(entry_dir, lb, tmp_path):
    path = entry_dir / f"{NAME}.json"
    ci = load_entry(path).eval["ci95"]
    for shift, passed in ((1.9 * ci, True), (2.1 * ci, False)):
        lb.edit(path, command=_fake_command(tmp_path, path, shift))
        check = reproduce_entry(load_entry(path), workdir=tmp_path)
        assert check.passed is passed
        assert check.measured == pytest.approx(check.recorded + shift)


def test_reproduce_fails_clearly_when_the_command_fails(entry_dir, lb, capsys):
    path = lb.edit(entry_dir / f"{NAME}.json", command=f"{sys.executable} -c 'raise SystemExit(4)'")
    code, out = run(capsys, "reproduce", str(path))
    assert code == 1 and "failed with exit status 4" in out


def test_verify_entry_api(entry_dir):
    check = verify_entry(load_entry(entry_dir / f"{NAME}.json"))
    assert check.passed and check.measured == check.recorded and check.per_seed[0][0] == 0
