//! Bitwise blob operations (op 12 read / 13 modify). Bit 0 is the most significant
//! bit of byte 0; negative offsets count from the end. Out-of-range offsets answer 26
//! (unless the NO_FAIL policy flag is set on a modify).

use aeropy_protocol::msg::op;
use aeropy_protocol::msgpack::Value;
use aeropy_protocol::{particle, result_code as rc};

use crate::cdt::{code_and_args, Args, OpResult, PARAM, UNSUPPORTED};
use crate::ops::OpError;
use crate::record::MAX_RECORD_SIZE;
use crate::store::{store_bytes, Bin, BinName};

const CREATE_ONLY: i64 = 1;
const UPDATE_ONLY: i64 = 2;
const NO_FAIL: i64 = 4;
const RESIZE_FROM_FRONT: i64 = 1;
const RESIZE_GROW_ONLY: i64 = 2;
const RESIZE_SHRINK_ONLY: i64 = 4;
const INT_SIGNED: i64 = 1;
const OVERFLOW_SATURATE: i64 = 2;
const OVERFLOW_WRAP: i64 = 4;

const NOT_APPLICABLE: OpError = OpError(rc::OP_NOT_APPLICABLE);

fn get_bit(b: &[u8], i: usize) -> bool {
    b.get(i / 8).is_some_and(|x| x & (0x80 >> (i % 8)) != 0)
}

fn set_bit(b: &mut [u8], i: usize, v: bool) {
    if let Some(x) = b.get_mut(i / 8) {
        let m = 0x80 >> (i % 8);
        if v {
            *x |= m;
        } else {
            *x &= !m;
        }
    }
}

/// Resolves `(offset, size)` in bits against a blob of `len` bytes.
fn bit_range(offset: i64, size: i64, len: usize) -> Result<(usize, usize), OpError> {
    let total = (len as i64) * 8;
    let off = if offset < 0 { offset + total } else { offset };
    if off < 0 || size < 0 || off.checked_add(size).is_none_or(|end| end > total) {
        return Err(NOT_APPLICABLE);
    }
    Ok((off as usize, size as usize))
}

/// A blob may not grow past the largest record (nor allocate without bound).
fn check_size(len: usize) -> Result<(), OpError> {
    if len > MAX_RECORD_SIZE {
        return Err(OpError(rc::RECORD_TOO_BIG));
    }
    Ok(())
}

fn read_uint(b: &[u8], off: usize, size: usize) -> u64 {
    (0..size).fold(0u64, |acc, i| (acc << 1) | u64::from(get_bit(b, off + i)))
}

fn write_uint(b: &mut [u8], off: usize, size: usize, v: u64) {
    for i in 0..size {
        set_bit(b, off + i, (v >> (size - 1 - i)) & 1 != 0);
    }
}

fn blob_arg(a: &Args, i: usize) -> Result<&[u8], OpError> {
    match a.value(i)? {
        Value::Blob { bytes, .. } => Ok(bytes),
        _ => Err(PARAM),
    }
}

/// Applies a bit op to bin `name`; returns the read result (`None` for modifies).
pub(crate) fn apply(bins: &mut Vec<Bin>, name: BinName, op_type: u8, value: &[u8]) -> OpResult {
    let (code, a) = code_and_args(value)?;
    let is_read = (50..=54).contains(&code);
    if (op_type == op::BITS_READ) != is_read {
        return Err(PARAM);
    }
    let pos = bins.iter().position(|b| b.name == name);
    if let Some(i) = pos {
        if !particle::is_blob(bins[i].ptype) {
            return Err(OpError(rc::BIN_TYPE_ERROR));
        }
    }
    if is_read {
        let Some(i) = pos else { return Ok(None) };
        return read(&bins[i].value, code, &a).map(Some);
    }
    let flag_pos = match code {
        0 => 1,
        1 | 2 | 7 => 2,
        3..=6 | 8..=12 => 3,
        _ => return Err(UNSUPPORTED),
    };
    let policy = a.int_or(flag_pos, 0)?;
    let mut bytes = match pos {
        Some(_) if policy & CREATE_ONLY != 0 => return soft(policy, rc::BIN_EXISTS),
        Some(i) => bins[i].value.clone(),
        None if policy & UPDATE_ONLY != 0 => return soft(policy, rc::BIN_NOT_FOUND),
        // Only resize and insert may create the bin.
        None if code <= 1 => Vec::new(),
        None => return soft(policy, rc::BIN_NOT_FOUND),
    };
    match modify(&mut bytes, code, &a) {
        Ok(()) => {}
        Err(e) if policy & NO_FAIL != 0 && e.0 != rc::PARAMETER_ERROR => return Ok(None),
        Err(e) => return Err(e),
    }
    store_bytes(bins, pos, name, particle::BLOB, bytes);
    Ok(None)
}

fn soft(policy: i64, code: u8) -> Result<Option<Value>, OpError> {
    if policy & NO_FAIL != 0 {
        Ok(None)
    } else {
        Err(OpError(code))
    }
}

fn read(b: &[u8], code: i64, a: &Args) -> Result<Value, OpError> {
    let (off, size) = bit_range(a.int(0)?, a.int(1)?, b.len())?;
    match code {
        50 => {
            let mut out = vec![0u8; size.div_ceil(8)];
            for i in 0..size {
                set_bit(&mut out, i, get_bit(b, off + i));
            }
            Ok(Value::blob(out))
        }
        51 => Ok(Value::Int(
            (0..size).filter(|i| get_bit(b, off + i)).count() as i64,
        )),
        52 | 53 => {
            let want = matches!(a.value(2)?, Value::Bool(true));
            let found = if code == 52 {
                (0..size).find(|i| get_bit(b, off + i) == want)
            } else {
                (0..size).rev().find(|i| get_bit(b, off + i) == want)
            };
            Ok(Value::Int(found.map_or(-1, |i| i as i64)))
        }
        54 => {
            if size == 0 || size > 64 {
                return Err(PARAM);
            }
            let raw = read_uint(b, off, size);
            let signed = a.int_or(2, 0)? & INT_SIGNED != 0;
            Ok(Value::Int(if signed {
                sign_extend(raw, size)
            } else {
                raw as i64
            }))
        }
        _ => Err(UNSUPPORTED),
    }
}

fn sign_extend(raw: u64, size: usize) -> i64 {
    if size >= 64 {
        raw as i64
    } else {
        let shift = 64 - size;
        ((raw << shift) as i64) >> shift
    }
}

fn modify(b: &mut Vec<u8>, code: i64, a: &Args) -> Result<(), OpError> {
    match code {
        0 => {
            let size = usize::try_from(a.int(0)?).map_err(|_| PARAM)?;
            let flags = a.int_or(2, 0)?;
            if (size < b.len() && flags & RESIZE_GROW_ONLY != 0)
                || (size > b.len() && flags & RESIZE_SHRINK_ONLY != 0)
            {
                return Err(NOT_APPLICABLE);
            }
            check_size(size)?;
            if flags & RESIZE_FROM_FRONT != 0 {
                if size >= b.len() {
                    b.splice(0..0, std::iter::repeat_n(0, size - b.len()));
                } else {
                    b.drain(..b.len() - size);
                }
            } else {
                b.resize(size, 0);
            }
            Ok(())
        }
        1 => {
            let at = usize::try_from(a.int(0)?).map_err(|_| PARAM)?;
            let v = blob_arg(a, 1)?;
            if at > b.len() {
                check_size(at)?;
                b.resize(at, 0);
            }
            b.splice(at..at, v.iter().copied());
            Ok(())
        }
        2 => {
            let (off, size) = (a.int(0)?, a.int(1)?);
            let len = b.len() as i64;
            let start = if off < 0 { off + len } else { off };
            if start < 0 || size < 0 || start.checked_add(size).is_none_or(|end| end > len) {
                return Err(NOT_APPLICABLE);
            }
            b.drain(start as usize..(start + size) as usize);
            Ok(())
        }
        3..=7 => {
            let (off, size) = bit_range(a.int(0)?, a.int(1)?, b.len())?;
            let src: Vec<u8> = if code == 7 {
                Vec::new()
            } else {
                blob_arg(a, 2)?.to_vec()
            };
            if code != 7 && src.len() * 8 < size {
                return Err(PARAM);
            }
            for i in 0..size {
                let cur = get_bit(b, off + i);
                let s = get_bit(&src, i);
                let v = match code {
                    3 => s,
                    4 => cur | s,
                    5 => cur ^ s,
                    6 => cur & s,
                    _ => !cur,
                };
                set_bit(b, off + i, v);
            }
            Ok(())
        }
        8 | 9 => {
            let (off, size) = bit_range(a.int(0)?, a.int(1)?, b.len())?;
            let shift = usize::try_from(a.int(2)?).map_err(|_| PARAM)?;
            let bits: Vec<bool> = (0..size).map(|i| get_bit(b, off + i)).collect();
            for i in 0..size {
                let v = if code == 8 {
                    bits.get(i + shift).copied().unwrap_or(false)
                } else {
                    i.checked_sub(shift)
                        .and_then(|j| bits.get(j).copied())
                        .unwrap_or(false)
                };
                set_bit(b, off + i, v);
            }
            Ok(())
        }
        10..=12 => {
            let (off, size) = bit_range(a.int(0)?, a.int(1)?, b.len())?;
            if size == 0 || size > 64 {
                return Err(PARAM);
            }
            let value = a.int(2)?;
            if code == 12 {
                write_uint(b, off, size, value as u64);
                return Ok(());
            }
            let flags = a.int_or(4, 0)?;
            let signed = flags & INT_SIGNED != 0;
            let raw = read_uint(b, off, size);
            let cur: i128 = if signed {
                i128::from(sign_extend(raw, size))
            } else {
                i128::from(raw)
            };
            let delta = i128::from(value);
            let res = if code == 10 { cur + delta } else { cur - delta };
            let (min, max): (i128, i128) = if signed {
                (-(1i128 << (size - 1)), (1i128 << (size - 1)) - 1)
            } else {
                (0, (1i128 << size) - 1)
            };
            let stored = if (min..=max).contains(&res) {
                res
            } else if flags & OVERFLOW_SATURATE != 0 {
                res.clamp(min, max)
            } else if flags & OVERFLOW_WRAP != 0 {
                res.rem_euclid(1i128 << size)
            } else {
                return Err(NOT_APPLICABLE);
            };
            write_uint(b, off, size, stored as u64);
            Ok(())
        }
        _ => Err(UNSUPPORTED),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cdt::run_op;

    fn run(bins: &mut Vec<Bin>, t: u8, code: i64, args: &[Value]) -> OpResult {
        run_op(apply, b"b", bins, t, code, args)
    }

    #[test]
    fn bit_ops() {
        let i = Value::Int;
        let mut b = Vec::new();
        assert_eq!(
            run(
                &mut b,
                op::BITS_MODIFY,
                3,
                &[i(0), i(4), Value::blob(vec![0xff])]
            ),
            Err(OpError(rc::BIN_NOT_FOUND))
        );
        run(&mut b, op::BITS_MODIFY, 0, &[i(2), i(0), i(0)]).unwrap();
        assert_eq!(b[0].value, vec![0, 0]);
        run(
            &mut b,
            op::BITS_MODIFY,
            3,
            &[i(4), i(8), Value::blob(vec![0xab])],
        )
        .unwrap();
        assert_eq!(b[0].value, vec![0x0a, 0xb0]);
        assert_eq!(
            run(&mut b, op::BITS_READ, 50, &[i(4), i(8)]).unwrap(),
            Some(Value::blob(vec![0xab]))
        );
        assert_eq!(
            run(&mut b, op::BITS_READ, 51, &[i(0), i(16)]).unwrap(),
            Some(i(5))
        );
        assert_eq!(
            run(&mut b, op::BITS_READ, 52, &[i(0), i(16), Value::Bool(true)]).unwrap(),
            Some(i(4))
        );
        assert_eq!(
            run(&mut b, op::BITS_READ, 53, &[i(0), i(16), Value::Bool(true)]).unwrap(),
            Some(i(11))
        );
        assert_eq!(
            run(&mut b, op::BITS_READ, 54, &[i(4), i(8)]).unwrap(),
            Some(i(0xab))
        );
        assert_eq!(
            run(&mut b, op::BITS_READ, 54, &[i(4), i(8), i(1)]).unwrap(),
            Some(i(0xab - 256))
        );
        run(&mut b, op::BITS_MODIFY, 7, &[i(0), i(16), i(0)]).unwrap();
        assert_eq!(b[0].value, vec![0xf5, 0x4f]);
        run(&mut b, op::BITS_MODIFY, 12, &[i(0), i(8), i(0xff), i(0)]).unwrap();
        assert_eq!(
            run(&mut b, op::BITS_MODIFY, 10, &[i(0), i(8), i(1), i(0), i(0)]),
            Err(OpError(rc::OP_NOT_APPLICABLE)),
            "overflow fails by default"
        );
        run(
            &mut b,
            op::BITS_MODIFY,
            10,
            &[i(0), i(8), i(1), i(0), i(OVERFLOW_WRAP)],
        )
        .unwrap();
        assert_eq!(b[0].value[0], 0);
        run(
            &mut b,
            op::BITS_MODIFY,
            11,
            &[i(0), i(8), i(1), i(0), i(OVERFLOW_SATURATE)],
        )
        .unwrap();
        assert_eq!(b[0].value[0], 0);
        run(&mut b, op::BITS_MODIFY, 8, &[i(8), i(8), i(4), i(0)]).unwrap();
        assert_eq!(b[0].value[1], 0xf0);
        run(&mut b, op::BITS_MODIFY, 9, &[i(8), i(8), i(2), i(0)]).unwrap();
        assert_eq!(b[0].value[1], 0x3c);
        run(
            &mut b,
            op::BITS_MODIFY,
            1,
            &[i(1), Value::blob(vec![1, 2]), i(0)],
        )
        .unwrap();
        assert_eq!(b[0].value, vec![0, 1, 2, 0x3c]);
        run(&mut b, op::BITS_MODIFY, 2, &[i(0), i(1), i(0)]).unwrap();
        run(
            &mut b,
            op::BITS_MODIFY,
            0,
            &[i(2), i(0), i(RESIZE_FROM_FRONT)],
        )
        .unwrap();
        assert_eq!(b[0].value, vec![2, 0x3c]);
        assert_eq!(
            run(&mut b, op::BITS_READ, 50, &[i(-4), i(8)]),
            Err(OpError(rc::OP_NOT_APPLICABLE))
        );
        assert_eq!(
            run(&mut b, op::BITS_MODIFY, 7, &[i(20), i(8), i(NO_FAIL)]).unwrap(),
            None
        );
        assert_eq!(run(&mut b, op::BITS_READ, 13, &[]), Err(PARAM));
    }
}
