"""String expressions (server 8.2+): each mirrors the string operation of the same name
in :mod:`aerospike_helpers.operations.string_operations`, applied to a string bin or value."""

from __future__ import annotations

from typing import Any, Union

from aerospike import _constants as _c

from aerospike_helpers.expressions.base import StrBin
from aerospike_helpers.expressions.resources import _BaseExpr, _bin_expr
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


class _StrExpr(_BaseExpr):
    """A string expression: fixed args, then the string bin (the bin alone by default)."""

    def __init__(self, bin: TypeBinName) -> None:
        self._build(bin)

    def _build(self, bin: TypeBinName, fixed: dict[str, Any] | None = None) -> None:
        self._fixed = fixed
        self._children = (_bin_expr(bin, StrBin),)


class _WriteOp(_StrExpr):
    """String expressions that modify the string (they take a ``StringPolicy``)."""

    def _write(self, policy: StringPolicy | None, bin: TypeBinName, **fixed: Any) -> None:
        self._build(bin, {_c._STR_EXP_POLICY_KEY: policy, **fixed})


class _PolicyWrite(_WriteOp):
    def __init__(self, policy: StringPolicy | None, bin: TypeBinName) -> None:
        self._write(policy, bin)


class _ValueWrite(_WriteOp):
    def __init__(self, policy: StringPolicy | None, value: str, bin: TypeBinName) -> None:
        self._write(policy, bin, val=value)


class _IndexValueWrite(_WriteOp):
    def __init__(
        self, policy: StringPolicy | None, index: int, value: str, bin: TypeBinName
    ) -> None:
        self._write(policy, bin, **{_c._STR_EXP_INDEX_KEY: index, "val": value})


class _ReplaceWrite(_WriteOp):
    def __init__(
        self, policy: StringPolicy | None, needle: str, replacement: str, bin: TypeBinName
    ) -> None:
        self._write(
            policy,
            bin,
            **{_c._STR_EXP_NEEDLE_KEY: needle, _c._STR_EXP_REPLACEMENT_KEY: replacement},
        )


class _PadWrite(_WriteOp):
    def __init__(
        self, policy: StringPolicy | None, target_length: int, pad_string: str, bin: TypeBinName
    ) -> None:
        self._write(
            policy,
            bin,
            **{
                _c._STR_EXP_TARGET_LENGTH_KEY: target_length,
                _c._STR_EXP_PAD_STRING_KEY: pad_string,
            },
        )


class StrLen(_StrExpr):
    """Expression form of ``string_operations.strlen``."""

    _op = _c._OP_STRING_STRLEN


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


class ToDouble(_StrExpr):
    """Expression form of ``string_operations.to_double``."""

    _op = _c._OP_STRING_TO_DOUBLE


class ByteLength(_StrExpr):
    """Expression form of ``string_operations.byte_length``."""

    _op = _c._OP_STRING_BYTE_LENGTH


class IsNumeric(_StrExpr):
    """Expression form of ``string_operations.is_numeric``."""

    _op = _c._OP_STRING_IS_NUMERIC

    def __init__(self, numeric_type: NumericType, bin: TypeBinName) -> None:
        self._build(bin, {_c._STR_EXP_NUMERIC_TYPE_KEY: numeric_type})


class IsUpper(_StrExpr):
    """Expression form of ``string_operations.is_upper``."""

    _op = _c._OP_STRING_IS_UPPER


class IsLower(_StrExpr):
    """Expression form of ``string_operations.is_lower``."""

    _op = _c._OP_STRING_IS_LOWER


class ToBlob(_StrExpr):
    """Expression form of ``string_operations.to_blob``."""

    _op = _c._OP_STRING_TO_BLOB


class Split(_StrExpr):
    """Expression form of ``string_operations.split``."""

    _op = _c._OP_STRING_SPLIT


class SplitSeparator(_StrExpr):
    """Expression form of ``string_operations.split_separator``."""

    _op = _c._OP_STRING_SPLIT_SEPARATOR

    def __init__(self, separator: str, bin: TypeBinName) -> None:
        self._build(bin, {_c._STR_EXP_SEPARATOR_KEY: separator})


class Base64Decode(_StrExpr):
    """Expression form of ``string_operations.base64_decode``."""

    _op = _c._OP_STRING_B64_DECODE


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


class Insert(_IndexValueWrite):
    """Expression form of ``string_operations.insert``."""

    _op = _c._OP_STRING_INSERT


class Overwrite(_IndexValueWrite):
    """Expression form of ``string_operations.overwrite``."""

    _op = _c._OP_STRING_OVERWRITE


class Append(_ValueWrite):
    """Expression form of ``string_operations.append``."""

    _op = _c._OP_STRING_APPEND


class Prepend(_ValueWrite):
    """Expression form of ``string_operations.prepend``."""

    _op = _c._OP_STRING_PREPEND


class Concat(_WriteOp):
    """Expression form of ``string_operations.concat``."""

    _op = _c._OP_STRING_CONCAT

    def __init__(self, policy: StringPolicy | None, values: list[str], bin: TypeBinName) -> None:
        self._write(policy, bin, val=values)


class Snip(_WriteOp):
    """Expression form of ``string_operations.snip``."""

    _op = _c._OP_STRING_SNIP

    def __init__(
        self, policy: StringPolicy | None, start: int, end: int | None, bin: TypeBinName
    ) -> None:
        self._write(policy, bin, **{_c._STR_EXP_START_KEY: start, _c._STR_EXP_END_KEY: end})


class Replace(_ReplaceWrite):
    """Expression form of ``string_operations.replace``."""

    _op = _c._OP_STRING_REPLACE


class ReplaceAll(_ReplaceWrite):
    """Expression form of ``string_operations.replace_all``."""

    _op = _c._OP_STRING_REPLACE_ALL


class Upper(_PolicyWrite):
    """Expression form of ``string_operations.upper``."""

    _op = _c._OP_STRING_UPPER


class Lower(_PolicyWrite):
    """Expression form of ``string_operations.lower``."""

    _op = _c._OP_STRING_LOWER


class CaseFold(_PolicyWrite):
    """Expression form of ``string_operations.casefold``."""

    _op = _c._OP_STRING_CASE_FOLD


class NormalizeNFC(_PolicyWrite):
    """Expression form of ``string_operations.normalize_nfc``."""

    _op = _c._OP_STRING_NORMALIZE_NFC


class TrimStart(_PolicyWrite):
    """Expression form of ``string_operations.trim_start``."""

    _op = _c._OP_STRING_TRIM_START


class TrimEnd(_PolicyWrite):
    """Expression form of ``string_operations.trim_end``."""

    _op = _c._OP_STRING_TRIM_END


class Trim(_PolicyWrite):
    """Expression form of ``string_operations.trim``."""

    _op = _c._OP_STRING_TRIM


class PadStart(_PadWrite):
    """Expression form of ``string_operations.pad_start``."""

    _op = _c._OP_STRING_PAD_START


class PadEnd(_PadWrite):
    """Expression form of ``string_operations.pad_end``."""

    _op = _c._OP_STRING_PAD_END


class Repeat(_WriteOp):
    """Expression form of ``string_operations.repeat``."""

    _op = _c._OP_STRING_REPEAT

    def __init__(self, policy: StringPolicy | None, count: int, bin: TypeBinName) -> None:
        self._write(policy, bin, **{_c._STR_EXP_COUNT_KEY: count})


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
        self._write(
            policy,
            bin,
            **{
                _c._STR_EXP_PATTERN_KEY: pattern,
                _c._STR_EXP_REPLACEMENT_KEY: replacement,
                _c._STR_EXP_REGEX_FLAGS_KEY: regex_flags,
            },
        )
