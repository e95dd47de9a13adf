"""One client shared by 8 threads: no lost writes, no crossed replies."""

from __future__ import annotations

import os
import threading
import warnings
from typing import Any

import aerospike
import pytest


def test_eight_threads_share_one_client(client: Any, set_name: str) -> None:
    errors: list[BaseException] = []
    per_thread = 200

    def work(tid: int) -> None:
        try:
            for i in range(per_thread):
                key = ("test", set_name, f"{tid}-{i}")
                client.put(key, {"tid": tid, "i": i, "s": "x" * (i % 50)})
                _, _, bins = client.get(key)
                assert bins == {"tid": tid, "i": i, "s": "x" * (i % 50)}
                client.increment(("test", set_name, "counter"), "n", 1)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=50)
    assert not errors, errors[:3]
    assert client.get(("test", set_name, "counter"))[2]["n"] == 8 * per_thread


def test_gil_is_released_during_io(client: Any, set_name: str) -> None:
    """A pure-Python thread keeps running while others wait on the network."""
    stop = threading.Event()
    ticks = [0]

    def spin() -> None:
        while not stop.is_set():
            ticks[0] += 1

    spinner = threading.Thread(target=spin)
    spinner.start()
    try:
        for i in range(300):
            client.put(("test", set_name, i), {"a": i})
    finally:
        stop.set()
        spinner.join()
    assert ticks[0] > 0


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_fork_child_reconnects(config: dict[str, Any], set_name: str) -> None:
    """After fork(), the child's commands fail clearly until it calls connect()."""
    c = aerospike.client(config).connect()
    c.put(("test", set_name, "f"), {"a": 1})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # child: never return into pytest
        code = 1
        try:
            try:
                c.get(("test", set_name, "f"))
                code = 2
            except aerospike.exception.ClusterError:
                c.connect()
                if c.get(("test", set_name, "f"))[2] == {"a": 1}:
                    code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.WEXITSTATUS(status) == 0
    assert c.get(("test", set_name, "f"))[2] == {"a": 1}
    c.close()


def test_threads_survive_a_node_stopping() -> None:
    """8 threads keep working while a node of 3 stops and comes back: errors are
    AerospikeErrors (never a crash or a hang) and most commands succeed."""
    import time

    from aerospike.testing import Server

    with Server(nodes=3) as srv:
        c = aerospike.client({**srv.config, "tend_interval": 250}).connect()
        stop = threading.Event()
        counts = {"ok": 0, "err": 0}
        other: list[BaseException] = []
        lock = threading.Lock()

        def work(tid: int) -> None:
            i = 0
            while not stop.is_set():
                i += 1
                try:
                    c.put(("test", "churn", f"{tid}-{i % 50}"), {"i": i}, policy={"max_retries": 2})
                    c.get(("test", "churn", f"{tid}-{i % 50}"))
                    with lock:
                        counts["ok"] += 1
                except aerospike.exception.AerospikeError:
                    with lock:
                        counts["err"] += 1
                except BaseException as exc:  # noqa: BLE001 - reported below
                    other.append(exc)
                    return

        threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
        for t in threads:
            t.start()
        time.sleep(0.3)
        srv.stop_node(1)
        time.sleep(0.5)
        srv.start_node(1)
        time.sleep(0.5)
        stop.set()
        for t in threads:
            t.join(timeout=20)
        assert not any(t.is_alive() for t in threads)
        assert not other, other[:3]
        # Commands on the stopped node's partitions fail until tending (at least every
        # 250 ms) moves them: a few tend intervals of errors out of the whole run.
        assert counts["ok"] > 5 * max(1, counts["err"])
        # Once the cluster has settled again, every command succeeds.
        time.sleep(1.5)
        for i in range(200):
            c.put(("test", "churn", f"after-{i}"), {"i": i})
            assert c.get(("test", "churn", f"after-{i}"))[2] == {"i": i}
        c.close()
