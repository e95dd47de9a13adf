"""The one builder of operation dicts (not part of the public API).

Every helper in this package returns ``{"op": code, "bin": name, <fields>...}`` in the
field order the official client uses; a field wrapped in :func:`given`, :func:`nonempty`
or :func:`if_true` is left out where the official client leaves it out.
"""

from __future__ import annotations

from typing import Any

Op = dict[str, Any]

#: A field value meaning "leave this key out of the dict".
OMIT: Any = object()


def op(code: int, bin_name: str, /, **fields: Any) -> Op:
    """The operation dict: ``op``, ``bin``, then ``fields`` in order, without omitted ones."""
    return {"op": code, "bin": bin_name, **{k: v for k, v in fields.items() if v is not OMIT}}


def given(value: Any) -> Any:
    """``value``, left out when ``None``."""
    return OMIT if value is None else value


def nonempty(value: Any) -> Any:
    """``value``, left out when falsy (``None``, ``[]``, ``{}``)."""
    return value if value else OMIT


def if_true(flag: bool) -> Any:
    """``True``, left out when ``flag`` is false."""
    return True if flag else OMIT
