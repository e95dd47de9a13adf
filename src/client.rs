//! `aerospike.Client`: argument conversion, the GIL released around the network, results.

use std::cell::RefCell;
use std::sync::{Arc, RwLock};

use aeropy_core::client::{begin_key_command, finish_operate_header, read_header, write_header};
use aeropy_core::wire::{self, MsgWriter, Reply};
use aeropy_core::{Client as CoreClient, Error, Key, Route, UserKey, WriteMeta};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyByteArray, PyBytes, PyDict, PyInt, PyList, PyString, PyTuple};

use crate::cdt;
use crate::config::{self, int_of, type_name, CmdPolicy, Settings};
use crate::errors::{guard, param_err, to_pyerr};
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

/// Seconds between the Unix epoch and the Aerospike epoch (2010-01-01).
const CITRUSLEAF_EPOCH: u64 = 1_262_304_000;

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

/// A key tuple as given, with the core key computed from it.
struct PyKey<'py> {
    key: Key,
    ns: Bound<'py, PyAny>,
    set: Bound<'py, PyAny>,
    pk: Bound<'py, PyAny>,
}

impl<'py> PyKey<'py> {
    /// `(ns, set, pk, bytearray(digest))`, as the official client returns keys.
    fn to_tuple(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(
            py,
            [
                self.ns.clone(),
                self.set.clone(),
                self.pk.clone(),
                PyByteArray::new(py, &self.key.digest).into_any(),
            ],
        )
    }
}

fn parse_key<'py>(py: Python<'py>, obj: &Bound<'py, PyAny>) -> PyResult<PyKey<'py>> {
    let t = obj.cast::<PyTuple>().map_err(|_| {
        param_err(
            py,
            format!(
                "key must be a tuple (namespace, set, primary key[, digest]), not {}",
                type_name(obj)
            ),
        )
    })?;
    if !(3..=4).contains(&t.len()) {
        return Err(param_err(
            py,
            "key tuple must have 3 or 4 elements: (namespace, set, primary key[, digest])",
        ));
    }
    let ns = t.get_item(0)?;
    let set = t.get_item(1)?;
    let pk = t.get_item(2)?;
    let ns_s = ns
        .cast::<PyString>()
        .map_err(|_| param_err(py, "key: namespace must be a str"))?
        .to_cow()?
        .into_owned();
    let set_s = if set.is_none() {
        String::new()
    } else {
        set.cast::<PyString>()
            .map_err(|_| param_err(py, "key: set must be a str or None"))?
            .to_cow()?
            .into_owned()
    };
    let user_key = if pk.is_none() {
        None
    } else if pk.cast::<PyBool>().is_ok() {
        return Err(param_err(
            py,
            "key: primary key must be an int, str or bytes, not bool",
        ));
    } else if let Ok(i) = pk.cast::<PyInt>() {
        Some(UserKey::Int(i.extract().map_err(|_| {
            param_err(py, "key: integer primary key out of 64-bit range")
        })?))
    } else if let Ok(s) = pk.cast::<PyString>() {
        Some(UserKey::Str(s.to_cow()?.into_owned()))
    } else if let Ok(b) = pk.cast::<PyBytes>() {
        Some(UserKey::Blob(b.as_bytes().to_vec()))
    } else if let Ok(b) = pk.cast::<PyByteArray>() {
        Some(UserKey::Blob(b.to_vec()))
    } else {
        return Err(param_err(
            py,
            format!(
                "key: primary key must be an int, str or bytes, not {}",
                type_name(&pk)
            ),
        ));
    };
    let digest = if t.len() == 4 && !t.get_item(3)?.is_none() {
        let d = t.get_item(3)?;
        let bytes = if let Ok(b) = d.cast::<PyBytes>() {
            b.as_bytes().to_vec()
        } else if let Ok(b) = d.cast::<PyByteArray>() {
            b.to_vec()
        } else {
            return Err(param_err(py, "key: digest must be bytes or bytearray"));
        };
        Some(
            <[u8; 20]>::try_from(bytes.as_slice())
                .map_err(|_| param_err(py, "key: digest must be 20 bytes"))?,
        )
    } else {
        None
    };
    let key = match (user_key, digest) {
        (Some(uk), None) => Key::new(&ns_s, &set_s, uk),
        (uk, Some(d)) => Key::from_digest(&ns_s, &set_s, d).map(|mut k| {
            k.user_key = uk;
            k
        }),
        (None, None) => {
            return Err(param_err(
                py,
                "key: either a primary key or a digest is required",
            ))
        }
    }
    .map_err(|e| param_err(py, format!("key: {}", e.message())))?;
    Ok(PyKey { key, ns, set, pk })
}

fn bin_name(py: Python<'_>, v: &Bound<'_, PyAny>) -> PyResult<String> {
    let s = v
        .cast::<PyString>()
        .map_err(|_| param_err(py, format!("bin name must be a str, not {}", type_name(v))))?
        .to_cow()?;
    if s.len() > wire::MAX_BIN_NAME {
        return Err(param_err(
            py,
            format!("bin name too long (max 15 bytes): {s:?}"),
        ));
    }
    Ok(s.into_owned())
}

/// `meta` of a write: {"ttl": int, "gen": int}.
fn write_meta(
    py: Python<'_>,
    p: &CmdPolicy,
    meta: Option<&Bound<'_, PyAny>>,
) -> PyResult<WriteMeta> {
    let mut m = WriteMeta {
        exists: p.exists,
        gen_policy: p.gen,
        generation: 0,
        ttl: p.ttl.unwrap_or(0),
    };
    if let Some(meta) = meta.filter(|m| !m.is_none()) {
        let d = meta
            .cast::<PyDict>()
            .map_err(|_| param_err(py, format!("meta must be a dict, not {}", type_name(meta))))?;
        for (k, v) in d.iter() {
            let k: String = k
                .extract()
                .map_err(|_| param_err(py, "meta keys must be str"))?;
            match k.as_str() {
                "ttl" => m.ttl = config::ttl_of(py, "meta[\"ttl\"]", &v)?,
                "gen" => {
                    let g = int_of(py, "meta[\"gen\"]", &v)?;
                    m.generation = u32::try_from(g)
                        .map_err(|_| param_err(py, "meta[\"gen\"] out of range"))?;
                }
                _ => return Err(param_err(py, format!("unknown meta key {k:?}"))),
            }
        }
    }
    if m.ttl == u32::MAX - 2 {
        // TTL_CLIENT_DEFAULT: the policy's TTL.
        m.ttl = p.ttl.filter(|t| *t != u32::MAX - 2).unwrap_or(0);
    }
    Ok(m)
}

fn meta_dict<'py>(
    py: Python<'py>,
    generation: u32,
    void_time: u32,
) -> PyResult<Bound<'py, PyDict>> {
    let ttl: u64 = if void_time == 0 {
        u64::from(u32::MAX)
    } else {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        (u64::from(void_time) + CITRUSLEAF_EPOCH)
            .saturating_sub(now)
            .max(1)
    };
    let d = PyDict::new(py);
    d.set_item(intern!(py, "ttl"), ttl)?;
    d.set_item(intern!(py, "gen"), generation)?;
    Ok(d)
}

/// The Aerospike client.
#[pyclass(module = "aerospike", name = "Client", frozen)]
pub struct Client {
    settings: Settings,
    /// The connected core and the process that connected it (sockets and the tend
    /// thread do not survive `fork()`).
    core: RwLock<Option<(u32, Arc<CoreClient>)>>,
}

enum Shape {
    /// bins as a dict
    Dict,
    /// bins as a list of (name, value)
    Ordered,
}

impl Client {
    fn core(&self, py: Python<'_>) -> PyResult<Arc<CoreClient>> {
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

    fn policy(
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

    fn pair<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyAny>> {
        self.settings.pair.as_ref().map(|p| p.bind(py).clone())
    }

    /// Finishes `w`, runs it with the GIL released, returns the reply body in `out`.
    fn exchange(
        &self,
        py: Python<'_>,
        key: &Key,
        write: bool,
        p: &CmdPolicy,
        w: &mut MsgWriter,
        out: &mut Vec<u8>,
    ) -> PyResult<()> {
        let core = self.core(py)?;
        let req = w.finish().map_err(|e| param_err(py, e.message()))?;
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
    fn command<'py>(
        &self,
        py: Python<'py>,
        key: &PyKey<'py>,
        write: bool,
        p: &CmdPolicy,
        build: impl FnOnce(&mut MsgWriter) -> PyResult<bool>,
        read: impl FnOnce(&Reply<'_>) -> PyResult<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (req, mut out) = take_bufs();
        let mut w = MsgWriter::with_buffer(req);
        let write = build(&mut w).map(|op_write| op_write || write);
        let result = write.and_then(|write| {
            self.exchange(py, &key.key, write, p, &mut w, &mut out)?;
            let r = Reply::parse(&out).map_err(|e| to_pyerr(py, &e))?;
            read(&r)
        });
        put_bufs(w.into_buffer(), out);
        result
    }

    fn bins_from_reply<'py>(
        &self,
        py: Python<'py>,
        r: &Reply<'_>,
        shape: Shape,
    ) -> PyResult<Bound<'py, PyAny>> {
        let pair = self.pair(py);
        let de = De::new(py, pair.as_ref())?;
        let mut err = None;
        let res = match shape {
            Shape::Dict => {
                let d = PyDict::new(py);
                r.for_each_op(|op| {
                    let v = de.particle(op.particle, op.value).and_then(|v| {
                        d.set_item(PyString::new(py, &String::from_utf8_lossy(op.name)), v)
                    });
                    v.map_err(|e| {
                        err = Some(e);
                        Error::Client(String::new())
                    })
                })
                .map(|_| d.into_any())
            }
            Shape::Ordered => {
                let l = PyList::empty(py);
                r.for_each_op(|op| {
                    let v = de.particle(op.particle, op.value).and_then(|v| {
                        let name = PyString::new(py, &String::from_utf8_lossy(op.name));
                        l.append(PyTuple::new(py, [name.into_any(), v])?)
                    });
                    v.map_err(|e| {
                        err = Some(e);
                        Error::Client(String::new())
                    })
                })
                .map(|_| l.into_any())
            }
        };
        if let Some(e) = err {
            return Err(e);
        }
        res.map_err(|e| to_pyerr(py, &e))
    }

    fn check(py: Python<'_>, r: &Reply<'_>, write: bool) -> PyResult<()> {
        match r.result_code {
            0 => Ok(()),
            c => Err(to_pyerr(py, &Error::server(i32::from(c), write && c == 9))),
        }
    }

    fn record<'py>(
        &self,
        py: Python<'py>,
        key: &PyKey<'py>,
        r: &Reply<'_>,
        shape: Shape,
        p: &CmdPolicy,
    ) -> PyResult<Bound<'py, PyAny>> {
        Self::check(py, r, false)?;
        let _ = p.deserialize;
        let bins = self.bins_from_reply(py, r, shape)?;
        Ok(PyTuple::new(
            py,
            [
                key.to_tuple(py)?.into_any(),
                meta_dict(py, r.generation, r.void_time)?.into_any(),
                bins,
            ],
        )?
        .into_any())
    }

    fn ser<'a, 'py>(
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
        ops: impl FnOnce(&mut MsgWriter, &Ser<'_, 'py>) -> PyResult<()>,
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
                begin_key_command(w, &k.key, &write_header(&p.base, &m, 0), p.base.send_key);
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

    fn operate_impl<'py>(
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
        let opc = operators(py)?;
        let pair = self.pair(py);
        let ser = self.ser(py, pair.as_ref(), None);
        self.command(
            py,
            &k,
            false,
            &p,
            |w| {
                begin_key_command(w, &k.key, &wire::Header::default(), p.base.send_key);
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
                                w.op(wire::OP_READ, wire::P_NULL, name.as_bytes(), &[])
                                    .map_err(|e| param_err(py, e.message()))?;
                            }
                            _ => read_all = true,
                        }
                    } else if code == opc.write {
                        ser.write_op(w, wire::OP_WRITE, &need_bin(&bin)?, &need_val(&val)?)?;
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
                        ser.write_op(w, wire::OP_INCR, &need_bin(&bin)?, &v)?;
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
                            wire::OP_APPEND
                        } else {
                            wire::OP_PREPEND
                        };
                        ser.write_op(w, t, &need_bin(&bin)?, &v)?;
                    } else if code == opc.touch {
                        if let Some(v) = val.as_ref().filter(|v| !v.is_none()) {
                            m.ttl = config::ttl_of(py, "touch \"val\"", v)?;
                        }
                        w.op(wire::OP_TOUCH, wire::P_NULL, b"", &[])
                            .map_err(|e| param_err(py, e.message()))?;
                    } else if code == opc.delete {
                        w.op(wire::OP_DELETE_ALL, wire::P_NULL, b"", &[])
                            .map_err(|e| param_err(py, e.message()))?;
                    } else if cdt::is_cdt(code) {
                        cdt::write_cdt_op(&ser, w, code, &need_bin(&bin)?, d)?;
                        // As the official client: map ops ask for one result per op.
                        respond_all |= cdt::is_map_op(code);
                    } else {
                        return Err(param_err(py, format!("unsupported operation code {code}")));
                    }
                }
                let write = finish_operate_header(w, &p.base, &m);
                if read_all {
                    w.or_info(wire::INFO1_READ | wire::INFO1_GET_ALL, 0, 0);
                }
                if respond_all {
                    // One result per op, in op order (what list/map ops need).
                    w.or_info(0, wire::INFO2_RESPOND_ALL_OPS, 0);
                }
                Ok(write)
            },
            |r| self.record(py, &k, r, shape, &p),
        )
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
                    begin_key_command(w, &k.key, &write_header(&p.base, &m, 0), p.base.send_key);
                    for (name, v) in bins.iter() {
                        ser.write_op(w, wire::OP_WRITE, &bin_name(py, &name)?, &v)?;
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
    fn get<'py>(
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
                    begin_key_command(w, &k.key, &read_header(&p.base, wire::INFO1_GET_ALL), false);
                    Ok(false)
                },
                |r| self.record(py, &k, r, Shape::Dict, &p),
            )
        })
    }

    /// Reads the named bins of a record.
    #[pyo3(signature = (key, bins, policy=None))]
    fn select<'py>(
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
                    begin_key_command(w, &k.key, &read_header(&p.base, 0), false);
                    for n in &names {
                        w.op(
                            wire::OP_READ,
                            wire::P_NULL,
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
    fn exists<'py>(
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
                        w,
                        &k.key,
                        &read_header(&p.base, wire::INFO1_GET_NO_BINS),
                        false,
                    );
                    Ok(false)
                },
                |r| {
                    let meta = match r.result_code {
                        2 => py.None().into_bound(py),
                        _ => {
                            Self::check(py, r, false)?;
                            meta_dict(py, r.generation, r.void_time)?.into_any()
                        }
                    };
                    Ok(PyTuple::new(py, [k.to_tuple(py)?.into_any(), meta])?.into_any())
                },
            )
        })
    }

    /// Removes a record; returns 0.
    #[pyo3(signature = (key, meta=None, policy=None))]
    fn remove<'py>(
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
                    w.op(
                        wire::OP_WRITE,
                        wire::P_NULL,
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
                w.op(wire::OP_TOUCH, wire::P_NULL, b"", &[])
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
            self.concat(py, wire::OP_APPEND, key, bin, val, meta, policy)
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
            self.concat(py, wire::OP_PREPEND, key, bin, val, meta, policy)
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
                ser.write_op(w, wire::OP_INCR, &name, offset)
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
        guard(py, || {
            let (records_cls, record_cls) = batch_classes(py)?;
            let given = key_list(py, keys)?;
            let rows = self.batch_rows(py, keys, bins, policy, false)?;
            let out = PyList::empty(py);
            for (k, row) in given.iter().zip(rows) {
                let br = record_cls.call1((k,))?;
                br.setattr("result", row.code)?;
                match row.record {
                    Some(rec) => br.setattr("record", rec)?,
                    None => br.setattr("record", py.None())?,
                }
                out.append(br)?;
            }
            records_cls.call1((out,))
        })
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
        guard(py, || {
            let _ = policy_batch;
            let (records_cls, record_cls) = batch_classes(py)?;
            let meta = match ttl.filter(|t| !t.is_none()) {
                Some(t) => {
                    let d = PyDict::new(py);
                    d.set_item("ttl", t)?;
                    Some(d.into_any())
                }
                None => None,
            };
            let out = PyList::empty(py);
            for k in key_list(py, keys)? {
                let br = record_cls.call1((&k,))?;
                let res =
                    self.operate_impl(py, &k, ops, meta.as_ref(), policy_batch_write, Shape::Dict);
                set_batch_result(py, &br, res)?;
                out.append(br)?;
            }
            records_cls.call1((out,))
        })
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
        guard(py, || {
            let _ = policy_batch;
            let (records_cls, record_cls) = batch_classes(py)?;
            let out = PyList::empty(py);
            for k in key_list(py, keys)? {
                let br = record_cls.call1((&k,))?;
                let res = self
                    .remove(py, &k, None, policy_batch_remove)
                    .map(|_| py.None().into_bound(py));
                set_batch_result(py, &br, res)?;
                out.append(br)?;
            }
            records_cls.call1((out,))
        })
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
        guard(py, || {
            let _ = policy_batch;
            let items = batch_records.getattr("batch_records").map_err(|_| {
                param_err(
                    py,
                    "batch_records must be an aerospike_helpers.batch.records.BatchRecords",
                )
            })?;
            for br in key_list(py, &items)? {
                let kind: i64 = br.getattr("_type")?.extract()?;
                let key = br.getattr("key")?;
                let policy = br.getattr("policy").ok().filter(|p| !p.is_none());
                let res = match kind {
                    0 => {
                        let all = br.getattr("read_all_bins")?.is_truthy()?;
                        let ops = br.getattr("ops")?;
                        if all || ops.is_none() {
                            self.get(py, &key, policy.as_ref())
                        } else {
                            self.operate_impl(py, &key, &ops, None, policy.as_ref(), Shape::Dict)
                        }
                    }
                    1 => {
                        let meta = br.getattr("meta")?;
                        let meta = (!meta.is_none()).then_some(meta);
                        let ops = br.getattr("ops")?;
                        self.operate_impl(
                            py,
                            &key,
                            &ops,
                            meta.as_ref(),
                            policy.as_ref(),
                            Shape::Dict,
                        )
                    }
                    3 => self
                        .remove(py, &key, None, policy.as_ref())
                        .map(|_| py.None().into_bound(py)),
                    _ => Err(crate::errors::make_exception(
                        py,
                        16,
                        "batch UDF apply is not supported yet",
                        false,
                    )),
                };
                set_batch_result(py, &br, res)?;
            }
            Ok(batch_records.clone())
        })
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

/// One key's outcome in a batch read.
struct BatchRow<'py> {
    key: Bound<'py, PyAny>,
    code: i64,
    meta: Option<Bound<'py, PyDict>>,
    record: Option<Bound<'py, PyAny>>,
}

fn batch_classes(py: Python<'_>) -> PyResult<(Bound<'_, PyAny>, Bound<'_, PyAny>)> {
    let m = py.import("aerospike_helpers.batch.records")?;
    Ok((m.getattr("BatchRecords")?, m.getattr("BatchRecord")?))
}

/// Stores a command's outcome in a `BatchRecord`: `record` on success, else `result`,
/// `message` and `in_doubt` of the error. Non-Aerospike errors propagate.
fn set_batch_result<'py>(
    py: Python<'py>,
    br: &Bound<'py, PyAny>,
    res: PyResult<Bound<'py, PyAny>>,
) -> PyResult<()> {
    match res {
        Ok(rec) => {
            br.setattr("result", 0)?;
            br.setattr(
                "record",
                if rec.is_none() {
                    py.None().into_bound(py)
                } else {
                    rec
                },
            )?;
        }
        Err(e) => {
            let v = e.value(py);
            let code = v.getattr("code").ok().and_then(|c| c.extract::<i64>().ok());
            let Some(code) = code else { return Err(e) };
            if code == -2 {
                return Err(e);
            }
            br.setattr("result", code)?;
            br.setattr("record", py.None())?;
            if let Ok(m) = v.getattr("msg") {
                br.setattr("message", m)?;
            }
            if let Ok(d) = v.getattr("in_doubt") {
                br.setattr("in_doubt", d.is_truthy()?)?;
            }
        }
    }
    Ok(())
}

fn key_list<'py>(py: Python<'py>, keys: &Bound<'py, PyAny>) -> PyResult<Vec<Bound<'py, PyAny>>> {
    if let Ok(l) = keys.cast::<PyList>() {
        Ok(l.iter().collect())
    } else if let Ok(t) = keys.cast::<PyTuple>() {
        Ok(t.iter().collect())
    } else {
        Err(param_err(py, "keys must be a list of key tuples"))
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

    fn many<'py>(
        &self,
        py: Python<'py>,
        keys: &Bound<'py, PyAny>,
        policy: Option<&Bound<'py, PyAny>>,
        bins: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyList>> {
        let rows = self.batch_rows(py, keys, bins, policy, false)?;
        let l = PyList::empty(py);
        for row in rows {
            match row.record {
                Some(rec) => l.append(rec)?,
                None => l.append(PyTuple::new(
                    py,
                    [row.key, py.None().into_bound(py), py.None().into_bound(py)],
                )?)?,
            }
        }
        Ok(l)
    }

    /// One batch read with the batch protocol; a row per key, in key order.
    fn batch_rows<'py>(
        &self,
        py: Python<'py>,
        keys: &Bound<'py, PyAny>,
        bins: Option<&Bound<'py, PyAny>>,
        policy: Option<&Bound<'py, PyAny>>,
        header_only: bool,
    ) -> PyResult<Vec<BatchRow<'py>>> {
        let p = self.policy(py, &self.settings.policies.batch, policy)?;
        let parsed: Vec<PyKey<'py>> = key_list(py, keys)?
            .iter()
            .map(|k| parse_key(py, k))
            .collect::<PyResult<_>>()?;
        let names: Option<Vec<String>> = match bins.filter(|b| !b.is_none()) {
            None => None,
            Some(b) => {
                let items: Vec<Bound<'py, PyAny>> = if let Ok(l) = b.cast::<PyList>() {
                    l.iter().collect()
                } else if let Ok(t) = b.cast::<PyTuple>() {
                    t.iter().collect()
                } else {
                    return Err(param_err(py, "bins must be a list of bin names"));
                };
                Some(
                    items
                        .iter()
                        .map(|n| bin_name(py, n))
                        .collect::<PyResult<_>>()?,
                )
            }
        };
        let mut rows: Vec<BatchRow<'py>> = parsed
            .iter()
            .map(|k| {
                Ok(BatchRow {
                    key: k.to_tuple(py)?.into_any(),
                    code: 2,
                    meta: None,
                    record: None,
                })
            })
            .collect::<PyResult<_>>()?;
        if parsed.is_empty() {
            return Ok(rows);
        }
        let core_keys: Vec<Key> = parsed.iter().map(|k| k.key.clone()).collect();
        let core = self.core(py)?;
        let name_refs: Vec<&str> = names.iter().flatten().map(String::as_str).collect();
        let which = if header_only {
            aeropy_core::BatchBins::Header
        } else if names.is_some() {
            aeropy_core::BatchBins::Names(&name_refs)
        } else {
            aeropy_core::BatchBins::All
        };
        let replies = py
            .detach(|| core.batch_read(&core_keys, which, &p.base))
            .map_err(|e| to_pyerr(py, &e))?;
        let mut err = None;
        let res = replies.for_each(|r| {
            let i = r.batch_index as usize;
            let Some(row) = rows.get_mut(i) else {
                return Err(Error::Parse(format!("batch row index {i} out of range")));
            };
            row.code = i64::from(r.result_code);
            if r.result_code != 0 {
                return Ok(());
            }
            let built = (|| -> PyResult<()> {
                let meta = meta_dict(py, r.generation, r.void_time)?;
                if !header_only {
                    let bins = self.bins_from_reply(py, r, Shape::Dict)?;
                    row.record = Some(
                        PyTuple::new(py, [row.key.clone(), meta.clone().into_any(), bins])?
                            .into_any(),
                    );
                }
                row.meta = Some(meta);
                Ok(())
            })();
            built.map_err(|e| {
                err = Some(e);
                Error::Client(String::new())
            })
        });
        if let Some(e) = err {
            return Err(e);
        }
        res.map_err(|e| to_pyerr(py, &e))?;
        Ok(rows)
    }
}

/// `aerospike.calc_digest(ns, set, key)`: the RIPEMD-160 digest as a bytearray.
#[pyfunction]
pub fn calc_digest<'py>(
    py: Python<'py>,
    ns: &Bound<'py, PyAny>,
    set: &Bound<'py, PyAny>,
    key: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyByteArray>> {
    let t = PyTuple::new(py, [ns.clone(), set.clone(), key.clone()])?;
    let k = parse_key(py, t.as_any())?;
    Ok(PyByteArray::new(py, &k.key.digest))
}

/// `aerospike.get_partition_id(digest)`: the partition (0..4095) of a digest.
#[pyfunction]
pub fn get_partition_id(py: Python<'_>, digest: &Bound<'_, PyAny>) -> PyResult<usize> {
    let bytes = if let Ok(b) = digest.cast::<PyBytes>() {
        b.as_bytes().to_vec()
    } else if let Ok(b) = digest.cast::<PyByteArray>() {
        b.to_vec()
    } else {
        return Err(param_err(py, "digest must be bytes or bytearray"));
    };
    let d = <[u8; 20]>::try_from(bytes.as_slice())
        .map_err(|_| param_err(py, "digest must be 20 bytes"))?;
    Ok(aeropy_core::key::partition_id(&d))
}
