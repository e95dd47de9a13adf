"""Fixtures of the conformance suite (see conformance_harness.py for the design).

- ``official_python``: the official client's interpreter; the whole suite is skipped, with
  the reason, only when that virtualenv cannot be created (e.g. no network).
- ``cluster_hosts`` (3 embedded nodes) and ``single_hosts`` (1 node), or both the hosts of
  AEROSPIKE_HOSTS when it is set.
- ``driver``: run a table of cases in one official-client process.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Callable

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import conformance_harness as h


@pytest.fixture(scope="session")
def official_python() -> Path:
    try:
        return h.official_venv.ensure_official_python()
    except Exception as exc:  # noqa: BLE001 - OfficialVenvError, OSError, timeouts
        pytest.skip(f"official client venv (aerospike==19.3.0) unavailable: {exc}")


@pytest.fixture(scope="session")
def external() -> bool:
    """True when the suite runs against AEROSPIKE_HOSTS instead of its own server."""
    return h.external_hosts() is not None


class _Servers:
    def __init__(self) -> None:
        self.running: dict[int, h.EmbeddedServer] = {}

    def hosts(self, nodes: int) -> list[tuple[str, int]]:
        ext = h.external_hosts()
        if ext is not None:
            return ext
        if nodes not in self.running:
            try:
                self.running[nodes] = h.start_embedded(nodes)
            except RuntimeError as exc:
                pytest.fail(str(exc), pytrace=False)
        return self.running[nodes].hosts

    def close(self) -> None:
        for srv in self.running.values():
            srv.stop()
        self.running.clear()


@pytest.fixture(scope="session")
def servers() -> Any:
    s = _Servers()
    yield s
    s.close()


@pytest.fixture(scope="session")
def cluster_hosts(servers: _Servers) -> list[tuple[str, int]]:
    return servers.hosts(3)


@pytest.fixture(scope="session")
def single_hosts(servers: _Servers) -> list[tuple[str, int]]:
    return servers.hosts(1)


@pytest.fixture(scope="session")
def driver(official_python: Path) -> Callable[..., h.DriverResult]:
    def run(hosts: list[tuple[str, int]], cases: dict, label: str, **kw: Any) -> h.DriverResult:
        return h.run_driver(official_python, hosts, cases, label, **kw)

    return run
