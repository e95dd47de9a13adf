"""Expression building blocks: op codes, result types and the ``_BaseExpr`` compiler.

``expr.compile()`` returns the list the client encodes: one tuple
``(op, result_type, fixed, child_count)`` per node in pre-order, a plain child value
``v`` becoming ``(VAL, None, {"val": v}, 0)``, exactly as the official client does.
"""

from __future__ import annotations

from typing import Any, Optional, Union


class _Keys:
    VALUE_TYPE_KEY = "value_type"
    BIN_KEY = "bin"
    RETURN_TYPE_KEY = "return_type"
    CTX_KEY = "ctx"
    VALUE_KEY = "val"
    LIST_POLICY_KEY = "list_policy"
    MAP_POLICY_KEY = "map_policy"
    LIST_ORDER_KEY = "list_order"
    REGEX_OPTIONS_KEY = "regex_options"


class _ExprOp:
    """Expression op codes (the server's, plus client-side markers from 128 up)."""

    UNKNOWN = 0
    EQ = 1
    NE = 2
    GT = 3
    GE = 4
    LT = 5
    LE = 6
    CMP_REGEX = 7
    CMP_GEO = 8
    AND = 16
    OR = 17
    NOT = 18
    EXCLUSIVE = 19
    ADD = 20
    SUB = 21
    MUL = 22
    DIV = 23
    POW = 24
    LOG = 25
    MOD = 26
    ABS = 27
    FLOOR = 28
    CEIL = 29
    TO_INT = 30
    TO_FLOAT = 31
    INT_AND = 32
    INT_OR = 33
    INT_XOR = 34
    INT_NOT = 35
    INT_LSHIFT = 36
    INT_RSHIFT = 37
    INT_ARSHIFT = 38
    INT_COUNT = 39
    INT_LSCAN = 40
    INT_RSCAN = 41
    MIN = 50
    MAX = 51
    META_DIGEST_MOD = 64
    META_DEVICE_SIZE = 65
    META_LAST_UPDATE_TIME = 66
    META_VOID_TIME = 67
    META_TTL = 68
    META_SET_NAME = 69
    META_KEY_EXISTS = 70
    META_SINCE_UPDATE_TIME = 71
    META_IS_TOMBSTONE = 72
    META_MEMORY_SIZE = 73
    META_RECORD_SIZE = 74
    REC_KEY = 80
    BIN = 81
    BIN_TYPE = 82
    BIN_EXISTS = 83
    COND = 123
    VAR = 124
    LET = 125
    DEF = 126
    _AS_EXP_CODE_AS_VAL = 128
    _AS_EXP_CODE_CALL_VOP_START = 139
    _AS_EXP_CODE_CDT_LIST_CRMOD = 140
    _AS_EXP_CODE_CDT_LIST_MOD = 141
    _AS_EXP_CODE_CDT_MAP_CRMOD = 142
    _AS_EXP_CODE_CDT_MAP_CR = 143
    _AS_EXP_CODE_CDT_MAP_MOD = 144
    _AS_EXP_CODE_END_OF_VA_ARGS = 150
    _TRUE = 151
    _FALSE = 152
    _AS_EXP_BIT_FLAGS = 153
    VAL = 200


class ReturnType:
    """Flags OR-ed into a CDT return type."""

    LIST_RETURN_INVERTED = 0x10000
    MAP_RETURN_INVERTED = 0x10000


class ResultType:
    """Value types of expression results (``value_type`` arguments)."""

    NIL = 0
    BOOLEAN = 1
    INTEGER = 2
    STRING = 3
    LIST = 4
    MAP = 5
    BLOB = 6
    FLOAT = 7
    GEOJSON = 8
    HLL = 9


class _AtomExpr:
    """Root of the expression classes."""

    def compile(self) -> Any:
        """Flatten the expression for the client (see :class:`_BaseExpr`)."""
        raise NotImplementedError


TypeResultType = Optional[int]
TypeFixedEle = Union[int, float, str, bytes, dict]
TypeFixed = Optional[dict[str, Any]]
TypeCompiledOp = tuple[int, TypeResultType, TypeFixed, int]
TypeExpression = list[TypeCompiledOp]
TypeChild = Union[int, float, str, bytes, _AtomExpr]
TypeChildren = tuple[Any, ...]
TypeAny = Union[_AtomExpr, Any]


class _BaseExpr(_AtomExpr):
    """An expression node: op code, result type, fixed arguments and children."""

    _op: int = 0
    _rt: TypeResultType = None
    _fixed: TypeFixed = None
    _children: TypeChildren = ()

    def __init__(self) -> None:
        pass

    def _get_op(self) -> TypeCompiledOp:
        return (self._op, self._rt, self._fixed, len(self._children))

    def _vop(self, v: Any) -> TypeCompiledOp:
        return (_ExprOp.VAL, None, {_Keys.VALUE_KEY: v}, 0)

    def compile(self) -> TypeExpression:
        """Flatten the tree into the list of ``(op, rt, fixed, child_count)`` tuples."""
        out: TypeExpression = []
        stack: list[Any] = [self]
        while stack:
            node = stack.pop()
            if isinstance(node, _BaseExpr):
                out.append(node._get_op())
                stack.extend(reversed(node._children))
            else:
                out.append(self._vop(node))
        return out

    # Operators build the same trees as the official client; chained + - * / of the
    # same kind merge into one variadic node.
    def _overload_op_unary(self, op_type: int) -> _BaseExpr:
        left = self._children if self._op == op_type else (self,)
        return _create_operator_expression(left, (), op_type)

    def _overload_op(self, right: TypeAny, op_type: int) -> _BaseExpr:
        left = self._children if self._op == op_type else (self,)
        if isinstance(right, _BaseExpr) and right._op == op_type:
            rights = right._children
        else:
            rights = (right,)
        return _create_operator_expression(left, rights, op_type)

    def _overload_op_va_args(self, right: TypeAny, op_type: int) -> _BaseExpr:
        end = _BaseExpr()
        end._op = _ExprOp._AS_EXP_CODE_END_OF_VA_ARGS
        left = self._children[:-1] if self._op == op_type else (self,)
        if isinstance(right, _BaseExpr) and right._op == op_type:
            rights = right._children[:-1]
        else:
            rights = (right,)
        return _create_operator_expression(left, (*rights, end), op_type)

    def __abs__(self) -> _BaseExpr:
        return self._overload_op_unary(_ExprOp.ABS)

    def __floor__(self) -> _BaseExpr:
        return self._overload_op_unary(_ExprOp.FLOOR)

    def __ceil__(self) -> _BaseExpr:
        return self._overload_op_unary(_ExprOp.CEIL)

    def __add__(self, right: TypeAny) -> _BaseExpr:
        return self._overload_op_va_args(right, _ExprOp.ADD)

    def __sub__(self, right: TypeAny) -> _BaseExpr:
        return self._overload_op_va_args(right, _ExprOp.SUB)

    def __mul__(self, right: TypeAny) -> _BaseExpr:
        return self._overload_op_va_args(right, _ExprOp.MUL)

    def __truediv__(self, right: TypeAny) -> _BaseExpr:
        return self._overload_op_va_args(right, _ExprOp.DIV)

    def __floordiv__(self, right: TypeAny) -> _BaseExpr:
        return self.__truediv__(right).__floor__()

    def __pow__(self, right: TypeAny) -> _BaseExpr:
        return self._overload_op(right, _ExprOp.POW)

    def __mod__(self, right: TypeAny) -> _BaseExpr:
        return self._overload_op(right, _ExprOp.MOD)


def _create_operator_expression(
    left_children: TypeChildren, right_children: TypeChildren, op_type: int
) -> _BaseExpr:
    new_expr = _BaseExpr()
    new_expr._op = op_type
    new_expr._children = (*left_children, *right_children)
    return new_expr


class _GenericExpr(_BaseExpr):
    def __init__(self, op: int, rt: TypeResultType, fixed: TypeFixed) -> None:
        self._op = op
        self._rt = rt
        self._fixed = fixed


def _end_of_args() -> _GenericExpr:
    """Closes the children of a variadic node (``And``, ``Add``, ``IntOr``...)."""
    return _GenericExpr(_ExprOp._AS_EXP_CODE_END_OF_VA_ARGS, 0, {})


def _bin_expr(bin: Any, bin_type: Any) -> _BaseExpr:
    """``bin`` as an expression: a bin name becomes ``bin_type(bin)``, an expression stays."""
    return bin if isinstance(bin, _BaseExpr) else bin_type(bin)
