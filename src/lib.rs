//! The `aerospike._aerospike` extension module: wiring only.

mod admin;
mod batch;
mod bits;
mod cdt;
mod client;
mod command;
mod config;
mod errors;
mod info;
mod keys;
mod logging;
mod operate;
mod query;
mod record;
mod security;
mod serialization;
mod server;

use pyo3::prelude::*;

/// The compiled core of the `aerospike` package.
#[pymodule]
mod _aerospike {
    #[pymodule_export]
    use crate::client::Client;
    #[pymodule_export]
    use crate::keys::{calc_digest, get_partition_id};
    #[pymodule_export]
    use crate::query::{Query, Scan};
    #[pymodule_export]
    use crate::server::EmbeddedCluster;

    use super::*;

    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        crate::logging::install();
        m.add("__version__", env!("CARGO_PKG_VERSION"))
    }
}
