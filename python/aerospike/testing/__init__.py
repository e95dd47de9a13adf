"""The embedded Aerospike server, for tests: no Docker, no installed server.

``Server`` starts an in-memory server that speaks the real Aerospike wire protocol on
127.0.0.1, with one or several nodes sharing the 4096 partitions::

    import aerospike
    from aerospike.testing import Server

    with Server(nodes=1) as srv:
        client = aerospike.client(srv.config).connect()
        client.put(("test", "demo", 1), {"a": 1})

With ``tls=True`` every node also listens for TLS, with a CA and certificates made at
startup; ``srv.config`` is then a TLS client configuration::

    with Server(tls=True) as srv:
        client = aerospike.client(srv.config).connect()  # hosts (h, tls_port, "embedded")

The pytest fixture ``aerospike_server`` (registered as a pytest plugin when the package
is installed) yields a running ``Server`` for a test session.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import TracebackType
from typing import Any

__all__ = ["Server"]


class Server:
    """An embedded Aerospike cluster running in this process.

    :param nodes: how many nodes; node ``k`` listens on ``port + k`` (or a free port when
        ``port`` is 0).
    :param namespaces: the namespaces every node serves.
    :param port: the first node's port; 0 picks free ports.
    :param host: the address to bind and advertise (default 127.0.0.1).
    :param cluster_name: the name reported by the ``cluster-name`` info command.
    :param default_ttl: the namespaces' default TTL in seconds (0 = never expire).
    :param replication_factor: copies of each partition (master + proles), reported in
        ``replicas`` so clients can test replica policies; capped by the node count.
    :param rack_ids: one rack id per node, reported by the ``rack-ids`` info command.
    :param tls: also listen for TLS on every node (free ports), with a throw-away CA and
        a server certificate for ``tls_name``, ``localhost`` and ``host``; the CA's PEM
        file is ``tls_cafile``, removed when the server stops.
    :param tls_name: the TLS name clients verify (and ``peers-tls-std`` reports).
    :param tls_mutual: mutual TLS: the server refuses clients without a certificate
        signed by its CA, and makes one for clients (``tls_certfile``, ``tls_keyfile``).
    :param security: access control as an Enterprise server with security enabled:
        every connection logs in (LOGIN, session tokens, AUTHENTICATE), users and roles
        are managed with the ``admin_*`` methods, and commands need the privileges of
        the user's roles. The default user is ``admin`` / ``admin`` with the role
        ``user-admin`` only, as on a real server.
    """

    def __init__(
        self,
        nodes: int = 1,
        namespaces: Sequence[str] = ("test", "bar"),
        port: int = 0,
        host: str = "127.0.0.1",
        cluster_name: str = "embedded",
        default_ttl: int = 0,
        replication_factor: int = 1,
        rack_ids: Sequence[int] | None = None,
        tls: bool = False,
        tls_name: str = "embedded",
        tls_mutual: bool = False,
        security: bool = False,
    ) -> None:
        from aerospike.exception import ParamError

        if not isinstance(nodes, int) or isinstance(nodes, bool) or not 1 <= nodes <= 64:
            raise ParamError(-2, "nodes must be an int between 1 and 64")
        if isinstance(namespaces, str) or not namespaces:
            raise ParamError(-2, "namespaces must be a non-empty sequence of names")
        if not isinstance(port, int) or isinstance(port, bool) or not 0 <= port <= 65535:
            raise ParamError(-2, "port must be an int between 0 and 65535")
        if not isinstance(tls, bool):
            raise ParamError(-2, "tls must be a bool")
        if not isinstance(tls_name, str) or not tls_name:
            raise ParamError(-2, "tls_name must be a non-empty str")
        if not isinstance(tls_mutual, bool):
            raise ParamError(-2, "tls_mutual must be a bool")
        if tls_mutual and not tls:
            raise ParamError(-2, "tls_mutual needs tls=True")
        if not isinstance(security, bool):
            raise ParamError(-2, "security must be a bool")
        self._options: dict[str, Any] = {
            "host": host,
            "port": port,
            "nodes": nodes,
            "namespaces": [str(ns) for ns in namespaces],
            "cluster_name": cluster_name,
            "default_ttl": default_ttl,
            "replication_factor": replication_factor,
            "rack_ids": None if rack_ids is None else [int(r) for r in rack_ids],
            "tls_name": tls_name if tls else None,
            "tls_mutual": tls_mutual,
            "security": security,
        }
        self._cluster: Any | None = None

    # -- lifecycle ---------------------------------------------------------------------
    def start(self) -> Server:
        """Start listening; returns ``self``. Starting a running server is a no-op."""
        if self._cluster is None:
            from aerospike import _aerospike

            self._cluster = _aerospike.EmbeddedCluster(**self._options)
        return self

    def stop(self) -> None:
        """Stop every node and free the ports."""
        cluster, self._cluster = self._cluster, None
        if cluster is not None:
            cluster.shutdown()

    def __enter__(self) -> Server:  # noqa: PYI034 (py39: no typing.Self)
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _running(self) -> Any:
        if self._cluster is None:
            from aerospike.exception import ClientError

            raise ClientError(-1, "the embedded server is not running; call start()")
        return self._cluster

    # -- what clients need -------------------------------------------------------------
    @property
    def hosts(self) -> list[tuple[str, int]]:
        """``(host, port)`` of every node, in node order."""
        return [(h, p) for h, p in self._running().hosts()]

    @property
    def config(self) -> dict[str, Any]:
        """A config dict ready for :func:`aerospike.client`: the TLS hosts and
        ``tls_config`` when TLS is on, else the clear hosts; with security, the default
        user and password too."""
        config: dict[str, Any] = {"hosts": self.hosts}
        if self._options["tls_name"] is not None:
            config = {"hosts": self.tls_hosts, "tls": self.tls_config}
        if self._options["security"]:
            config["user"], config["password"] = self.admin_credentials
        return config

    @property
    def admin_credentials(self) -> tuple[str, str]:
        """The default user and password of a server with ``security=True``."""
        return ("admin", "admin")

    # -- TLS ---------------------------------------------------------------------------
    @property
    def tls_hosts(self) -> list[tuple[str, int, str]]:
        """``(host, tls_port, tls_name)`` of every node, in node order (empty without
        TLS)."""
        return [(h, p, n) for h, p, n in self._running().tls_hosts()]

    def _tls_files(self) -> dict[str, str]:
        files = self._running().tls_files()
        if files is None:
            from aerospike.exception import ClientError

            raise ClientError(-1, "the embedded server was started without tls=True")
        return dict(files)

    @property
    def tls_config(self) -> dict[str, Any]:
        """The ``config["tls"]`` of a client: ``{"enable": True, "cafile": ...}``, plus
        ``certfile`` and ``keyfile`` with mutual TLS."""
        return {"enable": True, **self._tls_files()}

    @property
    def tls_name(self) -> str | None:
        """The name in the server certificate (None without TLS)."""
        name: str | None = self._options["tls_name"]
        return name

    @property
    def tls_cafile(self) -> str:
        """PEM file of the CA that signed the server (and client) certificates."""
        return self._tls_files()["cafile"]

    @property
    def tls_certfile(self) -> str | None:
        """PEM file of the client certificate (mutual TLS only, else None)."""
        return self._tls_files().get("certfile")

    @property
    def tls_keyfile(self) -> str | None:
        """PEM file of the client certificate's private key (mutual TLS only, else None)."""
        return self._tls_files().get("keyfile")

    # -- cluster changes, for tests ----------------------------------------------------
    def stop_node(self, index: int) -> None:
        """Stop node ``index``: its port closes and its connections drop."""
        self._running().stop_node(index)

    def start_node(self, index: int) -> None:
        """Start a stopped node again on the same port."""
        self._running().start_node(index)

    def node_stats(self, index: int) -> dict[str, int]:
        """Counters of node ``index``: requests served and misrouted requests."""
        return dict(self._running().node_stats(index))
