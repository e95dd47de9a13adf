"""pytest plugin: the ``aerospike_server`` fixture (one embedded server per session)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from aerospike.testing import Server


@pytest.fixture(scope="session")
def aerospike_server() -> Iterator[Server]:
    """A running single-node embedded server with namespaces ``test`` and ``bar``."""
    with Server() as server:
        yield server
