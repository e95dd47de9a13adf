"""Bitwise (blob) expressions: read and modify bytes bins.

Modify expressions return the modified blob, for use inside other expressions.
"""

from __future__ import annotations

from typing import Any, Union

from aerospike._constants import (
    _OP_BIT_B64_ENCODE,
    _OP_BIT_B64_ENCODE_RANGE,
    OP_BIT_ADD,
    OP_BIT_AND,
    OP_BIT_COUNT,
    OP_BIT_GET,
    OP_BIT_GET_INT,
    OP_BIT_INSERT,
    OP_BIT_LSCAN,
    OP_BIT_LSHIFT,
    OP_BIT_NOT,
    OP_BIT_OR,
    OP_BIT_REMOVE,
    OP_BIT_RESIZE,
    OP_BIT_RSCAN,
    OP_BIT_RSHIFT,
    OP_BIT_SET,
    OP_BIT_SET_INT,
    OP_BIT_SUBTRACT,
    OP_BIT_XOR,
)

from aerospike_helpers.expressions.base import BlobBin
from aerospike_helpers.expressions.resources import (
    _BaseExpr,
    _bin_expr,
    _ExprOp,
    _GenericExpr,
    _Keys,
)

TypeBitValue = Union[bytes, bytearray]
TypeBinName = Union[_BaseExpr, str]
TypePolicy = Union[dict, None]

__all__ = [
    "BitAdd",
    "BitAnd",
    "BitB64Encode",
    "BitCount",
    "BitGet",
    "BitGetInt",
    "BitInsert",
    "BitLeftScan",
    "BitLeftShift",
    "BitNot",
    "BitOr",
    "BitRemove",
    "BitResize",
    "BitRightScan",
    "BitRightShift",
    "BitSet",
    "BitSetInt",
    "BitSubtract",
    "BitXor",
]


def _flags(value: Any) -> _GenericExpr:
    return _GenericExpr(_ExprOp._AS_EXP_BIT_FLAGS, 0, {_Keys.VALUE_KEY: value})


def _policy_flags(policy: TypePolicy) -> _GenericExpr:
    # Only the policy's "bit_write_flags" matter here.
    has_flags = policy is not None and "bit_write_flags" in policy
    return _flags(policy["bit_write_flags"] if has_flags else 0)  # type: ignore[index]


def _blob(bin: TypeBinName) -> _BaseExpr:
    return _bin_expr(bin, BlobBin)


class _BitModify(_BaseExpr):
    def _build(self, policy: TypePolicy, args: tuple, bin: TypeBinName, *extra: Any) -> None:
        self._children = (*args, _policy_flags(policy), *extra, _blob(bin))


class BitResize(_BitModify):
    """Resize the blob to ``byte_size`` bytes (``BIT_RESIZE_*`` flags)."""

    _op = OP_BIT_RESIZE

    def __init__(self, policy: TypePolicy, byte_size: int, flags: int, bin: TypeBinName) -> None:
        self._build(policy, (byte_size,), bin, _flags(0 if flags is None else flags))


class BitInsert(_BitModify):
    """Insert the bytes ``value`` at ``byte_offset``."""

    _op = OP_BIT_INSERT

    def __init__(
        self, policy: TypePolicy, byte_offset: int, value: TypeBitValue, bin: TypeBinName
    ) -> None:
        self._build(policy, (byte_offset, value), bin)


class BitRemove(_BitModify):
    """Remove ``byte_size`` bytes at ``byte_offset``."""

    _op = OP_BIT_REMOVE

    def __init__(
        self, policy: TypePolicy, byte_offset: int, byte_size: int, bin: TypeBinName
    ) -> None:
        self._build(policy, (byte_offset, byte_size), bin)


class _BitValueModify(_BitModify):
    def __init__(
        self,
        policy: TypePolicy,
        bit_offset: int,
        bit_size: int,
        value: TypeBitValue,
        bin: TypeBinName,
    ) -> None:
        self._build(policy, (bit_offset, bit_size, value), bin)


class BitSet(_BitValueModify):
    """Set ``bit_size`` bits at ``bit_offset`` to the bits of ``value``."""

    _op = OP_BIT_SET


class BitOr(_BitValueModify):
    """OR ``value`` into ``bit_size`` bits at ``bit_offset``."""

    _op = OP_BIT_OR


class BitXor(_BitValueModify):
    """XOR ``value`` into ``bit_size`` bits at ``bit_offset``."""

    _op = OP_BIT_XOR


class BitAnd(_BitValueModify):
    """AND ``value`` into ``bit_size`` bits at ``bit_offset``."""

    _op = OP_BIT_AND


class BitNot(_BitModify):
    """Invert ``bit_size`` bits at ``bit_offset``."""

    _op = OP_BIT_NOT

    def __init__(
        self, policy: TypePolicy, bit_offset: int, bit_size: int, bin: TypeBinName
    ) -> None:
        self._build(policy, (bit_offset, bit_size), bin)


class _BitShift(_BitModify):
    def __init__(
        self, policy: TypePolicy, bit_offset: int, bit_size: int, shift: int, bin: TypeBinName
    ) -> None:
        self._build(policy, (bit_offset, bit_size, shift), bin)


class BitLeftShift(_BitShift):
    """Shift ``bit_size`` bits at ``bit_offset`` left by ``shift``."""

    _op = OP_BIT_LSHIFT


class BitRightShift(_BitShift):
    """Shift ``bit_size`` bits at ``bit_offset`` right by ``shift``."""

    _op = OP_BIT_RSHIFT


class _BitArithmetic(_BitModify):
    def __init__(
        self,
        policy: TypePolicy,
        bit_offset: int,
        bit_size: int,
        value: int,
        action: int,
        bin: TypeBinName,
    ) -> None:
        self._build(
            policy, (bit_offset, bit_size, value), bin, _flags(0 if action is None else action)
        )


class BitAdd(_BitArithmetic):
    """Add ``value`` to the integer in ``bit_size`` bits (``BIT_OVERFLOW_*`` action)."""

    _op = OP_BIT_ADD


class BitSubtract(_BitArithmetic):
    """Subtract ``value`` from the integer in ``bit_size`` bits (``BIT_OVERFLOW_*`` action)."""

    _op = OP_BIT_SUBTRACT


class BitSetInt(_BitModify):
    """Set ``bit_size`` bits at ``bit_offset`` to the integer ``value``."""

    _op = OP_BIT_SET_INT

    def __init__(
        self, policy: TypePolicy, bit_offset: int, bit_size: int, value: int, bin: TypeBinName
    ) -> None:
        self._build(policy, (bit_offset, bit_size, value), bin)


class _BitRead(_BaseExpr):
    def __init__(self, bit_offset: int, bit_size: int, bin: TypeBinName) -> None:
        self._children = (bit_offset, bit_size, _blob(bin))


class BitGet(_BitRead):
    """``bit_size`` bits at ``bit_offset``, as bytes."""

    _op = OP_BIT_GET


class BitCount(_BitRead):
    """The number of set bits in ``bit_size`` bits at ``bit_offset``."""

    _op = OP_BIT_COUNT


class _BitScan(_BaseExpr):
    def __init__(self, bit_offset: int, bit_size: int, value: bool, bin: TypeBinName) -> None:
        self._children = (bit_offset, bit_size, value, _blob(bin))


class BitLeftScan(_BitScan):
    """Position of the first bit equal to ``value``, from the left."""

    _op = OP_BIT_LSCAN


class BitRightScan(_BitScan):
    """Position of the first bit equal to ``value``, from the right."""

    _op = OP_BIT_RSCAN


class BitGetInt(_BaseExpr):
    """``bit_size`` bits at ``bit_offset`` as an integer (``sign``: signed)."""

    _op = OP_BIT_GET_INT

    def __init__(self, bit_offset: int, bit_size: int, sign: bool, bin: TypeBinName) -> None:
        self._children = (bit_offset, bit_size, 1 if sign else 0, _blob(bin))


class BitB64Encode(_BaseExpr):
    """Base64 text of ``byte_size`` bytes from ``byte_offset`` (whole blob if ``None``)."""

    _op = _OP_BIT_B64_ENCODE

    def __init__(
        self, byte_offset: int, byte_size: int | None, invert_size: bool, bin: TypeBinName
    ) -> None:
        blob = _blob(bin)
        if byte_size is None:
            # The official client encodes the whole blob then: byte_offset is not sent.
            self._children = (blob,)
        else:
            self._op = _OP_BIT_B64_ENCODE_RANGE
            self._children = (byte_offset, byte_size, 1 if invert_size else 0, blob)
