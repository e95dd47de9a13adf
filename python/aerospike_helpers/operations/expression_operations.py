"""Expression operations: read an expression's value, or write it to a bin.

Dict keys, as in the official client: ``op`` (``OP_EXPR_READ`` / ``OP_EXPR_WRITE``),
``bin``, ``expr`` (a compiled expression: ``expr.compile()``), ``expr_flags``.
"""

from __future__ import annotations

from typing import Any

from aerospike._constants import OP_EXPR_READ, OP_EXPR_WRITE

from aerospike_helpers.operations._build import op as _op

OP_KEY = "op"
BIN_KEY = "bin"
EXPR_KEY = "expr"
EXPR_FLAGS_KEY = "expr_flags"


def expression_read(
    bin_name: str, expression: Any, expression_read_flags: int = 0
) -> dict[str, Any]:
    """Evaluate ``expression`` and return its value under the name ``bin_name``."""
    return _op(OP_EXPR_READ, bin_name, expr=expression, expr_flags=expression_read_flags)


def expression_write(
    bin_name: str, expression: Any, expression_write_flags: int = 0
) -> dict[str, Any]:
    """Evaluate ``expression`` and write its value to ``bin_name``."""
    return _op(OP_EXPR_WRITE, bin_name, expr=expression, expr_flags=expression_write_flags)
