"""aerospike.exception: the class tree, codes, args layout and the Rust-facing helpers."""

from __future__ import annotations

import pickle

import pytest
from aerospike import exception as ex

# (class name, parent class name, code class attribute) as in the official client 19.x
EXCEPTION_TABLE = [
    ("AerospikeError", "Exception", None),
    ("ClientError", "AerospikeError", -1),
    ("ServerError", "AerospikeError", 1),
    ("TimeoutError", "AerospikeError", 9),
    ("ParamError", "ClientError", -2),
    ("InvalidHostError", "ClientError", -4),
    ("ConnectionError", "ClientError", -10),
    ("TLSError", "ClientError", -9),
    ("BatchFailed", "ClientError", -16),
    ("NoResponse", "ClientError", -15),
    ("MaxErrorRateExceeded", "ClientError", -14),
    ("MaxRetriesExceeded", "ClientError", -12),
    ("InvalidNodeError", "ClientError", -8),
    ("NoMoreConnectionsError", "ClientError", -7),
    ("AsyncConnectionError", "ClientError", -6),
    ("ClientAbortError", "ClientError", -5),
    ("TransactionFailed", "ClientError", -17),
    ("TransactionAlreadyCommitted", "ClientError", -18),
    ("TransactionAlreadyAborted", "ClientError", -19),
    ("InvalidRequest", "ServerError", 4),
    ("ServerFull", "ServerError", 8),
    ("AlwaysForbidden", "ServerError", 10),
    ("UnsupportedFeature", "ServerError", 16),
    ("DeviceOverload", "ServerError", 18),
    ("NamespaceNotFound", "ServerError", 20),
    ("ForbiddenError", "ServerError", 22),
    ("QueryError", "ServerError", 213),
    ("ClusterError", "ServerError", 11),
    ("InvalidGeoJSON", "ServerError", 160),
    ("OpNotApplicable", "ServerError", 26),
    ("FilteredOut", "ServerError", 27),
    ("LostConflict", "ServerError", 28),
    ("ScanAbortedError", "ServerError", 15),
    ("ElementNotFoundError", "ServerError", 23),
    ("ElementExistsError", "ServerError", 24),
    ("BatchDisabledError", "ServerError", 150),
    ("BatchMaxRequestError", "ServerError", 151),
    ("BatchQueueFullError", "ServerError", 152),
    ("QueryAbortedError", "ServerError", 210),
    ("ClusterChangeError", "ClusterError", 7),
    ("RecordError", "ServerError", None),
    ("RecordKeyMismatch", "RecordError", 19),
    ("RecordNotFound", "RecordError", 2),
    ("RecordGenerationError", "RecordError", 3),
    ("RecordExistsError", "RecordError", 5),
    ("RecordTooBig", "RecordError", 13),
    ("RecordBusy", "RecordError", 14),
    ("BinNameError", "RecordError", 21),
    ("BinIncompatibleType", "RecordError", 12),
    ("BinExistsError", "RecordError", 6),
    ("BinNotFound", "RecordError", 17),
    ("IndexError", "ServerError", 204),
    ("IndexNotFound", "IndexError", 201),
    ("IndexFoundError", "IndexError", 200),
    ("IndexOOM", "IndexError", 202),
    ("IndexNotReadable", "IndexError", 203),
    ("IndexNameMaxLen", "IndexError", 205),
    ("IndexNameMaxCount", "IndexError", 206),
    ("UDFError", "ServerError", 100),
    ("UDFNotFound", "UDFError", 1301),
    ("LuaFileNotFound", "UDFError", 1302),
    ("AdminError", "ServerError", None),
    ("SecurityNotSupported", "AdminError", 51),
    ("SecurityNotEnabled", "AdminError", 52),
    ("SecuritySchemeNotSupported", "AdminError", 53),
    ("InvalidCommand", "AdminError", 54),
    ("InvalidField", "AdminError", 55),
    ("IllegalState", "AdminError", 56),
    ("InvalidUser", "AdminError", 60),
    ("UserExistsError", "AdminError", 61),
    ("InvalidPassword", "AdminError", 62),
    ("ExpiredPassword", "AdminError", 63),
    ("ForbiddenPassword", "AdminError", 64),
    ("InvalidCredential", "AdminError", 65),
    ("InvalidRole", "AdminError", 70),
    ("RoleExistsError", "AdminError", 71),
    ("RoleViolation", "AdminError", 81),
    ("InvalidPrivilege", "AdminError", 72),
    ("NotAuthenticated", "AdminError", 80),
    ("InvalidWhitelist", "AdminError", 73),
    ("NotWhitelisted", "AdminError", 82),
    ("QuotasNotEnabled", "AdminError", 74),
    ("InvalidQuota", "AdminError", 75),
    ("QuotaExceeded", "AdminError", 83),
    ("QueryQueueFull", "QueryError", 211),
    ("QueryTimeout", "QueryError", 212),
]

BY_NAME = {name: (parent, code) for name, parent, code in EXCEPTION_TABLE}


def test_table_covers_the_module() -> None:
    classes = {
        name
        for name, obj in vars(ex).items()
        if isinstance(obj, type) and issubclass(obj, BaseException)
    }
    assert classes == set(BY_NAME)
    assert set(BY_NAME) <= set(ex.__all__)


@pytest.mark.parametrize(("name", "parent", "code"), EXCEPTION_TABLE)
def test_class_parent_and_code(name: str, parent: str, code: int | None) -> None:
    cls = getattr(ex, name)
    assert cls.__bases__ == ((Exception,) if parent == "Exception" else (getattr(ex, parent),))
    assert "code" in cls.__dict__
    assert cls.code == code
    assert issubclass(cls, ex.AerospikeError)


@pytest.mark.parametrize(
    ("name", "parent", "code"), [r for r in EXCEPTION_TABLE if r[2] is not None]
)
def test_exception_for_code_maps_back_to_the_class(name: str, parent: str, code: int) -> None:
    assert ex.exception_for_code(code) is getattr(ex, name)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (-3, ex.ClientError),  # AEROSPIKE_NO_MORE_RECORDS: no class of its own
        (-11, ex.ClientError),
        (-13, ex.ClientError),
        (-999, ex.ClientError),
        (25, ex.ServerError),
        (29, ex.ServerError),
        (214, ex.ServerError),
        (9999, ex.ServerError),
        (9, ex.TimeoutError),
        (1, ex.ServerError),
        (-1, ex.ClientError),
    ],
)
def test_exception_for_unknown_codes(code: int, expected: type) -> None:
    assert ex.exception_for_code(code) is expected


@pytest.mark.parametrize(
    ("code", "cls", "catch_as"),
    [
        (2, ex.RecordNotFound, ex.RecordError),
        (3, ex.RecordGenerationError, ex.ServerError),
        (5, ex.RecordExistsError, ex.RecordError),
        (-2, ex.ParamError, ex.ClientError),
        (-10, ex.ConnectionError, ex.ClientError),
        (7, ex.ClusterChangeError, ex.ClusterError),
        (201, ex.IndexNotFound, ex.IndexError),
        (1301, ex.UDFNotFound, ex.UDFError),
        (80, ex.NotAuthenticated, ex.AdminError),
        (212, ex.QueryTimeout, ex.QueryError),
        (9, ex.TimeoutError, ex.AerospikeError),
    ],
)
def test_make_builds_the_right_instance(code: int, cls: type, catch_as: type) -> None:
    exc = ex.make(code, "boom", "src/client.rs", 42, True)
    assert type(exc) is cls
    assert exc.args == (code, "boom", "src/client.rs", 42, True)
    assert (exc.code, exc.msg, exc.file, exc.line, exc.in_doubt) == exc.args
    with pytest.raises(catch_as) as info:
        raise exc
    assert info.value.args[4] is True


def test_make_defaults() -> None:
    exc = ex.make(-2, "bad key")
    assert exc.args == (-2, "bad key", None, None, False)
    assert exc.in_doubt is False
    assert exc.subcode is None


@pytest.mark.parametrize(
    ("code", "extra", "expected"),
    [
        (2, {"key": ("test", "demo", 1), "bin": "b"}, {"key": ("test", "demo", 1), "bin": "b"}),
        (204, {"name": "idx"}, {"name": "idx"}),
        (100, {"module": "m", "func": "f"}, {"module": "m", "func": "f"}),
        (2, {"subcode": 7}, {"subcode": 7}),
    ],
)
def test_make_extra_attributes(code: int, extra: dict, expected: dict) -> None:
    exc = ex.make(code, "m", **extra)
    for attr, value in expected.items():
        assert getattr(exc, attr) == value


def test_make_ignores_attributes_the_class_lacks() -> None:
    exc = ex.make(-2, "m", key=("a", "b", 1), name="idx")
    assert not hasattr(exc, "key")
    assert not hasattr(exc, "name")


@pytest.mark.parametrize(
    ("cls", "attrs"),
    [
        (ex.AerospikeError, ("code", "msg", "file", "line", "in_doubt", "subcode")),
        (ex.RecordError, ("key", "bin")),
        (ex.IndexError, ("name",)),
        (ex.UDFError, ("module", "func")),
    ],
)
def test_class_level_attributes_default_to_none(cls: type, attrs: tuple[str, ...]) -> None:
    for attr in attrs:
        assert hasattr(cls, attr)
        if attr != "code":
            assert getattr(cls, attr) is None


def test_plain_construction_like_the_official_client() -> None:
    bare = ex.RecordNotFound()
    assert bare.args == ()
    assert bare.code == 2
    assert bare.msg is None
    full = ex.ParamError(-2, "Hosts must be a list", "src/main/client/type.c", 1373, False)
    assert full.msg == "Hosts must be a list"
    assert str(full) == "(-2, 'Hosts must be a list', 'src/main/client/type.c', 1373, False)"


def test_instances_do_not_leak_into_the_class() -> None:
    ex.make(2, "first", "f.rs", 1)
    assert ex.RecordNotFound.msg is None
    assert ex.make(2, "second").msg == "second"


def test_pickle_round_trip() -> None:
    exc = ex.make(5, "exists", "f.rs", 9, False)
    back = pickle.loads(pickle.dumps(exc))
    assert type(back) is ex.RecordExistsError
    assert back.args == exc.args
    assert back.msg == "exists"


def test_builtin_names_are_not_the_builtins() -> None:
    assert ex.TimeoutError is not TimeoutError
    assert ex.IndexError is not IndexError
    assert ex.ConnectionError is not ConnectionError
    assert not issubclass(ex.TimeoutError, ex.ClientError)
