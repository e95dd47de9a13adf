"""aerospike._logging: set_log_handler / set_log_level and the emit hook."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from aerospike import _constants as c
from aerospike import _logging as log
from aerospike import exception

LEVELS = [
    c.LOG_LEVEL_ERROR,
    c.LOG_LEVEL_WARN,
    c.LOG_LEVEL_INFO,
    c.LOG_LEVEL_DEBUG,
    c.LOG_LEVEL_TRACE,
]


@pytest.fixture(autouse=True)
def _reset() -> Iterator[None]:
    log.set_log_handler()
    log.set_log_level(c.LOG_LEVEL_ERROR)
    yield
    log.set_log_handler()
    log.set_log_level(c.LOG_LEVEL_ERROR)


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []

    def __call__(self, level: int, func: str, path: str, line: int, msg: str) -> None:
        self.calls.append((level, func, path, line, msg))


def test_default_threshold_is_error() -> None:
    assert log.get_log_level() == c.LOG_LEVEL_ERROR


@pytest.mark.parametrize("threshold", LEVELS)
@pytest.mark.parametrize("level", LEVELS)
def test_callback_gets_messages_passing_the_threshold(threshold: int, level: int) -> None:
    rec = Recorder()
    log.set_log_level(threshold)
    log.set_log_handler(rec)
    log.emit(level, "as_node_refresh", "src/tend.rs", 12, "hello")
    expected = (
        [(level, "as_node_refresh", "src/tend.rs", 12, "hello")] if level <= threshold else []
    )
    assert rec.calls == expected
    assert log.is_enabled(level) is (level <= threshold)


def test_level_off_silences_everything() -> None:
    rec = Recorder()
    log.set_log_handler(rec)
    log.set_log_level(c.LOG_LEVEL_OFF)
    for level in LEVELS:
        log.emit(level, "f", "p", 1, "m")
    assert rec.calls == []
    # the handler survives LOG_LEVEL_OFF, as in the official client
    log.set_log_level(c.LOG_LEVEL_ERROR)
    log.emit(c.LOG_LEVEL_ERROR, "f", "p", 1, "m")
    assert len(rec.calls) == 1


def test_none_disables_delivery() -> None:
    log.set_log_handler(None)
    assert not log.is_enabled(c.LOG_LEVEL_ERROR)


@pytest.mark.parametrize(
    ("level", "py_level"),
    [
        (c.LOG_LEVEL_ERROR, logging.ERROR),
        (c.LOG_LEVEL_WARN, logging.WARNING),
        (c.LOG_LEVEL_INFO, logging.INFO),
        (c.LOG_LEVEL_DEBUG, logging.DEBUG),
        (c.LOG_LEVEL_TRACE, log.TRACE),
    ],
)
def test_without_callback_goes_to_logging(
    level: int, py_level: int, caplog: pytest.LogCaptureFixture
) -> None:
    log.set_log_level(c.LOG_LEVEL_TRACE)
    with caplog.at_level(1, logger="aerospike"):
        log.emit(level, "tend", "src/tend.rs", 77, "cluster changed")
    records = [r for r in caplog.records if r.name == "aerospike"]
    assert len(records) == 1
    record = records[0]
    assert record.levelno == py_level
    assert record.getMessage() == "cluster changed"
    assert (record.funcName, record.pathname, record.lineno) == ("tend", "src/tend.rs", 77)


def test_logging_threshold_still_applies(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(1, logger="aerospike"):
        log.emit(c.LOG_LEVEL_DEBUG, "f", "p", 1, "too verbose")
    assert [r for r in caplog.records if r.name == "aerospike"] == []


def test_raising_callback_does_not_propagate(caplog: pytest.LogCaptureFixture) -> None:
    def bad(*args: Any) -> None:
        raise RuntimeError("handler bug")

    log.set_log_handler(bad)
    with caplog.at_level(logging.ERROR, logger="aerospike"):
        log.emit(c.LOG_LEVEL_ERROR, "f", "p", 1, "m")
    assert any("raised" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("bad", ["debug", 1.0, None, True, 5, -2])
def test_invalid_level(bad: Any) -> None:
    with pytest.raises(exception.ParamError):
        log.set_log_level(bad)


@pytest.mark.parametrize("bad", [5, "print"])
def test_handler_must_be_callable(bad: Any) -> None:
    with pytest.raises(exception.ParamError):
        log.set_log_handler(bad)


def test_package_exports_the_same_functions() -> None:
    import aerospike

    assert aerospike.set_log_handler is log.set_log_handler
    assert aerospike.set_log_level is log.set_log_level
