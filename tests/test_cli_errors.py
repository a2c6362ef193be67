"""Every user error of the ``gym-inventory`` command: one line on stderr, a non-zero status.

Argument errors are found before any work (status 2); errors found while working (bad
data, a final write that fails) print what was computed, then one line (status 1).
"""

import gzip
import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import gym_inventory.comparison
from gym_inventory.cli import main
from gym_inventory.demand.instacart import DATA_DIR
from gym_inventory.errors import install_hint


def _one_line_error(capsys, command, progress=False):
    """The captured stderr must be exactly one ``gym-inventory COMMAND: error:`` line
    (after the progress bar's ``\r``-separated updates, which it overwrites)."""
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    if progress:
        err = err.rsplit("\r", 1)[-1]
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"gym-inventory {command}: error: "), err
    return out, lines[0]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["demo", "--episodes", "-3"], "argument --episodes: must be an int >= 1, got '-3'"),
        (["demo", "--episodes", "0"], "argument --episodes: must be an int >= 1, got '0'"),
        (["demo", "--seed", "-1"], "argument --seed: must be an int >= 0, got '-1'"),
        (["compare", "--episodes", "x"], "argument --episodes: must be an int >= 1, got 'x'"),
        (["compare", "--tune-episodes", "0"], "argument --tune-episodes: must be an int >= 1"),
        (["compare", "--steps", "-5"], "argument --steps: must be an int >= 1"),
    ],
)
def test_out_of_range_numbers_are_refused_before_any_work(capsys, argv, message):
    assert main(argv) == 2
    out, line = _one_line_error(capsys, argv[0])
    assert message in line and out == ""


def test_unknown_env_id_lists_the_registered_ones(capsys):
    assert main(["compare", "--env", "Nope-v0", "--episodes", "2"]) == 2
    out, line = _one_line_error(capsys, "compare")
    assert "unknown env id 'Nope-v0'" in line and out == ""
    for env_id in ("Inventory-v0", "InventoryLostSales-v0", "InventoryBackorder-v0"):
        assert env_id in line


def test_registered_id_that_compare_cannot_handle_is_refused_before_work(capsys):
    assert main(["compare", "--env", "CartPole-v1"]) == 2
    out, line = _one_line_error(capsys, "compare")
    assert "--env CartPole-v1" in line and "make_model" in line and out == ""


@pytest.mark.parametrize(
    ("flag", "name", "message"),
    [
        ("--plot", "missing/dir/plot.png", "cannot write --plot file"),
        ("--plot", "plot.txt", "--plot file '{}' must end in one of "),
        ("--plot", ".", "is a directory"),
        ("--markdown", "missing/dir/t.md", "cannot write --markdown file"),
        ("--markdown", "table.png", "must end in one of .markdown, .md, got '.png'"),
    ],
)
def test_compare_output_paths_are_checked_before_any_work(tmp_path, capsys, flag, name, message):
    pytest.importorskip("matplotlib")
    path = str(tmp_path / name) if name != "." else str(tmp_path / "dir.png")
    if name == ".":
        Path(path).mkdir()
    assert main(["compare", "--episodes", "2", flag, path]) == 2
    out, line = _one_line_error(capsys, "compare")
    assert message.format(path) in line and out == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == (["dir.png"] if name == "." else [])


def test_compare_plot_without_matplotlib_is_refused_before_any_work(capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib -> ImportError
    assert main(["compare", "--episodes", "2", "--plot", "plot.png"]) == 2
    out, line = _one_line_error(capsys, "compare")
    assert "--plot needs the optional dependency 'matplotlib'" in line
    assert install_hint("plot") in line
    assert out == ""


def test_compare_keeps_the_table_when_the_final_plot_fails(tmp_path, capsys, monkeypatch):
    pytest.importorskip("matplotlib")

    def broken_plot(rows, env_id, path):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(gym_inventory.comparison, "plot", broken_plot)
    md, png = tmp_path / "t.md", tmp_path / "p.png"
    argv = ["compare", "--env", "InventoryLostSales-v0", "--episodes", "2", "--tune-episodes"]
    argv += ["2", "--steps", "30", "--markdown", str(md), "--plot", str(png)]
    assert main(argv) == 1
    out, line = _one_line_error(capsys, "compare", progress=True)
    assert "base stock" in out and "gap to" in out  # the table was printed
    assert md.read_text().startswith("# Policy comparison")  # and the Markdown written
    assert f"cannot write --plot file {str(png)!r}" in line and "No space left" in line


# ---- instacart summary
def _encrypted_zip(path):
    """A zip of orders.csv whose entry is flagged as encrypted (as ``zip -e`` makes)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("orders.csv", gzip.decompress((DATA_DIR / "orders.csv.gz").read_bytes()))
    data = bytearray(buf.getvalue())
    for sig, flags_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(sig)
        data[at + flags_at] |= 0x1
    path.write_bytes(bytes(data))
    return path


def test_instacart_encrypted_zip_is_one_line_naming_the_file(tmp_path, capsys):
    pytest.importorskip("pyarrow")
    archive = _encrypted_zip(tmp_path / "instacart.zip")
    assert main(["instacart", "summary", str(archive), "--no-heatmap"]) == 1
    out, line = _one_line_error(capsys, "instacart")
    assert str(archive) in line and "'orders.csv' is encrypted" in line and out == ""


def test_instacart_cr_only_line_ends_are_one_line_naming_the_data(tmp_path, capsys):
    pytest.importorskip("pyarrow")
    text = gzip.decompress((DATA_DIR / "orders.csv.gz").read_bytes())
    (tmp_path / "orders.csv").write_bytes(text.replace(b"\n", b"\r"))
    assert main(["instacart", "summary", str(tmp_path), "--no-heatmap"]) == 1
    out, line = _one_line_error(capsys, "instacart")
    assert str(tmp_path / "orders.csv") in line and "CR-only line ends" in line and out == ""


def test_the_loader_names_the_file_of_an_encrypted_entry_or_cr_only_lines(tmp_path):
    pytest.importorskip("pyarrow")
    from gym_inventory.demand.instacart import load_counts
    from gym_inventory.errors import DataError

    archive = _encrypted_zip(tmp_path / "instacart.zip")
    with pytest.raises(DataError, match=r"instacart\.zip!orders\.csv: 'orders\.csv' is encrypted"):
        load_counts(archive, cache=False)
    text = gzip.decompress((DATA_DIR / "orders.csv.gz").read_bytes())
    (tmp_path / "cr").mkdir()
    (tmp_path / "cr" / "orders.csv").write_bytes(text.replace(b"\n", b"\r"))
    with pytest.raises(DataError, match=r"orders\.csv has CR-only line ends"):
        load_counts(tmp_path / "cr", cache=False)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("missing/heat.png", "cannot write heat map file"),
        ("heat.jpeg2", "must end in one of "),
    ],
)
def test_instacart_heat_map_path_is_checked_before_any_work(tmp_path, capsys, name, message):
    pytest.importorskip("matplotlib")
    assert main(["instacart", "summary", "-o", str(tmp_path / name)]) == 2
    out, line = _one_line_error(capsys, "instacart")
    assert message in line and out == ""


def test_instacart_heat_map_without_matplotlib_names_the_way_out(capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    assert main(["instacart", "summary", "-o", "heat.png"]) == 2
    out, line = _one_line_error(capsys, "instacart")
    assert "needs the optional dependency 'matplotlib'" in line and "--no-heatmap" in line
    assert out == ""


def test_instacart_summary_without_heat_map_still_prints(capsys):
    pytest.importorskip("pyarrow")
    assert main(["instacart", "summary", "--no-heatmap", "--top", "2"]) == 0
    out = capsys.readouterr().out
    assert "top 2 products" in out and "heat map" not in out


def test_errors_are_one_line_from_the_installed_command_too(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "gym_inventory.cli", "demo", "--episodes", "-3"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.splitlines() == [
        "gym-inventory demo: error: argument --episodes: must be an int >= 1, got '-3'"
    ]
