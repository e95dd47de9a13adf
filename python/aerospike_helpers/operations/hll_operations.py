"""HyperLogLog operations for ``Client.operate``.

Dict keys, as in the official client: ``op`` (an ``OP_HLL_*`` code), ``bin``,
``value_list``, ``index_bit_count`` and ``mh_bit_count`` (``-1`` when not given),
``hll_policy`` (left out when empty).
"""

from __future__ import annotations

from typing import Any

from aerospike._constants import (
    OP_HLL_ADD,
    OP_HLL_DESCRIBE,
    OP_HLL_FOLD,
    OP_HLL_GET_COUNT,
    OP_HLL_GET_INTERSECT_COUNT,
    OP_HLL_GET_SIMILARITY,
    OP_HLL_GET_UNION,
    OP_HLL_GET_UNION_COUNT,
    OP_HLL_INIT,
    OP_HLL_REFRESH_COUNT,
    OP_HLL_SET_UNION,
)

from aerospike_helpers.operations._build import nonempty as _nonempty
from aerospike_helpers.operations._build import op as _op

OP_KEY = "op"
BIN_KEY = "bin"
HLL_POLICY_KEY = "hll_policy"
INDEX_BIT_COUNT_KEY = "index_bit_count"
MH_BIT_COUNT_KEY = "mh_bit_count"
VALUE_LIST_KEY = "value_list"

Op = dict[str, Any]


def _bits(count: int | None) -> int:
    return -1 if count is None else count


def hll_add(
    bin_name: str,
    values: list,
    index_bit_count: int | None = None,
    mh_bit_count: int | None = None,
    policy: dict | None = None,
) -> Op:
    """Add ``values`` to the HLL (created with the bit counts if missing)."""
    return _op(
        OP_HLL_ADD,
        bin_name,
        value_list=values,
        index_bit_count=_bits(index_bit_count),
        mh_bit_count=_bits(mh_bit_count),
        hll_policy=_nonempty(policy),
    )


def hll_describe(bin_name: str) -> Op:
    """Return ``[index_bit_count, mh_bit_count]``."""
    return _op(OP_HLL_DESCRIBE, bin_name)


def hll_fold(bin_name: str, index_bit_count: int) -> Op:
    """Fold the HLL down to ``index_bit_count`` index bits."""
    return _op(OP_HLL_FOLD, bin_name, index_bit_count=index_bit_count)


def hll_get_count(bin_name: str) -> Op:
    """Return the estimated number of elements."""
    return _op(OP_HLL_GET_COUNT, bin_name)


def hll_get_intersect_count(bin_name: str, hll_list: list) -> Op:
    """Return the estimated size of the intersection with ``hll_list``."""
    return _op(OP_HLL_GET_INTERSECT_COUNT, bin_name, value_list=hll_list)


def hll_get_similarity(bin_name: str, hll_list: list) -> Op:
    """Return the estimated similarity with ``hll_list``."""
    return _op(OP_HLL_GET_SIMILARITY, bin_name, value_list=hll_list)


def hll_get_union(bin_name: str, hll_list: list) -> Op:
    """Return the union HLL with ``hll_list``."""
    return _op(OP_HLL_GET_UNION, bin_name, value_list=hll_list)


def hll_get_union_count(bin_name: str, hll_list: list) -> Op:
    """Return the estimated size of the union with ``hll_list``."""
    return _op(OP_HLL_GET_UNION_COUNT, bin_name, value_list=hll_list)


def hll_init(
    bin_name: str,
    index_bit_count: int | None = None,
    mh_bit_count: int | None = None,
    policy: dict | None = None,
) -> Op:
    """Create (or reset) the HLL with the given bit counts."""
    return _op(
        OP_HLL_INIT,
        bin_name,
        index_bit_count=_bits(index_bit_count),
        mh_bit_count=_bits(mh_bit_count),
        hll_policy=_nonempty(policy),
    )


def hll_refresh_count(bin_name: str) -> Op:
    """Update and return the cached count."""
    return _op(OP_HLL_REFRESH_COUNT, bin_name)


def hll_set_union(bin_name: str, hll_list: list, policy: dict | None = None) -> Op:
    """Set the HLL to its union with ``hll_list``."""
    return _op(OP_HLL_SET_UNION, bin_name, value_list=hll_list, hll_policy=_nonempty(policy))
