//! Particle (bin value) type ids and raw particle helpers.

use crate::{ProtocolError, Result};

/// No value (deletes a bin when written).
pub const NULL: u8 = 0;
/// 8-byte big-endian signed integer.
pub const INTEGER: u8 = 1;
/// 8-byte big-endian IEEE-754 double.
pub const FLOAT: u8 = 2;
/// UTF-8 string.
pub const STRING: u8 = 3;
/// Raw bytes.
pub const BLOB: u8 = 4;
/// Historical digest type (client side only).
pub const DIGEST: u8 = 6;
/// Java serialized blob.
pub const JAVA_BLOB: u8 = 7;
/// C# serialized blob.
pub const CSHARP_BLOB: u8 = 8;
/// Python serialized blob (pickle).
pub const PYTHON_BLOB: u8 = 9;
/// Ruby serialized blob.
pub const RUBY_BLOB: u8 = 10;
/// PHP serialized blob.
pub const PHP_BLOB: u8 = 11;
/// Erlang serialized blob.
pub const ERLANG_BLOB: u8 = 12;
/// Vector (newest servers).
pub const VECTOR: u8 = 16;
/// Boolean (1 byte).
pub const BOOL: u8 = 17;
/// HyperLogLog.
pub const HLL: u8 = 18;
/// msgpack map.
pub const MAP: u8 = 19;
/// msgpack list.
pub const LIST: u8 = 20;
/// Obsolete large data type.
pub const LDT: u8 = 21;
/// GeoJSON (flag, cell count, cells, JSON text).
pub const GEOJSON: u8 = 23;

/// True for the blob family (4 and the language blobs 7-12).
pub fn is_blob(ptype: u8) -> bool {
    ptype == BLOB || (JAVA_BLOB..=ERLANG_BLOB).contains(&ptype)
}

/// Short lowercase name of a particle type, for messages and logs.
pub fn name(ptype: u8) -> &'static str {
    match ptype {
        NULL => "null",
        INTEGER => "integer",
        FLOAT => "float",
        STRING => "string",
        BLOB => "blob",
        DIGEST => "digest",
        JAVA_BLOB => "java-blob",
        CSHARP_BLOB => "csharp-blob",
        PYTHON_BLOB => "python-blob",
        RUBY_BLOB => "ruby-blob",
        PHP_BLOB => "php-blob",
        ERLANG_BLOB => "erlang-blob",
        VECTOR => "vector",
        BOOL => "bool",
        HLL => "hll",
        MAP => "map",
        LIST => "list",
        LDT => "ldt",
        GEOJSON => "geojson",
        _ => "unknown",
    }
}

/// Decodes an INTEGER (or FLOAT bits) particle: exactly 8 bytes big-endian.
pub fn decode_i64(bytes: &[u8]) -> Result<i64> {
    let b: [u8; 8] = bytes
        .try_into()
        .map_err(|_| ProtocolError::Invalid("8-byte integer particle"))?;
    Ok(i64::from_be_bytes(b))
}

/// Decodes a FLOAT particle.
pub fn decode_f64(bytes: &[u8]) -> Result<f64> {
    let b: [u8; 8] = bytes
        .try_into()
        .map_err(|_| ProtocolError::Invalid("8-byte float particle"))?;
    Ok(f64::from_be_bytes(b))
}

/// Appends a GeoJSON particle with no cells (flag 0, count 0), as clients send it.
pub fn write_geojson(out: &mut Vec<u8>, json: &[u8]) {
    out.extend_from_slice(&[0, 0, 0]);
    out.extend_from_slice(json);
}

/// A GeoJSON particle encoding.
pub fn encode_geojson(json: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(3 + json.len());
    write_geojson(&mut v, json);
    v
}

/// Splits a GeoJSON particle into (flags, cell ids, JSON text).
pub fn decode_geojson(bytes: &[u8]) -> Result<(u8, Vec<u64>, &[u8])> {
    let err = ProtocolError::Invalid("geojson particle");
    let flags = *bytes.first().ok_or(err.clone())?;
    let n = u16::from_be_bytes(
        bytes
            .get(1..3)
            .and_then(|s| s.try_into().ok())
            .ok_or(err.clone())?,
    ) as usize;
    let cells_end = 3 + n * 8;
    let cells_bytes = bytes.get(3..cells_end).ok_or(err.clone())?;
    let cells = cells_bytes
        .chunks_exact(8)
        .map(|c| u64::from_be_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
        .collect();
    Ok((flags, cells, bytes.get(cells_end..).ok_or(err)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn geojson_roundtrip() {
        let p = encode_geojson(br#"{"type":"Point","coordinates":[1,2]}"#);
        assert_eq!(&p[..3], &[0, 0, 0]);
        let (f, cells, json) = decode_geojson(&p).unwrap();
        assert_eq!((f, cells.len()), (0, 0));
        assert!(json.starts_with(b"{"));
        let mut with_cells = vec![1, 0, 2];
        with_cells.extend_from_slice(&1u64.to_be_bytes());
        with_cells.extend_from_slice(&2u64.to_be_bytes());
        with_cells.extend_from_slice(b"{}");
        assert_eq!(
            decode_geojson(&with_cells).unwrap(),
            (1, vec![1, 2], &b"{}"[..])
        );
        assert!(decode_geojson(&[0, 0, 5, 1]).is_err());
        assert!(decode_geojson(&[]).is_err());
    }

    #[test]
    fn ints() {
        assert_eq!(decode_i64(&(-5i64).to_be_bytes()).unwrap(), -5);
        assert!(decode_i64(&[1, 2]).is_err());
        assert_eq!(decode_f64(&1.5f64.to_be_bytes()).unwrap(), 1.5);
        assert!(is_blob(9) && is_blob(4) && !is_blob(3));
        assert_eq!(name(23), "geojson");
    }
}
