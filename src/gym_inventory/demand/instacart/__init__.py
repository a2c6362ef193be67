r"""The Instacart Market Basket Analysis data as demand.

The public dataset ("The Instacart Online Grocery Shopping Dataset 2017", the Kaggle
competition "Instacart Market Basket Analysis") has six files: ``orders.csv``,
``order_products__prior.csv``, ``order_products__train.csv``, ``products.csv``,
``aisles.csv`` and ``departments.csv``. Orders carry no calendar date, only the day of
week (``order_dow``, 0-6), the hour of day (``order_hour_of_day``, 0-23) and the days
since the user's previous order (``days_since_prior_order``, capped at 30).

``path`` arguments
------------------
``path=None`` is the small real sample bundled with the package (6,090 orders, 60,807
order lines; see ``gym_inventory/demand/data/README.md``). Otherwise ``path`` is either

* a directory holding the files as ``<name>.csv``, ``<name>.csv.gz`` or
  ``<name>.csv.zip`` (Kaggle's download ships each file as ``<name>.csv.zip``), or
* one ``.zip`` archive holding them (in any sub-folder, each as ``.csv``, ``.csv.gz`` or
  ``.csv.zip``; nested zips are read into memory).

Each file must have exactly one candidate: a directory holding both ``orders.csv`` and
``orders.csv.gz`` (or ``.csv.zip``), or an archive holding ``old/orders.csv`` besides
``orders.csv`` (any folders, any of the three forms), raises
:class:`~gym_inventory.errors.DataError` listing every candidate rather than picking one.

The reader (pyarrow) accepts the quirks of real copies of the files: a UTF-8 byte-order
mark, CRLF line ends, hours written ``08`` or ``8``, quoted product names holding
commas, and non-ASCII text. Product names in the original ``products.csv`` escape a
double quote as ``\""`` inside a quoted field; :func:`products` turns ``\"`` back into
``"``.

Aggregates are cached (see :func:`load_counts`) in ``$GYM_INVENTORY_CACHE_DIR`` or, by
default, ``$XDG_CACHE_HOME/gym-inventory`` (``~/.cache/gym-inventory``), keyed by the
files' content; a bad cache entry is rebuilt with a warning.

Bad data raises :class:`~gym_inventory.errors.DataError` naming the file: a missing or
ambiguous file, a missing column, a non-numeric or missing id, a day or hour out of range,
a duplicated order, an unreadable archive, and **duplicate order lines**: a line repeating
an ``(order_id, product_id)`` pair already listed (the Instacart files list each product
once per order and record no quantities, so a repeat means a damaged or twice-concatenated
copy; it is an error, not a warning, because counting it once or twice would both be a
guess). The message gives their number and one such pair; drop the repeated rows.
Order lines whose order is not in ``orders.csv`` ("orphans") are left out of the counts
with a :class:`InstacartDataWarning` giving their number, or raise with
``orphans="raise"``.

The package's modules, each layer importing only the ones above it:
:mod:`~gym_inventory.demand.instacart.files` (finding and reading files),
:mod:`~gym_inventory.demand.instacart.cache` (the content-keyed, verified cache),
:mod:`~gym_inventory.demand.instacart.counts` (aggregation, :func:`load_counts`),
:mod:`~gym_inventory.demand.instacart.catalogue` (products, best sellers, summary, calendar),
:mod:`~gym_inventory.demand.instacart.source` (:class:`InstacartDemand`).
"""

from __future__ import annotations

from gym_inventory.demand.instacart.cache import cache_dir
from gym_inventory.demand.instacart.catalogue import (
    products,
    reconstruct_calendar,
    summary,
    top_products,
)
from gym_inventory.demand.instacart.counts import (
    MAX_PRODUCT_ID as MAX_PRODUCT_ID,
)
from gym_inventory.demand.instacart.counts import (
    hour_of_week_counts,
    load_counts,
)
from gym_inventory.demand.instacart.files import DATA_DIR, EVAL_SETS, InstacartDataWarning
from gym_inventory.demand.instacart.source import DEFAULT_MEAN as DEFAULT_MEAN
from gym_inventory.demand.instacart.source import InstacartDemand, PoissonReplay

#: Former private name of :class:`~gym_inventory.demand.instacart.source.PoissonReplay`,
#: kept for code that imported it from the single-module ``instacart``.
_PoissonReplay = PoissonReplay

__all__ = [
    "DATA_DIR",
    "EVAL_SETS",
    "InstacartDataWarning",
    "InstacartDemand",
    "cache_dir",
    "hour_of_week_counts",
    "load_counts",
    "products",
    "reconstruct_calendar",
    "summary",
    "top_products",
]
