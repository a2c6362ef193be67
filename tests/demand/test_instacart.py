"""The Instacart loader: exact counts, file-format variants, bad data, cache, products."""

import csv
import gzip
import io
import os
import warnings
import zipfile
from collections import Counter

import numpy as np
import pytest

import gym_inventory.demand.instacart.counts as agg
import gym_inventory.demand.instacart.files as ifiles
from gym_inventory.demand import instacart
from gym_inventory.demand.instacart import (
    DATA_DIR,
    InstacartDataWarning,
    InstacartDemand,
    load_counts,
    products,
    top_products,
)
from gym_inventory.errors import ConfigError, DataError

pd = pytest.importorskip("pandas")
pytest.importorskip("pyarrow")

NAMES = (
    "orders",
    "order_products__prior",
    "order_products__train",
    "products",
    "aisles",
    "departments",
)


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    """Never touch the user's cache from the tests; start each test with an empty memo."""
    monkeypatch.setenv("GYM_INVENTORY_CACHE_DIR", str(tmp_path / "cache"))
    agg.clear_memo()


def raw(name: str) -> bytes:
    """The bundled file's text, as bytes."""
    return gzip.decompress((DATA_DIR / f"{name}.csv.gz").read_bytes())


def straightforward_counts(eval_sets) -> dict:
    """Independent computation: the csv module, dicts and a Counter."""
    when = {}
    for row in csv.DictReader(io.StringIO(raw("orders").decode())):
        when[row["order_id"]] = (int(row["order_dow"]), int(row["order_hour_of_day"]))
    counts = Counter()
    for s in eval_sets:
        for row in csv.DictReader(io.StringIO(raw(f"order_products__{s}").decode())):
            counts[(int(row["product_id"]), *when[row["order_id"]])] += 1
    return counts


def as_dict(df) -> dict:
    return {
        (int(p), int(d), int(h)): int(c)
        for p, d, h, c in df[
            ["product_id", "order_dow", "order_hour_of_day", "order_count"]
        ].itertuples(index=False)
    }


@pytest.mark.parametrize("eval_sets", [("prior",), ("prior", "train")])
@pytest.mark.parametrize("path", [None, DATA_DIR], ids=["bundled-counts", "bundled-csv"])
def test_counts_equal_straightforward_computation(eval_sets, path):
    df = load_counts(path, eval_sets=eval_sets)
    assert list(df.columns) == ["product_id", "order_dow", "order_hour_of_day", "order_count"]
    assert (df.order_count > 0).all()
    assert not df.duplicated(["product_id", "order_dow", "order_hour_of_day"]).any()
    assert as_dict(df) == straightforward_counts(eval_sets)
    assert df.order_count.sum() == (51_879 if eval_sets == ("prior",) else 60_807)


def write_variant(root, kind):
    """The bundled data rewritten as ``kind``; returns the path to give the loader."""
    files = {n: raw(n) for n in NAMES}
    if kind == "bom-crlf":
        files = {n: b"\xef\xbb\xbf" + b.replace(b"\n", b"\r\n") for n, b in files.items()}
    elif kind == "unpadded-hours":
        lines = files["orders"].decode().splitlines()
        out = [lines[0]]
        for line in lines[1:]:
            f = line.split(",")
            f[5] = str(int(f[5]))
            out.append(",".join(f))
        files["orders"] = ("\n".join(out) + "\n").encode()
        assert b",08," in raw("orders") and b",08," not in files["orders"]
    root.mkdir()
    if kind == "archive":
        target = root / "instacart_online_grocery_shopping_2017_05_01.zip"
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
            for n, b in files.items():
                z.writestr(f"instacart_2017_05_01/{n}.csv", b)
        return target
    if kind == "archive-of-zips":  # Kaggle's competition download: zips in a zip
        target = root / "instacart-market-basket-analysis.zip"
        with zipfile.ZipFile(target, "w") as z:
            for n, b in files.items():
                inner = io.BytesIO()
                with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as zi:
                    zi.writestr(f"{n}.csv", b)
                z.writestr(f"{n}.csv.zip", inner.getvalue())
        return target
    for n, b in files.items():
        if kind == "per-file-zip":
            with zipfile.ZipFile(root / f"{n}.csv.zip", "w", zipfile.ZIP_DEFLATED) as z:
                z.writestr(f"{n}.csv", b)
        elif kind == "gz":
            (root / f"{n}.csv.gz").write_bytes(gzip.compress(b))
        else:
            (root / f"{n}.csv").write_bytes(b)
    return root


VARIANTS = [
    "plain",
    "bom-crlf",
    "unpadded-hours",
    "per-file-zip",
    "gz",
    "archive",
    "archive-of-zips",
]


@pytest.fixture(scope="module")
def reference():
    return load_counts(DATA_DIR, ("prior", "train"), cache=False), products(DATA_DIR)


@pytest.mark.parametrize("kind", VARIANTS)
def test_file_variants_give_identical_counts(kind, tmp_path, reference):
    path = write_variant(tmp_path / kind, kind)
    counts, prods = reference
    pd.testing.assert_frame_equal(load_counts(path, ("prior", "train")), counts)
    pd.testing.assert_frame_equal(products(path), prods)


def test_sparse_order_ids_give_identical_counts(tmp_path, reference):
    """Ids far apart (no dense lookup table) are joined by a sorted search instead."""
    root = write_plain(tmp_path / "d")
    for name in ("orders", "order_products__prior", "order_products__train"):
        df = pd.read_csv(root / f"{name}.csv", dtype=str)
        df["order_id"] = (df.order_id.astype("int64") * 1_000_003 + 7).astype(str)
        df.to_csv(root / f"{name}.csv", index=False)
    index = agg.OrderIndex(ifiles.locate(root, "orders"), np.array([5, 10**12]), np.array([1, 2]))
    assert not index.dense
    assert index(np.array([10**12, 5, 6, -1, 10**13])).tolist() == [2, 1, -1, -1, -1]
    pd.testing.assert_frame_equal(load_counts(root, ("prior", "train")), reference[0])


def test_products_quirks(reference):
    prods = reference[1].set_index("product_id")
    assert len(prods) == 12_749
    # every name equals the csv module's reading with \" read as "
    names = {
        int(r["product_id"]): r["product_name"].replace('\\"', '"')
        for r in csv.DictReader(io.StringIO(raw("products").decode()))
    }
    assert prods.product_name.to_dict() == names
    quoted = [n for n in names.values() if '"' in n]
    assert len(quoted) == 18 and not any("\\" in n for n in quoted)
    assert any("," in n for n in names.values())
    assert any(not n.isascii() for n in names.values())
    assert prods.loc[24852, ["product_name", "aisle", "department"]].tolist() == [
        "Banana",
        "fresh fruits",
        "produce",
    ]


def test_top_products():
    top = top_products(50)
    assert len(top) == 50
    assert top.product_id[0] == 24852 and top.product_name[0] == "Banana"
    assert top.order_count.is_monotonic_decreasing
    assert top.product_id[:5].tolist() == [24852, 13176, 21137, 21903, 47209]
    assert {"product_id", "product_name", "aisle", "department", "order_count"} <= set(top.columns)
    sources = [InstacartDemand(pid, mean=2.0) for pid in top.product_id]
    assert all(s.mean(np.arange(168)).mean() == pytest.approx(2.0) for s in sources)
    dairy = top_products(5, department="dairy eggs")
    assert (dairy.department == "dairy eggs").all() and len(dairy) == 5
    by_id = top_products(5, department=int(dairy.department_id[0]))
    assert by_id.product_id.tolist() == dairy.product_id.tolist()
    fruit = top_products(3, aisle="fresh fruits")
    assert fruit.product_id[0] == 24852
    with pytest.raises(ConfigError, match="department 'toys' is not in the data"):
        top_products(3, department="toys")
    with pytest.raises(ConfigError, match="n must be an int >= 1"):
        top_products(0)


# ----------------------------------------------------------------------------- bad data
def write_plain(root, **overrides):
    """The bundled sample as plain CSV files, some replaced by ``overrides`` text."""
    root.mkdir()
    for n in NAMES:
        if overrides.get(n) is not False:
            data = overrides.get(n)
            (root / f"{n}.csv").write_bytes(raw(n) if data is None else data.encode())
    return root


ORDERS_HEAD = (
    "order_id,user_id,eval_set,order_number,order_dow,order_hour_of_day,days_since_prior_order\n"
)
LINES_HEAD = "order_id,product_id,add_to_cart_order,reordered\n"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"orders": False}, "orders.csv \\(or orders.csv.gz / orders.csv.zip\\) not found"),
        (
            {"order_products__prior": "order_id,add_to_cart_order\n1,1\n"},
            "order_products__prior.csv lacks column\\(s\\) \\['product_id'\\]",
        ),
        (
            {"orders": ORDERS_HEAD.replace("order_dow,", "dow,") + "1,1,prior,1,2,08,\n"},
            "orders.csv lacks column\\(s\\) \\['order_dow'\\]",
        ),
        (
            {"order_products__prior": LINES_HEAD + "2539329,banana,1,0\n"},
            "order_products__prior.csv: column 'product_id' must hold integers",
        ),
        (
            {"orders": ORDERS_HEAD + "x1,1,prior,1,2,08,\n"},
            "orders.csv: column 'order_id' must hold integers",
        ),
        (
            {"orders": ORDERS_HEAD + "1,1,prior,1,2,,\n"},
            "orders.csv: column 'order_hour_of_day' has empty value",
        ),
        ({"orders": ORDERS_HEAD + "1,1,prior,1,7,08,\n"}, "'order_dow' must be in 0..6; row 1"),
        (
            {"orders": ORDERS_HEAD + "1,1,prior,1,2,08,\n2,1,prior,2,2,24,3.0\n"},
            "'order_hour_of_day' must be in 0..23; row 2 has 24",
        ),
        (
            {"orders": ORDERS_HEAD + "1,1,prior,1,2,08,\n1,1,prior,2,2,09,3.0\n"},
            "order_id must be unique; 1 id\\(s\\) repeat",
        ),
        (
            {"order_products__prior": LINES_HEAD + "1,2,3\n"},
            "cannot parse .*order_products__prior.csv",
        ),
        ({"orders": ""}, "orders.csv is empty"),
    ],
)
def test_bad_data_errors(tmp_path, overrides, message):
    path = write_plain(tmp_path / "d", **overrides)
    with pytest.raises(DataError, match=message):
        load_counts(path)


def test_orphan_lines_warn_with_count_or_raise(tmp_path):
    lines = raw("order_products__prior").decode() + "999999999,24852,1,0\n999999998,1,1,0\n"
    path = write_plain(tmp_path / "d", order_products__prior=lines)
    with pytest.warns(InstacartDataWarning, match="2 line\\(s\\) of order_products__prior"):
        df = load_counts(path)
    assert df.order_count.sum() == 51_879  # orphans are not counted
    with pytest.raises(DataError, match="2 line\\(s\\)"):
        load_counts(path, orphans="raise")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load_counts(path, orphans="ignore")
    with pytest.raises(ConfigError, match="orphans must be"):
        load_counts(path, orphans="drop")


def with_long_order(n_products: int, repeats: int = 0) -> tuple[str, str]:
    """orders and prior lines plus one last order of ``n_products`` products (several
    reading blocks of 64 KiB), its first ``repeats`` products listed again at its end."""
    orders = raw("orders").decode() + "3500000,1,prior,2,3,09,7.0\n"
    products = [*range(1, n_products + 1), *range(1, repeats + 1)]
    lines = raw("order_products__prior").decode()
    lines += "".join(f"3500000,{p},{i + 1},0\n" for i, p in enumerate(products))
    return orders, lines


@pytest.mark.parametrize("block", [None, 1 << 16], ids=["32MiB-blocks", "64KiB-blocks"])
@pytest.mark.parametrize("where", ["adjacent", "appended", "long-order"])
def test_duplicate_order_lines_raise(tmp_path, monkeypatch, where, block):
    if block:
        monkeypatch.setattr(ifiles, "BLOCK_SIZE", block)
    overrides = {}
    lines = raw("order_products__prior").decode().splitlines(keepends=True)
    order_id, product_id = lines[1].split(",")[:2]
    n = 1
    if where == "adjacent":  # right after the original: lines sorted by order
        overrides["order_products__prior"] = "".join([*lines[:2], lines[1], *lines[2:]])
    elif where == "appended":  # at the end: lines no longer sorted by order
        overrides["order_products__prior"] = "".join([*lines, lines[1]])
    else:  # an order spanning several blocks repeats two of its products at its end
        overrides["orders"], overrides["order_products__prior"] = with_long_order(12_000, 2)
        order_id, product_id, n = "3500000", "1", 2
    path = write_plain(tmp_path / "d", **overrides)
    message = (
        rf"order_products__prior.csv: {n} line\(s\) repeat an \(order_id, product_id\) pair "
        rf"listed before, e.g. order_id {order_id}, product_id {product_id}"
    )
    with pytest.raises(DataError, match=message):
        load_counts(path)
    if where == "adjacent" and block is None:  # the timeline reads the lines too
        with pytest.raises(DataError, match=message):
            InstacartDemand(int(product_id), mode="timeline", path=path, weeks=2)


def test_order_spanning_blocks_is_not_a_duplicate(tmp_path, monkeypatch):
    orders, lines = with_long_order(12_000)
    path = write_plain(tmp_path / "d", orders=orders, order_products__prior=lines)
    whole = load_counts(path, cache=False)
    monkeypatch.setattr(ifiles, "BLOCK_SIZE", 1 << 16)
    pd.testing.assert_frame_equal(load_counts(path, cache=False), whole)
    assert whole.order_count.sum() == 51_879 + 12_000


def zip_of(target, members: dict) -> None:
    with zipfile.ZipFile(target, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)


@pytest.mark.parametrize("layout", ["directory", "archive", "archive-gz", "per-file-zip"])
def test_ambiguous_files_raise_naming_every_candidate(tmp_path, layout):
    old = (ORDERS_HEAD + "1,1,prior,1,2,08,\n").encode()  # a stale, different copy
    root = write_plain(tmp_path / "d")
    if layout == "directory":
        (root / "orders.csv.gz").write_bytes(gzip.compress(old))
        path, names = root, ["orders.csv", "orders.csv.gz"]
    elif layout in ("archive", "archive-gz"):
        path = tmp_path / "instacart.zip"
        stale = ("old/orders.csv", old) if layout == "archive" else ("x/orders.csv.gz", old)
        members = {stale[0]: gzip.compress(old) if layout == "archive-gz" else old}
        members.update({f"{n}.csv": raw(n) for n in NAMES})
        zip_of(path, members)
        names = [stale[0], "orders.csv"]
    else:
        (root / "orders.csv").unlink()
        zip_of(root / "orders.csv.zip", {"old/orders.csv": old, "orders.csv": raw("orders")})
        path, names = root, ["old/orders.csv", "orders.csv"]
    with pytest.raises(DataError) as info:
        load_counts(path)
    text = str(info.value)
    assert "orders.csv" in text and "expected one" in text
    assert all(repr(n) in text for n in names), text


@pytest.mark.parametrize("target", ["archive", "member"])
def test_unreadable_archives(tmp_path, target):
    if target == "archive":
        bad = tmp_path / "instacart.zip"
        bad.write_bytes(b"PK\x03\x04 this is not a zip archive")
        with pytest.raises(DataError, match=r"cannot read archive .*instacart.zip"):
            load_counts(bad)
    else:
        root = write_variant(tmp_path / "z", "per-file-zip")
        (root / "orders.csv.zip").write_bytes(b"garbage")
        with pytest.raises(DataError, match=r"cannot read .*orders.csv.zip"):
            load_counts(root)


def test_corrupt_gzip(tmp_path):
    root = write_variant(tmp_path / "g", "gz")
    data = (root / "order_products__prior.csv.gz").read_bytes()
    (root / "order_products__prior.csv.gz").write_bytes(data[: len(data) // 2])
    with pytest.raises(DataError, match=r"order_products__prior.csv.gz"):
        load_counts(root)


def test_bad_path_and_eval_sets(tmp_path):
    with pytest.raises(DataError, match=r"must be a directory of the CSV files or a .zip"):
        load_counts(tmp_path / "missing")
    with pytest.raises(ConfigError, match="eval_sets must be"):
        load_counts(eval_sets=("prior", "prior"))
    empty = tmp_path / "empty.zip"
    with zipfile.ZipFile(empty, "w") as z:
        z.writestr("readme.txt", "nothing here")
    with pytest.raises(DataError, match=r"holds no orders.csv"):
        load_counts(empty)


# -------------------------------------------------------------------------------- cache
def test_cache_reused_and_invalidated(tmp_path, monkeypatch):
    path = write_plain(tmp_path / "d")
    first = load_counts(path)
    cached = list((tmp_path / "cache").glob("counts-*.npz"))
    assert len(cached) == 1

    def boom(*args):
        raise AssertionError("recomputed although cached")

    real = agg.aggregate
    monkeypatch.setattr(agg, "aggregate", boom)
    agg.clear_memo()  # read the disk cache, not the in-process memo
    pd.testing.assert_frame_equal(load_counts(path), first)
    # a changed file is aggregated again
    lines = raw("order_products__prior").decode() + "2539329,1,99,0\n"
    (path / "order_products__prior.csv").write_text(lines)
    with pytest.raises(AssertionError, match="recomputed"):
        load_counts(path)
    monkeypatch.setattr(agg, "aggregate", real)
    assert load_counts(path).order_count.sum() == 51_880
    assert len(list((tmp_path / "cache").glob("counts-*.npz"))) == 2


def entries(tmp_path) -> set:
    return set((tmp_path / "cache").glob("counts-*.npz"))


def test_same_size_edit_with_mtime_restored_gives_new_counts(tmp_path):
    path = write_plain(tmp_path / "d")
    lines_file = path / "order_products__prior.csv"
    before = load_counts(path)
    text = lines_file.read_text()
    st = lines_file.stat()
    head, first, rest = text.split("\n", 2)
    order_id, product_id, *tail = first.split(",")
    other = str(int(product_id) + 1 if product_id[-1] != "9" else int(product_id) - 1)
    lines_file.write_text("\n".join([head, ",".join([order_id, other, *tail]), rest]))
    os.utime(lines_file, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert lines_file.stat().st_size == st.st_size
    assert lines_file.stat().st_mtime_ns == st.st_mtime_ns
    expected = load_counts(path, cache=False)
    assert not expected.equals(before)
    pd.testing.assert_frame_equal(load_counts(path), expected)  # in-process memo
    agg.clear_memo()
    pd.testing.assert_frame_equal(load_counts(path), expected)  # disk cache


def damage(entry, other, how):
    """Spoil the cache file ``entry`` (``other`` is another valid entry) in way ``how``."""
    if how == "other-data":
        entry.write_bytes(other.read_bytes())
        return
    if how == "garbage":
        entry.write_bytes(b"PK\x03\x04 not an npz")
        return
    with np.load(entry) as z:
        arrays = {k: z[k] for k in z.files}
    if how == "counts-altered":  # well-formed, plausible, wrong
        arrays["count"] = arrays["count"] * 2
    elif how == "lengths-differ":  # inconsistent: used to fail every call
        arrays["count"] = arrays["count"][:-1]
    elif how == "float-counts":
        arrays["count"] = arrays["count"].astype(np.float64)
    np.savez(entry, **arrays)


@pytest.mark.parametrize(
    "how", ["other-data", "garbage", "counts-altered", "lengths-differ", "float-counts"]
)
def test_bad_cache_entry_is_detected_and_rebuilt(tmp_path, how):
    path = write_plain(tmp_path / "d")
    expected = load_counts(path, cache=False)
    pd.testing.assert_frame_equal(load_counts(path), expected)
    (prior_entry,) = entries(tmp_path)
    load_counts(path, eval_sets=("train",))
    (train_entry,) = entries(tmp_path) - {prior_entry}
    damage(prior_entry, train_entry, how)
    agg.clear_memo()
    with pytest.warns(InstacartDataWarning, match="cache entry .* is bad .*rebuilding"):
        pd.testing.assert_frame_equal(load_counts(path), expected)
    agg.clear_memo()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the rebuilt entry is good
        pd.testing.assert_frame_equal(load_counts(path), expected)
    assert entries(tmp_path) == {prior_entry, train_entry}


def test_cache_dir_env_var(tmp_path, monkeypatch):
    monkeypatch.setenv("GYM_INVENTORY_CACHE_DIR", str(tmp_path / "elsewhere"))
    assert instacart.cache_dir() == tmp_path / "elsewhere"
    monkeypatch.delenv("GYM_INVENTORY_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert instacart.cache_dir() == tmp_path / "xdg" / "gym-inventory"


def test_bundled_counts_file_matches_csv():
    for s in instacart.EVAL_SETS:
        key, count, orphans = agg.aggregate(DATA_DIR, s)
        bkey, bcount, _ = agg.bundled_aggregate(s)
        assert orphans == 0
        assert np.array_equal(key, bkey) and np.array_equal(count, bcount)


def test_timeline_reads_other_paths(tmp_path):
    path = write_variant(tmp_path / "z", "per-file-zip")
    a = InstacartDemand(24852, mode="timeline", path=path, weeks=6, seed=1)
    b = InstacartDemand(24852, mode="timeline", weeks=6, seed=1)
    assert np.array_equal(a.series, b.series)


def test_calendar_follows_days_and_gaps():
    oid, hour = instacart.reconstruct_calendar(weeks=10, seed=0)
    orders = pd.read_csv(DATA_DIR / "orders.csv.gz").set_index("order_id").loc[oid]
    orders = orders.assign(hour=hour)
    assert (orders.hour % 24 == orders.order_hour_of_day).all()
    orders = orders.sort_values(["user_id", "order_number"])
    day = orders.hour // 24
    follows = orders.user_id.diff().eq(0) & orders.order_number.diff().eq(1)
    assert follows.sum() > 100
    np.testing.assert_array_equal(day.diff()[follows], orders.days_since_prior_order[follows])
    first = ~follows
    assert (day[first] % 7 == orders.order_dow[first]).all()
    assert day[first].max() < 7 * 10


def test_cli_summary(tmp_path, capsys):
    from gym_inventory.cli import main

    out = tmp_path / "heat.png"
    assert main(["instacart", "summary", "--output", str(out)]) == 0
    text = capsys.readouterr().out
    assert "Banana" in text and "6,090" in text and "51,879" in text
    assert out.stat().st_size > 1000


def test_unwritable_cache_warns_and_still_loads(tmp_path, monkeypatch):
    monkeypatch.setenv("GYM_INVENTORY_CACHE_DIR", str(tmp_path / "file"))
    (tmp_path / "file").write_text("not a directory")
    path = write_plain(tmp_path / "d")
    with pytest.warns(InstacartDataWarning, match="cannot write the Instacart cache"):
        df = load_counts(path)
    assert df.order_count.sum() == 51_879
    assert (tmp_path / "file").read_text() == "not a directory"
