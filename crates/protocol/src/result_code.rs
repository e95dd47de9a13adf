//! Server result codes (protocol.md §3.2) and their names.

/// 0: ok.
pub const OK: u8 = 0;
/// 1: server error.
pub const SERVER_ERROR: u8 = 1;
/// 2: record not found.
pub const KEY_NOT_FOUND: u8 = 2;
/// 3: generation mismatch.
pub const GENERATION_ERROR: u8 = 3;
/// 4: parameter error.
pub const PARAMETER_ERROR: u8 = 4;
/// 5: record already exists.
pub const KEY_EXISTS: u8 = 5;
/// 6: bin already exists.
pub const BIN_EXISTS: u8 = 6;
/// 7: cluster key mismatch.
pub const CLUSTER_KEY_MISMATCH: u8 = 7;
/// 8: server out of space.
pub const SERVER_MEM_ERROR: u8 = 8;
/// 9: timeout.
pub const TIMEOUT: u8 = 9;
/// 10: always forbidden.
pub const ALWAYS_FORBIDDEN: u8 = 10;
/// 11: partition unavailable.
pub const PARTITION_UNAVAILABLE: u8 = 11;
/// 12: bin incompatible type.
pub const BIN_TYPE_ERROR: u8 = 12;
/// 13: record too big.
pub const RECORD_TOO_BIG: u8 = 13;
/// 14: key busy.
pub const KEY_BUSY: u8 = 14;
/// 15: scan aborted.
pub const SCAN_ABORT: u8 = 15;
/// 16: unsupported feature.
pub const UNSUPPORTED_FEATURE: u8 = 16;
/// 17: bin not found.
pub const BIN_NOT_FOUND: u8 = 17;
/// 18: device overload.
pub const DEVICE_OVERLOAD: u8 = 18;
/// 19: key mismatch.
pub const KEY_MISMATCH: u8 = 19;
/// 20: namespace not found.
pub const NAMESPACE_NOT_FOUND: u8 = 20;
/// 21: bin name too long.
pub const BIN_NAME_TOO_LONG: u8 = 21;
/// 22: forbidden.
pub const FAIL_FORBIDDEN: u8 = 22;
/// 23: element not found.
pub const ELEMENT_NOT_FOUND: u8 = 23;
/// 24: element exists.
pub const ELEMENT_EXISTS: u8 = 24;
/// 25: enterprise only.
pub const ENTERPRISE_ONLY: u8 = 25;
/// 26: op not applicable.
pub const OP_NOT_APPLICABLE: u8 = 26;
/// 27: filtered out.
pub const FILTERED_OUT: u8 = 27;
/// 28: lost conflict.
pub const LOST_CONFLICT: u8 = 28;
/// 29: invalid encoding.
pub const INVALID_ENCODING: u8 = 29;
/// 32: xdr key busy.
pub const XDR_KEY_BUSY: u8 = 32;
/// 50: query end.
pub const QUERY_END: u8 = 50;
/// 51: security not supported.
pub const SECURITY_NOT_SUPPORTED: u8 = 51;
/// 52: security not enabled.
pub const SECURITY_NOT_ENABLED: u8 = 52;
/// 53: security scheme not supported.
pub const SECURITY_SCHEME_NOT_SUPPORTED: u8 = 53;
/// 54: invalid security command.
pub const INVALID_COMMAND: u8 = 54;
/// 55: invalid security field.
pub const INVALID_FIELD: u8 = 55;
/// 56: illegal state.
pub const ILLEGAL_STATE: u8 = 56;
/// 60: invalid user.
pub const INVALID_USER: u8 = 60;
/// 61: user already exists.
pub const USER_ALREADY_EXISTS: u8 = 61;
/// 62: invalid password.
pub const INVALID_PASSWORD: u8 = 62;
/// 63: expired password.
pub const EXPIRED_PASSWORD: u8 = 63;
/// 64: forbidden password.
pub const FORBIDDEN_PASSWORD: u8 = 64;
/// 65: invalid credential.
pub const INVALID_CREDENTIAL: u8 = 65;
/// 66: expired session.
pub const EXPIRED_SESSION: u8 = 66;
/// 70: invalid role.
pub const INVALID_ROLE: u8 = 70;
/// 71: role already exists.
pub const ROLE_ALREADY_EXISTS: u8 = 71;
/// 72: invalid privilege.
pub const INVALID_PRIVILEGE: u8 = 72;
/// 73: invalid allowlist.
pub const INVALID_WHITELIST: u8 = 73;
/// 74: quotas not enabled.
pub const QUOTAS_NOT_ENABLED: u8 = 74;
/// 75: invalid quota.
pub const INVALID_QUOTA: u8 = 75;
/// 80: not authenticated.
pub const NOT_AUTHENTICATED: u8 = 80;
/// 81: role violation.
pub const ROLE_VIOLATION: u8 = 81;
/// 82: not allowlisted.
pub const NOT_WHITELISTED: u8 = 82;
/// 83: quota exceeded.
pub const QUOTA_EXCEEDED: u8 = 83;
/// 100: udf execution error.
pub const UDF_BAD_RESPONSE: u8 = 100;
/// 120: transaction blocked.
pub const MRT_BLOCKED: u8 = 120;
/// 121: transaction version mismatch.
pub const MRT_VERSION_MISMATCH: u8 = 121;
/// 122: transaction expired.
pub const MRT_EXPIRED: u8 = 122;
/// 123: transaction too many writes.
pub const MRT_TOO_MANY_WRITES: u8 = 123;
/// 124: transaction committed.
pub const MRT_COMMITTED: u8 = 124;
/// 125: transaction aborted.
pub const MRT_ABORTED: u8 = 125;
/// 126: transaction already locked.
pub const MRT_ALREADY_LOCKED: u8 = 126;
/// 127: transaction monitor exists.
pub const MRT_MONITOR_EXISTS: u8 = 127;
/// 150: batch disabled.
pub const BATCH_DISABLED: u8 = 150;
/// 151: batch max requests exceeded.
pub const BATCH_MAX_REQUESTS_EXCEEDED: u8 = 151;
/// 152: batch queues full.
pub const BATCH_QUEUES_FULL: u8 = 152;
/// 160: invalid geojson.
pub const GEO_INVALID_GEOJSON: u8 = 160;
/// 200: index already exists.
pub const INDEX_FOUND: u8 = 200;
/// 201: index not found.
pub const INDEX_NOT_FOUND: u8 = 201;
/// 202: index out of memory.
pub const INDEX_OOM: u8 = 202;
/// 203: index not readable.
pub const INDEX_NOT_READABLE: u8 = 203;
/// 204: index error.
pub const INDEX_GENERIC: u8 = 204;
/// 205: index name too long.
pub const INDEX_NAME_MAXLEN: u8 = 205;
/// 206: index count limit reached.
pub const INDEX_MAXCOUNT: u8 = 206;
/// 210: query aborted.
pub const QUERY_ABORTED: u8 = 210;
/// 211: query queue full.
pub const QUERY_QUEUE_FULL: u8 = 211;
/// 212: query timeout.
pub const QUERY_TIMEOUT: u8 = 212;
/// 213: query error.
pub const QUERY_GENERIC: u8 = 213;
/// 214: query network error.
pub const QUERY_NET_IO: u8 = 214;
/// 215: query duplicate.
pub const QUERY_DUPLICATE: u8 = 215;

/// Short description of a result code ("unknown" for codes not listed).
pub fn name(code: u8) -> &'static str {
    match code {
        OK => "ok",
        SERVER_ERROR => "server error",
        KEY_NOT_FOUND => "record not found",
        GENERATION_ERROR => "generation mismatch",
        PARAMETER_ERROR => "parameter error",
        KEY_EXISTS => "record already exists",
        BIN_EXISTS => "bin already exists",
        CLUSTER_KEY_MISMATCH => "cluster key mismatch",
        SERVER_MEM_ERROR => "server out of space",
        TIMEOUT => "timeout",
        ALWAYS_FORBIDDEN => "always forbidden",
        PARTITION_UNAVAILABLE => "partition unavailable",
        BIN_TYPE_ERROR => "bin incompatible type",
        RECORD_TOO_BIG => "record too big",
        KEY_BUSY => "key busy",
        SCAN_ABORT => "scan aborted",
        UNSUPPORTED_FEATURE => "unsupported feature",
        BIN_NOT_FOUND => "bin not found",
        DEVICE_OVERLOAD => "device overload",
        KEY_MISMATCH => "key mismatch",
        NAMESPACE_NOT_FOUND => "namespace not found",
        BIN_NAME_TOO_LONG => "bin name too long",
        FAIL_FORBIDDEN => "forbidden",
        ELEMENT_NOT_FOUND => "element not found",
        ELEMENT_EXISTS => "element exists",
        ENTERPRISE_ONLY => "enterprise only",
        OP_NOT_APPLICABLE => "op not applicable",
        FILTERED_OUT => "filtered out",
        LOST_CONFLICT => "lost conflict",
        INVALID_ENCODING => "invalid encoding",
        XDR_KEY_BUSY => "xdr key busy",
        QUERY_END => "query end",
        SECURITY_NOT_SUPPORTED => "security not supported",
        SECURITY_NOT_ENABLED => "security not enabled",
        SECURITY_SCHEME_NOT_SUPPORTED => "security scheme not supported",
        INVALID_COMMAND => "invalid security command",
        INVALID_FIELD => "invalid security field",
        ILLEGAL_STATE => "illegal state",
        INVALID_USER => "invalid user",
        USER_ALREADY_EXISTS => "user already exists",
        INVALID_PASSWORD => "invalid password",
        EXPIRED_PASSWORD => "expired password",
        FORBIDDEN_PASSWORD => "forbidden password",
        INVALID_CREDENTIAL => "invalid credential",
        EXPIRED_SESSION => "expired session",
        INVALID_ROLE => "invalid role",
        ROLE_ALREADY_EXISTS => "role already exists",
        INVALID_PRIVILEGE => "invalid privilege",
        INVALID_WHITELIST => "invalid allowlist",
        QUOTAS_NOT_ENABLED => "quotas not enabled",
        INVALID_QUOTA => "invalid quota",
        NOT_AUTHENTICATED => "not authenticated",
        ROLE_VIOLATION => "role violation",
        NOT_WHITELISTED => "not allowlisted",
        QUOTA_EXCEEDED => "quota exceeded",
        UDF_BAD_RESPONSE => "udf execution error",
        MRT_BLOCKED => "transaction blocked",
        MRT_VERSION_MISMATCH => "transaction version mismatch",
        MRT_EXPIRED => "transaction expired",
        MRT_TOO_MANY_WRITES => "transaction too many writes",
        MRT_COMMITTED => "transaction committed",
        MRT_ABORTED => "transaction aborted",
        MRT_ALREADY_LOCKED => "transaction already locked",
        MRT_MONITOR_EXISTS => "transaction monitor exists",
        BATCH_DISABLED => "batch disabled",
        BATCH_MAX_REQUESTS_EXCEEDED => "batch max requests exceeded",
        BATCH_QUEUES_FULL => "batch queues full",
        GEO_INVALID_GEOJSON => "invalid geojson",
        INDEX_FOUND => "index already exists",
        INDEX_NOT_FOUND => "index not found",
        INDEX_OOM => "index out of memory",
        INDEX_NOT_READABLE => "index not readable",
        INDEX_GENERIC => "index error",
        INDEX_NAME_MAXLEN => "index name too long",
        INDEX_MAXCOUNT => "index count limit reached",
        QUERY_ABORTED => "query aborted",
        QUERY_QUEUE_FULL => "query queue full",
        QUERY_TIMEOUT => "query timeout",
        QUERY_GENERIC => "query error",
        QUERY_NET_IO => "query network error",
        QUERY_DUPLICATE => "query duplicate",
        _ => "unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(name(KEY_NOT_FOUND), "record not found");
        assert_eq!(name(UNSUPPORTED_FEATURE), "unsupported feature");
        assert_eq!(name(SECURITY_NOT_ENABLED), "security not enabled");
        assert_eq!(name(31), "unknown");
    }
}
