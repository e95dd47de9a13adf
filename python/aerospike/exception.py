"""Exceptions raised by the Aerospike client (``aerospike.exception``).

Same class names, parent classes and numeric ``code`` class attributes as the official
client 19.x. Every instance carries ``code``, ``msg``, ``file``, ``line`` and ``in_doubt``,
also reachable as ``exc.args[0..4]`` in that order.

The Rust layer builds instances with :func:`make` (or picks a class with
:func:`exception_for_code`), so the class choice lives in one place.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "AdminError",
    "AerospikeError",
    "AlwaysForbidden",
    "AsyncConnectionError",
    "BatchDisabledError",
    "BatchFailed",
    "BatchMaxRequestError",
    "BatchQueueFullError",
    "BinExistsError",
    "BinIncompatibleType",
    "BinNameError",
    "BinNotFound",
    "ClientAbortError",
    "ClientError",
    "ClusterChangeError",
    "ClusterError",
    "ConnectionError",
    "DeviceOverload",
    "ElementExistsError",
    "ElementNotFoundError",
    "ExpiredPassword",
    "FilteredOut",
    "ForbiddenError",
    "ForbiddenPassword",
    "IllegalState",
    "IndexError",
    "IndexFoundError",
    "IndexNameMaxCount",
    "IndexNameMaxLen",
    "IndexNotFound",
    "IndexNotReadable",
    "IndexOOM",
    "InvalidCommand",
    "InvalidCredential",
    "InvalidField",
    "InvalidGeoJSON",
    "InvalidHostError",
    "InvalidNodeError",
    "InvalidPassword",
    "InvalidPrivilege",
    "InvalidQuota",
    "InvalidRequest",
    "InvalidRole",
    "InvalidUser",
    "InvalidWhitelist",
    "LostConflict",
    "LuaFileNotFound",
    "MaxErrorRateExceeded",
    "MaxRetriesExceeded",
    "NamespaceNotFound",
    "NoMoreConnectionsError",
    "NoResponse",
    "NotAuthenticated",
    "NotWhitelisted",
    "OpNotApplicable",
    "ParamError",
    "QueryAbortedError",
    "QueryError",
    "QueryQueueFull",
    "QueryTimeout",
    "QuotaExceeded",
    "QuotasNotEnabled",
    "RecordBusy",
    "RecordError",
    "RecordExistsError",
    "RecordGenerationError",
    "RecordKeyMismatch",
    "RecordNotFound",
    "RecordTooBig",
    "RoleExistsError",
    "RoleViolation",
    "ScanAbortedError",
    "SecurityNotEnabled",
    "SecurityNotSupported",
    "SecuritySchemeNotSupported",
    "ServerError",
    "ServerFull",
    "TLSError",
    "TimeoutError",
    "TransactionAlreadyAborted",
    "TransactionAlreadyCommitted",
    "TransactionFailed",
    "UDFError",
    "UDFNotFound",
    "UnsupportedFeature",
    "UserExistsError",
    "exception_for_code",
    "make",
]

# Order of the positional args; the official client documents ``exc.args[i]`` by this order.
_ARG_ATTRS = ("code", "msg", "file", "line", "in_doubt")


class AerospikeError(Exception):
    """Parent of every exception raised by the client.

    ``args`` is ``(code, msg, file, line, in_doubt)``; each is also an attribute.
    Attributes not given fall back to the class values (``code`` of the class, else None).
    """

    code: int | None = None
    subcode: int | None = None
    msg: str | None = None
    file: str | None = None
    line: int | None = None
    in_doubt: bool | None = None

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        for name, value in zip(_ARG_ATTRS, args):
            setattr(self, name, value)


# --- client side -------------------------------------------------------------------------


class ClientError(AerospikeError):
    """Client-side error, often misconfiguration or misuse of the API."""

    code = -1


class ServerError(AerospikeError):
    """An error returned by the cluster."""

    code: int | None = 1


class TimeoutError(AerospikeError):  # name fixed by the official client
    """The command timed out (client or server side)."""

    code = 9


class ParamError(ClientError):
    """Invalid parameters."""

    code = -2


class InvalidHostError(ClientError):
    """Host name could not be found in DNS lookup."""

    code = -4


class ConnectionError(ClientError):  # name fixed by the official client
    """Synchronous connection error."""

    code = -10


class TLSError(ClientError):
    """TLS error."""

    code = -9


class BatchFailed(ClientError):
    """One or more keys failed in a batch."""

    code = -16


class NoResponse(ClientError):
    """No response received from the server."""

    code = -15


class MaxErrorRateExceeded(ClientError):
    """The maximum error rate of a node was exceeded."""

    code = -14


class MaxRetriesExceeded(ClientError):
    """Max retries limit reached."""

    code = -12


class InvalidNodeError(ClientError):
    """Node invalid or could not be found."""

    code = -8


class NoMoreConnectionsError(ClientError):
    """All connections of a node are in use."""

    code = -7


class AsyncConnectionError(ClientError):
    """Asynchronous connection error."""

    code = -6


class ClientAbortError(ClientError):
    """Query or scan aborted in the user's callback."""

    code = -5


class TransactionFailed(ClientError):
    """Transaction failed."""

    code = -17


class TransactionAlreadyCommitted(ClientError):
    """Abort called on an already committed transaction."""

    code = -18


class TransactionAlreadyAborted(ClientError):
    """Commit called on an already aborted transaction."""

    code = -19


# --- server side -------------------------------------------------------------------------


class InvalidRequest(ServerError):
    """Request protocol invalid, or invalid protocol field."""

    code = 4


class ServerFull(ServerError):
    """The node is out of memory or storage for the namespace."""

    code = 8


class AlwaysForbidden(ServerError):
    """Operation not allowed in the current configuration."""

    code = 10


class UnsupportedFeature(ServerError):
    """The server does not support this feature."""

    code = 16


class DeviceOverload(ServerError):
    """The device is not keeping up with writes."""

    code = 18


class NamespaceNotFound(ServerError):
    """The namespace does not exist."""

    code = 20


class ForbiddenError(ServerError):
    """Operation not allowed at this time."""

    code = 22


class QueryError(ServerError):
    """Generic query error."""

    code = 213


class ClusterError(ServerError):
    """Cluster discovery or connection error."""

    code = 11


class InvalidGeoJSON(ServerError):
    """Invalid GeoJSON."""

    code = 160


class OpNotApplicable(ServerError):
    """The operation cannot be applied to the current bin value."""

    code = 26


class FilteredOut(ServerError):
    """The command was not performed: the filter expression was false."""

    code = 27


class LostConflict(ServerError):
    """Write command lost a conflict to an XDR write."""

    code = 28


class ScanAbortedError(ServerError):
    """Scan aborted by the user."""

    code = 15


class ElementNotFoundError(ServerError):
    """CDT element not found."""

    code = 23


class ElementExistsError(ServerError):
    """CDT element already exists."""

    code = 24


class BatchDisabledError(ServerError):
    """Batch functionality is disabled on the server."""

    code = 150


class BatchMaxRequestError(ServerError):
    """Batch max requests exceeded."""

    code = 151


class BatchQueueFullError(ServerError):
    """All batch queues are full."""

    code = 152


class QueryAbortedError(ServerError):
    """Query aborted."""

    code = 210


class ClusterChangeError(ClusterError):
    """The cluster changed during the command."""

    code = 7


class RecordError(ServerError):
    """Record-level error; may carry ``key`` and ``bin``."""

    code: int | None = None
    key: tuple | None = None
    bin: str | None = None


class RecordKeyMismatch(RecordError):
    """The stored key does not match the key sent."""

    code = 19


class RecordNotFound(RecordError):
    """The record does not exist."""

    code = 2


class RecordGenerationError(RecordError):
    """Generation check failed."""

    code = 3


class RecordExistsError(RecordError):
    """The record already exists (create-only write)."""

    code = 5


class RecordTooBig(RecordError):
    """The record is larger than the write block."""

    code = 13


class RecordBusy(RecordError):
    """Too many concurrent commands on the record (hot key)."""

    code = 14


class BinNameError(RecordError):
    """Bin name too long, or too many bin names."""

    code = 21


class BinIncompatibleType(RecordError):
    """The operation does not fit the bin's type."""

    code = 12


class BinExistsError(RecordError):
    """The bin already exists."""

    code = 6


class BinNotFound(RecordError):
    """The bin does not exist."""

    code = 17


class IndexError(ServerError):  # name fixed by the official client
    """Secondary index error; may carry ``name``."""

    code = 204
    name: str | None = None


class IndexNotFound(IndexError):
    """The index does not exist."""

    code = 201


class IndexFoundError(IndexError):
    """The index already exists."""

    code = 200


class IndexOOM(IndexError):
    """Index out of memory."""

    code = 202


class IndexNotReadable(IndexError):
    """The index is not readable yet."""

    code = 203


class IndexNameMaxLen(IndexError):
    """Index name too long."""

    code = 205


class IndexNameMaxCount(IndexError):
    """Too many indexes."""

    code = 206


class UDFError(ServerError):
    """UDF error; may carry ``module`` and ``func``."""

    code = 100
    module: str | None = None
    func: str | None = None


class UDFNotFound(UDFError):
    """The UDF does not exist."""

    code = 1301


class LuaFileNotFound(UDFError):
    """The Lua file does not exist."""

    code = 1302


class AdminError(ServerError):
    """Security / user administration error."""

    code: int | None = None


class SecurityNotSupported(AdminError):
    """Security is not supported by the server."""

    code = 51


class SecurityNotEnabled(AdminError):
    """Security is not enabled on the server."""

    code = 52


class SecuritySchemeNotSupported(AdminError):
    """The security scheme is not supported."""

    code = 53


class InvalidCommand(AdminError):
    """Unknown administration command."""

    code = 54


class InvalidField(AdminError):
    """Invalid administration field."""

    code = 55


class IllegalState(AdminError):
    """Security protocol not followed."""

    code = 56


class InvalidUser(AdminError):
    """Invalid user name."""

    code = 60


class UserExistsError(AdminError):
    """The user already exists."""

    code = 61


class InvalidPassword(AdminError):
    """Invalid password."""

    code = 62


class ExpiredPassword(AdminError):
    """The password expired."""

    code = 63


class ForbiddenPassword(AdminError):
    """Forbidden password (e.g. recently used)."""

    code = 64


class InvalidCredential(AdminError):
    """Invalid credential or login mismatch."""

    code = 65


class InvalidRole(AdminError):
    """Invalid role name."""

    code = 70


class RoleExistsError(AdminError):
    """The role already exists."""

    code = 71


class RoleViolation(AdminError):
    """The user lacks the privilege for the command."""

    code = 81


class InvalidPrivilege(AdminError):
    """Invalid privilege."""

    code = 72


class NotAuthenticated(AdminError):
    """The user is not authenticated."""

    code = 80


class InvalidWhitelist(AdminError):
    """Invalid IP allowlist."""

    code = 73


class NotWhitelisted(AdminError):
    """The client address is not in the allowlist."""

    code = 82


class QuotasNotEnabled(AdminError):
    """Quotas are not enabled on the server."""

    code = 74


class InvalidQuota(AdminError):
    """Invalid quota."""

    code = 75


class QuotaExceeded(AdminError):
    """A quota was exceeded."""

    code = 83


class QueryQueueFull(QueryError):
    """The query queue is full."""

    code = 211


class QueryTimeout(QueryError):
    """The query timed out on the server."""

    code = 212


def _collect() -> dict[int, type[AerospikeError]]:
    table: dict[int, type[AerospikeError]] = {}
    for name in __all__:
        cls = globals().get(name)
        if isinstance(cls, type) and issubclass(cls, AerospikeError) and cls.code is not None:
            table.setdefault(cls.code, cls)
    return table


_BY_CODE: dict[int, type[AerospikeError]] = _collect()

# Attributes some classes carry besides the five positional ones (set only where defined).
_EXTRA_ATTRS = ("subcode", "key", "bin", "module", "func", "name")


def exception_for_code(code: int) -> type[AerospikeError]:
    """Return the exception class for a client (< 0) or server (>= 0) result code.

    Unknown negative codes map to :class:`ClientError`, other unknown codes to
    :class:`ServerError`.
    """
    cls = _BY_CODE.get(code)
    if cls is not None:
        return cls
    return ClientError if code < 0 else ServerError


def make(
    code: int,
    msg: str | None = None,
    file: str | None = None,
    line: int | None = None,
    in_doubt: bool = False,
    **extra: Any,
) -> AerospikeError:
    """Build the exception instance for ``code`` (the Rust layer calls this).

    ``args`` is ``(code, msg, file, line, in_doubt)``. Keyword ``extra`` may set
    ``subcode``, and on the classes that define them ``key``/``bin`` (RecordError),
    ``name`` (IndexError), ``module``/``func`` (UDFError); others are ignored.
    """
    cls = exception_for_code(code)
    exc = cls(code, msg, file, line, in_doubt)
    for attr in _EXTRA_ATTRS:
        if attr in extra and (attr == "subcode" or hasattr(cls, attr)):
            setattr(exc, attr, extra[attr])
    return exc
