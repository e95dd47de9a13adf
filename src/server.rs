//! `EmbeddedCluster`: the embedded server (`aeropy_server::Cluster`) from Python.

use pyo3::prelude::*;

use crate::errors::client_err;

/// Placeholder until the server crate exposes `Cluster`.
#[pyclass(module = "aerospike._aerospike", frozen)]
pub struct EmbeddedCluster {}

#[pymethods]
impl EmbeddedCluster {
    #[new]
    #[pyo3(signature = (host="127.0.0.1", port=0, nodes=1, namespaces=vec!["test".to_string()], cluster_name="embedded", default_ttl=0))]
    fn new(py: Python<'_>, host: &str, port: u16, nodes: usize, namespaces: Vec<String>, cluster_name: &str, default_ttl: u32) -> PyResult<Self> {
        let _ = (host, port, nodes, namespaces, cluster_name, default_ttl);
        Err(client_err(py, "the embedded server is not built yet"))
    }
}
