"""Helpers that build operations, expressions, CDT contexts and batch records.

Same modules and names as the official client's ``aerospike_helpers``; every builder
returns the same dict (or object) shape, which the client's encoder consumes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = ["HyperLogLog"]


class HyperLogLog(bytes):
    """A HyperLogLog value (server particle type 18), read from or sent to the server."""

    def __new__(cls, o: bytes | bytearray | memoryview) -> Self:
        """Wrap the raw HLL bytes ``o``."""
        return super().__new__(cls, o)

    # bytes' own repr would make it look like plain bytes
    def __repr__(self) -> str:
        return f"{type(self).__name__}({bytes(self)!r})"

    def __str__(self) -> str:
        return self.__repr__()
