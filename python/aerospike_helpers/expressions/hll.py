"""HyperLogLog expressions: read and modify HLL bins."""

from __future__ import annotations

from typing import Any, Union

from aerospike._constants import (
    HLL_WRITE_DEFAULT,
    OP_HLL_ADD,
    OP_HLL_DESCRIBE,
    OP_HLL_GET_COUNT,
    OP_HLL_GET_INTERSECT_COUNT,
    OP_HLL_GET_SIMILARITY,
    OP_HLL_GET_UNION,
    OP_HLL_GET_UNION_COUNT,
    OP_HLL_INIT,
    OP_HLL_MAY_CONTAIN,
)

from aerospike_helpers.expressions.base import HLLBin
from aerospike_helpers.expressions.resources import _BaseExpr, _bin_expr
from aerospike_helpers.operations.hll_operations import _bits  # -1 when not given, as there

TypeBinName = Union[_BaseExpr, str]
TypeListValue = Union[_BaseExpr, list]
TypeValue = Union[_BaseExpr, Any]
TypePolicy = Union[dict, None]

__all__ = [
    "HLLAdd",
    "HLLDescribe",
    "HLLGetCount",
    "HLLGetIntersectCount",
    "HLLGetSimilarity",
    "HLLGetUnion",
    "HLLGetUnionCount",
    "HLLInit",
    "HLLMayContain",
]


def _hll(bin: TypeBinName) -> _BaseExpr:
    return _bin_expr(bin, HLLBin)


def _write_flags(policy: TypePolicy) -> int:
    if policy is not None and "flags" in policy:
        return policy["flags"]
    return HLL_WRITE_DEFAULT


class HLLInit(_BaseExpr):
    """Create (or reset) the HLL with the given bit counts."""

    _op = OP_HLL_INIT

    def __init__(
        self,
        policy: TypePolicy,
        index_bit_count: int | None,
        mh_bit_count: int | None,
        bin: TypeBinName,
    ) -> None:
        self._children = (
            _bits(index_bit_count),
            _bits(mh_bit_count),
            _write_flags(policy),
            _hll(bin),
        )


class HLLAdd(_BaseExpr):
    """Add the values of ``list`` to the HLL."""

    _op = OP_HLL_ADD

    def __init__(
        self,
        policy: TypePolicy,
        list: TypeListValue,
        index_bit_count: int | None,
        mh_bit_count: int | None,
        bin: TypeBinName,
    ) -> None:
        self._children = (
            list,
            _bits(index_bit_count),
            _bits(mh_bit_count),
            _write_flags(policy),
            _hll(bin),
        )


class _HLLRead(_BaseExpr):
    def __init__(self, bin: TypeBinName) -> None:
        self._children = (_hll(bin),)


class HLLGetCount(_HLLRead):
    """The estimated number of elements."""

    _op = OP_HLL_GET_COUNT


class HLLDescribe(_HLLRead):
    """``[index_bit_count, mh_bit_count]`` of the HLL."""

    _op = OP_HLL_DESCRIBE


class _HLLWithValues(_BaseExpr):
    def __init__(self, values: TypeValue, bin: TypeBinName) -> None:
        self._children = (values, _hll(bin))


class HLLGetUnion(_HLLWithValues):
    """The union HLL of the bin and the HLLs in ``values``."""

    _op = OP_HLL_GET_UNION


class HLLGetUnionCount(_HLLWithValues):
    """The estimated size of the union with ``values``."""

    _op = OP_HLL_GET_UNION_COUNT


class HLLGetIntersectCount(_HLLWithValues):
    """The estimated size of the intersection with ``values``."""

    _op = OP_HLL_GET_INTERSECT_COUNT


class HLLGetSimilarity(_HLLWithValues):
    """The estimated similarity with ``values``."""

    _op = OP_HLL_GET_SIMILARITY


class HLLMayContain(_BaseExpr):
    """1 if every value of ``list`` may be in the HLL, else 0."""

    _op = OP_HLL_MAY_CONTAIN

    def __init__(self, list: TypeListValue, bin: TypeBinName) -> None:
        self._children = (list, _hll(bin))
