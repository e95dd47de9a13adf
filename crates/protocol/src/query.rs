//! Field payloads of scan and query requests: the partition-id array and the
//! secondary-index range filter.

use crate::msg::MAX_BIN_NAME_LEN;
use crate::{ProtocolError, Result};

/// Appends a PID_ARRAY payload: each partition id as a little-endian u16.
pub fn write_pid_array(out: &mut Vec<u8>, pids: &[u16]) {
    out.reserve(pids.len() * 2);
    for p in pids {
        out.extend_from_slice(&p.to_le_bytes());
    }
}

/// Appends an INDEX_RANGE payload with one range on `bin`: count 1, name length, name,
/// particle type, then begin and end each as a u32 length and the particle bytes
/// (equality is begin = end).
pub fn write_index_range(
    out: &mut Vec<u8>,
    bin: &[u8],
    particle_type: u8,
    begin: &[u8],
    end: &[u8],
) -> Result<()> {
    if bin.len() > MAX_BIN_NAME_LEN {
        return Err(ProtocolError::BadLength("bin name"));
    }
    out.extend_from_slice(&[1, bin.len() as u8]);
    out.extend_from_slice(bin);
    out.push(particle_type);
    for v in [begin, end] {
        let n = u32::try_from(v.len()).map_err(|_| ProtocolError::TooLarge(v.len() as u64))?;
        out.extend_from_slice(&n.to_be_bytes());
        out.extend_from_slice(v);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads() {
        let mut v = Vec::new();
        write_pid_array(&mut v, &[1, 0x0203]);
        assert_eq!(v, [1, 0, 3, 2]);
        let mut r = Vec::new();
        write_index_range(&mut r, b"age", 1, &[0, 7], &[9]).unwrap();
        assert_eq!(
            r,
            [1, 3, b'a', b'g', b'e', 1, 0, 0, 0, 2, 0, 7, 0, 0, 0, 1, 9]
        );
        assert!(write_index_range(&mut r, &[b'x'; 16], 1, &[], &[]).is_err());
    }
}
