"""Metrics classes: the policy and listeners of ``Client.enable_metrics`` and the stats objects.

The stats classes take no constructor arguments: the client creates them and sets the
attributes listed on each class, as the official client does.
"""

from __future__ import annotations

from typing import Callable

__all__ = [
    "Cluster",
    "ClusterStats",
    "ConnectionStats",
    "MetricsListeners",
    "MetricsPolicy",
    "NamespaceMetrics",
    "Node",
    "NodeStats",
]


class ConnectionStats:
    """Connection statistics of one node."""

    in_use: int
    in_pool: int
    opened: int
    closed: int
    recovered: int
    aborted: int


class NamespaceMetrics:
    """Per node and namespace metrics: traffic, error counts and latency histograms."""

    ns: str
    bytes_in: int
    bytes_out: int
    error_count: int
    timeout_count: int
    key_busy_count: int
    conn_latency: list[int]
    write_latency: list[int]
    read_latency: list[int]
    batch_latency: list[int]
    query_latency: list[int]


class Node:
    """A server node as seen by the metrics listeners."""

    name: str
    address: str
    port: int
    conns: ConnectionStats
    metrics: list[NamespaceMetrics]


class Cluster:
    """The cluster as seen by the metrics listeners."""

    cluster_name: str | None
    app_id: str
    invalid_node_count: int
    command_count: int
    retry_count: int
    nodes: list[Node]


class NodeStats:
    """Statistics of one node (``Client.get_stats()``)."""

    name: str
    address: str
    port: int
    conns: ConnectionStats
    error_count: int
    timeout_count: int
    key_busy_count: int


class ClusterStats:
    """Cluster statistics (``Client.get_stats()``)."""

    nodes: list[NodeStats]
    retry_count: int
    thread_pool_queued_tasks: int
    recover_queue_size: int


class MetricsListeners:
    """Callbacks of the metrics events."""

    def __init__(
        self,
        enable_listener: Callable[[], None],
        snapshot_listener: Callable[[Cluster], None],
        node_close_listener: Callable[[Node], None],
        disable_listener: Callable[[Cluster], None],
    ) -> None:
        self.enable_listener = enable_listener
        self.snapshot_listener = snapshot_listener
        self.node_close_listener = node_close_listener
        self.disable_listener = disable_listener


class MetricsPolicy:
    """Policy of ``Client.enable_metrics``."""

    def __init__(
        self,
        metrics_listeners: MetricsListeners | None = None,
        report_dir: str = ".",
        report_size_limit: int = 0,
        interval: int = 30,
        latency_columns: int = 7,
        latency_shift: int = 1,
        labels: dict[str, str] | None = None,
    ) -> None:
        self.metrics_listeners = metrics_listeners
        self.report_dir = report_dir
        self.report_size_limit = report_size_limit
        self.interval = interval
        self.latency_columns = latency_columns
        self.latency_shift = latency_shift
        # a fresh dict per policy (the official default is one shared {})
        self.labels = {} if labels is None else labels
