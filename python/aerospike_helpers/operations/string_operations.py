"""String operations for ``Client.operate`` (server 8.2+).

Each returns ``{"op": ..., "bin": name, <argument name>: value, ..., "ctx": ctx}``: every
argument under its own name, as in the official client.
"""

from __future__ import annotations

from typing import Any, Optional

from aerospike import _constants as _c

from aerospike_helpers.operations._build import op as _op
from aerospike_helpers.string_helpers import NumericType, RegexFlags, StringPolicy

TypeCTX = Optional[list]

__all__ = [
    "append",
    "base64_decode",
    "byte_length",
    "casefold",
    "char_at",
    "concat",
    "contains",
    "ends_with",
    "find",
    "insert",
    "is_lower",
    "is_numeric",
    "is_upper",
    "lower",
    "normalize_nfc",
    "overwrite",
    "pad_end",
    "pad_start",
    "prepend",
    "regex_compare",
    "regex_replace",
    "repeat",
    "replace",
    "replace_all",
    "snip",
    "split",
    "split_separator",
    "starts_with",
    "strlen",
    "substr",
    "substr_range",
    "to_blob",
    "to_double",
    "to_integer",
    "to_string",
    "trim",
    "trim_end",
    "trim_start",
    "upper",
]


def strlen(bin_name: str, ctx: TypeCTX = None) -> dict[str, Any]:
    """String ``strlen`` operation."""
    return _op(_c._OP_STRING_STRLEN, bin_name, ctx=ctx)


def substr(bin_name: str, start: int, ctx: TypeCTX = None) -> dict[str, Any]:
    """String ``substr`` operation."""
    return _op(_c._OP_STRING_SUBSTR, bin_name, start=start, ctx=ctx)


def substr_range(bin_name: str, start: int, end: int, ctx: TypeCTX = None) -> dict[str, Any]:
    """String ``substr_range`` operation."""
    return _op(_c._OP_STRING_SUBSTR_RANGE, bin_name, start=start, end=end, ctx=ctx)


def char_at(bin_name: str, index: int, ctx: TypeCTX = None) -> dict[str, Any]:
    """String ``char_at`` operation."""
    return _op(_c._OP_STRING_CHAR_AT, bin_name, index=index, ctx=ctx)


def find(bin_name: str, needle: str, occurrence: int = 1, ctx: TypeCTX = None) -> dict[str, Any]:
    """String ``find`` operation."""
    return _op(_c._OP_STRING_FIND, bin_name, needle=needle, occurrence=occurrence, ctx=ctx)


def contains(bin_name: str, needle: str, ctx: TypeCTX = None) -> dict[str, Any]:
    """String ``contains`` operation."""
    return _op(_c._OP_STRING_CONTAINS, bin_name, needle=needle, ctx=ctx)


def starts_with(bin_name: str, prefix: str, ctx: TypeCTX = None) -> dict[str, Any]:
    """String ``starts_with`` operation."""
    return _op(_c._OP_STRING_STARTS_WITH, bin_name, prefix=prefix, ctx=ctx)


def ends_with(bin_name: str, suffix: str, ctx: TypeCTX = None) -> dict[str, Any]:
    """String ``ends_with`` operation."""
    return _op(_c._OP_STRING_ENDS_WITH, bin_name, suffix=suffix, ctx=ctx)


def to_integer(bin_name: str, ctx: TypeCTX = None) -> dict[str, Any]:
    """String ``to_integer`` operation."""
    return _op(_c._OP_STRING_TO_INTEGER, bin_name, ctx=ctx)


def to_double(bin_name: str, ctx: TypeCTX = None) -> dict[str, Any]:
    """String ``to_double`` operation."""
    return _op(_c._OP_STRING_TO_DOUBLE, bin_name, ctx=ctx)


def byte_length(bin_name: str, ctx: TypeCTX = None) -> dict[str, Any]:
    """String ``byte_length`` operation."""
    return _op(_c._OP_STRING_BYTE_LENGTH, bin_name, ctx=ctx)


def is_numeric(
    bin_name: str, numeric_type: NumericType = NumericType.ANY, ctx: TypeCTX = None
) -> dict[str, Any]:
    """String ``is_numeric`` operation."""
    return _op(_c._OP_STRING_IS_NUMERIC, bin_name, numeric_type=numeric_type, ctx=ctx)


def is_upper(bin_name: str, ctx: TypeCTX = None) -> dict[str, Any]:
    """String ``is_upper`` operation."""
    return _op(_c._OP_STRING_IS_UPPER, bin_name, ctx=ctx)


def is_lower(bin_name: str, ctx: TypeCTX = None) -> dict[str, Any]:
    """String ``is_lower`` operation."""
    return _op(_c._OP_STRING_IS_LOWER, bin_name, ctx=ctx)


def to_blob(bin_name: str, ctx: TypeCTX = None) -> dict[str, Any]:
    """String ``to_blob`` operation."""
    return _op(_c._OP_STRING_TO_BLOB, bin_name, ctx=ctx)


def split(bin_name: str, ctx: TypeCTX = None) -> dict[str, Any]:
    """String ``split`` operation."""
    return _op(_c._OP_STRING_SPLIT, bin_name, ctx=ctx)


def split_separator(bin_name: str, separator: str, ctx: TypeCTX = None) -> dict[str, Any]:
    """String ``split_separator`` operation."""
    return _op(_c._OP_STRING_SPLIT_SEPARATOR, bin_name, separator=separator, ctx=ctx)


def base64_decode(bin_name: str, ctx: TypeCTX = None) -> dict[str, Any]:
    """String ``base64_decode`` operation."""
    return _op(_c._OP_STRING_B64_DECODE, bin_name, ctx=ctx)


def regex_compare(
    bin_name: str, pattern: str, regex_flags: RegexFlags = RegexFlags.DEFAULT, ctx: TypeCTX = None
) -> dict[str, Any]:
    """String ``regex_compare`` operation."""
    return _op(
        _c._OP_STRING_REGEX_COMPARE, bin_name, pattern=pattern, regex_flags=regex_flags, ctx=ctx
    )


def to_string(bin_name: str) -> dict[str, Any]:
    """String ``to_string`` operation."""
    return _op(_c._OP_STRING_TO_STRING, bin_name)


def insert(
    bin_name: str, index: int, value: str, policy: StringPolicy | None = None, ctx: TypeCTX = None
) -> dict[str, Any]:
    """String ``insert`` operation."""
    return _op(_c._OP_STRING_INSERT, bin_name, index=index, value=value, policy=policy, ctx=ctx)


def overwrite(
    bin_name: str, index: int, value: str, policy: StringPolicy | None = None, ctx: TypeCTX = None
) -> dict[str, Any]:
    """String ``overwrite`` operation."""
    return _op(_c._OP_STRING_OVERWRITE, bin_name, index=index, value=value, policy=policy, ctx=ctx)


def append(
    bin_name: str, value: str, policy: StringPolicy | None = None, ctx: TypeCTX = None
) -> dict[str, Any]:
    """String ``append`` operation."""
    return _op(_c._OP_STRING_APPEND, bin_name, value=value, policy=policy, ctx=ctx)


def prepend(
    bin_name: str, value: str, policy: StringPolicy | None = None, ctx: TypeCTX = None
) -> dict[str, Any]:
    """String ``prepend`` operation."""
    return _op(_c._OP_STRING_PREPEND, bin_name, value=value, policy=policy, ctx=ctx)


def concat(
    bin_name: str, value_list: list[str], policy: StringPolicy | None = None, ctx: TypeCTX = None
) -> dict[str, Any]:
    """String ``concat`` operation."""
    return _op(_c._OP_STRING_CONCAT, bin_name, value_list=value_list, policy=policy, ctx=ctx)


def snip(
    bin_name: str,
    start: int,
    end: int | None = None,
    policy: StringPolicy | None = None,
    ctx: TypeCTX = None,
) -> dict[str, Any]:
    """String ``snip`` operation."""
    return _op(_c._OP_STRING_SNIP, bin_name, start=start, end=end, policy=policy, ctx=ctx)


def replace(
    bin_name: str,
    needle: str,
    replacement: str,
    policy: StringPolicy | None = None,
    ctx: TypeCTX = None,
) -> dict[str, Any]:
    """String ``replace`` operation."""
    return _op(
        _c._OP_STRING_REPLACE,
        bin_name,
        needle=needle,
        replacement=replacement,
        policy=policy,
        ctx=ctx,
    )


def replace_all(
    bin_name: str,
    needle: str,
    replacement: str,
    policy: StringPolicy | None = None,
    ctx: TypeCTX = None,
) -> dict[str, Any]:
    """String ``replace_all`` operation."""
    return _op(
        _c._OP_STRING_REPLACE_ALL,
        bin_name,
        needle=needle,
        replacement=replacement,
        policy=policy,
        ctx=ctx,
    )


def upper(bin_name: str, policy: StringPolicy | None = None, ctx: TypeCTX = None) -> dict[str, Any]:
    """String ``upper`` operation."""
    return _op(_c._OP_STRING_UPPER, bin_name, policy=policy, ctx=ctx)


def lower(bin_name: str, policy: StringPolicy | None = None, ctx: TypeCTX = None) -> dict[str, Any]:
    """String ``lower`` operation."""
    return _op(_c._OP_STRING_LOWER, bin_name, policy=policy, ctx=ctx)


def casefold(
    bin_name: str, policy: StringPolicy | None = None, ctx: TypeCTX = None
) -> dict[str, Any]:
    """String ``casefold`` operation."""
    return _op(_c._OP_STRING_CASE_FOLD, bin_name, policy=policy, ctx=ctx)


def normalize_nfc(
    bin_name: str, policy: StringPolicy | None = None, ctx: TypeCTX = None
) -> dict[str, Any]:
    """String ``normalize_nfc`` operation."""
    return _op(_c._OP_STRING_NORMALIZE_NFC, bin_name, policy=policy, ctx=ctx)


def trim_start(
    bin_name: str, policy: StringPolicy | None = None, ctx: TypeCTX = None
) -> dict[str, Any]:
    """String ``trim_start`` operation."""
    return _op(_c._OP_STRING_TRIM_START, bin_name, policy=policy, ctx=ctx)


def trim_end(
    bin_name: str, policy: StringPolicy | None = None, ctx: TypeCTX = None
) -> dict[str, Any]:
    """String ``trim_end`` operation."""
    return _op(_c._OP_STRING_TRIM_END, bin_name, policy=policy, ctx=ctx)


def trim(bin_name: str, policy: StringPolicy | None = None, ctx: TypeCTX = None) -> dict[str, Any]:
    """String ``trim`` operation."""
    return _op(_c._OP_STRING_TRIM, bin_name, policy=policy, ctx=ctx)


def pad_start(
    bin_name: str,
    target_length: int,
    pad_string: str,
    policy: StringPolicy | None = None,
    ctx: TypeCTX = None,
) -> dict[str, Any]:
    """String ``pad_start`` operation."""
    return _op(
        _c._OP_STRING_PAD_START,
        bin_name,
        target_length=target_length,
        pad_string=pad_string,
        policy=policy,
        ctx=ctx,
    )


def pad_end(
    bin_name: str,
    target_length: int,
    pad_string: str,
    policy: StringPolicy | None = None,
    ctx: TypeCTX = None,
) -> dict[str, Any]:
    """String ``pad_end`` operation."""
    return _op(
        _c._OP_STRING_PAD_END,
        bin_name,
        target_length=target_length,
        pad_string=pad_string,
        policy=policy,
        ctx=ctx,
    )


def repeat(
    bin_name: str, count: int, policy: StringPolicy | None = None, ctx: TypeCTX = None
) -> dict[str, Any]:
    """String ``repeat`` operation."""
    return _op(_c._OP_STRING_REPEAT, bin_name, count=count, policy=policy, ctx=ctx)


def regex_replace(
    bin_name: str,
    pattern: str,
    replacement: str,
    regex_flags: RegexFlags = RegexFlags.DEFAULT,
    policy: StringPolicy | None = None,
    ctx: TypeCTX = None,
) -> dict[str, Any]:
    """String ``regex_replace`` operation."""
    return _op(
        _c._OP_STRING_REGEX_REPLACE,
        bin_name,
        pattern=pattern,
        replacement=replacement,
        regex_flags=regex_flags,
        policy=policy,
        ctx=ctx,
    )
