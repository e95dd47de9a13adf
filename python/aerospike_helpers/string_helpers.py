"""Flags and policy of the string operations and expressions (server 8.2+)."""

from __future__ import annotations

from enum import IntEnum

__all__ = ["NumericType", "RegexFlags", "StringPolicy", "WriteFlags"]


class RegexFlags(IntEnum):
    """Regex flags of ``regex_compare`` / ``regex_replace``."""

    DEFAULT = 0
    CASE_INSENSITIVE = 1
    MULTILINE = 2
    DOTALL = 4
    UNIX_LINES = 8
    GLOBAL = 16


class WriteFlags(IntEnum):
    """Write flags of a :class:`StringPolicy`."""

    DEFAULT = 0
    CREATE_ONLY = 1
    UPDATE_ONLY = 2
    NO_FAIL = 4


class NumericType(IntEnum):
    """What ``is_numeric`` accepts."""

    ANY = 0
    INT = 1
    FLOAT = 2


class StringPolicy:
    """Policy of the string write operations."""

    def __init__(self, write_flags: WriteFlags = WriteFlags.DEFAULT) -> None:
        self.write_flags = write_flags
