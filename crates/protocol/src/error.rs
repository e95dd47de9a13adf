use thiserror::Error;

/// Every way wire input can be rejected by this crate.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ProtocolError {
    /// The input ended before a declared length was satisfied.
    #[error("truncated input: needed {needed} bytes, {available} available")]
    Truncated {
        /// Bytes the structure declared.
        needed: usize,
        /// Bytes actually present.
        available: usize,
    },
    /// Proto header version other than 2.
    #[error("unsupported protocol version {0}")]
    BadVersion(u8),
    /// Proto message type this codec does not know.
    #[error("unknown proto message type {0}")]
    BadType(u8),
    /// A body longer than [`crate::frame::MAX_BODY_SIZE`].
    #[error("body of {0} bytes exceeds the limit")]
    TooLarge(u64),
    /// AS_MSG header_sz other than 22.
    #[error("invalid message header size {0}")]
    BadHeaderSize(u8),
    /// A field or op whose size word is inconsistent.
    #[error("invalid {0} length")]
    BadLength(&'static str),
    /// Bytes left over after the declared fields and ops.
    #[error("{0} unexpected trailing bytes")]
    Trailing(usize),
    /// Malformed msgpack.
    #[error("invalid msgpack: {0}")]
    Msgpack(&'static str),
    /// A type-4 body that does not inflate to a valid frame.
    #[error("invalid compressed message: {0}")]
    Inflate(&'static str),
    /// Anything else that is syntactically wrong (text formats, particles, bitmaps).
    #[error("invalid {0}")]
    Invalid(&'static str),
    /// A name or list too long for its u8 length prefix.
    #[error("{0} longer than 255 bytes")]
    TooLong(&'static str),
}

impl ProtocolError {
    pub(crate) fn truncated(needed: usize, available: usize) -> Self {
        ProtocolError::Truncated { needed, available }
    }
}
