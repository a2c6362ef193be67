"""Speed and memory of the Instacart loader on a full-size synthetic copy of the data.

Writes, to a temporary directory, ``orders.csv`` (3,421,083 orders of 206,209 users),
``order_products__prior.csv`` (32,434,489 lines) and ``order_products__train.csv``
(1,384,617 lines) with the real files' layout (same columns, zero-padded hours, empty
``days_since_prior_order`` on first orders, lines grouped by order) and value
distributions taken from the bundled real sample (hour of week, days between orders)
or the full data's published statistics (4-100 orders per user, ~10 lines per order,
Zipf-like product popularity over 49,688 ids, each product at most once per order). Then
times, each in a fresh subprocess (peak RSS: that process's ``VmHWM``):

* ``ours, cold``   - ``load_counts(path)`` with an empty cache;
* ``ours, cached`` - the same call again (the cache written by the first);
* ``pandas``       - a plain ``pd.read_csv`` of both files + ``merge`` + ``groupby().size()``;

checks that both give identical counts, and prints time (of the load itself; imports
and the whole process, interpreter start included, apart), peak RSS and ratios against
the targets (cold <= 15 s and <= 1.5 GB, cached <= 1 s).

Usage::

    OMP_NUM_THREADS=1 python benchmarks/instacart_load.py [--format csv|zip] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

N_ORDERS = 3_421_083
N_USERS = 206_209
N_PRIOR_LINES = 32_434_489
N_TRAIN_LINES = 1_384_617
N_TRAIN_USERS = 131_209
N_PRODUCTS = 49_688

TARGET_COLD_S, TARGET_PEAK_GB, TARGET_CACHED_S = 15.0, 1.5, 1.0


def _split_total(rng: np.random.Generator, n: int, total: int, draw, low: int, high: int):
    """``n`` integers in [low, high] from ``draw`` adjusted to sum exactly to ``total``."""
    x = np.clip(draw(n), low, high)
    diff = total - int(x.sum())
    while diff:
        idx = rng.integers(0, n, size=abs(diff))
        step = 1 if diff > 0 else -1
        np.add.at(x, idx, step)
        x = np.clip(x, low, high)
        diff = total - int(x.sum())
    return x


def write_dataset(out: Path, seed: int = 0) -> None:
    """Write the synthetic full-size dataset into ``out``."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    from gym_inventory.demand.instacart.files import DATA_DIR, locate, read

    rng = np.random.default_rng(seed)
    # Distributions from the real bundled sample.
    o = read(
        locate(DATA_DIR, "orders"),
        {"order_dow": "int64", "order_hour_of_day": "int64", "days_since_prior_order": "float64"},
        nullable=("days_since_prior_order",),
    )
    how_p = np.bincount(o["order_dow"] * 24 + o["order_hour_of_day"], minlength=168)
    how_p = how_p / how_p.sum()
    gaps = o["days_since_prior_order"]
    gap_p = np.bincount(gaps[~np.isnan(gaps)].astype(np.int64), minlength=31) / np.sum(
        ~np.isnan(gaps)
    )

    # Orders: 4..100 per user (the full data's range), exactly N_ORDERS in all.
    per_user = _split_total(
        rng, N_USERS, N_ORDERS, lambda n: 4 + rng.geometric(1 / 13.6, size=n), 4, 100
    )
    user = np.repeat(np.arange(1, N_USERS + 1, dtype=np.int32), per_user)
    first = np.r_[0, np.cumsum(per_user)[:-1]]
    number = (np.arange(N_ORDERS) - np.repeat(first, per_user) + 1).astype(np.int32)
    last = np.cumsum(per_user) - 1
    eval_idx = np.zeros(N_ORDERS, dtype=np.int8)  # 0 prior, 1 train, 2 test
    is_train = rng.permutation(N_USERS) < N_TRAIN_USERS
    eval_idx[last] = np.where(is_train, 1, 2)
    order_id = rng.permutation(N_ORDERS).astype(np.int32) + 1
    how = rng.choice(168, size=N_ORDERS, p=how_p)
    gap = rng.choice(31, size=N_ORDERS, p=gap_p).astype(np.float64)
    gap[first] = np.nan
    hours = pa.array([f"{h:02d}" for h in range(24)])
    orders = pa.table(
        {
            "order_id": order_id,
            "user_id": user,
            "eval_set": pa.DictionaryArray.from_arrays(
                pa.array(eval_idx), pa.array(["prior", "train", "test"])
            ).cast(pa.string()),
            "order_number": number,
            "order_dow": (how // 24).astype(np.int8),
            "order_hour_of_day": hours.take(pa.array(how % 24)),
            "days_since_prior_order": pa.array(gap, from_pandas=True),
        }
    )
    pcsv.write_csv(orders, out / "orders.csv", pcsv.WriteOptions(quoting_style="none"))

    # Zipf-like popularity over shuffled product ids.
    weights = 1.0 / np.arange(1, N_PRODUCTS + 1) ** 0.8
    pid_of_rank = rng.permutation(N_PRODUCTS).astype(np.int32) + 1
    cdf = np.cumsum(weights / weights.sum())
    for name, code, total in (("prior", 0, N_PRIOR_LINES), ("train", 1, N_TRAIN_LINES)):
        ids = np.sort(order_id[eval_idx == code])  # the real files are sorted by order
        lam = total / len(ids) - 1
        sizes = _split_total(
            rng, len(ids), total, lambda n, lam=lam: 1 + rng.poisson(lam, size=n), 1, 145
        )
        starts = np.r_[0, np.cumsum(sizes)[:-1]]
        oid = np.repeat(ids, sizes)
        pid = pid_of_rank[
            np.minimum(np.searchsorted(cdf, rng.random(total), "right"), N_PRODUCTS - 1)
        ]
        while True:  # each product at most once per order, as in the real files
            key = oid.astype(np.int64) * (1 << 17) + pid  # product ids < 2**17
            by_key = np.argsort(key, kind="stable")  # nearly sorted already: timsort is fast
            repeat = np.zeros(total, dtype=bool)
            repeat[by_key[1:]] = key[by_key[1:]] == key[by_key[:-1]]
            if not repeat.any():
                break
            redraw = np.searchsorted(cdf, rng.random(int(repeat.sum())), "right")
            pid[repeat] = pid_of_rank[np.minimum(redraw, N_PRODUCTS - 1)]
        del key, by_key, repeat
        lines = pa.table(
            {
                "order_id": oid,
                "product_id": pid,
                "add_to_cart_order": (np.arange(total) - np.repeat(starts, sizes) + 1).astype(
                    np.int16
                ),
                "reordered": (rng.random(total) < 0.59).astype(np.int8),
            }
        )
        pcsv.write_csv(lines, out / f"order_products__{name}.csv")
        del lines, oid, pid


# Peak RSS of this process image: VmHWM is reset by exec, unlike ru_maxrss, which keeps the
# parent's high-water mark from before the fork + exec.
PEAK = """
def peak_rss():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
"""


def write_catalogue(out: Path, seed: int = 0) -> None:
    """``products.csv`` (49,688 synthetic names) and the real aisles and departments."""
    import gzip

    import pyarrow as pa
    import pyarrow.csv as pcsv

    from gym_inventory.demand.instacart import DATA_DIR

    rng = np.random.default_rng(seed)
    ids = np.arange(1, N_PRODUCTS + 1)
    table = pa.table(
        {
            "product_id": ids,
            "product_name": pa.array([f"Product {i}, synthetic" for i in ids]),
            "aisle_id": rng.integers(1, 135, N_PRODUCTS),
            "department_id": rng.integers(1, 22, N_PRODUCTS),
        }
    )
    pcsv.write_csv(table, out / "products.csv")
    for name in ("aisles", "departments"):
        text = gzip.decompress((DATA_DIR / f"{name}.csv.gz").read_bytes())
        (out / f"{name}.csv").write_bytes(text)


OURS = """
import time, json, numpy as np, sys
{PEAK}
t0 = time.perf_counter()
import pandas, pyarrow.csv  # imported lazily by the loader: time them as imports
from gym_inventory.demand.instacart import load_counts
t1 = time.perf_counter()
df = load_counts(sys.argv[1])
t2 = time.perf_counter()
arr = df[["product_id", "order_dow", "order_hour_of_day", "order_count"]].to_numpy(np.int64)
print(json.dumps({"import": t1 - t0, "time": t2 - t1, "rows": len(df),
                  "hash": int((arr * np.arange(1, 5)).sum() % (1 << 61)),
                  "rss": peak_rss()}))
"""

PANDAS = """
import time, json, numpy as np, sys, os
{PEAK}
t0 = time.perf_counter()
import pandas as pd
t1 = time.perf_counter()
d = sys.argv[1]
orders = pd.read_csv(os.path.join(d, "orders.csv"),
                     usecols=["order_id", "order_dow", "order_hour_of_day"])
lines = pd.read_csv(os.path.join(d, "order_products__prior.csv"),
                    usecols=["order_id", "product_id"])
m = lines.merge(orders, on="order_id")
df = (m.groupby(["product_id", "order_dow", "order_hour_of_day"]).size()
      .rename("order_count").reset_index())
t2 = time.perf_counter()
arr = df[["product_id", "order_dow", "order_hour_of_day", "order_count"]].to_numpy(np.int64)
print(json.dumps({"import": t1 - t0, "time": t2 - t1, "rows": len(df),
                  "hash": int((arr * np.arange(1, 5)).sum() % (1 << 61)),
                  "rss": peak_rss()}))
"""


def run(code: str, data: Path, env: dict[str, str]) -> dict:
    t = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", code.replace("{PEAK}", PEAK), str(data)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode:
        raise SystemExit(f"subprocess failed:\n{out.stderr}")
    res = json.loads(out.stdout.strip().splitlines()[-1])
    res["wall"] = time.perf_counter() - t
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--format",
        choices=["csv", "zip"],
        default="csv",
        help="plain .csv files or Kaggle's per-file .csv.zip (ours only)",
    )
    ap.add_argument("--keep", type=Path, help="write (or reuse) the dataset here, keep it")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="instacart-bench-") as tmp:
        data = args.keep or Path(tmp) / "data"
        data.mkdir(parents=True, exist_ok=True)
        if not (data / "order_products__prior.csv").exists():
            t = time.perf_counter()
            write_dataset(data)
            write_catalogue(data)
            size = sum(f.stat().st_size for f in data.iterdir()) / 1e6
            print(
                f"wrote synthetic full-size data ({size:.0f} MB) in {time.perf_counter() - t:.1f} s"
            )
        ours_dir = data
        if args.format == "zip":
            import zipfile

            ours_dir = Path(tmp) / "zipped"
            ours_dir.mkdir()
            for f in ("orders", "order_products__prior"):
                with zipfile.ZipFile(ours_dir / f"{f}.csv.zip", "w", zipfile.ZIP_DEFLATED) as z:
                    z.write(data / f"{f}.csv", f"{f}.csv")
        env = dict(os.environ, GYM_INVENTORY_CACHE_DIR=str(Path(tmp) / "cache"))
        env.setdefault("OMP_NUM_THREADS", "1")
        src = Path(__file__).resolve().parents[1] / "src"
        env["PYTHONPATH"] = os.pathsep.join([str(src), env.get("PYTHONPATH", "")])
        cold = run(OURS, ours_dir, env)
        cached = run(OURS, ours_dir, env)
        ref = run(PANDAS, data, env)
    gb = 1e9
    print(
        f"\n{'':16s} {'time (s)':>9s} {'+import':>8s} {'process':>8s} {'peak RSS (GB)':>14s}"
        f" {'rows':>9s}"
    )
    for name, r in (("ours, cold", cold), ("ours, cached", cached), ("pandas reference", ref)):
        print(
            f"{name:16s} {r['time']:9.2f} {r['import']:8.2f} {r['wall']:8.2f} {r['rss'] / gb:14.2f}"
            f" {r['rows']:9d}"
        )
    same = cold["hash"] == ref["hash"] == cached["hash"] and cold["rows"] == ref["rows"]
    print(f"\nidentical counts to the pandas reference: {same}")
    print(
        f"speed-up vs pandas: cold {ref['time'] / cold['time']:.1f}x, "
        f"cached {ref['time'] / cached['time']:.0f}x; "
        f"memory vs pandas: {cold['rss'] / ref['rss']:.2f}x"
    )
    print(
        f"targets: cold {cold['time']:.1f} s / {TARGET_COLD_S:g} s = "
        f"{cold['time'] / TARGET_COLD_S:.2f}, peak {cold['rss'] / gb:.2f} GB / "
        f"{TARGET_PEAK_GB:g} GB = {cold['rss'] / gb / TARGET_PEAK_GB:.2f}, cached "
        f"{cached['time']:.2f} s / {TARGET_CACHED_S:g} s = {cached['time'] / TARGET_CACHED_S:.2f}"
        " (ratio <= 1 meets the target)"
    )
    if not same:
        raise SystemExit("counts differ from the pandas reference")


if __name__ == "__main__":
    main()
