//! Record commands of `aerospike.Client` (the `#[pymethods]` wrappers are in
//! `client.rs`): put, select, exists, remove_bin, touch, increment.

use aeropy_core::client::{read_header, write_header, write_op};
use aeropy_protocol::msg::{self as wire, op, Message};
use aeropy_protocol::particle;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyInt, PyList, PyTuple};

use crate::client::{begin_key_command, Client, Shape};
use crate::config::{self, int_of, type_name, CmdPolicy};
use crate::errors::{guard, param_err};
use crate::keys::{bin_name, meta_dict, parse_key, write_meta, PyKey};

impl Client {
    pub(crate) fn put_impl<'py>(
        &self,
        py: Python<'py>,
        key: &Bound<'py, PyAny>,
        bins: &Bound<'py, PyAny>,
        meta: Option<&Bound<'py, PyAny>>,
        policy: Option<&Bound<'py, PyAny>>,
        serializer: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<i64> {
        guard(py, || {
            let k = parse_key(py, key)?;
            let p = self.policy(py, &self.settings.policies.write, policy)?;
            let m = write_meta(py, &p, meta)?;
            let bins = bins.cast::<PyDict>().map_err(|_| {
                param_err(py, format!("bins must be a dict, not {}", type_name(bins)))
            })?;
            if bins.is_empty() {
                return Err(param_err(py, "bins must not be empty"));
            }
            let serializer = match serializer.filter(|s| !s.is_none()) {
                Some(s) => Some(int_of(py, "serializer", s)?),
                None => None,
            };
            let pair = self.pair(py);
            let ser = self.ser(py, pair.as_ref(), serializer);
            self.command(
                py,
                &k,
                true,
                &p,
                |w| {
                    begin_key_command(
                        &p,
                        w,
                        &k.key,
                        &write_header(&p.base, &m, 0),
                        p.base.send_key,
                    );
                    for (name, v) in bins.iter() {
                        ser.write_op(w, op::WRITE, &bin_name(py, &name)?, &v)?;
                    }
                    Ok(true)
                },
                |r| {
                    Self::check(py, r, true)?;
                    Ok(py.None().into_bound(py))
                },
            )?;
            Ok(0)
        })
    }

    pub(crate) fn select_impl<'py>(
        &self,
        py: Python<'py>,
        key: &Bound<'py, PyAny>,
        bins: &Bound<'py, PyAny>,
        policy: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || {
            let k = parse_key(py, key)?;
            let p = self.policy(py, &self.settings.policies.read, policy)?;
            let names: Vec<Bound<'py, PyAny>> = if let Ok(l) = bins.cast::<PyList>() {
                l.iter().collect()
            } else if let Ok(t) = bins.cast::<PyTuple>() {
                t.iter().collect()
            } else {
                return Err(param_err(py, "bins must be a list of bin names"));
            };
            if names.is_empty() {
                return Err(param_err(py, "bins must not be empty"));
            }
            self.command(
                py,
                &k,
                false,
                &p,
                |w| {
                    begin_key_command(&p, w, &k.key, &read_header(&p.base, 0), false);
                    for n in &names {
                        write_op(
                            w,
                            op::READ,
                            particle::NULL,
                            bin_name(py, n)?.as_bytes(),
                            &[],
                        )
                        .map_err(|e| param_err(py, e.message()))?;
                    }
                    Ok(false)
                },
                |r| self.record(py, &k, r, Shape::Dict, &p),
            )
        })
    }

    /// A read that sends the key and `info1` flags only (get, exists); `reply` builds the
    /// result from the parsed key, the policy and the server's reply.
    pub(crate) fn key_read<'py>(
        &self,
        py: Python<'py>,
        key: &Bound<'py, PyAny>,
        policy: Option<&Bound<'py, PyAny>>,
        info1: u8,
        reply: impl FnOnce(&PyKey<'py>, &CmdPolicy, &Message<'_>) -> PyResult<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || {
            let k = parse_key(py, key)?;
            let p = self.policy(py, &self.settings.policies.read, policy)?;
            self.command(
                py,
                &k,
                false,
                &p,
                |w| {
                    begin_key_command(&p, w, &k.key, &read_header(&p.base, info1), false);
                    Ok(false)
                },
                |r| reply(&k, &p, r),
            )
        })
    }

    pub(crate) fn exists_impl<'py>(
        &self,
        py: Python<'py>,
        key: &Bound<'py, PyAny>,
        policy: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.key_read(py, key, policy, wire::INFO1_GET_NO_BINS, |k, _, r| {
            let meta = match r.header.result_code {
                2 => py.None().into_bound(py),
                _ => {
                    Self::check(py, r, false)?;
                    meta_dict(py, r.header.generation, r.header.record_ttl)?.into_any()
                }
            };
            Ok(PyTuple::new(py, [k.to_tuple(py)?.into_any(), meta])?.into_any())
        })
    }

    pub(crate) fn remove_bin_impl<'py>(
        &self,
        py: Python<'py>,
        key: &Bound<'py, PyAny>,
        list: &Bound<'py, PyAny>,
        meta: Option<&Bound<'py, PyAny>>,
        policy: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<i64> {
        guard(py, || {
            let names = list
                .cast::<PyList>()
                .map_err(|_| param_err(py, "remove_bin: bins must be a list of bin names"))?;
            if names.is_empty() {
                return Err(param_err(py, "remove_bin: bins must not be empty"));
            }
            self.simple_write(py, key, meta, policy, None, |w, _| {
                for n in names.iter() {
                    write_op(
                        w,
                        op::WRITE,
                        particle::NULL,
                        bin_name(py, &n)?.as_bytes(),
                        &[],
                    )
                    .map_err(|e| param_err(py, e.message()))?;
                }
                Ok(())
            })
        })
    }

    pub(crate) fn touch_impl<'py>(
        &self,
        py: Python<'py>,
        key: &Bound<'py, PyAny>,
        val: Option<&Bound<'py, PyAny>>,
        meta: Option<&Bound<'py, PyAny>>,
        policy: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<i64> {
        guard(py, || {
            let ttl = match val.filter(|v| !v.is_none()) {
                Some(v) => Some(config::ttl_of(py, "touch val", v)?),
                None => None,
            };
            self.simple_write(py, key, meta, policy, ttl, |w, _| {
                write_op(w, op::TOUCH, particle::NULL, b"", &[])
                    .map_err(|e| param_err(py, e.message()))
            })
        })
    }

    pub(crate) fn increment_impl<'py>(
        &self,
        py: Python<'py>,
        key: &Bound<'py, PyAny>,
        bin: &Bound<'py, PyAny>,
        offset: &Bound<'py, PyAny>,
        meta: Option<&Bound<'py, PyAny>>,
        policy: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<i64> {
        guard(py, || {
            let name = bin_name(py, bin)?;
            let ok = (offset.cast::<PyInt>().is_ok() && offset.cast::<PyBool>().is_err())
                || offset.cast::<pyo3::types::PyFloat>().is_ok();
            if !ok {
                return Err(param_err(
                    py,
                    format!(
                        "increment offset must be an int or float, not {}",
                        type_name(offset)
                    ),
                ));
            }
            self.simple_write(py, key, meta, policy, None, |w, ser| {
                ser.write_op(w, op::INCR, &name, offset)
            })
        })
    }
}
