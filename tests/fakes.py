"""Building blocks of the fake endpoints tests put on 127.0.0.1 (relays, secured or
silent servers): a listener with a thread per connection, and frame reading."""

from __future__ import annotations

import socket
import threading


def recv_exact(s: socket.socket, n: int) -> bytes:
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            raise ConnectionError("closed")
        buf += chunk
    return buf


def recv_frame(s: socket.socket) -> bytes:
    """One whole frame: the 8-byte proto header and its body."""
    head = recv_exact(s, 8)
    return head + recv_exact(s, int.from_bytes(head[2:], "big"))


def shutdown(*socks: socket.socket) -> None:
    """Shuts sockets down both ways (a peer blocked on them wakes up); closed ones too."""
    for s in socks:
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


class Endpoint:
    """Listens on 127.0.0.1 (a free port) and runs ``serve(conn)`` in a thread per
    accepted connection; ``accepted(conn)`` runs first, in the accept loop."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self.listener.getsockname()[1]
        self.lock = threading.Lock()
        threading.Thread(target=self._accept_loop, daemon=True).start()

    def _accept_loop(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self.accepted(conn)
            threading.Thread(target=self.serve, args=(conn,), daemon=True).start()

    def accepted(self, conn: socket.socket) -> None:
        """Called for each new connection before it is served."""

    def serve(self, conn: socket.socket) -> None:
        raise NotImplementedError

    def close(self) -> None:
        self.listener.close()
