"""Basic record operations: read, write, append, prepend, increment, touch, delete.

Each returns ``{"op": OPERATOR_*, "bin": name, "val": value}`` (keys as needed), the
dict shape of the official client.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

from aerospike._constants import (
    _AS_OPERATOR_CDT_MODIFY,
    _AS_OPERATOR_CDT_READ,
    _CDT_APPLY_MOD_EXP_KEY,
    _CDT_FLAGS_KEY,
    OPERATOR_APPEND,
    OPERATOR_DELETE,
    OPERATOR_INCR,
    OPERATOR_PREPEND,
    OPERATOR_READ,
    OPERATOR_TOUCH,
    OPERATOR_WRITE,
)

from aerospike_helpers.operations._build import op as _op

if TYPE_CHECKING:
    from aerospike_helpers.cdt_ctx import _cdt_ctx

__all__ = [
    "append",
    "delete",
    "increment",
    "modify_by_path",
    "prepend",
    "read",
    "select_by_path",
    "touch",
    "write",
]


def read(bin_name: str) -> dict[str, Any]:
    """Read the value of ``bin_name``."""
    return _op(OPERATOR_READ, bin_name)


def write(bin_name: str, write_item: Any) -> dict[str, Any]:
    """Write ``write_item`` to ``bin_name``."""
    return _op(OPERATOR_WRITE, bin_name, val=write_item)


def delete() -> dict[str, Any]:
    """Delete the record."""
    return {"op": OPERATOR_DELETE}


def append(bin_name: str, append_item: Any) -> dict[str, Any]:
    """Append a string or bytes to ``bin_name``."""
    return _op(OPERATOR_APPEND, bin_name, val=append_item)


def prepend(bin_name: str, prepend_item: Any) -> dict[str, Any]:
    """Prepend a string or bytes to ``bin_name``."""
    return _op(OPERATOR_PREPEND, bin_name, val=prepend_item)


def increment(bin_name: str, amount: Any) -> dict[str, Any]:
    """Add ``amount`` (int or float) to ``bin_name``."""
    return _op(OPERATOR_INCR, bin_name, val=amount)


def touch(ttl: int | None = None) -> dict[str, Any]:
    """Reset the record's TTL; passing ``ttl`` here is deprecated (use the policy)."""
    op: dict[str, Any] = {"op": OPERATOR_TOUCH}
    if ttl:
        warnings.warn(
            "TTL should be specified in the policy parameter for operate",
            DeprecationWarning,
            stacklevel=2,
        )
        op["val"] = ttl
    return op


def select_by_path(bin_name: str, ctx: list[_cdt_ctx], flags: int) -> dict[str, Any]:
    """Select the CDT elements of ``bin_name`` reached by ``ctx`` (server 8.1+)."""
    return _op(_AS_OPERATOR_CDT_READ, bin_name, ctx=ctx, **{_CDT_FLAGS_KEY: flags})


def modify_by_path(bin_name: str, ctx: list[_cdt_ctx], expr: Any, flags: int) -> dict[str, Any]:
    """Apply the modify expression ``expr`` to the CDT elements reached by ``ctx``."""
    return _op(
        _AS_OPERATOR_CDT_MODIFY,
        bin_name,
        ctx=ctx,
        **{_CDT_APPLY_MOD_EXP_KEY: expr, _CDT_FLAGS_KEY: flags},
    )
