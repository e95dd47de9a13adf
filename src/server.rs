//! `EmbeddedCluster`: the embedded server (`aeropy_server::Cluster`) from Python.

use std::sync::Mutex;

use aeropy_server::{Cluster, ClusterConfig, NamespaceConfig, TlsOptions, MAX_NODES};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::errors::{client_err, param_err};

/// A running embedded cluster; `aerospike.testing.Server` wraps it.
#[pyclass(module = "aerospike._aerospike", frozen)]
pub struct EmbeddedCluster {
    cluster: Mutex<Option<Cluster>>,
}

impl EmbeddedCluster {
    fn with<T>(&self, py: Python<'_>, f: impl FnOnce(&mut Cluster) -> PyResult<T>) -> PyResult<T> {
        let mut guard = self
            .cluster
            .lock()
            .map_err(|_| client_err(py, "embedded cluster lock poisoned"))?;
        match guard.as_mut() {
            Some(c) => f(c),
            None => Err(client_err(py, "the embedded server was shut down")),
        }
    }

    fn check_index(py: Python<'_>, c: &Cluster, i: usize) -> PyResult<()> {
        if i >= c.len() {
            return Err(param_err(
                py,
                format!(
                    "node index {i} out of range (cluster has {} nodes)",
                    c.len()
                ),
            ));
        }
        Ok(())
    }
}

#[pymethods]
impl EmbeddedCluster {
    #[new]
    #[pyo3(signature = (host="127.0.0.1", port=0, nodes=1, namespaces=vec!["test".to_string(), "bar".to_string()], cluster_name="embedded", default_ttl=0, replication_factor=1, rack_ids=None, tls_name=None, tls_mutual=false, security=false))]
    #[allow(clippy::too_many_arguments)] // mirrors the keyword arguments of testing.Server
    fn new(
        py: Python<'_>,
        host: &str,
        port: u16,
        nodes: usize,
        namespaces: Vec<String>,
        cluster_name: &str,
        default_ttl: u32,
        replication_factor: u8,
        rack_ids: Option<Vec<u32>>,
        tls_name: Option<String>,
        tls_mutual: bool,
        security: bool,
    ) -> PyResult<Self> {
        if nodes == 0 || nodes > MAX_NODES {
            return Err(param_err(
                py,
                format!("nodes must be between 1 and {MAX_NODES}"),
            ));
        }
        if namespaces.is_empty() {
            return Err(param_err(py, "namespaces must not be empty"));
        }
        if replication_factor == 0 {
            return Err(param_err(py, "replication_factor must be at least 1"));
        }
        if rack_ids.as_ref().is_some_and(|r| r.len() != nodes) {
            return Err(param_err(py, "rack_ids must give one rack id per node"));
        }
        if tls_name.as_deref() == Some("") {
            return Err(param_err(py, "tls_name must not be empty"));
        }
        if tls_mutual && tls_name.is_none() {
            return Err(param_err(py, "tls_mutual needs tls_name (TLS is off)"));
        }
        let cfg = ClusterConfig {
            host: host.to_string(),
            port,
            nodes,
            namespaces: namespaces
                .iter()
                .map(|n| NamespaceConfig {
                    default_ttl,
                    replication_factor,
                    ..NamespaceConfig::new(n)
                })
                .collect(),
            cluster_name: cluster_name.to_string(),
            tls: tls_name.map(|name| TlsOptions {
                name,
                mutual: tls_mutual,
                ..TlsOptions::default()
            }),
            security,
        };
        let cluster = py.detach(|| Cluster::start(cfg)).map_err(|e| {
            let msg = format!("cannot start the embedded server: {e}");
            if e.kind() == std::io::ErrorKind::InvalidInput {
                param_err(py, msg) // e.g. a TLS name no certificate can carry
            } else {
                client_err(py, msg)
            }
        })?;
        if let Some(racks) = rack_ids {
            cluster.set_rack_ids(&racks);
        }
        Ok(EmbeddedCluster {
            cluster: Mutex::new(Some(cluster)),
        })
    }

    /// `(host, port)` of every node, in node order.
    fn hosts(&self, py: Python<'_>) -> PyResult<Vec<(String, u16)>> {
        self.with(py, |c| Ok(c.hosts()))
    }

    /// `(host, tls_port, tls_name)` of every node, in node order (empty without TLS).
    fn tls_hosts(&self, py: Python<'_>) -> PyResult<Vec<(String, u16, String)>> {
        self.with(py, |c| Ok(c.tls_hosts()))
    }

    /// PEM files for clients: `cafile`, and with mutual TLS `certfile` and `keyfile`
    /// (None without TLS).
    fn tls_files<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        let files = self.with(py, |c| {
            let path = |p: Option<&std::path::Path>| p.map(|p| p.to_string_lossy().into_owned());
            Ok(path(c.tls_ca_file()).map(|ca| {
                (
                    ca,
                    path(c.tls_client_cert_file()),
                    path(c.tls_client_key_file()),
                )
            }))
        })?;
        let Some((ca, cert, key)) = files else {
            return Ok(None);
        };
        let d = PyDict::new(py);
        d.set_item("cafile", ca)?;
        if let Some(cert) = cert {
            d.set_item("certfile", cert)?;
        }
        if let Some(key) = key {
            d.set_item("keyfile", key)?;
        }
        Ok(Some(d))
    }

    /// Stops node `i` (its port closes, its partitions move to the other nodes).
    fn stop_node(&self, py: Python<'_>, i: usize) -> PyResult<()> {
        self.with(py, |c| {
            Self::check_index(py, c, i)?;
            py.detach(|| c.stop_node(i));
            Ok(())
        })
    }

    /// Restarts node `i` on the same port.
    fn start_node(&self, py: Python<'_>, i: usize) -> PyResult<()> {
        self.with(py, |c| {
            Self::check_index(py, c, i)?;
            py.detach(|| c.start_node(i))
                .map_err(|e| client_err(py, format!("cannot restart node {i}: {e}")))
        })
    }

    /// Counters of node `i`: requests, misroutes, info_requests, connections.
    fn node_stats<'py>(&self, py: Python<'py>, i: usize) -> PyResult<Bound<'py, PyDict>> {
        let n = self.with(py, |c| {
            Self::check_index(py, c, i)?;
            Ok(c.counters(i))
        })?;
        let d = PyDict::new(py);
        d.set_item("requests", n.requests)?;
        d.set_item("misroutes", n.misroutes)?;
        d.set_item("info_requests", n.info_requests)?;
        d.set_item("connections", n.connections)?;
        Ok(d)
    }

    /// Stops every node; the ports are free afterwards. Idempotent.
    fn shutdown(&self, py: Python<'_>) -> PyResult<()> {
        let taken = self.cluster.lock().ok().and_then(|mut g| g.take());
        if let Some(mut c) = taken {
            py.detach(move || c.shutdown());
        }
        Ok(())
    }
}
