//! Embedded in-memory Aerospike server.
