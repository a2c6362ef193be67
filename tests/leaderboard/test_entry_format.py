"""Entry files: a round trip, and one clear error naming file and field for each bad input."""

from __future__ import annotations

import json

import pytest

from gym_inventory.errors import DataError
from gym_inventory.leaderboard import find_entries, load_entry, load_policy, save_entry

ENV = "InventoryLostSales-v0"


def test_round_trip_keeps_every_field(tmp_path, lb):
    path = lb.rule_entry(tmp_path)
    entry = load_entry(path)
    assert entry.name == f"{ENV}__base-stock" and entry.kind == "rule"
    again = load_entry(save_entry(entry, tmp_path / "copy.json"))
    assert again.to_dict() == entry.to_dict()
    assert (tmp_path / "copy.json").read_text() == path.read_text()
    assert entry.eval["per_seed"][0]["seed"] == 0
    assert [e.name for e in find_entries(tmp_path)] == ["InventoryLostSales-v0__base-stock", "copy"]
    assert find_entries(tmp_path, env_id="Inventory-v0") == []


def test_missing_file_is_named(tmp_path, lb):
    with pytest.raises(DataError, match=r"nope\.json.*not found"):
        load_entry(tmp_path / "nope.json")


def test_bad_json_is_named(tmp_path, lb):
    path = tmp_path / "bad.json"
    path.write_text('{"env_id": ')
    with pytest.raises(DataError, match=r"bad\.json: not valid JSON"):
        load_entry(path)


def test_unknown_field_is_named(entry_dir, lb):
    path = lb.edit(entry_dir / f"{ENV}__base-stock.json", colour="blue")
    with pytest.raises(DataError, match=r"base-stock\.json: unknown field\(s\) \['colour'\]"):
        load_entry(path)


def test_missing_field_is_named(entry_dir, lb):
    path = lb.edit(entry_dir / f"{ENV}__base-stock.json", command=lb.DELETE)
    with pytest.raises(DataError, match=r"base-stock\.json: missing field\(s\) \['command'\]"):
        load_entry(path)


def test_bad_kind_is_named(entry_dir, lb):
    path = lb.edit(entry_dir / f"{ENV}__base-stock.json", kind="heuristic")
    with pytest.raises(DataError, match=r"base-stock\.json: field 'kind' must be one of"):
        load_entry(path)


def test_bad_eval_is_named(entry_dir, lb):
    path = lb.edit(entry_dir / f"{ENV}__base-stock.json", eval__mean_reward="high")
    with pytest.raises(DataError, match=r"field 'eval\.mean_reward' must be a finite number"):
        load_entry(path)


def test_missing_artifact_file_is_named(tmp_path, lb):
    path = lb.mlp_entry(tmp_path)
    (tmp_path / "artifacts" / f"{ENV}__mlp" / "seed3.npz").unlink()
    with pytest.raises(
        DataError, match=r"__mlp\.json: artifact file .*seed3\.npz.*seed 3.*not found"
    ):
        load_entry(path)


def test_unknown_loader_is_named(entry_dir, lb):
    path = lb.edit(entry_dir / f"{ENV}__base-stock.json", artifact__format="onnx")
    entry = load_entry(path)
    with pytest.raises(DataError, match=r"base-stock\.json: artifact format 'onnx' is unknown"):
        load_policy(entry, 0)


def test_unknown_rule_class_is_named(entry_dir, lb):
    path = lb.edit(entry_dir / f"{ENV}__base-stock.json", artifact__params__class="Magic")
    with pytest.raises(DataError, match=r"artifact\.params\.class 'Magic' is not a policy"):
        load_policy(load_entry(path), 0)


def test_learned_entry_needs_five_seeds(tmp_path, lb):
    path = lb.mlp_entry(tmp_path)
    data = json.loads(path.read_text())
    data["seeds"] = data["seeds"][:4]
    data["eval"]["per_seed"] = data["eval"]["per_seed"][:4]
    path.write_text(json.dumps(data))
    with pytest.raises(DataError, match=r"__mlp\.json: field 'seeds' must be at least 5"):
        load_entry(path)


def test_a_bad_entry_in_a_directory_is_named(entry_dir, lb):
    (entry_dir / "broken.json").write_text("[]")
    with pytest.raises(DataError, match=r"broken\.json: expected a JSON object"):
        find_entries(entry_dir)
