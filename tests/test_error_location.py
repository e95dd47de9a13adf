"""Exceptions carry `file` and `line`: the Rust source location where they were made."""

from __future__ import annotations

from typing import Any, Callable

import pytest
from aerospike import exception as ex


@pytest.mark.parametrize(
    ("call", "cls"),
    [
        (lambda c, k: c.get(("test", "demo")), ex.ParamError),
        (lambda c, k: c.put(k, {"b": 1}, policy="bad"), ex.ParamError),
        (lambda c, k: c.get(k), ex.RecordNotFound),
        (lambda c, k: c.remove(k), ex.RecordNotFound),
    ],
    ids=["param-short-key", "param-bad-policy", "not-found-get", "not-found-remove"],
)
def test_file_and_line(
    client: Any, make_key: Callable[[Any], Any], call: Any, cls: type[Exception]
) -> None:
    with pytest.raises(cls) as info:
        call(client, make_key("missing"))
    err = info.value
    assert isinstance(err.file, str) and err.file.endswith(".rs")
    assert isinstance(err.line, int) and not isinstance(err.line, bool) and err.line > 0
    assert err.args[2:4] == (err.file, err.line)
