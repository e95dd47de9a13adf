"""Basic expressions: values, record metadata, bins, comparisons, logic and variables."""

from __future__ import annotations

from typing import Any, Union

from aerospike._constants import (
    _AS_EXP_CODE_CALL_APPLY,
    _AS_EXP_CODE_CALL_SELECT,
    _AS_EXP_CODE_REMOVE_RESULT,
    _AS_EXP_LOOPVAR_BLOB,
    _AS_EXP_LOOPVAR_BOOL,
    _AS_EXP_LOOPVAR_FLOAT,
    _AS_EXP_LOOPVAR_GEOJSON,
    _AS_EXP_LOOPVAR_HLL,
    _AS_EXP_LOOPVAR_INT,
    _AS_EXP_LOOPVAR_LIST,
    _AS_EXP_LOOPVAR_MAP,
    _AS_EXP_LOOPVAR_NIL,
    _AS_EXP_LOOPVAR_STR,
    _CDT_APPLY_MOD_EXP_KEY,
    _CDT_FLAGS_KEY,
)

from aerospike_helpers.expressions.resources import (
    ResultType,
    _BaseExpr,
    _end_of_args,
    _ExprOp,
    _Keys,
)

TypeComparisonArg = Union[_BaseExpr, Any]
TypeGeo = Union[_BaseExpr, Any]

__all__ = [
    "GE",
    "GT",
    "LE",
    "LT",
    "NE",
    "TTL",
    "And",
    "BinExists",
    "BinType",
    "BlobBin",
    "BoolBin",
    "CmpGeo",
    "CmpRegex",
    "Cond",
    "Def",
    "DeviceSize",
    "DigestMod",
    "Eq",
    "Exclusive",
    "FloatBin",
    "GeoBin",
    "HLLBin",
    "IntBin",
    "IsTombstone",
    "KeyBlob",
    "KeyExists",
    "KeyInt",
    "KeyStr",
    "LastUpdateTime",
    "Let",
    "ListBin",
    "LoopVar",
    "LoopVarBlob",
    "LoopVarBool",
    "LoopVarFloat",
    "LoopVarGeoJson",
    "LoopVarHLL",
    "LoopVarInt",
    "LoopVarList",
    "LoopVarMap",
    "LoopVarNil",
    "LoopVarStr",
    "MapBin",
    "MemorySize",
    "ModifyByPath",
    "Not",
    "Or",
    "RecordSize",
    "RemoveResult",
    "SelectByPath",
    "SetName",
    "SinceUpdateTime",
    "StrBin",
    "Unknown",
    "Val",
    "Var",
    "VoidTime",
]


# --- values and record metadata ---------------------------------------------------------


class Val(_BaseExpr):
    """A literal value (wraps values that would otherwise be ambiguous)."""

    _op = _ExprOp._AS_EXP_CODE_AS_VAL

    def __init__(self, value: Any) -> None:
        self._fixed = {_Keys.VALUE_KEY: value}


class Unknown(_BaseExpr):
    """Fail the expression (e.g. the default branch of ``Cond``)."""

    _op = _ExprOp.UNKNOWN


class _Key(_BaseExpr):
    _op = _ExprOp.REC_KEY


class KeyInt(_Key):
    """The record's integer user key (needs ``POLICY_KEY_SEND``)."""

    _rt = ResultType.INTEGER


class KeyStr(_Key):
    """The record's string user key (needs ``POLICY_KEY_SEND``)."""

    _rt = ResultType.STRING


class KeyBlob(_Key):
    """The record's bytes user key (needs ``POLICY_KEY_SEND``)."""

    _rt = ResultType.BLOB


class KeyExists(_BaseExpr):
    """Whether the record stores its user key."""

    _op = _ExprOp.META_KEY_EXISTS
    _rt = ResultType.BOOLEAN


class _Bin(_BaseExpr):
    _op = _ExprOp.BIN

    def __init__(self, bin: str) -> None:
        self._fixed = {_Keys.BIN_KEY: bin}


class BoolBin(_Bin):
    """The value of a boolean bin."""

    _rt = ResultType.BOOLEAN


class IntBin(_Bin):
    """The value of an integer bin."""

    _rt = ResultType.INTEGER


class StrBin(_Bin):
    """The value of a string bin."""

    _rt = ResultType.STRING


class FloatBin(_Bin):
    """The value of a float bin."""

    _rt = ResultType.FLOAT


class BlobBin(_Bin):
    """The value of a bytes bin."""

    _rt = ResultType.BLOB


class GeoBin(_Bin):
    """The value of a GeoJSON bin."""

    _rt = ResultType.GEOJSON


class ListBin(_Bin):
    """The value of a list bin."""

    _rt = ResultType.LIST


class MapBin(_Bin):
    """The value of a map bin."""

    _rt = ResultType.MAP


class HLLBin(_Bin):
    """The value of a HyperLogLog bin."""

    _rt = ResultType.HLL


class BinExists(_BaseExpr):
    """Whether bin ``bin`` exists."""

    _op = _ExprOp.BIN_EXISTS
    _rt = ResultType.BOOLEAN

    def __init__(self, bin: str) -> None:
        self._fixed = {_Keys.BIN_KEY: bin}


class BinType(_BaseExpr):
    """The particle type of bin ``bin``."""

    _op = _ExprOp.BIN_TYPE
    _rt = ResultType.INTEGER

    def __init__(self, bin: str) -> None:
        self._fixed = {_Keys.BIN_KEY: bin}


class SetName(_BaseExpr):
    """The record's set name."""

    _op = _ExprOp.META_SET_NAME
    _rt = ResultType.STRING


class DeviceSize(_BaseExpr):
    """The record's size on device (deprecated by the server: use ``RecordSize``)."""

    _op = _ExprOp.META_DEVICE_SIZE
    _rt = ResultType.INTEGER


class MemorySize(_BaseExpr):
    """The record's size in memory (deprecated by the server: use ``RecordSize``)."""

    _op = _ExprOp.META_MEMORY_SIZE
    _rt = ResultType.INTEGER


class RecordSize(_BaseExpr):
    """The record's storage size."""

    _op = _ExprOp.META_RECORD_SIZE
    _rt = ResultType.INTEGER


class LastUpdateTime(_BaseExpr):
    """The record's last update time, nanoseconds since the Unix epoch."""

    _op = _ExprOp.META_LAST_UPDATE_TIME
    _rt = ResultType.INTEGER


class SinceUpdateTime(_BaseExpr):
    """Milliseconds since the record's last update."""

    _op = _ExprOp.META_SINCE_UPDATE_TIME
    _rt = ResultType.INTEGER


class VoidTime(_BaseExpr):
    """The record's expiration time, nanoseconds since the Unix epoch."""

    _op = _ExprOp.META_VOID_TIME
    _rt = ResultType.INTEGER


class TTL(_BaseExpr):
    """The record's remaining time to live, in seconds."""

    _op = _ExprOp.META_TTL
    _rt = ResultType.INTEGER


class IsTombstone(_BaseExpr):
    """Whether the record is a tombstone."""

    _op = _ExprOp.META_IS_TOMBSTONE
    _rt = ResultType.BOOLEAN


class DigestMod(_BaseExpr):
    """The record digest modulo ``mod``."""

    _op = _ExprOp.META_DIGEST_MOD
    _rt = ResultType.INTEGER

    def __init__(self, mod: int) -> None:
        self._fixed = {_Keys.VALUE_KEY: mod}


# --- comparisons --------------------------------------------------------------------------


class _Compare(_BaseExpr):
    def __init__(self, expr0: TypeComparisonArg, expr1: TypeComparisonArg) -> None:
        self._children = (expr0, expr1)


class Eq(_Compare):
    """``expr0 == expr1``."""

    _op = _ExprOp.EQ


class NE(_Compare):
    """``expr0 != expr1``."""

    _op = _ExprOp.NE


class GT(_Compare):
    """``expr0 > expr1``."""

    _op = _ExprOp.GT


class GE(_Compare):
    """``expr0 >= expr1``."""

    _op = _ExprOp.GE


class LT(_Compare):
    """``expr0 < expr1``."""

    _op = _ExprOp.LT


class LE(_Compare):
    """``expr0 <= expr1``."""

    _op = _ExprOp.LE


class CmpRegex(_BaseExpr):
    """Whether ``cmp_str`` matches ``regex_str`` (``REGEX_*`` options)."""

    _op = _ExprOp.CMP_REGEX

    def __init__(self, options: int, regex_str: str, cmp_str: _BaseExpr | str) -> None:
        self._children = (cmp_str,)
        self._fixed = {_Keys.REGEX_OPTIONS_KEY: options, _Keys.VALUE_KEY: regex_str}


class CmpGeo(_Compare):
    """Whether the two GeoJSON values relate (point within region, region contains point)."""

    _op = _ExprOp.CMP_GEO

    def __init__(self, expr0: TypeGeo, expr1: TypeGeo) -> None:
        self._children = (expr0, expr1)


# --- logic and control ------------------------------------------------------------------


class Not(_BaseExpr):
    """Logical not."""

    _op = _ExprOp.NOT

    def __init__(self, *exprs: _BaseExpr) -> None:
        self._children = exprs


class _Variadic(_BaseExpr):
    def __init__(self, *exprs: _BaseExpr) -> None:
        self._children = (*exprs, _end_of_args())


class And(_Variadic):
    """Logical and of every argument."""

    _op = _ExprOp.AND


class Or(_Variadic):
    """Logical or of every argument."""

    _op = _ExprOp.OR


class Exclusive(_Variadic):
    """True when exactly one argument is true."""

    _op = _ExprOp.EXCLUSIVE


class Cond(_Variadic):
    """``cond1, action1, cond2, action2, ..., default``: the first true condition's action."""

    _op = _ExprOp.COND


class Let(_Variadic):
    """``Def`` variables, then the scoped expression using them."""

    _op = _ExprOp.LET


class Def(_BaseExpr):
    """Define variable ``var_name`` as ``expr`` (inside ``Let``)."""

    _op = _ExprOp.DEF

    def __init__(self, var_name: str, expr: _BaseExpr) -> None:
        self._fixed = {_Keys.VALUE_KEY: var_name}
        self._children = (expr,)


class Var(_BaseExpr):
    """The value of variable ``var_name`` (defined by ``Def``)."""

    _op = _ExprOp.VAR

    def __init__(self, var_name: str) -> None:
        self._fixed = {_Keys.VALUE_KEY: var_name}


class LoopVar(_BaseExpr):
    """A loop variable of a path expression (``EXP_LOOPVAR_*`` id)."""

    def __init__(self, var_id: int) -> None:
        self._fixed = {_Keys.VALUE_KEY: var_id}


class LoopVarMap(LoopVar):
    """A map loop variable."""

    _op = _AS_EXP_LOOPVAR_MAP


class LoopVarList(LoopVar):
    """A list loop variable."""

    _op = _AS_EXP_LOOPVAR_LIST


class LoopVarStr(LoopVar):
    """A string loop variable."""

    _op = _AS_EXP_LOOPVAR_STR


class LoopVarFloat(LoopVar):
    """A float loop variable."""

    _op = _AS_EXP_LOOPVAR_FLOAT


class LoopVarInt(LoopVar):
    """An integer loop variable."""

    _op = _AS_EXP_LOOPVAR_INT


class LoopVarBlob(LoopVar):
    """A bytes loop variable."""

    _op = _AS_EXP_LOOPVAR_BLOB


class LoopVarBool(LoopVar):
    """A boolean loop variable."""

    _op = _AS_EXP_LOOPVAR_BOOL


class LoopVarNil(LoopVar):
    """A nil loop variable."""

    _op = _AS_EXP_LOOPVAR_NIL


class LoopVarGeoJson(LoopVar):
    """A GeoJSON loop variable."""

    _op = _AS_EXP_LOOPVAR_GEOJSON


class LoopVarHLL(LoopVar):
    """A HyperLogLog loop variable."""

    _op = _AS_EXP_LOOPVAR_HLL


class RemoveResult(_BaseExpr):
    """In a modify-by-path expression: remove the selected element."""

    _op = _AS_EXP_CODE_REMOVE_RESULT


class SelectByPath(_BaseExpr):
    """Select the CDT elements of ``bin`` reached by ``ctx`` (server 8.1+)."""

    _op = _AS_EXP_CODE_CALL_SELECT

    def __init__(self, ctx: list, value_type: int, flags: int, bin: _BaseExpr) -> None:
        self._fixed = {_Keys.VALUE_TYPE_KEY: value_type, _Keys.CTX_KEY: ctx, _CDT_FLAGS_KEY: flags}
        self._children = (bin,)


class ModifyByPath(_BaseExpr):
    """Apply ``mod_exp`` to the CDT elements of ``bin`` reached by ``ctx`` (server 8.1+)."""

    _op = _AS_EXP_CODE_CALL_APPLY

    def __init__(
        self, ctx: list, value_type: int, mod_exp: Any, flags: int, bin: _BaseExpr
    ) -> None:
        self._fixed = {
            _Keys.VALUE_TYPE_KEY: value_type,
            _Keys.CTX_KEY: ctx,
            _CDT_FLAGS_KEY: flags,
            _CDT_APPLY_MOD_EXP_KEY: mod_exp,
        }
        self._children = (bin,)
