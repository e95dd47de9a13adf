//! The Aerospike wire codec shared by the client and the embedded server.
//!
//! Pure Rust: no I/O, no async runtime, no Python. Every parser is bounds-checked and
//! returns [`ProtocolError`] on malformed input instead of panicking.
//!
//! Module map (see `docs/protocol.md` in the shared docs for the wire reference):
//! - [`frame`]: the 8-byte proto header, body limits, type-4 compression;
//! - [`msg`]: the 22-byte AS_MSG header, flag/field/op constants, [`msg::MsgWriter`]
//!   and the zero-copy [`msg::Message`] parser;
//! - [`particle`]: particle type ids and GeoJSON particle helpers;
//! - [`msgpack`]: low-level [`msgpack::Packer`]/[`msgpack::Unpacker`] and the owned
//!   [`msgpack::Value`] tree with Aerospike ordering;
//! - [`digest`]: RIPEMD-160 key digests and partition ids;
//! - [`info`]: info request/reply text;
//! - [`partitions`]: 4096-bit partition bitmaps and the `replicas` value;
//! - [`peers`]: host strings and the `peers-clear-std` value;
//! - [`query`]: scan/query field payloads (partition ids, index range);
//! - [`result_code`]: server result codes;
//! - [`batch`]: the BATCH_INDEX payload writer (rows, row and parent flags);
//! - [`admin`]: the type-2 security message (and, with the `bcrypt` feature, the
//!   client-side password hash).

pub mod admin;
pub mod batch;
pub mod digest;
mod error;
pub mod frame;
pub mod info;
pub mod msg;
pub mod msgpack;
pub mod particle;
pub mod partitions;
pub mod peers;
pub mod query;
pub mod result_code;

pub use error::ProtocolError;

#[cfg(test)]
mod vectors_tests;

/// Result alias used across the crate.
pub type Result<T, E = ProtocolError> = std::result::Result<T, E>;
