//! Embedded in-memory Aerospike server speaking the real wire protocol.
//!
//! Start a cluster of one or more nodes on loopback, point any Aerospike client at
//! [`Cluster::hosts`], and stop/restart nodes or move partitions to exercise tending.
//! Nodes share one store (like proxying real servers) but count requests that reach a
//! node that does not own the partition ([`Cluster::counters`], info `embedded-stats`).
//!
//! ```no_run
//! use aeropy_server::{Cluster, ClusterConfig};
//! let cluster = Cluster::start(ClusterConfig { nodes: 3, ..ClusterConfig::default() })?;
//! println!("{:?}", cluster.hosts());
//! # Ok::<(), std::io::Error>(())
//! ```

mod batch;
mod bits;
mod cdt;
mod cdt_ctx;
mod cdt_map;
mod cdt_select;
mod cluster;
mod exp;
mod geo;
mod hll;
mod info;
mod jobs;
mod lua;
mod node;
mod ops;
mod record;
mod scan;
mod security;
mod sindex;
mod store;
mod tls;
mod udf;

#[cfg(test)]
mod fuzz_tests;

pub use cluster::{Cluster, ClusterConfig, NamespaceConfig, NodeCounters, MAX_NODES};
pub use info::BUILD;
pub use tls::TlsOptions;
