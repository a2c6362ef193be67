"""Finding, opening and reading the Instacart CSV files (directories, gzip, zip archives).

The lowest layer of :mod:`gym_inventory.demand.instacart`: nothing here knows what the
columns mean. :func:`locate` finds one file, :class:`DataFile` opens it as a decompressed
binary stream, :func:`batches` and :func:`read` parse columns with pyarrow.
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import io
import os
import re
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from gym_inventory.errors import DataError, require

__all__ = [
    "DATA_DIR",
    "EVAL_SETS",
    "DataFile",
    "InstacartDataWarning",
    "batches",
    "locate",
    "read",
]

#: The bundled sample (package data ``gym_inventory/demand/data/``).
DATA_DIR = Path(__file__).resolve().parent.parent / "data"
#: Order-line files, by ``eval_set``.
EVAL_SETS = ("prior", "train")
#: Extensions a file may have, in the order they are listed in messages.
EXTENSIONS = (".csv", ".csv.gz", ".csv.zip")
BLOCK_SIZE = 1 << 25  # pyarrow block size: 32 MB


class InstacartDataWarning(UserWarning):
    """Suspicious but usable Instacart data (for instance order lines without an order)."""


@dataclass(frozen=True)
class DataFile:
    """One Instacart CSV file, plain or compressed, on disk or inside an archive.

    Attributes
    ----------
    name : str
        The file's Instacart name without extension, e.g. ``"orders"``.
    outer : pathlib.Path
        The file on disk (the ``.csv``, ``.csv.gz``, ``.csv.zip`` or archive ``.zip``).
    member : str or None
        The member of the archive ``outer``, if any.
    """

    name: str
    outer: Path
    member: str | None = None

    @property
    def label(self) -> str:
        """How messages name the file: ``path`` or ``archive!member``."""
        return f"{self.outer}!{self.member}" if self.member else str(self.outer)

    @contextlib.contextmanager
    def open(self) -> Iterator[Any]:
        """A binary stream of the CSV text (decompressed)."""
        try:
            with contextlib.ExitStack() as stack:
                if self.member is None:
                    kind = file_kind(self.outer.name)
                    if kind == "zip":
                        zf = stack.enter_context(zipfile.ZipFile(self.outer))
                        member = csv_member(zf, self.name, self.label)
                        yield stack.enter_context(open_member(zf, member, self.label))
                        return
                    f = stack.enter_context(open(self.outer, "rb"))
                else:
                    zf = stack.enter_context(zipfile.ZipFile(self.outer))
                    kind = file_kind(self.member)
                    f = stack.enter_context(open_member(zf, self.member, self.label))
                    if kind == "zip":  # a zip inside the archive: needs seeking, read it
                        raw = zipfile.ZipFile(io.BytesIO(f.read()))
                        member = csv_member(raw, self.name, self.label)
                        yield stack.enter_context(open_member(raw, member, self.label))
                        return
                if kind == "gz":
                    f = stack.enter_context(gzip.GzipFile(fileobj=f))
                yield f
        except (zipfile.BadZipFile, zlib.error, EOFError, gzip.BadGzipFile) as exc:
            raise DataError(f"cannot read {self.label}: {type(exc).__name__}: {exc}") from exc


def open_member(zf: zipfile.ZipFile, member: str, label: str) -> Any:
    """``zf.open(member)``, or a :class:`DataError` naming the file for an encrypted entry
    (password-protected archives are not supported)."""
    if zf.getinfo(member).flag_bits & 0x1:
        raise DataError(
            f"{label}: {member!r} is encrypted (password-protected zip entries are not "
            "supported; unzip it first)"
        )
    return zf.open(member)


def file_kind(filename: str) -> str:
    """``"zip"``, ``"gz"`` or ``"csv"``, from the file name's ending."""
    low = filename.lower()
    return "zip" if low.endswith(".zip") else "gz" if low.endswith(".gz") else "csv"


def csv_member(zf: zipfile.ZipFile, name: str, label: str) -> str:
    """The member of a per-file zip (``orders.csv.zip``) that holds ``name``'s CSV text."""
    names = [n for n in zf.namelist() if not n.endswith("/") and "__MACOSX" not in n]
    exact = [n for n in names if n.rsplit("/", 1)[-1] == f"{name}.csv"]
    if len(exact) > 1:
        raise DataError(f"{label} holds {len(exact)} files {name}.csv, {exact}; expected one")
    if exact:
        return exact[0]
    csvs = [n for n in names if n.lower().endswith(".csv")]
    if len(csvs) == 1:
        return csvs[0]
    raise DataError(f"{label} must hold {name}.csv; it holds {names}")


def locate(path: str | os.PathLike | None, name: str) -> DataFile:
    """Find Instacart file ``name`` (e.g. ``"orders"``) under ``path``.

    Parameters
    ----------
    path : path-like or None
        A directory of the files, a ``.zip`` archive holding them, or ``None`` for the
        bundled sample.
    name : str
        The file's name without extension.

    Raises
    ------
    DataError
        If the file is missing, if there is more than one candidate (``orders.csv`` and
        ``orders.csv.gz`` side by side, or two members named ``orders.csv`` or
        ``orders.csv.gz`` ... in any folders of an archive; the message lists them all) or
        if ``path`` is neither a directory nor a zip archive.
    """
    root = DATA_DIR if path is None else Path(path).expanduser()
    wanted = [f"{name}{ext}" for ext in EXTENSIONS]
    if root.is_dir():
        found = [root / w for w in wanted if (root / w).is_file()]
        if len(found) == 1:
            return DataFile(name, found[0])
        if found:
            raise DataError(
                f"directory {str(root)!r} holds {len(found)} copies of Instacart file "
                f"{name}.csv: {[f.name for f in found]}; expected one (move the others away)"
            )
        raise DataError(
            f"Instacart file {name}.csv (or {name}.csv.gz / {name}.csv.zip) not found in "
            f"directory {str(root)!r}"
        )
    if root.is_file() and root.suffix.lower() == ".zip":
        try:
            with zipfile.ZipFile(root) as zf:
                members = zf.namelist()
        except (zipfile.BadZipFile, OSError) as exc:
            raise DataError(f"cannot read archive {str(root)!r}: {exc}") from exc
        found_members = [
            m for m in members if m.rsplit("/", 1)[-1] in wanted and "__MACOSX" not in m
        ]
        if len(found_members) == 1:
            return DataFile(name, root, found_members[0])
        if found_members:
            raise DataError(
                f"archive {str(root)!r} holds {len(found_members)} candidates for Instacart "
                f"file {name}.csv: {found_members}; expected one"
            )
        raise DataError(f"archive {str(root)!r} holds no {name}.csv (or .csv.gz / .csv.zip)")
    raise DataError(
        f"Instacart path {str(root)!r} must be a directory of the CSV files or a .zip "
        "archive holding them"
    )


#: Most bytes read to find the header line (a header is a few dozen bytes).
_HEADER_LIMIT = 1 << 20


def header(f: DataFile) -> list[str]:
    """The column names on the first line of ``f``."""
    with f.open() as stream:
        head = b""
        while b"\n" not in head and len(head) < _HEADER_LIMIT:
            chunk = stream.read(1 << 16)
            if not chunk:
                break
            head += chunk
    if not head.strip():
        raise DataError(f"{f.label} is empty (expected a CSV header line)")
    if b"\n" not in head and b"\r" in head.rstrip(b"\r"):
        raise DataError(f"{f.label} has CR-only line ends; expected LF or CRLF line ends")
    try:
        line = head.split(b"\n", 1)[0].decode("utf-8-sig").rstrip("\r")
    except UnicodeDecodeError as exc:
        raise DataError(f"{f.label} is not UTF-8 text: {exc}") from exc
    return next(csv.reader([line]))


def batches(
    f: DataFile, columns: dict[str, str], nullable: Sequence[str] = ()
) -> Iterator[dict[str, np.ndarray]]:
    """Stream ``columns`` (name -> arrow type name) of ``f`` as NumPy arrays, block by block.

    Memory stays bounded by the block size however large the file is. Empty values raise
    :class:`~gym_inventory.errors.DataError` except in the columns ``nullable``.
    """
    pa = require("pyarrow", "data", "reading the Instacart data")
    pcsv = require("pyarrow.csv", "data", "reading the Instacart data")
    head = header(f)
    missing = [c for c in columns if c not in head]
    if missing:
        raise DataError(
            f"{f.label} lacks column(s) {missing}; expected {list(columns)}, found {head}"
        )
    types = {c: getattr(pa, t)() for c, t in columns.items()}
    try:
        with f.open() as stream:
            reader = pcsv.open_csv(
                stream,
                read_options=pcsv.ReadOptions(block_size=BLOCK_SIZE),
                convert_options=pcsv.ConvertOptions(
                    include_columns=list(columns), column_types=types
                ),
            )
            for batch in reader:
                out = {}
                for c in columns:
                    col = batch.column(c)
                    if col.null_count and c not in nullable:
                        raise DataError(f"{f.label}: column {c!r} has empty value(s)")
                    out[c] = col.to_numpy(zero_copy_only=False)
                yield out
    except pa.ArrowInvalid as exc:
        msg = str(exc)
        m = re.search(r"column #(\d+): (Row #\d+: )?CSV conversion error to (\w+): (.*)", msg)
        if m and int(m.group(1)) < len(head):
            what = "integers" if m.group(3).startswith(("int", "uint")) else "numbers"
            row = f" ({m.group(2)[:-2].lower()} of the data)" if m.group(2) else ""
            raise DataError(
                f"{f.label}: column {head[int(m.group(1))]!r} must hold {what}; {m.group(4)}{row}"
            ) from exc
        raise DataError(f"cannot parse {f.label}: {msg}") from exc
    except OSError as exc:
        raise DataError(f"cannot read {f.label}: {exc}") from exc


def read(
    f: DataFile, columns: dict[str, str], nullable: Sequence[str] = ()
) -> dict[str, np.ndarray]:
    """Read ``columns`` (name -> arrow type name) of ``f`` whole into NumPy arrays."""
    parts = list(batches(f, columns, nullable))
    return {
        c: np.concatenate([p[c] for p in parts])
        if parts
        else np.array([], dtype=object if t == "string" else t)
        for c, t in columns.items()
    }
