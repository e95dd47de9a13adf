"""Bitwise (blob) operations for ``Client.operate``.

Dict keys, as in the official client: ``op`` (an ``OP_BIT_*`` code), ``bin``, ``policy``,
``byte_offset``, ``byte_size``, ``bit_offset``, ``bit_size``, ``value_byte_size``,
``value``, ``resize_flags``, ``sign``, ``action``. ``policy`` is always present (``None``
when not given).
"""

from __future__ import annotations

import warnings
from typing import Any

from aerospike._constants import (
    _OP_BIT_B64_ENCODE,
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

from aerospike_helpers.operations._build import op as _op

BIN_KEY = "bin"
BYTE_SIZE_KEY = "byte_size"
BYTE_OFFSET_KEY = "byte_offset"
BIT_OFFSET_KEY = "bit_offset"
BIT_SIZE_KEY = "bit_size"
VALUE_BYTE_SIZE_KEY = "value_byte_size"
VALUE_KEY = "value"
COUNT_KEY = "count"
INDEX_KEY = "index"
KEY_KEY = "key"
OFFSET_KEY = "offset"
OP_KEY = "op"
POLICY_KEY = "policy"
RESIZE_FLAGS_KEY = "resize_flags"
SIGN_KEY = "sign"
ACTION_KEY = "action"

Op = dict[str, Any]

_VALUE_BYTE_SIZE_DEPRECATED = (
    "value_byte_size is deprecated and will be removed in the next major client release"
)


def _warn_value_byte_size() -> None:
    # stacklevel 3: point at the caller of the public helper
    warnings.warn(_VALUE_BYTE_SIZE_DEPRECATED, DeprecationWarning, stacklevel=3)


def bit_resize(
    bin_name: str, byte_size: int, policy: dict | None = None, resize_flags: int = 0
) -> Op:
    """Resize the blob to ``byte_size`` bytes (``BIT_RESIZE_*`` flags)."""
    return _op(
        OP_BIT_RESIZE, bin_name, policy=policy, resize_flags=resize_flags, byte_size=byte_size
    )


def bit_remove(bin_name: str, byte_offset: int, byte_size: int, policy: dict | None = None) -> Op:
    """Remove ``byte_size`` bytes at ``byte_offset``."""
    return _op(OP_BIT_REMOVE, bin_name, policy=policy, byte_offset=byte_offset, byte_size=byte_size)


def _bits_value(
    code: int,
    bin_name: str,
    bit_offset: int,
    bit_size: int,
    value_byte_size: int,
    value: Any,
    policy: dict | None,
) -> Op:
    return _op(
        code,
        bin_name,
        policy=policy,
        bit_offset=bit_offset,
        bit_size=bit_size,
        value_byte_size=value_byte_size,
        value=value,
    )


def bit_set(
    bin_name: str,
    bit_offset: int,
    bit_size: int,
    value_byte_size: int,
    value: bytes | bytearray,
    policy: dict | None = None,
) -> Op:
    """Set ``bit_size`` bits at ``bit_offset`` to the bits of ``value``."""
    _warn_value_byte_size()
    return _bits_value(OP_BIT_SET, bin_name, bit_offset, bit_size, value_byte_size, value, policy)


def bit_set_int(
    bin_name: str, bit_offset: int, bit_size: int, value: int, policy: dict | None = None
) -> Op:
    """Set ``bit_size`` bits at ``bit_offset`` to the integer ``value``."""
    return _op(
        OP_BIT_SET_INT,
        bin_name,
        policy=policy,
        bit_offset=bit_offset,
        bit_size=bit_size,
        value=value,
    )


def bit_count(bin_name: str, bit_offset: int, bit_size: int) -> Op:
    """Count the set bits in ``bit_size`` bits at ``bit_offset``."""
    return _op(OP_BIT_COUNT, bin_name, bit_offset=bit_offset, bit_size=bit_size)


def _arith(
    code: int,
    bin_name: str,
    bit_offset: int,
    bit_size: int,
    value: int,
    sign: bool,
    action: int,
    policy: dict | None,
) -> Op:
    return _op(
        code,
        bin_name,
        policy=policy,
        bit_offset=bit_offset,
        bit_size=bit_size,
        value=value,
        sign=sign,
        action=action,
    )


def bit_add(
    bin_name: str,
    bit_offset: int,
    bit_size: int,
    value: int,
    sign: bool,
    action: int,
    policy: dict | None = None,
) -> Op:
    """Add ``value`` to the integer in ``bit_size`` bits (``BIT_OVERFLOW_*`` action)."""
    return _arith(OP_BIT_ADD, bin_name, bit_offset, bit_size, value, sign, action, policy)


def bit_and(
    bin_name: str,
    bit_offset: int,
    bit_size: int,
    value_byte_size: int,
    value: bytes | bytearray,
    policy: dict | None = None,
) -> Op:
    """AND ``value`` into ``bit_size`` bits at ``bit_offset``."""
    _warn_value_byte_size()
    return _bits_value(OP_BIT_AND, bin_name, bit_offset, bit_size, value_byte_size, value, policy)


def bit_get(bin_name: str, bit_offset: int, bit_size: int) -> Op:
    """Return ``bit_size`` bits at ``bit_offset`` as bytes."""
    return _op(OP_BIT_GET, bin_name, bit_offset=bit_offset, bit_size=bit_size)


def bit_get_int(bin_name: str, bit_offset: int, bit_size: int, sign: bool) -> Op:
    """Return ``bit_size`` bits at ``bit_offset`` as an integer."""
    return _op(OP_BIT_GET_INT, bin_name, bit_offset=bit_offset, bit_size=bit_size, sign=sign)


def bit_insert(
    bin_name: str,
    byte_offset: int,
    value_byte_size: int,
    value: bytes | bytearray,
    policy: dict | None = None,
) -> Op:
    """Insert the bytes ``value`` at ``byte_offset``."""
    _warn_value_byte_size()
    return _op(
        OP_BIT_INSERT,
        bin_name,
        byte_offset=byte_offset,
        value_byte_size=value_byte_size,
        value=value,
        policy=policy,
    )


def _scan(code: int, bin_name: str, bit_offset: int, bit_size: int, value: bool) -> Op:
    return _op(code, bin_name, bit_offset=bit_offset, bit_size=bit_size, value=value)


def bit_lscan(bin_name: str, bit_offset: int, bit_size: int, value: bool) -> Op:
    """Return the position of the first bit equal to ``value``, from the left."""
    return _scan(OP_BIT_LSCAN, bin_name, bit_offset, bit_size, value)


def bit_rscan(bin_name: str, bit_offset: int, bit_size: int, value: bool) -> Op:
    """Return the position of the first bit equal to ``value``, from the right."""
    return _scan(OP_BIT_RSCAN, bin_name, bit_offset, bit_size, value)


def _shift(
    code: int, bin_name: str, bit_offset: int, bit_size: int, shift: int, policy: dict | None
) -> Op:
    return _op(code, bin_name, bit_offset=bit_offset, bit_size=bit_size, value=shift, policy=policy)


def bit_lshift(
    bin_name: str, bit_offset: int, bit_size: int, shift: int, policy: dict | None = None
) -> Op:
    """Shift ``bit_size`` bits at ``bit_offset`` left by ``shift``."""
    return _shift(OP_BIT_LSHIFT, bin_name, bit_offset, bit_size, shift, policy)


def bit_rshift(
    bin_name: str, bit_offset: int, bit_size: int, shift: int, policy: dict | None = None
) -> Op:
    """Shift ``bit_size`` bits at ``bit_offset`` right by ``shift``."""
    return _shift(OP_BIT_RSHIFT, bin_name, bit_offset, bit_size, shift, policy)


def bit_not(bin_name: str, bit_offset: int, bit_size: int, policy: dict | None = None) -> Op:
    """Invert ``bit_size`` bits at ``bit_offset``."""
    return _op(OP_BIT_NOT, bin_name, bit_offset=bit_offset, bit_size=bit_size, policy=policy)


def bit_or(
    bin_name: str,
    bit_offset: int,
    bit_size: int,
    value_byte_size: int,
    value: bytes | bytearray,
    policy: dict | None = None,
) -> Op:
    """OR ``value`` into ``bit_size`` bits at ``bit_offset``."""
    _warn_value_byte_size()
    return _bits_value(OP_BIT_OR, bin_name, bit_offset, bit_size, value_byte_size, value, policy)


def bit_subtract(
    bin_name: str,
    bit_offset: int,
    bit_size: int,
    value: int,
    sign: bool,
    action: int,
    policy: dict | None = None,
) -> Op:
    """Subtract ``value`` from the integer in ``bit_size`` bits (``BIT_OVERFLOW_*`` action)."""
    return _arith(OP_BIT_SUBTRACT, bin_name, bit_offset, bit_size, value, sign, action, policy)


def bit_xor(
    bin_name: str,
    bit_offset: int,
    bit_size: int,
    value_byte_size: int,
    value: bytes | bytearray,
    policy: dict | None = None,
) -> Op:
    """XOR ``value`` into ``bit_size`` bits at ``bit_offset``."""
    _warn_value_byte_size()
    return _bits_value(OP_BIT_XOR, bin_name, bit_offset, bit_size, value_byte_size, value, policy)


def bit_b64_encode(
    bin_name: str,
    byte_offset: int = 0,
    byte_size: int | None = None,
    invert_size: bool = False,
    ctx: list | None = None,
) -> Op:
    """Return the base64 text of ``byte_size`` bytes from ``byte_offset`` (server 8.2+)."""
    return _op(
        _OP_BIT_B64_ENCODE,
        bin_name,
        byte_offset=byte_offset,
        byte_size=byte_size,
        invert_size=invert_size,
        ctx=ctx,
    )
