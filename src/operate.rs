//! `operate` / `operate_ordered`: seed-era operator dicts and `aerospike_helpers` ops.

use aeropy_core::client::finish_operate_header;

use crate::client::begin_key_command;
use aeropy_core::client::{begin_op, end_op, write_op};
use aeropy_protocol::msg::{self as wire, op, MsgHeader, MsgWriter};
use aeropy_protocol::msgpack::Packer;
use aeropy_protocol::particle;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyByteArray, PyBytes, PyDict, PyInt, PyList, PyString};

use crate::bits;
use crate::cdt;
use crate::client::{Client, Shape};
use crate::config::CmdPolicy;
use crate::config::{self, int_of, type_name};
use crate::errors::param_err;
use crate::keys::{bin_name, parse_key, write_meta, PyKey};
use aeropy_core::WriteMeta;

/// The operator constants of aerospike._constants (their values are the 19.x ones).
struct Operators {
    read: i64,
    write: i64,
    incr: i64,
    append: i64,
    prepend: i64,
    touch: i64,
    delete: i64,
}

static OPERATORS: PyOnceLock<Operators> = PyOnceLock::new();

fn operators(py: Python<'_>) -> PyResult<&Operators> {
    OPERATORS.get_or_try_init(py, || -> PyResult<Operators> {
        let c = py.import("aerospike._constants")?;
        let g = |n: &str| -> PyResult<i64> { c.getattr(n)?.extract() };
        Ok(Operators {
            read: g("OPERATOR_READ")?,
            write: g("OPERATOR_WRITE")?,
            incr: g("OPERATOR_INCR")?,
            append: g("OPERATOR_APPEND")?,
            prepend: g("OPERATOR_PREPEND")?,
            touch: g("OPERATOR_TOUCH")?,
            delete: g("OPERATOR_DELETE")?,
        })
    })
}

/// `aerospike.OP_EXPR_READ` / `OP_EXPR_WRITE` (helper op codes) and their wire ops.
const OP_EXPR_READ: i64 = 2200;
const OP_EXPR_WRITE: i64 = 2201;
const OP_EXP_READ: u8 = 7;
const OP_EXP_MODIFY: u8 = 8;

impl Client {
    pub(crate) fn operate_impl<'py>(
        &self,
        py: Python<'py>,
        key: &Bound<'py, PyAny>,
        list: &Bound<'py, PyAny>,
        meta: Option<&Bound<'py, PyAny>>,
        policy: Option<&Bound<'py, PyAny>>,
        shape: Shape,
    ) -> PyResult<Bound<'py, PyAny>> {
        let k = parse_key(py, key)?;
        let p = self.policy(py, &self.settings.policies.operate, policy)?;
        let mut m = write_meta(py, &p, meta)?;
        let ops = list
            .cast::<PyList>()
            .map_err(|_| param_err(py, "operations must be a list of dicts"))?;
        if ops.is_empty() {
            return Err(param_err(py, "operations must not be empty"));
        }
        self.command(
            py,
            &k,
            false,
            &p,
            |w| self.write_operate(py, w, &k, &p, &mut m, ops),
            |r| self.record(py, &k, r, shape, &p),
        )
    }

    /// Writes the key fields and the ops of an operate into `w` and sets its header from
    /// the ops; returns whether it writes.
    pub(crate) fn write_operate<'py>(
        &self,
        py: Python<'py>,
        w: &mut MsgWriter<'_>,
        k: &PyKey<'py>,
        p: &CmdPolicy,
        m: &mut WriteMeta,
        ops: &Bound<'py, PyList>,
    ) -> PyResult<bool> {
        begin_key_command(p, w, &k.key, &MsgHeader::default(), p.base.send_key);
        self.write_ops(py, w, p, m, ops)
    }

    /// Writes the ops of `ops` (operator dicts) into `w` and sets its header from them;
    /// returns whether they write. Shared by operate and background-ops jobs.
    pub(crate) fn write_ops<'py>(
        &self,
        py: Python<'py>,
        w: &mut MsgWriter<'_>,
        p: &CmdPolicy,
        m: &mut WriteMeta,
        ops: &Bound<'py, PyList>,
    ) -> PyResult<bool> {
        let opc = operators(py)?;
        let pair = self.pair(py);
        let ser = self.ser(py, pair.as_ref(), None);
        let mut read_all = false;
        let mut respond_all = false;
        for op in ops.iter() {
            let d = op
                .cast::<PyDict>()
                .map_err(|_| param_err(py, "each operation must be a dict"))?;
            let code = match d.get_item(intern!(py, "op"))? {
                Some(c) => int_of(py, "operation \"op\"", &c)?,
                None => return Err(param_err(py, "operation dict has no \"op\"")),
            };
            let bin = d.get_item(intern!(py, "bin"))?;
            let val = d.get_item(intern!(py, "val"))?;
            let need_bin = |b: &Option<Bound<'py, PyAny>>| -> PyResult<String> {
                match b {
                    Some(b) => bin_name(py, b),
                    None => Err(param_err(py, "operation needs a \"bin\"")),
                }
            };
            let need_val = |v: &Option<Bound<'py, PyAny>>| -> PyResult<Bound<'py, PyAny>> {
                v.clone()
                    .ok_or_else(|| param_err(py, "operation needs a \"val\""))
            };
            if code == opc.read {
                match &bin {
                    Some(b) if !b.is_none() => {
                        let name = bin_name(py, b)?;
                        write_op(w, op::READ, particle::NULL, name.as_bytes(), &[])
                            .map_err(|e| param_err(py, e.message()))?;
                    }
                    _ => read_all = true,
                }
            } else if code == opc.write {
                ser.write_op(w, op::WRITE, &need_bin(&bin)?, &need_val(&val)?)?;
            } else if code == opc.incr {
                let v = need_val(&val)?;
                if !(v.cast::<PyInt>().is_ok() && v.cast::<PyBool>().is_err())
                    && v.cast::<pyo3::types::PyFloat>().is_err()
                {
                    return Err(param_err(
                        py,
                        format!(
                            "increment value must be an int or float, not {}",
                            type_name(&v)
                        ),
                    ));
                }
                ser.write_op(w, op::INCR, &need_bin(&bin)?, &v)?;
            } else if code == opc.append || code == opc.prepend {
                let v = need_val(&val)?;
                if v.cast::<PyString>().is_err()
                    && v.cast::<PyBytes>().is_err()
                    && v.cast::<PyByteArray>().is_err()
                {
                    return Err(param_err(
                        py,
                        format!(
                            "append/prepend value must be a str or bytes, not {}",
                            type_name(&v)
                        ),
                    ));
                }
                let t = if code == opc.append {
                    op::APPEND
                } else {
                    op::PREPEND
                };
                ser.write_op(w, t, &need_bin(&bin)?, &v)?;
            } else if code == opc.touch {
                if let Some(v) = val.as_ref().filter(|v| !v.is_none()) {
                    m.ttl = config::ttl_of(py, "touch \"val\"", v)?;
                }
                write_op(w, op::TOUCH, particle::NULL, b"", &[])
                    .map_err(|e| param_err(py, e.message()))?;
            } else if code == opc.delete {
                write_op(w, op::DELETE_ALL, particle::NULL, b"", &[])
                    .map_err(|e| param_err(py, e.message()))?;
            } else if cdt::is_cdt(code) {
                cdt::write_cdt_op(&ser, w, code, &need_bin(&bin)?, d)?;
                // As the official client: map ops ask for one result per op.
                respond_all |= cdt::is_map_op(code);
            } else if bits::is_bits(code) {
                bits::write_bits_op(&ser, w, code, &need_bin(&bin)?, d)?;
                respond_all = true;
            } else if code == OP_EXPR_READ || code == OP_EXPR_WRITE {
                // value: msgpack [packed expression, flags]
                let expr = match d.get_item(intern!(py, "expr"))? {
                    Some(e) => e,
                    None => return Err(param_err(py, "expression operation needs \"expr\"")),
                };
                let packed: Vec<u8> = py
                    .import("aerospike_helpers.expressions._packer")?
                    .getattr("pack_expression")?
                    .call1((expr,))?
                    .extract()?;
                let flags = match d.get_item(intern!(py, "expr_flags"))? {
                    Some(f) if !f.is_none() => int_of(py, "expr_flags", &f)?,
                    _ => 0,
                };
                let op = if code == OP_EXPR_READ {
                    OP_EXP_READ
                } else {
                    OP_EXP_MODIFY
                };
                let op_start = begin_op(w, op, need_bin(&bin)?.as_bytes())
                    .map_err(|e| param_err(py, e.message()))?;
                let buf = w.buffer();
                Packer::new(buf).array_header(2);
                buf.extend_from_slice(&packed);
                Packer::new(buf).int(flags);
                end_op(w, op_start, particle::BLOB).map_err(|e| param_err(py, e.message()))?;
                respond_all = true;
            } else {
                return Err(param_err(py, format!("unsupported operation code {code}")));
            }
        }
        let write = finish_operate_header(w, &p.base, m);
        if read_all {
            or_info(w, wire::INFO1_READ | wire::INFO1_GET_ALL, 0);
        }
        if respond_all {
            // One result per op, in op order (what list/map ops need).
            or_info(w, 0, wire::INFO2_RESPOND_ALL_OPS);
        }
        Ok(write)
    }
}

/// Sets extra info1/info2 bits on the header of the message being written.
fn or_info(w: &mut MsgWriter<'_>, info1: u8, info2: u8) {
    let mut h = w.header();
    h.info1 |= info1;
    h.info2 |= info2;
    w.set_header(&h);
}
