"""Client logging: ``set_log_handler``, ``set_log_level`` and the :func:`emit` hook.

The Rust layer calls :func:`emit` ``(level, func, path, line, msg)`` (and may call
:func:`is_enabled` first to skip formatting). A message passing the threshold goes to the
user callback when one is set, else to the standard :mod:`logging` module under the logger
name ``aerospike``. The default threshold is ``LOG_LEVEL_ERROR``, as in the official client.
"""

from __future__ import annotations

import logging
from typing import Callable

from ._constants import (
    LOG_LEVEL_DEBUG,
    LOG_LEVEL_ERROR,
    LOG_LEVEL_INFO,
    LOG_LEVEL_OFF,
    LOG_LEVEL_TRACE,
    LOG_LEVEL_WARN,
)
from .exception import ParamError

__all__ = [
    "LOGGER_NAME",
    "TRACE",
    "emit",
    "get_log_level",
    "is_enabled",
    "set_log_handler",
    "set_log_level",
]

LOGGER_NAME = "aerospike"
#: ``logging`` level used for ``LOG_LEVEL_TRACE`` (below ``logging.DEBUG``).
TRACE = 5

LogHandler = Callable[[int, str, str, int, str], object]

_TO_LOGGING = {
    LOG_LEVEL_ERROR: logging.ERROR,
    LOG_LEVEL_WARN: logging.WARNING,
    LOG_LEVEL_INFO: logging.INFO,
    LOG_LEVEL_DEBUG: logging.DEBUG,
    LOG_LEVEL_TRACE: TRACE,
}

_UNSET = object()
_level: int = LOG_LEVEL_ERROR
_handler: LogHandler | None = None
_disabled = False  # set_log_handler(None): deliver nothing
_logger = logging.getLogger(LOGGER_NAME)


def set_log_level(loglevel: int) -> int:
    """Set the threshold: messages at ``loglevel`` or more severe are delivered."""
    global _level
    if isinstance(loglevel, bool) or not isinstance(loglevel, int):
        raise ParamError(-2, "Invalid log level")
    if loglevel < LOG_LEVEL_OFF or loglevel > LOG_LEVEL_TRACE:
        raise ParamError(-2, "Invalid log level")
    _level = loglevel
    return 0


def get_log_level() -> int:
    """The current threshold (a ``LOG_LEVEL_*`` value)."""
    return _level


def set_log_handler(log_handler: object = _UNSET) -> int:
    """Set the callback ``(level, func, path, line, msg)``.

    No argument: back to the default (the :mod:`logging` logger ``aerospike``).
    ``None``: no delivery at all. Anything else must be callable.
    """
    global _handler, _disabled
    if log_handler is _UNSET:
        _handler, _disabled = None, False
    elif log_handler is None:
        _handler, _disabled = None, True
    elif callable(log_handler):
        _handler, _disabled = log_handler, False  # type: ignore[assignment]
    else:
        raise ParamError(-2, "log_handler must be a callable or None")
    return 0


def is_enabled(level: int) -> bool:
    """Whether a message at ``level`` would be delivered."""
    if _disabled or _level == LOG_LEVEL_OFF or level == LOG_LEVEL_OFF or level > _level:
        return False
    if _handler is None:
        return _logger.isEnabledFor(_TO_LOGGING.get(level, logging.ERROR))
    return True


def emit(level: int, func: str, path: str, line: int, msg: str) -> None:
    """Deliver one client log message (called by the Rust layer). Never raises."""
    if not is_enabled(level):
        return
    handler = _handler
    if handler is not None:
        try:
            handler(level, func, path, line, msg)
        except Exception:
            _logger.exception("aerospike log handler %r raised", handler)
        return
    record = _logger.makeRecord(
        LOGGER_NAME,
        _TO_LOGGING.get(level, logging.ERROR),
        path,
        line,
        msg,
        (),
        None,
        func=func,
    )
    _logger.handle(record)
