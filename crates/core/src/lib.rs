//! Aerospike client core, without Python: tending, partition table, per-node pools of
//! blocking sockets, and the record commands. The PyO3 crate is one front door; Rust
//! programs use [`Client`] with [`value::Value`] directly.

pub mod admin;
pub mod auth;
pub mod batch;
pub mod client;
pub mod cluster;
pub mod error;
pub mod key;
pub mod log;
pub mod node;
pub mod policy;
pub mod query;
pub mod tls;
pub mod value;

/// The wire codec this client speaks (shared with the embedded server).
pub use aeropy_protocol as protocol;

pub use auth::Credentials;
pub use batch::{BatchBins, BatchItem, BatchReplies};
pub use client::{BinEncoder, Client, RecordVisitor, Route};
pub use cluster::{Cluster, ClusterConfig, Seed};
pub use error::{Error, Result};
pub use key::{Key, UserKey};
pub use node::{Blocking, InPlace, Node};
pub use policy::{GenerationPolicy, Policy, RecordExists, Replica, WriteMeta};
pub use query::{IndexFilter, JobInfo, QueryReplies, QuerySpec};
pub use tls::{TlsConfig, TlsOptions};
pub use value::{Bins, Record, Value};
