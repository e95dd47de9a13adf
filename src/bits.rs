//! Bitwise and HyperLogLog operations of `aerospike_helpers` (protocol.md §6.5): the op
//! value is the msgpack array `[sub-op, args..., flags]`.

use aeropy_core::client::{begin_op, end_op};
use aeropy_protocol::msg::MsgWriter;
use aeropy_protocol::msgpack::Packer;
use aeropy_protocol::particle;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::config::int_of;
use crate::errors::param_err;
use crate::serialization::Ser;

const OP_BITS_READ: u8 = 12;
const OP_BITS_MODIFY: u8 = 13;
const OP_HLL_READ: u8 = 15;
const OP_HLL_MODIFY: u8 = 16;

#[derive(Clone, Copy)]
enum A {
    /// A required int.
    Int(&'static str),
    /// An int, `default` when absent.
    IntOr(&'static str, i64),
    /// A value (bytes, list of values).
    Val(&'static str),
    /// A bool sent as 0/1.
    Flag(&'static str),
    /// The bit policy's `bit_write_flags`.
    BitFlags,
    /// The HLL policy's `flags`.
    HllFlags,
    /// `(sign ? 1 : 0) | action` of bit add/subtract.
    SignAction,
}

use A::*;

/// Helper op code → (wire op, sub-op, args).
fn spec(code: i64) -> Option<(u8, i64, &'static [A])> {
    Some(match code {
        2000 => (
            OP_BITS_MODIFY,
            0,
            &[Int("byte_size"), BitFlags, IntOr("resize_flags", 0)],
        ),
        2001 => (
            OP_BITS_MODIFY,
            1,
            &[Int("byte_offset"), Val("value"), BitFlags],
        ),
        2002 => (
            OP_BITS_MODIFY,
            2,
            &[Int("byte_offset"), Int("byte_size"), BitFlags],
        ),
        2003 => (
            OP_BITS_MODIFY,
            3,
            &[Int("bit_offset"), Int("bit_size"), Val("value"), BitFlags],
        ),
        2004 => (
            OP_BITS_MODIFY,
            4,
            &[Int("bit_offset"), Int("bit_size"), Val("value"), BitFlags],
        ),
        2005 => (
            OP_BITS_MODIFY,
            5,
            &[Int("bit_offset"), Int("bit_size"), Val("value"), BitFlags],
        ),
        2006 => (
            OP_BITS_MODIFY,
            6,
            &[Int("bit_offset"), Int("bit_size"), Val("value"), BitFlags],
        ),
        2007 => (
            OP_BITS_MODIFY,
            7,
            &[Int("bit_offset"), Int("bit_size"), BitFlags],
        ),
        2008 => (
            OP_BITS_MODIFY,
            8,
            &[Int("bit_offset"), Int("bit_size"), Int("value"), BitFlags],
        ),
        2009 => (
            OP_BITS_MODIFY,
            9,
            &[Int("bit_offset"), Int("bit_size"), Int("value"), BitFlags],
        ),
        2010 => (
            OP_BITS_MODIFY,
            10,
            &[
                Int("bit_offset"),
                Int("bit_size"),
                Int("value"),
                BitFlags,
                SignAction,
            ],
        ),
        2011 => (
            OP_BITS_MODIFY,
            11,
            &[
                Int("bit_offset"),
                Int("bit_size"),
                Int("value"),
                BitFlags,
                SignAction,
            ],
        ),
        2013 => (
            OP_BITS_MODIFY,
            12,
            &[Int("bit_offset"), Int("bit_size"), Int("value"), BitFlags],
        ),
        2014 => (OP_BITS_READ, 50, &[Int("bit_offset"), Int("bit_size")]),
        2015 => (OP_BITS_READ, 51, &[Int("bit_offset"), Int("bit_size")]),
        2016 => (
            OP_BITS_READ,
            52,
            &[Int("bit_offset"), Int("bit_size"), Flag("value")],
        ),
        2017 => (
            OP_BITS_READ,
            53,
            &[Int("bit_offset"), Int("bit_size"), Flag("value")],
        ),
        2012 => (
            OP_BITS_READ,
            54,
            &[Int("bit_offset"), Int("bit_size"), Flag("sign")],
        ),
        2108 => (
            OP_HLL_MODIFY,
            0,
            &[
                IntOr("index_bit_count", -1),
                IntOr("mh_bit_count", -1),
                HllFlags,
            ],
        ),
        2100 => (
            OP_HLL_MODIFY,
            1,
            &[
                Val("value_list"),
                IntOr("index_bit_count", -1),
                IntOr("mh_bit_count", -1),
                HllFlags,
            ],
        ),
        2110 => (OP_HLL_MODIFY, 2, &[Val("value_list"), HllFlags]),
        2109 => (OP_HLL_MODIFY, 3, &[]),
        2102 => (OP_HLL_MODIFY, 4, &[Int("index_bit_count")]),
        2103 => (OP_HLL_READ, 50, &[]),
        2106 => (OP_HLL_READ, 51, &[Val("value_list")]),
        2107 => (OP_HLL_READ, 52, &[Val("value_list")]),
        2104 => (OP_HLL_READ, 53, &[Val("value_list")]),
        2105 => (OP_HLL_READ, 54, &[Val("value_list")]),
        2101 => (OP_HLL_READ, 55, &[]),
        _ => return None,
    })
}

/// Whether `code` is a bitwise or HLL helper operation.
pub fn is_bits(code: i64) -> bool {
    spec(code).is_some()
}

fn opt<'py>(d: &Bound<'py, PyDict>, k: &str) -> PyResult<Option<Bound<'py, PyAny>>> {
    Ok(d.get_item(k)?.filter(|v| !v.is_none()))
}

fn policy_flags(
    py: Python<'_>,
    d: &Bound<'_, PyDict>,
    policy_key: &str,
    flag_key: &str,
) -> PyResult<i64> {
    match opt(d, policy_key)? {
        Some(p) => {
            let p = p
                .cast::<PyDict>()
                .map_err(|_| param_err(py, format!("{policy_key} must be a dict")))?;
            match opt(p, flag_key)? {
                Some(v) => int_of(py, flag_key, &v),
                None => Ok(0),
            }
        }
        None => Ok(0),
    }
}

/// Writes one bitwise/HLL op from its helper dict.
pub fn write_bits_op(
    ser: &Ser<'_, '_>,
    w: &mut MsgWriter<'_>,
    code: i64,
    bin: &str,
    d: &Bound<'_, PyDict>,
) -> PyResult<()> {
    let py = ser.py;
    let Some((op_type, sub, args)) = spec(code) else {
        return Err(param_err(py, format!("unsupported operation code {code}")));
    };
    let op_start = begin_op(w, op_type, bin.as_bytes()).map_err(|e| param_err(py, e.message()))?;
    let buf = w.buffer();
    Packer::new(buf).array_header((args.len() + 1) as u32);
    Packer::new(buf).int(sub);
    for a in args {
        match *a {
            Int(k) => match opt(d, k)? {
                Some(v) => Packer::new(buf).int(int_of(py, k, &v)?),
                None => return Err(param_err(py, format!("operation needs {k:?}"))),
            },
            IntOr(k, default) => match opt(d, k)? {
                Some(v) => Packer::new(buf).int(int_of(py, k, &v)?),
                None => Packer::new(buf).int(default),
            },
            Val(k) => match opt(d, k)? {
                Some(v) => ser.pack(buf, &v, 0)?,
                None => return Err(param_err(py, format!("operation needs {k:?}"))),
            },
            Flag(k) => {
                let on = opt(d, k)?
                    .map(|v| v.is_truthy())
                    .transpose()?
                    .unwrap_or(false);
                Packer::new(buf).int(i64::from(on));
            }
            BitFlags => Packer::new(buf).int(policy_flags(py, d, "policy", "bit_write_flags")?),
            HllFlags => Packer::new(buf).int(policy_flags(py, d, "hll_policy", "flags")?),
            SignAction => {
                let sign = match opt(d, "sign")? {
                    Some(v) => v.is_truthy()?,
                    None => false,
                };
                let action = match opt(d, "action")? {
                    Some(v) => int_of(py, "action", &v)?,
                    None => 0,
                };
                Packer::new(buf).int(i64::from(sign) | action);
            }
        }
    }
    end_op(w, op_start, particle::BLOB).map_err(|e| param_err(py, e.message()))
}
