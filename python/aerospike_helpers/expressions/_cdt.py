"""Shared plumbing of the list and map expressions (not part of the public API)."""

from __future__ import annotations

import importlib
from typing import Any, Callable

from aerospike_helpers.expressions.resources import ReturnType, _BaseExpr, _GenericExpr, _Keys

INVERTED = ReturnType.LIST_RETURN_INVERTED  # same flag for maps


def setup(
    expr: _BaseExpr,
    ctx: list | None,
    children: tuple[Any, ...],
    bin: Any,
    bin_type: Callable[[str], _BaseExpr],
    fixed: dict[str, Any] | None = None,
) -> None:
    """Set children (the bin last, wrapped in ``bin_type`` if a name) and fixed args."""
    expr._children = (*children, bin if isinstance(bin, _BaseExpr) else bin_type(bin))
    expr._fixed = {} if fixed is None else fixed
    if ctx is not None:
        expr._fixed[_Keys.CTX_KEY] = ctx


def policy_marker(op: int, key: str, policy: dict | None) -> _GenericExpr:
    """The marker node carrying a write policy of a modify expression."""
    return _GenericExpr(op, 0, {key: policy} if policy is not None else {})


def get_return_type(return_type: int, inverted: bool) -> dict[str, Any]:
    """``return_type`` with the inverted flag when asked."""
    return {_Keys.RETURN_TYPE_KEY: return_type | INVERTED if inverted else return_type}


def remove_return_type(inverted: bool) -> dict[str, Any]:
    """Remove expressions return nothing, or the inverted selection."""
    return {_Keys.RETURN_TYPE_KEY: INVERTED if inverted else 0}


def infinite() -> Any:
    """``aerospike.CDTInfinite()``: the open end of a range."""
    aerospike = importlib.import_module("aerospike")
    return aerospike.CDTInfinite()
