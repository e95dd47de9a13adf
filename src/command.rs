//! The plumbing of `aerospike.Client`'s commands: policies, building a request, the
//! exchange with the GIL released, reading records from replies.

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Once};

use aeropy_core::client::{finish, write_header};
use aeropy_core::{Client as CoreClient, Error, Key, Route};
use aeropy_protocol::msg::{Message, MsgHeader, MsgWriter, Op};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyList, PyString, PyTuple};

use crate::client::{begin_key_command, Client, Shape};
use crate::config::{self, type_name, CmdPolicy};
use crate::errors::{param_err, to_pyerr};
use crate::keys::{bin_name, meta_dict, parse_key, write_meta, PyKey};
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

/// Bumped in the child of every `fork()` (once the hook is registered): the process
/// a core was connected in, without a `getpid()` per command.
static FORK_GENERATION: AtomicU64 = AtomicU64::new(0);
static FORK_HOOK: Once = Once::new();

#[cfg(unix)]
extern "C" fn on_fork_child() {
    FORK_GENERATION.fetch_add(1, Ordering::Relaxed);
}

/// This process's fork generation: differs in a forked child from the value its
/// parent saw. The hook is registered on the first call (from `connect()`), before any
/// value is stored, so every later fork is counted.
pub(crate) fn fork_generation() -> u64 {
    FORK_HOOK.call_once(|| {
        #[cfg(unix)]
        // SAFETY: registers a child handler that only bumps an atomic (async-signal
        // safe); the function lives as long as the process; called once.
        unsafe {
            libc::pthread_atfork(None, None, Some(on_fork_child));
        }
    });
    FORK_GENERATION.load(Ordering::Relaxed)
}

impl Client {
    pub(crate) fn core(&self, py: Python<'_>) -> PyResult<Arc<CoreClient>> {
        match self.core.read().ok().and_then(|c| c.clone()) {
            Some((fork_gen, c)) if fork_gen == fork_generation() => Ok(c),
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
    pub(crate) fn forget_forked(&self) {
        if let Ok(mut c) = self.core.write() {
            if c.as_ref()
                .is_some_and(|(fork_gen, _)| *fork_gen != fork_generation())
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
    pub(crate) fn simple_write<'py>(
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

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn concat<'py>(
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
