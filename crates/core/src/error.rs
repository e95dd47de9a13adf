//! The one error type of the client core.

use std::fmt;

/// Result alias used throughout the core.
pub type Result<T> = std::result::Result<T, Error>;

/// Every failure the client can report. `src/errors.rs` maps it once to Python.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The server answered with a non-zero result code.
    Server {
        code: i32,
        msg: String,
        in_doubt: bool,
    },
    /// No reply in time (client side), result code 9.
    Timeout { msg: String, in_doubt: bool },
    /// The socket failed (connect, read or write), code -10.
    Connection(String),
    /// The TLS handshake failed (untrusted or mismatched certificate, protocol), code -9.
    Tls(String),
    /// A bad argument from the caller, code -2.
    Param(String),
    /// A client-side failure with no better class, code -1.
    Client(String),
    /// No node serves the partition, or the cluster cannot be reached: code 11.
    Cluster(String),
    /// The node named by the caller does not exist, code -8.
    InvalidNode(String),
    /// The per-node connection limit was reached, code -7.
    NoMoreConnections(String),
    /// The node had more errors this window than `max_error_rate` allows, code -14.
    MaxErrorRate(String),
    /// A reply that does not parse, code -1 (client error).
    Parse(String),
}

impl Error {
    /// The numeric code of the official client for this error.
    pub fn code(&self) -> i32 {
        match self {
            Error::Server { code, .. } => *code,
            Error::Timeout { .. } => 9,
            Error::Connection(_) => -10,
            Error::Tls(_) => -9,
            Error::Param(_) => -2,
            Error::Client(_) | Error::Parse(_) => -1,
            Error::Cluster(_) => 11,
            Error::InvalidNode(_) => -8,
            Error::NoMoreConnections(_) => -7,
            Error::MaxErrorRate(_) => -14,
        }
    }

    /// Whether a write may have been applied although it failed.
    pub fn in_doubt(&self) -> bool {
        match self {
            Error::Server { in_doubt, .. } | Error::Timeout { in_doubt, .. } => *in_doubt,
            _ => false,
        }
    }

    /// The message without the code.
    pub fn message(&self) -> &str {
        match self {
            Error::Server { msg, .. } | Error::Timeout { msg, .. } => msg,
            Error::Connection(m)
            | Error::Tls(m)
            | Error::Param(m)
            | Error::Client(m)
            | Error::Cluster(m)
            | Error::InvalidNode(m)
            | Error::NoMoreConnections(m)
            | Error::MaxErrorRate(m)
            | Error::Parse(m) => m,
        }
    }

    /// A server error for `code` with the standard message.
    pub fn server(code: i32, in_doubt: bool) -> Error {
        Error::Server {
            code,
            msg: result_code_message(code).to_string(),
            in_doubt,
        }
    }

    pub(crate) fn is_retryable(&self) -> bool {
        match self {
            Error::Timeout { .. }
            | Error::Connection(_)
            | Error::NoMoreConnections(_)
            | Error::MaxErrorRate(_) => true,
            // key busy, device overload, partition unavailable
            Error::Server { code, .. } => matches!(code, 11 | 14 | 18),
            _ => false,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "({}) {}", self.code(), self.message())
    }
}

impl std::error::Error for Error {}

impl From<aeropy_protocol::ProtocolError> for Error {
    /// Wire input that does not parse (requests map their own errors to `Param`).
    fn from(e: aeropy_protocol::ProtocolError) -> Self {
        Error::Parse(e.to_string())
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        match e.kind() {
            std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => Error::Timeout {
                msg: "timeout".into(),
                in_doubt: false,
            },
            _ => Error::Connection(e.to_string()),
        }
    }
}

/// The message the official client gives a server result code.
pub fn result_code_message(code: i32) -> &'static str {
    match code {
        0 => "OK",
        1 => "AEROSPIKE_ERR_SERVER",
        2 => "AEROSPIKE_ERR_RECORD_NOT_FOUND",
        3 => "AEROSPIKE_ERR_RECORD_GENERATION",
        4 => "AEROSPIKE_ERR_REQUEST_INVALID",
        5 => "AEROSPIKE_ERR_RECORD_EXISTS",
        6 => "AEROSPIKE_ERR_BIN_EXISTS",
        7 => "AEROSPIKE_ERR_CLUSTER_CHANGE",
        8 => "AEROSPIKE_ERR_SERVER_FULL",
        9 => "AEROSPIKE_ERR_TIMEOUT",
        10 => "AEROSPIKE_ERR_ALWAYS_FORBIDDEN",
        11 => "AEROSPIKE_ERR_CLUSTER",
        12 => "AEROSPIKE_ERR_BIN_INCOMPATIBLE_TYPE",
        13 => "AEROSPIKE_ERR_RECORD_TOO_BIG",
        14 => "AEROSPIKE_ERR_RECORD_BUSY",
        15 => "AEROSPIKE_ERR_SCAN_ABORTED",
        16 => "AEROSPIKE_ERR_UNSUPPORTED_FEATURE",
        17 => "AEROSPIKE_ERR_BIN_NOT_FOUND",
        18 => "AEROSPIKE_ERR_DEVICE_OVERLOAD",
        19 => "AEROSPIKE_ERR_RECORD_KEY_MISMATCH",
        20 => "AEROSPIKE_ERR_NAMESPACE_NOT_FOUND",
        21 => "AEROSPIKE_ERR_BIN_NAME",
        22 => "AEROSPIKE_ERR_FAIL_FORBIDDEN",
        23 => "AEROSPIKE_ERR_FAIL_ELEMENT_NOT_FOUND",
        24 => "AEROSPIKE_ERR_FAIL_ELEMENT_EXISTS",
        25 => "AEROSPIKE_ERR_ENTERPRISE_ONLY",
        26 => "AEROSPIKE_ERR_OP_NOT_APPLICABLE",
        27 => "AEROSPIKE_FILTERED_OUT",
        28 => "AEROSPIKE_LOST_CONFLICT",
        100 => "AEROSPIKE_ERR_UDF",
        160 => "AEROSPIKE_ERR_GEO_INVALID_GEOJSON",
        200 => "AEROSPIKE_ERR_INDEX_FOUND",
        201 => "AEROSPIKE_ERR_INDEX_NOT_FOUND",
        _ => "AEROSPIKE_ERR",
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn codes() {
        let table: &[(Error, i32)] = &[
            (Error::server(2, false), 2),
            (
                Error::Timeout {
                    msg: String::new(),
                    in_doubt: true,
                },
                9,
            ),
            (Error::Connection(String::new()), -10),
            (Error::Param(String::new()), -2),
            (Error::Client(String::new()), -1),
            (Error::Cluster(String::new()), 11),
            (Error::InvalidNode(String::new()), -8),
            (Error::NoMoreConnections(String::new()), -7),
        ];
        for (e, code) in table {
            assert_eq!(e.code(), *code, "{e:?}");
        }
        assert!(Error::Timeout {
            msg: String::new(),
            in_doubt: true
        }
        .in_doubt());
    }
}
