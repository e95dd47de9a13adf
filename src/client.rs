//! `aerospike.Client`: argument conversion, the GIL released around the network, results.

use std::cell::RefCell;
use std::sync::{Arc, RwLock};

use aeropy_core::client::{finish, read_header, write_header, write_op};
use aeropy_core::{Client as CoreClient, Error, Key, Route};
use aeropy_protocol::msg::{self as wire, field, op, Message, MsgHeader, MsgWriter, Op};
use aeropy_protocol::particle;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyByteArray, PyBytes, PyDict, PyInt, PyList, PyString, PyTuple};

use crate::config::{self, int_of, type_name, CmdPolicy, Settings};
use crate::errors::{guard, param_err, to_pyerr};
use crate::keys::{bin_name, calc_digest, meta_dict, parse_key, write_meta, PyKey};
use crate::serialization::{De, Ser};

thread_local! {
    /// Request and reply buffers reused by every command of this thread.
    static BUFS: RefCell<(Vec<u8>, Vec<u8>)> = const { RefCell::new((Vec::new(), Vec::new())) };
}

fn take_bufs() -> (Vec<u8>, Vec<u8>) {
    BUFS.with(|b| std::mem::take(&mut *b.borrow_mut()))
}

fn put_bufs(req: Vec<u8>, out: Vec<u8>) {
    // Keep big buffers from pinning memory forever.
    if req.capacity() <= 1 << 20 && out.capacity() <= 1 << 20 {
        BUFS.with(|b| *b.borrow_mut() = (req, out));
    }
}

/// Starts a key command in the writer `Client::command` started: sets its header and
/// writes the key fields, then the policy's filter expression if any. Must come before
/// any other field or op.
pub(crate) fn begin_key_command(
    p: &CmdPolicy,
    w: &mut MsgWriter<'_>,
    key: &Key,
    header: &MsgHeader,
    send_key: bool,
) {
    w.set_header(header);
    aeropy_core::client::write_key_fields(w, key, send_key);
    if let Some(f) = &p.base.filter_exp {
        w.field(field::FILTER_EXP, f);
    }
}

/// The Aerospike client.
#[pyclass(module = "aerospike", name = "Client", frozen)]
pub struct Client {
    pub(crate) settings: Settings,
    /// The connected core and the process that connected it (sockets and the tend
    /// thread do not survive `fork()`).
    core: RwLock<Option<(u32, Arc<CoreClient>)>>,
}

pub(crate) enum Shape {
    /// bins as a dict
    Dict,
    /// bins as a list of (name, value)
    Ordered,
}

impl Client {
    pub(crate) fn core(&self, py: Python<'_>) -> PyResult<Arc<CoreClient>> {
        match self.core.read().ok().and_then(|c| c.clone()) {
            Some((pid, c)) if pid == std::process::id() => Ok(c),
            Some(_) => Err(crate::errors::make_exception(
                py,
                11,
                "the client was connected in a parent process (fork): call connect() in this process",
                false,
            )),
            None => Err(crate::errors::make_exception(
                py,
                11,
                "No connection to the cluster: call connect() first",
                false,
            )),
        }
    }

    /// In a forked child, drops the parent's core without touching its sockets or
    /// joining its (absent) tend thread.
    fn forget_forked(&self) {
        if let Ok(mut c) = self.core.write() {
            if c.as_ref()
                .is_some_and(|(pid, _)| *pid != std::process::id())
            {
                if let Some(old) = c.take() {
                    std::mem::forget(old);
                }
            }
        }
    }

    pub(crate) fn policy(
        &self,
        py: Python<'_>,
        base: &CmdPolicy,
        policy: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<CmdPolicy> {
        let mut p = base.clone();
        if let Some(d) = policy {
            config::apply_policy(py, &mut p, "policy", d)?;
        }
        Ok(p)
    }

    pub(crate) fn pair<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyAny>> {
        self.settings.pair.as_ref().map(|p| p.bind(py).clone())
    }

    /// Runs the finished request `req` with the GIL released, returns the reply body in
    /// `out`.
    pub(crate) fn exchange(
        &self,
        py: Python<'_>,
        key: &Key,
        write: bool,
        p: &CmdPolicy,
        req: &[u8],
        out: &mut Vec<u8>,
    ) -> PyResult<()> {
        let core = self.core(py)?;
        let route = Route {
            namespace: &key.namespace,
            digest: &key.digest,
            write,
        };
        py.detach(|| core.run(route, &p.base, req, out))
            .map_err(|e| to_pyerr(py, &e))
    }

    /// Builds, sends and reads one single-record command.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn command<'py>(
        &self,
        py: Python<'py>,
        key: &PyKey<'py>,
        write: bool,
        p: &CmdPolicy,
        build: impl FnOnce(&mut MsgWriter<'_>) -> PyResult<bool>,
        read: impl FnOnce(&Message<'_>) -> PyResult<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (mut req, mut out) = take_bufs();
        req.clear();
        // `build` sets the real header through `begin_key_command`.
        let mut w = MsgWriter::start(&mut req, &MsgHeader::default());
        let write = build(&mut w).and_then(|op_write| {
            finish(w).map_err(|e| to_pyerr(py, &e))?;
            Ok(op_write || write)
        });
        let result = write.and_then(|write| {
            self.exchange(py, &key.key, write, p, &req, &mut out)?;
            let r = Message::parse(&out).map_err(|e| to_pyerr(py, &e.into()))?;
            read(&r)
        });
        put_bufs(req, out);
        result
    }

    pub(crate) fn bins_from_reply<'py>(
        &self,
        py: Python<'py>,
        r: &Message<'_>,
        shape: Shape,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.bins_from_reply_with(py, r, shape, true)
    }

    /// As `bins_from_reply`; `deserialize = false` (19.x policy) leaves lists and maps
    /// as their raw msgpack bytes.
    pub(crate) fn bins_from_reply_with<'py>(
        &self,
        py: Python<'py>,
        r: &Message<'_>,
        shape: Shape,
        deserialize: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let pair = self.pair(py);
        let mut de = De::new(py, pair.as_ref())?;
        de.raw_collections = !deserialize;
        let name = |op: &Op<'_>| PyString::new(py, &String::from_utf8_lossy(op.name));
        match shape {
            Shape::Dict => {
                let d = PyDict::new(py);
                for op in r.ops() {
                    d.set_item(name(&op), de.particle(op.particle_type, op.value)?)?;
                }
                Ok(d.into_any())
            }
            Shape::Ordered => {
                let l = PyList::empty(py);
                for op in r.ops() {
                    let v = de.particle(op.particle_type, op.value)?;
                    l.append(PyTuple::new(py, [name(&op).into_any(), v])?)?;
                }
                Ok(l.into_any())
            }
        }
    }

    pub(crate) fn check(py: Python<'_>, r: &Message<'_>, write: bool) -> PyResult<()> {
        match r.header.result_code {
            0 => Ok(()),
            c => Err(to_pyerr(py, &Error::server(i32::from(c), write && c == 9))),
        }
    }

    pub(crate) fn record<'py>(
        &self,
        py: Python<'py>,
        key: &PyKey<'py>,
        r: &Message<'_>,
        shape: Shape,
        p: &CmdPolicy,
    ) -> PyResult<Bound<'py, PyAny>> {
        Self::check(py, r, false)?;
        let bins = self.bins_from_reply_with(py, r, shape, p.deserialize)?;
        Ok(PyTuple::new(
            py,
            [
                key.to_tuple(py)?.into_any(),
                meta_dict(py, r.header.generation, r.header.record_ttl)?.into_any(),
                bins,
            ],
        )?
        .into_any())
    }

    pub(crate) fn ser<'a, 'py>(
        &self,
        py: Python<'py>,
        pair: Option<&'a Bound<'py, PyAny>>,
        serializer: Option<i64>,
    ) -> Ser<'a, 'py> {
        Ser {
            py,
            send_bool_as: self.settings.send_bool_as,
            serializer,
            default: self.settings.serializer_default,
            pair,
        }
    }

    /// A single-op write (append, prepend, increment, remove_bin, touch).
    #[allow(clippy::too_many_arguments)]
    fn simple_write<'py>(
        &self,
        py: Python<'py>,
        key: &Bound<'py, PyAny>,
        meta: Option<&Bound<'py, PyAny>>,
        policy: Option<&Bound<'py, PyAny>>,
        ttl: Option<u32>,
        ops: impl FnOnce(&mut MsgWriter<'_>, &Ser<'_, 'py>) -> PyResult<()>,
    ) -> PyResult<i64> {
        let k = parse_key(py, key)?;
        let p = self.policy(py, &self.settings.policies.write, policy)?;
        let mut m = write_meta(py, &p, meta)?;
        if let Some(t) = ttl {
            m.ttl = t;
        }
        let pair = self.pair(py);
        let ser = self.ser(py, pair.as_ref(), None);
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
                ops(w, &ser)?;
                Ok(true)
            },
            |r| {
                Self::check(py, r, true)?;
                Ok(py.None().into_bound(py))
            },
        )?;
        Ok(0)
    }

    fn info_on(
        &self,
        py: Python<'_>,
        node: &aeropy_core::Node,
        command: &str,
        p: &CmdPolicy,
    ) -> PyResult<String> {
        let timeout = p.base.total_timeout;
        let cmd = command.trim_end_matches('\n').to_owned();
        let res = py.detach(|| {
            let cmds: Vec<&str> = cmd.split('\n').collect();
            node.info(&cmds, timeout)
        });
        let pairs = res.map_err(|e| to_pyerr(py, &e))?;
        let mut s = String::new();
        for (k, v) in pairs {
            s.push_str(&k);
            s.push('\t');
            s.push_str(&v);
            s.push('\n');
        }
        Ok(s)
    }
}

#[pymethods]
impl Client {
    #[new]
    fn new(py: Python<'_>, config: &Bound<'_, PyAny>) -> PyResult<Self> {
        guard(py, || {
            Ok(Client {
                settings: config::parse(py, config)?,
                core: RwLock::new(None),
            })
        })
    }

    /// Connects to the cluster; returns the client.
    #[pyo3(signature = (username=None, password=None))]
    fn connect<'py>(
        slf: Bound<'py, Self>,
        username: Option<&Bound<'py, PyAny>>,
        password: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, Self>> {
        let py = slf.py();
        guard(py, || {
            for (n, v) in [("username", username), ("password", password)] {
                if let Some(v) = v.filter(|v| !v.is_none()) {
                    v.cast::<PyString>()
                        .map_err(|_| param_err(py, format!("{n} must be a str")))?;
                }
            }
            let this = slf.get();
            let pid = std::process::id();
            if this
                .core
                .read()
                .ok()
                .and_then(|c| c.as_ref().map(|(p, _)| *p))
                == Some(pid)
            {
                return Ok(slf.clone());
            }
            this.forget_forked();
            let mut cfg = this.settings.cluster.clone();
            let arg = |v: Option<&Bound<'py, PyAny>>| -> PyResult<Option<String>> {
                v.filter(|v| !v.is_none())
                    .map(|v| v.extract::<String>())
                    .transpose()
            };
            let user = arg(username)?.or_else(|| this.settings.user.clone());
            let password = arg(password)?.or_else(|| this.settings.password.clone());
            let core = py
                .detach(|| {
                    if let Some(user) = user.filter(|u| !u.is_empty()) {
                        let pw = password.unwrap_or_default();
                        cfg.credentials = Some(aeropy_core::Credentials::new(&user, &pw)?);
                    }
                    CoreClient::connect(cfg)
                })
                .map_err(|e| to_pyerr(py, &e))?;
            if let Ok(mut c) = this.core.write() {
                *c = Some((pid, Arc::new(core)));
            }
            Ok(slf.clone())
        })
    }

    /// Closes every connection; the client can connect again.
    fn close(&self, py: Python<'_>) -> PyResult<()> {
        guard(py, || {
            self.forget_forked();
            let core = self.core.write().ok().and_then(|mut c| c.take());
            if let Some((_, c)) = core {
                py.detach(|| c.close());
            }
            Ok(())
        })
    }

    /// Whether `connect()` succeeded and the cluster has an active node.
    fn is_connected(&self) -> bool {
        self.core
            .read()
            .ok()
            .and_then(|c| c.clone())
            .is_some_and(|(pid, c)| pid == std::process::id() && !c.nodes().is_empty())
    }

    /// Writes bins; returns 0.
    #[pyo3(signature = (key, bins, meta=None, policy=None, serializer=None))]
    fn put<'py>(
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

    /// Reads a record: `(key, meta, bins)`; RecordNotFound when missing.
    #[pyo3(signature = (key, policy=None))]
    pub(crate) fn get<'py>(
        &self,
        py: Python<'py>,
        key: &Bound<'py, PyAny>,
        policy: Option<&Bound<'py, PyAny>>,
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
                    begin_key_command(
                        &p,
                        w,
                        &k.key,
                        &read_header(&p.base, wire::INFO1_GET_ALL),
                        false,
                    );
                    Ok(false)
                },
                |r| self.record(py, &k, r, Shape::Dict, &p),
            )
        })
    }

    /// Reads the named bins of a record.
    #[pyo3(signature = (key, bins, policy=None))]
    pub(crate) fn select<'py>(
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

    /// `(key, meta)`, or `(key, None)` when the record does not exist.
    #[pyo3(signature = (key, policy=None))]
    pub(crate) fn exists<'py>(
        &self,
        py: Python<'py>,
        key: &Bound<'py, PyAny>,
        policy: Option<&Bound<'py, PyAny>>,
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
                    begin_key_command(
                        &p,
                        w,
                        &k.key,
                        &read_header(&p.base, wire::INFO1_GET_NO_BINS),
                        false,
                    );
                    Ok(false)
                },
                |r| {
                    let meta = match r.header.result_code {
                        2 => py.None().into_bound(py),
                        _ => {
                            Self::check(py, r, false)?;
                            meta_dict(py, r.header.generation, r.header.record_ttl)?.into_any()
                        }
                    };
                    Ok(PyTuple::new(py, [k.to_tuple(py)?.into_any(), meta])?.into_any())
                },
            )
        })
    }

    /// Removes a record; returns 0.
    #[pyo3(signature = (key, meta=None, policy=None))]
    pub(crate) fn remove<'py>(
        &self,
        py: Python<'py>,
        key: &Bound<'py, PyAny>,
        meta: Option<&Bound<'py, PyAny>>,
        policy: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<i64> {
        guard(py, || {
            let k = parse_key(py, key)?;
            let p = self.policy(py, &self.settings.policies.remove, policy)?;
            let m = write_meta(py, &p, meta)?;
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
                        &write_header(&p.base, &m, wire::INFO2_DELETE),
                        p.base.send_key,
                    );
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

    /// Removes bins from a record; returns 0.
    #[pyo3(signature = (key, list, meta=None, policy=None))]
    fn remove_bin<'py>(
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

    /// Resets the record's TTL to `val` and bumps its generation; returns 0.
    #[pyo3(signature = (key, val=None, meta=None, policy=None))]
    fn touch<'py>(
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

    /// Appends a str or bytes to a bin; returns 0.
    #[pyo3(signature = (key, bin, val, meta=None, policy=None))]
    fn append<'py>(
        &self,
        py: Python<'py>,
        key: &Bound<'py, PyAny>,
        bin: &Bound<'py, PyAny>,
        val: &Bound<'py, PyAny>,
        meta: Option<&Bound<'py, PyAny>>,
        policy: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<i64> {
        guard(py, || {
            self.concat(py, op::APPEND, key, bin, val, meta, policy)
        })
    }

    /// Prepends a str or bytes to a bin; returns 0.
    #[pyo3(signature = (key, bin, val, meta=None, policy=None))]
    fn prepend<'py>(
        &self,
        py: Python<'py>,
        key: &Bound<'py, PyAny>,
        bin: &Bound<'py, PyAny>,
        val: &Bound<'py, PyAny>,
        meta: Option<&Bound<'py, PyAny>>,
        policy: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<i64> {
        guard(py, || {
            self.concat(py, op::PREPEND, key, bin, val, meta, policy)
        })
    }

    /// Adds an int or float to a bin; returns 0.
    #[pyo3(signature = (key, bin, offset, meta=None, policy=None))]
    fn increment<'py>(
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

    /// Several operations on one record: `(key, meta, bins)`.
    #[pyo3(signature = (key, list, meta=None, policy=None))]
    fn operate<'py>(
        &self,
        py: Python<'py>,
        key: &Bound<'py, PyAny>,
        list: &Bound<'py, PyAny>,
        meta: Option<&Bound<'py, PyAny>>,
        policy: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || {
            self.operate_impl(py, key, list, meta, policy, Shape::Dict)
        })
    }

    /// Like `operate`, results as a list of `(bin, value)` in op order.
    #[pyo3(signature = (key, list, meta=None, policy=None))]
    fn operate_ordered<'py>(
        &self,
        py: Python<'py>,
        key: &Bound<'py, PyAny>,
        list: &Bound<'py, PyAny>,
        meta: Option<&Bound<'py, PyAny>>,
        policy: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || {
            self.operate_impl(py, key, list, meta, policy, Shape::Ordered)
        })
    }

    /// The digest of a key, as a bytearray.
    fn get_key_digest<'py>(
        &self,
        py: Python<'py>,
        ns: &Bound<'py, PyAny>,
        set: &Bound<'py, PyAny>,
        key: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyByteArray>> {
        calc_digest(py, ns, set, key)
    }

    /// Seed-era info: `{node_name: (None, response)}` for every node (or the given hosts).
    #[pyo3(signature = (command, hosts=None, policy=None))]
    fn info<'py>(
        &self,
        py: Python<'py>,
        command: &str,
        hosts: Option<&Bound<'py, PyAny>>,
        policy: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        guard(py, || {
            let p = self.policy(py, &self.settings.policies.info, policy)?;
            let core = self.core(py)?;
            let wanted: Option<Vec<(String, u16)>> = match hosts.filter(|h| !h.is_none()) {
                Some(h) => Some(h.extract().map_err(|_| {
                    param_err(py, "hosts must be a list of (address, port) tuples")
                })?),
                None => None,
            };
            let out = PyDict::new(py);
            for n in core.nodes().iter() {
                if let Some(w) = &wanted {
                    if !w.iter().any(|(h, port)| {
                        *port == n.port() && (h == n.host() || n.address().ip().to_string() == *h)
                    }) {
                        continue;
                    }
                }
                let res = self.info_on(py, n, command, &p)?;
                out.set_item(n.name(), (py.None(), res))?;
            }
            Ok(out)
        })
    }

    /// 19.x `info_all`: `{node_name: (None, response)}`.
    #[pyo3(signature = (command, policy=None))]
    fn info_all<'py>(
        &self,
        py: Python<'py>,
        command: &str,
        policy: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        self.info(py, command, None, policy)
    }

    /// Info on the node at `host` `(address, port)`; returns the response text.
    #[pyo3(signature = (command, host, policy=None))]
    fn info_node<'py>(
        &self,
        py: Python<'py>,
        command: &str,
        host: &Bound<'py, PyAny>,
        policy: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<String> {
        guard(py, || {
            let p = self.policy(py, &self.settings.policies.info, policy)?;
            let (h, port): (String, u16) = host
                .extract()
                .map_err(|_| param_err(py, "host must be an (address, port) tuple"))?;
            let core = self.core(py)?;
            let nodes = core.nodes();
            let node = nodes
                .iter()
                .find(|n| n.port() == port && (n.host() == h || n.address().ip().to_string() == h))
                .ok_or_else(|| {
                    to_pyerr(py, &Error::InvalidNode(format!("no node at {h}:{port}")))
                })?;
            self.info_on(py, node, command, &p)
        })
    }

    /// 19.x `info_single_node`: info on the node named `host` (a node name).
    #[pyo3(signature = (command, host, policy=None))]
    fn info_single_node<'py>(
        &self,
        py: Python<'py>,
        command: &str,
        host: &Bound<'py, PyAny>,
        policy: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<String> {
        guard(py, || {
            if host.cast::<PyTuple>().is_ok() {
                return self.info_node(py, command, host, policy);
            }
            let p = self.policy(py, &self.settings.policies.info, policy)?;
            let name: String = host
                .extract()
                .map_err(|_| param_err(py, "host must be a node name"))?;
            let core = self.core(py)?;
            let node = core
                .cluster()
                .node_by_name(&name)
                .map_err(|e| to_pyerr(py, &e))?;
            self.info_on(py, &node, command, &p)
        })
    }

    /// Info on any one node.
    #[pyo3(signature = (command, policy=None))]
    fn info_random_node<'py>(
        &self,
        py: Python<'py>,
        command: &str,
        policy: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<String> {
        guard(py, || {
            let p = self.policy(py, &self.settings.policies.info, policy)?;
            let core = self.core(py)?;
            let nodes = core.nodes();
            let i = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.subsec_nanos() as usize)
                .unwrap_or(0);
            let node = nodes
                .get(i % nodes.len().max(1))
                .ok_or_else(|| to_pyerr(py, &Error::Cluster("no node available".into())))?;
            self.info_on(py, node, command, &p)
        })
    }

    /// `[(address, port), ...]` of the active nodes.
    fn get_nodes(&self, py: Python<'_>) -> PyResult<Vec<(String, u16)>> {
        let core = self.core(py)?;
        Ok(core
            .nodes()
            .iter()
            .map(|n| (n.host().to_string(), n.port()))
            .collect())
    }

    /// `[{"address", "port", "node_name"}, ...]` of the active nodes.
    fn get_node_names<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let core = self.core(py)?;
        let l = PyList::empty(py);
        for n in core.nodes().iter() {
            let d = PyDict::new(py);
            d.set_item("address", n.host())?;
            d.set_item("port", n.port())?;
            d.set_item("node_name", n.name())?;
            l.append(d)?;
        }
        Ok(l)
    }

    /// A scan of `ns` (and `set`): `Scan.select`, `results`, `foreach`.
    #[pyo3(signature = (ns, set=None))]
    fn scan(
        slf: &Bound<'_, Self>,
        ns: &Bound<'_, PyAny>,
        set: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<crate::query::Scan> {
        crate::query::new_scan(slf.py(), slf.clone().unbind(), ns, set)
    }

    /// A query of `ns` (and `set`): `Query.select`, `where`, `results`, `foreach`.
    #[pyo3(signature = (ns, set=None))]
    fn query(
        slf: &Bound<'_, Self>,
        ns: &Bound<'_, PyAny>,
        set: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<crate::query::Query> {
        crate::query::new_query(slf.py(), slf.clone().unbind(), ns, set)
    }

    /// Creates a numeric secondary index; returns 0 once it is built.
    #[pyo3(signature = (ns, set, bin, index_name, policy=None))]
    fn index_integer_create(
        &self,
        py: Python<'_>,
        ns: &str,
        set: Option<&str>,
        bin: &str,
        index_name: &str,
        policy: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<i64> {
        let _ = policy;
        guard(py, || {
            self.index_create(py, ns, set, bin, index_name, 1, None)
        })
    }

    /// Creates a string secondary index.
    #[pyo3(signature = (ns, set, bin, index_name, policy=None))]
    fn index_string_create(
        &self,
        py: Python<'_>,
        ns: &str,
        set: Option<&str>,
        bin: &str,
        index_name: &str,
        policy: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<i64> {
        let _ = policy;
        guard(py, || {
            self.index_create(py, ns, set, bin, index_name, 0, None)
        })
    }

    /// Creates a blob secondary index.
    #[pyo3(signature = (ns, set, bin, index_name, policy=None))]
    fn index_blob_create(
        &self,
        py: Python<'_>,
        ns: &str,
        set: Option<&str>,
        bin: &str,
        index_name: &str,
        policy: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<i64> {
        let _ = policy;
        guard(py, || {
            self.index_create(py, ns, set, bin, index_name, 3, None)
        })
    }

    /// Creates a geospatial secondary index.
    #[pyo3(signature = (ns, set, bin, index_name, policy=None))]
    fn index_geo2dsphere_create(
        &self,
        py: Python<'_>,
        ns: &str,
        set: Option<&str>,
        bin: &str,
        index_name: &str,
        policy: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<i64> {
        let _ = policy;
        guard(py, || {
            self.index_create(py, ns, set, bin, index_name, 2, None)
        })
    }

    /// Creates an index over the elements of a list bin.
    #[pyo3(signature = (ns, set, bin, index_datatype, index_name, policy=None))]
    #[allow(clippy::too_many_arguments)]
    fn index_list_create(
        &self,
        py: Python<'_>,
        ns: &str,
        set: Option<&str>,
        bin: &str,
        index_datatype: i64,
        index_name: &str,
        policy: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<i64> {
        let _ = policy;
        guard(py, || {
            self.index_create(py, ns, set, bin, index_name, index_datatype, Some("LIST"))
        })
    }

    /// Creates an index over the keys of a map bin.
    #[pyo3(signature = (ns, set, bin, index_datatype, index_name, policy=None))]
    #[allow(clippy::too_many_arguments)]
    fn index_map_keys_create(
        &self,
        py: Python<'_>,
        ns: &str,
        set: Option<&str>,
        bin: &str,
        index_datatype: i64,
        index_name: &str,
        policy: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<i64> {
        let _ = policy;
        guard(py, || {
            self.index_create(
                py,
                ns,
                set,
                bin,
                index_name,
                index_datatype,
                Some("MAPKEYS"),
            )
        })
    }

    /// Creates an index over the values of a map bin.
    #[pyo3(signature = (ns, set, bin, index_datatype, index_name, policy=None))]
    #[allow(clippy::too_many_arguments)]
    fn index_map_values_create(
        &self,
        py: Python<'_>,
        ns: &str,
        set: Option<&str>,
        bin: &str,
        index_datatype: i64,
        index_name: &str,
        policy: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<i64> {
        let _ = policy;
        guard(py, || {
            self.index_create(
                py,
                ns,
                set,
                bin,
                index_name,
                index_datatype,
                Some("MAPVALUES"),
            )
        })
    }

    /// Removes a secondary index.
    #[pyo3(signature = (ns, index_name, policy=None))]
    fn index_remove(
        &self,
        py: Python<'_>,
        ns: &str,
        index_name: &str,
        policy: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<i64> {
        let _ = policy;
        guard(py, || self.index_drop(py, ns, index_name))
    }

    /// Removes the records of `set` (all sets when None) last updated before `nanos`
    /// (0: now); returns 0.
    #[pyo3(signature = (namespace, set, nanos, policy=None))]
    fn truncate(
        &self,
        py: Python<'_>,
        namespace: &str,
        set: Option<&str>,
        nanos: &Bound<'_, PyAny>,
        policy: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<i64> {
        let _ = policy;
        guard(py, || self.truncate_impl(py, namespace, set, nanos))
    }

    /// Registers a Lua module from a file; returns 0 once the cluster lists it.
    #[pyo3(signature = (filename, udf_type=0, policy=None))]
    fn udf_put(
        &self,
        py: Python<'_>,
        filename: &str,
        udf_type: i64,
        policy: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<i64> {
        let _ = policy;
        guard(py, || self.udf_put_impl(py, filename, udf_type))
    }

    /// Removes a Lua module; returns 0.
    #[pyo3(signature = (module, policy=None))]
    fn udf_remove(
        &self,
        py: Python<'_>,
        module: &str,
        policy: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<i64> {
        let _ = policy;
        guard(py, || self.udf_remove_impl(py, module))
    }

    /// The registered Lua modules.
    #[pyo3(signature = (policy=None))]
    fn udf_list<'py>(
        &self,
        py: Python<'py>,
        policy: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyList>> {
        let _ = policy;
        guard(py, || self.udf_list_impl(py))
    }

    /// The source of a registered Lua module.
    #[pyo3(signature = (module, language=0, policy=None))]
    fn udf_get(
        &self,
        py: Python<'_>,
        module: &str,
        language: i64,
        policy: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<String> {
        let _ = (language, policy);
        guard(py, || self.udf_get_impl(py, module))
    }

    /// Runs a record UDF and returns what it returned.
    #[pyo3(signature = (key, module, function, args, policy=None))]
    fn apply<'py>(
        &self,
        py: Python<'py>,
        key: &Bound<'py, PyAny>,
        module: &str,
        function: &str,
        args: &Bound<'py, PyAny>,
        policy: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || {
            self.apply_impl(py, key, module, function, args, policy)
        })
    }

    /// Whether the cluster supports geospatial data (always true here).
    fn has_geo(&self) -> bool {
        true
    }

    /// The shared-memory key, when `shm` was configured; else None.
    fn shm_key(&self) -> Option<i64> {
        self.settings.shm_key
    }

    /// Seed-era batch read: `[(key, meta, bins), ...]` with `(key, None, None)` for misses.
    #[pyo3(signature = (keys, policy=None))]
    fn get_many<'py>(
        &self,
        py: Python<'py>,
        keys: &Bound<'py, PyAny>,
        policy: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyList>> {
        guard(py, || self.many(py, keys, policy, None))
    }

    /// Seed-era batch select.
    #[pyo3(signature = (keys, bins, policy=None))]
    fn select_many<'py>(
        &self,
        py: Python<'py>,
        keys: &Bound<'py, PyAny>,
        bins: &Bound<'py, PyAny>,
        policy: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyList>> {
        guard(py, || self.many(py, keys, policy, Some(bins)))
    }

    /// 19.x `batch_read`: a `BatchRecords` with one `BatchRecord` per key.
    #[pyo3(signature = (keys, bins=None, policy=None))]
    fn batch_read<'py>(
        &self,
        py: Python<'py>,
        keys: &Bound<'py, PyAny>,
        bins: Option<&Bound<'py, PyAny>>,
        policy: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.batch_read_impl(py, keys, bins, policy)
    }

    /// 19.x `batch_operate`: the same operations on every key.
    #[pyo3(signature = (keys, ops, policy_batch=None, policy_batch_write=None, ttl=None))]
    fn batch_operate<'py>(
        &self,
        py: Python<'py>,
        keys: &Bound<'py, PyAny>,
        ops: &Bound<'py, PyAny>,
        policy_batch: Option<&Bound<'py, PyAny>>,
        policy_batch_write: Option<&Bound<'py, PyAny>>,
        ttl: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.batch_operate_impl(py, keys, ops, policy_batch, policy_batch_write, ttl)
    }

    /// 19.x `batch_remove`: removes every key.
    #[pyo3(signature = (keys, policy_batch=None, policy_batch_remove=None))]
    fn batch_remove<'py>(
        &self,
        py: Python<'py>,
        keys: &Bound<'py, PyAny>,
        policy_batch: Option<&Bound<'py, PyAny>>,
        policy_batch_remove: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.batch_remove_impl(py, keys, policy_batch, policy_batch_remove)
    }

    /// 19.x `batch_write`: runs each `Read`/`Write`/`Remove` record; fills in its
    /// `result` and `record` and returns the same `BatchRecords`.
    #[pyo3(signature = (batch_records, policy_batch=None))]
    fn batch_write<'py>(
        &self,
        py: Python<'py>,
        batch_records: &Bound<'py, PyAny>,
        policy_batch: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.batch_write_impl(py, batch_records, policy_batch)
    }

    /// Seed-era batch exists: `[(key, meta or None), ...]`.
    #[pyo3(signature = (keys, policy=None))]
    fn exists_many<'py>(
        &self,
        py: Python<'py>,
        keys: &Bound<'py, PyAny>,
        policy: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyList>> {
        guard(py, || {
            let rows = self.batch_rows(py, keys, None, policy, true)?;
            let l = PyList::empty(py);
            for row in rows {
                let meta = match row.meta {
                    Some(m) if row.code == 0 => m.into_any(),
                    _ => py.None().into_bound(py),
                };
                l.append(PyTuple::new(py, [row.key, meta])?)?;
            }
            Ok(l)
        })
    }
}

impl Client {
    #[allow(clippy::too_many_arguments)]
    fn concat<'py>(
        &self,
        py: Python<'py>,
        op: u8,
        key: &Bound<'py, PyAny>,
        bin: &Bound<'py, PyAny>,
        val: &Bound<'py, PyAny>,
        meta: Option<&Bound<'py, PyAny>>,
        policy: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<i64> {
        let name = bin_name(py, bin)?;
        if val.cast::<PyString>().is_err()
            && val.cast::<PyBytes>().is_err()
            && val.cast::<PyByteArray>().is_err()
        {
            return Err(param_err(
                py,
                format!("value must be a str or bytes, not {}", type_name(val)),
            ));
        }
        self.simple_write(py, key, meta, policy, None, |w, ser| {
            ser.write_op(w, op, &name, val)
        })
    }
}
