"""Stubs of the compiled core ``aerospike._aerospike``."""

from collections.abc import Sequence
from typing import Any, Callable, final

from typing_extensions import Self, TypeAlias, disjoint_base

_Key: TypeAlias = tuple[str, str | None, Any] | tuple[str, str | None, Any, Any]
_Meta: TypeAlias = dict[str, int]
_Record: TypeAlias = tuple[tuple[str, str | None, Any, bytearray], _Meta, dict[str, Any]]

__version__: str

def calc_digest(ns: str, set: str | None, key: int | str | bytes | bytearray) -> bytearray: ...
def get_partition_id(digest: bytes | bytearray) -> int: ...

@disjoint_base
class Client:
    def __new__(cls, config: dict[str, Any]) -> Self: ...
    def connect(self, username: str | None = None, password: str | None = None) -> Self: ...
    def close(self) -> None: ...
    def is_connected(self) -> bool: ...
    def put(
        self,
        key: _Key,
        bins: dict[str, Any],
        meta: _Meta | None = None,
        policy: dict[str, Any] | None = None,
        serializer: int | None = None,
    ) -> int: ...
    def get(self, key: _Key, policy: dict[str, Any] | None = None) -> _Record: ...
    def select(
        self, key: _Key, bins: Sequence[str], policy: dict[str, Any] | None = None
    ) -> _Record: ...
    def exists(
        self, key: _Key, policy: dict[str, Any] | None = None
    ) -> tuple[tuple[str, str | None, Any, bytearray], _Meta | None]: ...
    def remove(
        self, key: _Key, meta: _Meta | None = None, policy: dict[str, Any] | None = None
    ) -> int: ...
    def remove_bin(
        self,
        key: _Key,
        list: list[str],
        meta: _Meta | None = None,
        policy: dict[str, Any] | None = None,
    ) -> int: ...
    def touch(
        self,
        key: _Key,
        val: int | None = None,
        meta: _Meta | None = None,
        policy: dict[str, Any] | None = None,
    ) -> int: ...
    def append(
        self,
        key: _Key,
        bin: str,
        val: str | bytes | bytearray,
        meta: _Meta | None = None,
        policy: dict[str, Any] | None = None,
    ) -> int: ...
    def prepend(
        self,
        key: _Key,
        bin: str,
        val: str | bytes | bytearray,
        meta: _Meta | None = None,
        policy: dict[str, Any] | None = None,
    ) -> int: ...
    def increment(
        self,
        key: _Key,
        bin: str,
        offset: float,
        meta: _Meta | None = None,
        policy: dict[str, Any] | None = None,
    ) -> int: ...
    def operate(
        self,
        key: _Key,
        list: list[dict[str, Any]],
        meta: _Meta | None = None,
        policy: dict[str, Any] | None = None,
    ) -> _Record: ...
    def operate_ordered(
        self,
        key: _Key,
        list: list[dict[str, Any]],
        meta: _Meta | None = None,
        policy: dict[str, Any] | None = None,
    ) -> tuple[tuple[str, str | None, Any, bytearray], _Meta, list[tuple[str, Any]]]: ...
    def get_key_digest(
        self, ns: str, set: str | None, key: int | str | bytes | bytearray
    ) -> bytearray: ...
    def info(
        self,
        command: str,
        hosts: list[tuple[str, int]] | None = None,
        policy: dict[str, Any] | None = None,
    ) -> dict[str, tuple[Any | None, str]]: ...
    def info_all(
        self, command: str, policy: dict[str, Any] | None = None
    ) -> dict[str, tuple[Any | None, str]]: ...
    def info_node(
        self, command: str, host: tuple[str, int], policy: dict[str, Any] | None = None
    ) -> str: ...
    def info_single_node(
        self,
        command: str,
        host: str | tuple[str, int],
        policy: dict[str, Any] | None = None,
    ) -> str: ...
    def info_random_node(self, command: str, policy: dict[str, Any] | None = None) -> str: ...
    def get_nodes(self) -> list[tuple[str, int]]: ...
    def get_node_names(self) -> list[dict[str, Any]]: ...
    def scan(self, ns: str, set: str | None = None) -> Scan: ...
    def query(self, ns: str, set: str | None = None) -> Query: ...
    def index_integer_create(
        self, ns: str, set: str | None, bin: str, index_name: str, policy: Any = None
    ) -> int: ...
    def index_string_create(
        self, ns: str, set: str | None, bin: str, index_name: str, policy: Any = None
    ) -> int: ...
    def index_blob_create(
        self, ns: str, set: str | None, bin: str, index_name: str, policy: Any = None
    ) -> int: ...
    def index_geo2dsphere_create(
        self, ns: str, set: str | None, bin: str, index_name: str, policy: Any = None
    ) -> int: ...
    def index_list_create(
        self,
        ns: str,
        set: str | None,
        bin: str,
        index_datatype: int,
        index_name: str,
        policy: Any = None,
    ) -> int: ...
    def index_map_keys_create(
        self,
        ns: str,
        set: str | None,
        bin: str,
        index_datatype: int,
        index_name: str,
        policy: Any = None,
    ) -> int: ...
    def index_map_values_create(
        self,
        ns: str,
        set: str | None,
        bin: str,
        index_datatype: int,
        index_name: str,
        policy: Any = None,
    ) -> int: ...
    def index_remove(self, ns: str, index_name: str, policy: Any = None) -> int: ...
    def truncate(self, namespace: str, set: str | None, nanos: int, policy: Any = None) -> int: ...
    def udf_put(self, filename: str, udf_type: int = 0, policy: Any = None) -> int: ...
    def udf_remove(self, module: str, policy: Any = None) -> int: ...
    def udf_list(self, policy: Any = None) -> list[dict[str, Any]]: ...
    def udf_get(self, module: str, language: int = 0, policy: Any = None) -> str: ...
    def apply(
        self,
        key: _Key,
        module: str,
        function: str,
        args: list[Any],
        policy: dict[str, Any] | None = None,
    ) -> Any: ...
    def has_geo(self) -> bool: ...
    def shm_key(self) -> int | None: ...
    def get_many(
        self, keys: Sequence[_Key], policy: dict[str, Any] | None = None
    ) -> list[tuple[Any, _Meta | None, dict[str, Any] | None]]: ...
    def select_many(
        self, keys: Sequence[_Key], bins: Sequence[str], policy: dict[str, Any] | None = None
    ) -> list[tuple[Any, _Meta | None, dict[str, Any] | None]]: ...
    def exists_many(
        self, keys: Sequence[_Key], policy: dict[str, Any] | None = None
    ) -> list[tuple[Any, _Meta | None]]: ...
    def batch_read(
        self,
        keys: Sequence[_Key],
        bins: Sequence[str] | None = None,
        policy: dict[str, Any] | None = None,
    ) -> Any: ...
    def batch_operate(
        self,
        keys: Sequence[_Key],
        ops: list[dict[str, Any]],
        policy_batch: dict[str, Any] | None = None,
        policy_batch_write: dict[str, Any] | None = None,
        ttl: int | None = None,
    ) -> Any: ...
    def batch_apply(
        self,
        keys: Sequence[_Key],
        module: str,
        function: str,
        args: list[Any],
        policy_batch: dict[str, Any] | None = None,
        policy_batch_apply: dict[str, Any] | None = None,
    ) -> Any: ...
    def batch_remove(
        self,
        keys: Sequence[_Key],
        policy_batch: dict[str, Any] | None = None,
        policy_batch_remove: dict[str, Any] | None = None,
    ) -> Any: ...
    def batch_write(
        self, batch_records: Any, policy_batch: dict[str, Any] | None = None
    ) -> Any: ...
    def scan_apply(
        self,
        ns: str,
        set: str | None,
        module: str,
        function: str,
        args: list[Any] | None = None,
        policy: dict[str, Any] | None = None,
        options: dict[str, Any] | None = None,
    ) -> int: ...
    def query_apply(
        self,
        ns: str,
        set: str | None,
        predicate: Any,
        module: str,
        function: str,
        args: list[Any] | None = None,
        policy: dict[str, Any] | None = None,
    ) -> int: ...
    def job_info(
        self, job_id: int, module: str, policy: dict[str, Any] | None = None
    ) -> dict[str, int]: ...
    def scan_info(self, scan_id: int, policy: dict[str, Any] | None = None) -> dict[str, int]: ...
    def admin_create_user(
        self, username: str, password: str, roles: list[str], policy: dict[str, Any] | None = None
    ) -> int: ...
    def admin_drop_user(self, username: str, policy: dict[str, Any] | None = None) -> int: ...
    def admin_change_password(
        self, username: str, password: str, policy: dict[str, Any] | None = None
    ) -> int: ...
    def admin_set_password(
        self, username: str, password: str, policy: dict[str, Any] | None = None
    ) -> int: ...
    def admin_grant_roles(
        self, username: str, roles: list[str], policy: dict[str, Any] | None = None
    ) -> int: ...
    def admin_revoke_roles(
        self, username: str, roles: list[str], policy: dict[str, Any] | None = None
    ) -> int: ...
    def admin_query_user_info(
        self, user: str, policy: dict[str, Any] | None = None
    ) -> dict[str, Any]: ...
    def admin_query_users_info(
        self, policy: dict[str, Any] | None = None
    ) -> dict[str, dict[str, Any]]: ...
    def admin_create_role(
        self,
        role: str,
        privileges: list[dict[str, Any]],
        policy: dict[str, Any] | None = None,
        whitelist: list[str] | None = None,
        read_quota: int | None = None,
        write_quota: int | None = None,
    ) -> int: ...
    def admin_drop_role(self, role: str, policy: dict[str, Any] | None = None) -> int: ...
    def admin_grant_privileges(
        self, role: str, privileges: list[dict[str, Any]], policy: dict[str, Any] | None = None
    ) -> int: ...
    def admin_revoke_privileges(
        self, role: str, privileges: list[dict[str, Any]], policy: dict[str, Any] | None = None
    ) -> int: ...
    def admin_query_role(
        self, role: str, policy: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]: ...
    def admin_query_roles(
        self, policy: dict[str, Any] | None = None
    ) -> dict[str, list[dict[str, Any]]]: ...
    def admin_get_role(self, role: str, policy: dict[str, Any] | None = None) -> dict[str, Any]: ...
    def admin_get_roles(
        self, policy: dict[str, Any] | None = None
    ) -> dict[str, dict[str, Any]]: ...
    def admin_create_pki_user(
        self, username: str, roles: list[str], policy: dict[str, Any] | None = None
    ) -> int: ...
    def admin_set_whitelist(
        self, role: str, whitelist: list[str] | None, policy: dict[str, Any] | None = None
    ) -> int: ...
    def admin_set_quotas(
        self,
        role: str,
        read_quota: int | None = None,
        write_quota: int | None = None,
        policy: dict[str, Any] | None = None,
    ) -> int: ...

@final
class Scan:
    max_records: int
    records_per_second: int
    def apply(self, module: str, function: str, arguments: list[Any] | None = None) -> None: ...
    def add_ops(self, ops: list[dict[str, Any]]) -> None: ...
    def execute_background(self, policy: dict[str, Any] | None = None) -> int: ...
    def select(self, *bins: str | list[str]) -> None: ...
    def results(
        self, policy: dict[str, Any] | None = None, nodename: str | None = None
    ) -> list[Any]: ...
    def foreach(
        self,
        callback: Callable[[Any], Any],
        policy: dict[str, Any] | None = None,
        options: dict[str, Any] | None = None,
        nodename: str | None = None,
    ) -> None: ...

@final
class Query:
    max_records: int
    records_per_second: int
    def apply(self, module: str, function: str, arguments: list[Any] | None = None) -> None: ...
    def add_ops(self, ops: list[dict[str, Any]]) -> None: ...
    def execute_background(self, policy: dict[str, Any] | None = None) -> int: ...
    def select(self, *bins: str | list[str]) -> None: ...
    def where(self, predicate: Any, ctx: Any = None) -> Self: ...
    def results(
        self, policy: dict[str, Any] | None = None, options: dict[str, Any] | None = None
    ) -> list[Any]: ...
    def foreach(
        self,
        callback: Callable[[Any], Any],
        policy: dict[str, Any] | None = None,
        options: dict[str, Any] | None = None,
    ) -> None: ...

@final
class EmbeddedCluster:
    def __new__(
        cls,
        host: str = "127.0.0.1",
        port: int = 0,
        nodes: int = 1,
        namespaces: list[str] = ...,
        cluster_name: str = "embedded",
        default_ttl: int = 0,
        replication_factor: int = 1,
        rack_ids: list[int] | None = None,
        tls_name: str | None = None,
        tls_mutual: bool = False,
        security: bool = False,
    ) -> Self: ...
    def hosts(self) -> list[tuple[str, int]]: ...
    def tls_hosts(self) -> list[tuple[str, int, str]]: ...
    def tls_files(self) -> dict[str, str] | None: ...
    def stop_node(self, i: int) -> None: ...
    def start_node(self, i: int) -> None: ...
    def node_stats(self, i: int) -> dict[str, int]: ...
    def shutdown(self) -> None: ...
