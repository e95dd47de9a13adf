"""Shared fixtures: one embedded server and one connected client per session."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any, Callable

import aerospike
import pytest
from aerospike.testing import Server

_set_counter = itertools.count()


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    """A running single-node embedded server with namespaces ``test`` and ``bar``."""
    with Server() as srv:
        yield srv


@pytest.fixture(scope="session")
def config(server: Server) -> dict[str, Any]:
    """A config dict for the session's server."""
    return dict(server.config)


@pytest.fixture(scope="session")
def client(config: dict[str, Any]) -> Iterator[Any]:
    """A client connected to the session's server."""
    c = aerospike.client(config).connect()
    yield c
    c.close()


@pytest.fixture
def set_name(request: pytest.FixtureRequest) -> str:
    """A set name unique to this test, so tests never see each other's records."""
    base = "".join(ch for ch in request.node.name if ch.isalnum())[:40]
    return f"{base}_{next(_set_counter)}"


@pytest.fixture
def make_key(set_name: str) -> Callable[[Any], tuple[str, str, Any]]:
    """``make_key(pk)`` -> a key in namespace ``test`` and this test's own set."""

    def make(pk: Any) -> tuple[str, str, Any]:
        return ("test", set_name, pk)

    return make
