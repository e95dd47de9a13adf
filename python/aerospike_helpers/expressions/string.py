"""String expressions (server 8.2+): each mirrors the string operation of the same name
in :mod:`aerospike_helpers.operations.string_operations`, applied to a string bin or value."""

from __future__ import annotations

from typing import Any, Union

from aerospike import _constants as _c

from aerospike_helpers.expressions.base import StrBin
from aerospike_helpers.expressions.resources import _BaseExpr
from aerospike_helpers.string_helpers import NumericType, RegexFlags, StringPolicy

TypeBinName = Union[_BaseExpr, str]

__all__ = [
    "Append",
    "Base64Decode",
    "ByteLength",
    "CaseFold",
    "CharAt",
    "Concat",
    "Contains",
    "EndsWith",
    "Find",
    "Insert",
    "IsLower",
    "IsNumeric",
    "IsUpper",
    "Lower",
    "NormalizeNFC",
    "NumericType",
    "Overwrite",
    "PadEnd",
    "PadStart",
    "Prepend",
    "RegexCompare",
    "RegexFlags",
    "RegexReplace",
    "Repeat",
    "Replace",
    "ReplaceAll",
    "Snip",
    "Split",
    "SplitSeparator",
    "StartsWith",
    "StrLen",
    "StringPolicy",
    "SubStr",
    "SubStrRange",
    "ToBlob",
    "ToDouble",
    "ToInteger",
    "ToString",
    "Trim",
    "TrimEnd",
    "TrimStart",
    "Upper",
]


def _str_bin(bin: TypeBinName) -> _BaseExpr:
    return bin if isinstance(bin, _BaseExpr) else StrBin(bin)


class _StrExpr(_BaseExpr):
    def _build(self, bin: TypeBinName, fixed: dict[str, Any] | None = None) -> None:
        self._fixed = fixed
        self._children = (_str_bin(bin),)


class _WriteOp(_StrExpr):
    """String expressions that modify the string (they take a ``StringPolicy``)."""


class StrLen(_StrExpr):
    """Expression form of ``string_operations.strlen``."""

    _op = _c._OP_STRING_STRLEN

    def __init__(self, bin: TypeBinName) -> None:
        self._build(bin)


class SubStr(_StrExpr):
    """Expression form of ``string_operations.substr``."""

    _op = _c._OP_STRING_SUBSTR

    def __init__(self, start: int, bin: TypeBinName) -> None:
        self._build(bin, {_c._STR_EXP_START_KEY: start})


class SubStrRange(_StrExpr):
    """Expression form of ``string_operations.substr_range``."""

    _op = _c._OP_STRING_SUBSTR_RANGE

    def __init__(self, start: int, end: int, bin: TypeBinName) -> None:
        self._build(bin, {_c._STR_EXP_START_KEY: start, _c._STR_EXP_END_KEY: end})


class CharAt(_StrExpr):
    """Expression form of ``string_operations.char_at``."""

    _op = _c._OP_STRING_CHAR_AT

    def __init__(self, index: int, bin: TypeBinName) -> None:
        self._build(bin, {_c._STR_EXP_INDEX_KEY: index})


class Find(_StrExpr):
    """Expression form of ``string_operations.find``."""

    _op = _c._OP_STRING_FIND

    def __init__(self, needle: str, occurrence: int, bin: TypeBinName) -> None:
        self._build(bin, {_c._STR_EXP_NEEDLE_KEY: needle, _c._STR_EXP_OCCURRENCE_KEY: occurrence})


class Contains(_StrExpr):
    """Expression form of ``string_operations.contains``."""

    _op = _c._OP_STRING_CONTAINS

    def __init__(self, needle: str, bin: TypeBinName) -> None:
        self._build(bin, {_c._STR_EXP_NEEDLE_KEY: needle})


class StartsWith(_StrExpr):
    """Expression form of ``string_operations.starts_with``."""

    _op = _c._OP_STRING_STARTS_WITH

    def __init__(self, prefix: str, bin: TypeBinName) -> None:
        self._build(bin, {_c._STR_EXP_PREFIX_KEY: prefix})


class EndsWith(_StrExpr):
    """Expression form of ``string_operations.ends_with``."""

    _op = _c._OP_STRING_ENDS_WITH

    def __init__(self, suffix: str, bin: TypeBinName) -> None:
        self._build(bin, {_c._STR_EXP_SUFFIX_KEY: suffix})


class ToInteger(_StrExpr):
    """Expression form of ``string_operations.to_integer``."""

    _op = _c._OP_STRING_TO_INTEGER

    def __init__(self, bin: TypeBinName) -> None:
        self._build(bin)


class ToDouble(_StrExpr):
    """Expression form of ``string_operations.to_double``."""

    _op = _c._OP_STRING_TO_DOUBLE

    def __init__(self, bin: TypeBinName) -> None:
        self._build(bin)


class ByteLength(_StrExpr):
    """Expression form of ``string_operations.byte_length``."""

    _op = _c._OP_STRING_BYTE_LENGTH

    def __init__(self, bin: TypeBinName) -> None:
        self._build(bin)


class IsNumeric(_StrExpr):
    """Expression form of ``string_operations.is_numeric``."""

    _op = _c._OP_STRING_IS_NUMERIC

    def __init__(self, numeric_type: NumericType, bin: TypeBinName) -> None:
        self._build(bin, {_c._STR_EXP_NUMERIC_TYPE_KEY: numeric_type})


class IsUpper(_StrExpr):
    """Expression form of ``string_operations.is_upper``."""

    _op = _c._OP_STRING_IS_UPPER

    def __init__(self, bin: TypeBinName) -> None:
        self._build(bin)


class IsLower(_StrExpr):
    """Expression form of ``string_operations.is_lower``."""

    _op = _c._OP_STRING_IS_LOWER

    def __init__(self, bin: TypeBinName) -> None:
        self._build(bin)


class ToBlob(_StrExpr):
    """Expression form of ``string_operations.to_blob``."""

    _op = _c._OP_STRING_TO_BLOB

    def __init__(self, bin: TypeBinName) -> None:
        self._build(bin)


class Split(_StrExpr):
    """Expression form of ``string_operations.split``."""

    _op = _c._OP_STRING_SPLIT

    def __init__(self, bin: TypeBinName) -> None:
        self._build(bin)


class SplitSeparator(_StrExpr):
    """Expression form of ``string_operations.split_separator``."""

    _op = _c._OP_STRING_SPLIT_SEPARATOR

    def __init__(self, separator: str, bin: TypeBinName) -> None:
        self._build(bin, {_c._STR_EXP_SEPARATOR_KEY: separator})


class Base64Decode(_StrExpr):
    """Expression form of ``string_operations.base64_decode``."""

    _op = _c._OP_STRING_B64_DECODE

    def __init__(self, bin: TypeBinName) -> None:
        self._build(bin)


class RegexCompare(_StrExpr):
    """Expression form of ``string_operations.regex_compare``."""

    _op = _c._OP_STRING_REGEX_COMPARE

    def __init__(
        self, pattern: str, bin: TypeBinName, regex_flags: RegexFlags = RegexFlags.DEFAULT
    ) -> None:
        self._build(
            bin, {_c._STR_EXP_PATTERN_KEY: pattern, _c._STR_EXP_REGEX_FLAGS_KEY: regex_flags}
        )


class ToString(_StrExpr):
    """Expression form of ``string_operations.to_string``."""

    _op = _c._OP_STRING_TO_STRING

    def __init__(self, bin: TypeBinName) -> None:
        self._build(bin)


class Insert(_WriteOp):
    """Expression form of ``string_operations.insert``."""

    _op = _c._OP_STRING_INSERT

    def __init__(
        self, policy: StringPolicy | None, index: int, value: str, bin: TypeBinName
    ) -> None:
        self._build(
            bin, {_c._STR_EXP_POLICY_KEY: policy, _c._STR_EXP_INDEX_KEY: index, "val": value}
        )


class Overwrite(_WriteOp):
    """Expression form of ``string_operations.overwrite``."""

    _op = _c._OP_STRING_OVERWRITE

    def __init__(
        self, policy: StringPolicy | None, index: int, value: str, bin: TypeBinName
    ) -> None:
        self._build(
            bin, {_c._STR_EXP_POLICY_KEY: policy, _c._STR_EXP_INDEX_KEY: index, "val": value}
        )


class Append(_WriteOp):
    """Expression form of ``string_operations.append``."""

    _op = _c._OP_STRING_APPEND

    def __init__(self, policy: StringPolicy | None, value: str, bin: TypeBinName) -> None:
        self._build(bin, {_c._STR_EXP_POLICY_KEY: policy, "val": value})


class Prepend(_WriteOp):
    """Expression form of ``string_operations.prepend``."""

    _op = _c._OP_STRING_PREPEND

    def __init__(self, policy: StringPolicy | None, value: str, bin: TypeBinName) -> None:
        self._build(bin, {_c._STR_EXP_POLICY_KEY: policy, "val": value})


class Concat(_WriteOp):
    """Expression form of ``string_operations.concat``."""

    _op = _c._OP_STRING_CONCAT

    def __init__(self, policy: StringPolicy | None, values: list[str], bin: TypeBinName) -> None:
        self._build(bin, {_c._STR_EXP_POLICY_KEY: policy, "val": values})


class Snip(_WriteOp):
    """Expression form of ``string_operations.snip``."""

    _op = _c._OP_STRING_SNIP

    def __init__(
        self, policy: StringPolicy | None, start: int, end: int | None, bin: TypeBinName
    ) -> None:
        self._build(
            bin,
            {
                _c._STR_EXP_POLICY_KEY: policy,
                _c._STR_EXP_START_KEY: start,
                _c._STR_EXP_END_KEY: end,
            },
        )


class Replace(_WriteOp):
    """Expression form of ``string_operations.replace``."""

    _op = _c._OP_STRING_REPLACE

    def __init__(
        self, policy: StringPolicy | None, needle: str, replacement: str, bin: TypeBinName
    ) -> None:
        self._build(
            bin,
            {
                _c._STR_EXP_POLICY_KEY: policy,
                _c._STR_EXP_NEEDLE_KEY: needle,
                _c._STR_EXP_REPLACEMENT_KEY: replacement,
            },
        )


class ReplaceAll(_WriteOp):
    """Expression form of ``string_operations.replace_all``."""

    _op = _c._OP_STRING_REPLACE_ALL

    def __init__(
        self, policy: StringPolicy | None, needle: str, replacement: str, bin: TypeBinName
    ) -> None:
        self._build(
            bin,
            {
                _c._STR_EXP_POLICY_KEY: policy,
                _c._STR_EXP_NEEDLE_KEY: needle,
                _c._STR_EXP_REPLACEMENT_KEY: replacement,
            },
        )


class Upper(_WriteOp):
    """Expression form of ``string_operations.upper``."""

    _op = _c._OP_STRING_UPPER

    def __init__(self, policy: StringPolicy | None, bin: TypeBinName) -> None:
        self._build(bin, {_c._STR_EXP_POLICY_KEY: policy})


class Lower(_WriteOp):
    """Expression form of ``string_operations.lower``."""

    _op = _c._OP_STRING_LOWER

    def __init__(self, policy: StringPolicy | None, bin: TypeBinName) -> None:
        self._build(bin, {_c._STR_EXP_POLICY_KEY: policy})


class CaseFold(_WriteOp):
    """Expression form of ``string_operations.casefold``."""

    _op = _c._OP_STRING_CASE_FOLD

    def __init__(self, policy: StringPolicy | None, bin: TypeBinName) -> None:
        self._build(bin, {_c._STR_EXP_POLICY_KEY: policy})


class NormalizeNFC(_WriteOp):
    """Expression form of ``string_operations.normalize_nfc``."""

    _op = _c._OP_STRING_NORMALIZE_NFC

    def __init__(self, policy: StringPolicy | None, bin: TypeBinName) -> None:
        self._build(bin, {_c._STR_EXP_POLICY_KEY: policy})


class TrimStart(_WriteOp):
    """Expression form of ``string_operations.trim_start``."""

    _op = _c._OP_STRING_TRIM_START

    def __init__(self, policy: StringPolicy | None, bin: TypeBinName) -> None:
        self._build(bin, {_c._STR_EXP_POLICY_KEY: policy})


class TrimEnd(_WriteOp):
    """Expression form of ``string_operations.trim_end``."""

    _op = _c._OP_STRING_TRIM_END

    def __init__(self, policy: StringPolicy | None, bin: TypeBinName) -> None:
        self._build(bin, {_c._STR_EXP_POLICY_KEY: policy})


class Trim(_WriteOp):
    """Expression form of ``string_operations.trim``."""

    _op = _c._OP_STRING_TRIM

    def __init__(self, policy: StringPolicy | None, bin: TypeBinName) -> None:
        self._build(bin, {_c._STR_EXP_POLICY_KEY: policy})


class PadStart(_WriteOp):
    """Expression form of ``string_operations.pad_start``."""

    _op = _c._OP_STRING_PAD_START

    def __init__(
        self, policy: StringPolicy | None, target_length: int, pad_string: str, bin: TypeBinName
    ) -> None:
        self._build(
            bin,
            {
                _c._STR_EXP_POLICY_KEY: policy,
                _c._STR_EXP_TARGET_LENGTH_KEY: target_length,
                _c._STR_EXP_PAD_STRING_KEY: pad_string,
            },
        )


class PadEnd(_WriteOp):
    """Expression form of ``string_operations.pad_end``."""

    _op = _c._OP_STRING_PAD_END

    def __init__(
        self, policy: StringPolicy | None, target_length: int, pad_string: str, bin: TypeBinName
    ) -> None:
        self._build(
            bin,
            {
                _c._STR_EXP_POLICY_KEY: policy,
                _c._STR_EXP_TARGET_LENGTH_KEY: target_length,
                _c._STR_EXP_PAD_STRING_KEY: pad_string,
            },
        )


class Repeat(_WriteOp):
    """Expression form of ``string_operations.repeat``."""

    _op = _c._OP_STRING_REPEAT

    def __init__(self, policy: StringPolicy | None, count: int, bin: TypeBinName) -> None:
        self._build(bin, {_c._STR_EXP_POLICY_KEY: policy, _c._STR_EXP_COUNT_KEY: count})


class RegexReplace(_WriteOp):
    """Expression form of ``string_operations.regex_replace``."""

    _op = _c._OP_STRING_REGEX_REPLACE

    def __init__(
        self,
        policy: StringPolicy | None,
        pattern: str,
        replacement: str,
        regex_flags: RegexFlags,
        bin: TypeBinName,
    ) -> None:
        self._build(
            bin,
            {
                _c._STR_EXP_POLICY_KEY: policy,
                _c._STR_EXP_PATTERN_KEY: pattern,
                _c._STR_EXP_REPLACEMENT_KEY: replacement,
                _c._STR_EXP_REGEX_FLAGS_KEY: regex_flags,
            },
        )
