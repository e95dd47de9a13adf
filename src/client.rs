//! `aerospike.Client`: argument conversion, the GIL released around the network, results.

use std::sync::{Arc, RwLock};

use aeropy_core::client::write_header;
use aeropy_core::{Client as CoreClient, Key};
use aeropy_protocol::msg::{self as wire, field, op, MsgHeader, MsgWriter};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyDict, PyList, PyString, PyTuple};

use crate::config::{self, CmdPolicy, Settings};
use crate::errors::{guard, param_err, to_pyerr};
use crate::keys::{calc_digest, parse_key, write_meta};

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
#[pyclass(module = "aerospike", name = "Client", frozen, subclass)]
pub struct Client {
    pub(crate) settings: Settings,
    /// The connected core and the fork generation of the process that connected it
    /// (sockets and the tend thread do not survive `fork()`).
    pub(crate) core: RwLock<Option<(u64, Arc<CoreClient>)>>,
}

pub(crate) enum Shape {
    /// bins as a dict
    Dict,
    /// bins as a list of (name, value)
    Ordered,
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
            let fork_gen = crate::command::fork_generation();
            if this
                .core
                .read()
                .ok()
                .and_then(|c| c.as_ref().map(|(p, _)| *p))
                == Some(fork_gen)
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
                *c = Some((fork_gen, Arc::new(core)));
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
            .is_some_and(|(fork_gen, c)| {
                fork_gen == crate::command::fork_generation() && !c.nodes().is_empty()
            })
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
        self.put_impl(py, key, bins, meta, policy, serializer)
    }

    /// Reads a record: `(key, meta, bins)`; RecordNotFound when missing.
    #[pyo3(signature = (key, policy=None))]
    pub(crate) fn get<'py>(
        &self,
        py: Python<'py>,
        key: &Bound<'py, PyAny>,
        policy: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.key_read(py, key, policy, wire::INFO1_GET_ALL, |k, p, r| {
            self.record(py, k, r, Shape::Dict, p)
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
        self.select_impl(py, key, bins, policy)
    }

    /// `(key, meta)`, or `(key, None)` when the record does not exist.
    #[pyo3(signature = (key, policy=None))]
    pub(crate) fn exists<'py>(
        &self,
        py: Python<'py>,
        key: &Bound<'py, PyAny>,
        policy: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.exists_impl(py, key, policy)
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
        self.remove_bin_impl(py, key, list, meta, policy)
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
        self.touch_impl(py, key, val, meta, policy)
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
        self.increment_impl(py, key, bin, offset, meta, policy)
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

    /// Seed-era info: `{node_name: (None, response)}` for every node (or the given hosts),
    /// the response without its echoed request; a node that fails raises.
    #[pyo3(signature = (command, hosts=None, policy=None))]
    fn info<'py>(
        &self,
        py: Python<'py>,
        command: &str,
        hosts: Option<&Bound<'py, PyAny>>,
        policy: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        self.info_impl(py, command, hosts, policy)
    }

    /// 19.x `info_all`: `{node_name: (None, response)}`, the response without its echoed
    /// request (`"test\n"` for `"namespaces"`); a node that fails raises, as in 19.x.
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
        self.info_node_impl(py, command, host, policy)
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
        self.info_single_node_impl(py, command, host, policy)
    }

    /// Info on any one node.
    #[pyo3(signature = (command, policy=None))]
    fn info_random_node<'py>(
        &self,
        py: Python<'py>,
        command: &str,
        policy: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<String> {
        self.info_random_node_impl(py, command, policy)
    }

    /// `[(address, port), ...]` of the active nodes.
    fn get_nodes(&self, py: Python<'_>) -> PyResult<Vec<(String, u16)>> {
        self.get_nodes_impl(py)
    }

    /// `[{"address", "port", "node_name"}, ...]` of the active nodes.
    fn get_node_names<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        self.get_node_names_impl(py)
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

    /// 19.x `batch_apply`: the record UDF `module.function(record, *args)` on every key.
    #[pyo3(signature = (keys, module, function, args, policy_batch=None, policy_batch_apply=None))]
    #[allow(clippy::too_many_arguments)]
    fn batch_apply<'py>(
        &self,
        py: Python<'py>,
        keys: &Bound<'py, PyAny>,
        module: &str,
        function: &str,
        args: &Bound<'py, PyAny>,
        policy_batch: Option<&Bound<'py, PyAny>>,
        policy_batch_apply: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.batch_apply_impl(
            py,
            keys,
            module,
            function,
            args,
            policy_batch,
            policy_batch_apply,
        )
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

    /// Applies the record UDF `module.function(record, *args)` to every record of
    /// `ns`/`set` as a background job; returns the job id for `job_info`.
    #[pyo3(signature = (ns, set, module, function, args=None, policy=None, options=None))]
    #[allow(clippy::too_many_arguments)]
    fn scan_apply<'py>(
        slf: &Bound<'py, Self>,
        ns: &Bound<'py, PyAny>,
        set: Option<&Bound<'py, PyAny>>,
        module: &str,
        function: &str,
        args: Option<&Bound<'py, PyAny>>,
        policy: Option<&Bound<'py, PyAny>>,
        options: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<u64> {
        let py = slf.py();
        guard(py, || {
            crate::query::check_scan_options(py, options)?;
            crate::query::apply_job(
                py,
                slf.clone().unbind(),
                ns,
                set,
                None,
                module,
                function,
                args,
                policy,
            )
        })
    }

    /// Applies a record UDF to the records matching `predicate` as a background job;
    /// returns the job id for `job_info`.
    #[pyo3(signature = (ns, set, predicate, module, function, args=None, policy=None))]
    #[allow(clippy::too_many_arguments)]
    fn query_apply<'py>(
        slf: &Bound<'py, Self>,
        ns: &Bound<'py, PyAny>,
        set: Option<&Bound<'py, PyAny>>,
        predicate: &Bound<'py, PyAny>,
        module: &str,
        function: &str,
        args: Option<&Bound<'py, PyAny>>,
        policy: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<u64> {
        let py = slf.py();
        guard(py, || {
            crate::query::apply_job(
                py,
                slf.clone().unbind(),
                ns,
                set,
                Some(predicate),
                module,
                function,
                args,
                policy,
            )
        })
    }

    /// 19.x: `{"status": JOB_STATUS_*, "progress_pct", "records_read"}` of a job.
    #[pyo3(signature = (job_id, module, policy=None))]
    fn job_info<'py>(
        &self,
        py: Python<'py>,
        job_id: u64,
        module: &str,
        policy: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        guard(py, || {
            if module != "scan" && module != "query" {
                return Err(param_err(
                    py,
                    format!(
                        "module must be aerospike.JOB_SCAN or aerospike.JOB_QUERY, not {module:?}"
                    ),
                ));
            }
            let i = self.job_state(py, job_id, policy)?;
            let d = PyDict::new(py);
            d.set_item("status", i.status)?;
            d.set_item("progress_pct", i.progress_pct)?;
            d.set_item("records_read", i.records_read)?;
            Ok(d)
        })
    }

    /// Seed-era: `{"status": SCAN_STATUS_*, "progress_pct", "records_scanned"}` of a
    /// background scan.
    #[pyo3(signature = (scan_id, policy=None))]
    fn scan_info<'py>(
        &self,
        py: Python<'py>,
        scan_id: u64,
        policy: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        guard(py, || {
            let i = self.job_state(py, scan_id, policy)?;
            // SCAN_STATUS_UNDEF 0, INPROGRESS 1, COMPLETED 3.
            let status = match i.status {
                2 => 3,
                s => s,
            };
            let d = PyDict::new(py);
            d.set_item("status", status)?;
            d.set_item("progress_pct", i.progress_pct)?;
            d.set_item("records_scanned", i.records_read)?;
            Ok(d)
        })
    }

    /// Creates a user with `roles`; returns 0.
    #[pyo3(signature = (username, password, roles, policy=None))]
    fn admin_create_user<'py>(
        &self,
        py: Python<'py>,
        username: &str,
        password: &str,
        roles: &Bound<'py, PyAny>,
        policy: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<i64> {
        guard(py, || {
            self.admin_create_user_impl(py, username, password, roles, policy)
        })
    }

    /// Removes a user; returns 0.
    #[pyo3(signature = (username, policy=None))]
    fn admin_drop_user<'py>(
        &self,
        py: Python<'py>,
        username: &str,
        policy: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<i64> {
        guard(py, || {
            self.admin_simple(
                py,
                aeropy_core::admin::command::DROP_USER,
                &[(aeropy_core::admin::field::USER, username.as_bytes())],
                policy,
            )
        })
    }

    /// Changes the connected user's own password; returns 0.
    #[pyo3(signature = (username, password, policy=None))]
    fn admin_change_password<'py>(
        &self,
        py: Python<'py>,
        username: &str,
        password: &str,
        policy: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<i64> {
        guard(py, || {
            self.admin_password_impl(py, username, password, true, policy)
        })
    }

    /// Sets a user's password (user administrators); returns 0.
    #[pyo3(signature = (username, password, policy=None))]
    fn admin_set_password<'py>(
        &self,
        py: Python<'py>,
        username: &str,
        password: &str,
        policy: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<i64> {
        guard(py, || {
            self.admin_password_impl(py, username, password, false, policy)
        })
    }

    /// Adds roles to a user; returns 0.
    #[pyo3(signature = (username, roles, policy=None))]
    fn admin_grant_roles<'py>(
        &self,
        py: Python<'py>,
        username: &str,
        roles: &Bound<'py, PyAny>,
        policy: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<i64> {
        guard(py, || {
            self.admin_user_roles(
                py,
                aeropy_core::admin::command::GRANT_ROLES,
                username,
                roles,
                policy,
            )
        })
    }

    /// Removes roles from a user; returns 0.
    #[pyo3(signature = (username, roles, policy=None))]
    fn admin_revoke_roles<'py>(
        &self,
        py: Python<'py>,
        username: &str,
        roles: &Bound<'py, PyAny>,
        policy: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<i64> {
        guard(py, || {
            self.admin_user_roles(
                py,
                aeropy_core::admin::command::REVOKE_ROLES,
                username,
                roles,
                policy,
            )
        })
    }

    /// `{"roles", "read_info", "write_info", "conns_in_use"}` of a user.
    #[pyo3(signature = (user, policy=None))]
    fn admin_query_user_info<'py>(
        &self,
        py: Python<'py>,
        user: &str,
        policy: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        guard(py, || {
            self.admin_query_impl(py, crate::security::Query::Users, Some(user), policy)
        })
    }

    /// `{user: {"roles", ...}}` of every user.
    #[pyo3(signature = (policy=None))]
    fn admin_query_users_info<'py>(
        &self,
        py: Python<'py>,
        policy: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        guard(py, || {
            self.admin_query_impl(py, crate::security::Query::Users, None, policy)
        })
    }

    /// Creates a role with privileges, an allowlist and quotas; returns 0.
    #[pyo3(signature = (role, privileges, policy=None, whitelist=None, read_quota=None, write_quota=None))]
    #[allow(clippy::too_many_arguments)]
    fn admin_create_role<'py>(
        &self,
        py: Python<'py>,
        role: &str,
        privileges: &Bound<'py, PyAny>,
        policy: Option<&Bound<'py, PyAny>>,
        whitelist: Option<&Bound<'py, PyAny>>,
        read_quota: Option<&Bound<'py, PyAny>>,
        write_quota: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<i64> {
        guard(py, || {
            self.admin_create_role_impl(
                py,
                role,
                privileges,
                policy,
                whitelist,
                read_quota,
                write_quota,
            )
        })
    }

    /// Removes a role; returns 0.
    #[pyo3(signature = (role, policy=None))]
    fn admin_drop_role<'py>(
        &self,
        py: Python<'py>,
        role: &str,
        policy: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<i64> {
        guard(py, || {
            self.admin_simple(
                py,
                aeropy_core::admin::command::DROP_ROLE,
                &[(aeropy_core::admin::field::ROLE, role.as_bytes())],
                policy,
            )
        })
    }

    /// Adds privileges to a role; returns 0.
    #[pyo3(signature = (role, privileges, policy=None))]
    fn admin_grant_privileges<'py>(
        &self,
        py: Python<'py>,
        role: &str,
        privileges: &Bound<'py, PyAny>,
        policy: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<i64> {
        guard(py, || {
            self.admin_role_privileges(
                py,
                aeropy_core::admin::command::GRANT_PRIVILEGES,
                role,
                privileges,
                policy,
            )
        })
    }

    /// Removes privileges from a role; returns 0.
    #[pyo3(signature = (role, privileges, policy=None))]
    fn admin_revoke_privileges<'py>(
        &self,
        py: Python<'py>,
        role: &str,
        privileges: &Bound<'py, PyAny>,
        policy: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<i64> {
        guard(py, || {
            self.admin_role_privileges(
                py,
                aeropy_core::admin::command::REVOKE_PRIVILEGES,
                role,
                privileges,
                policy,
            )
        })
    }

    /// The privileges of a role, as a list (today's client; `admin_get_role` has the
    /// allowlist and quotas too).
    #[pyo3(signature = (role, policy=None))]
    fn admin_query_role<'py>(
        &self,
        py: Python<'py>,
        role: &str,
        policy: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || {
            self.admin_query_impl(py, crate::security::Query::Roles, Some(role), policy)?
                .as_any()
                .get_item("privileges")
        })
    }

    /// `{role: [privileges]}` of every role.
    #[pyo3(signature = (policy=None))]
    fn admin_query_roles<'py>(
        &self,
        py: Python<'py>,
        policy: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        guard(py, || {
            let all = self.admin_query_impl(py, crate::security::Query::Roles, None, policy)?;
            let out = PyDict::new(py);
            for (name, role) in all.iter() {
                out.set_item(name, role.get_item("privileges")?)?;
            }
            Ok(out)
        })
    }

    /// `{"privileges", "whitelist", "read_quota", "write_quota"}` of a role.
    #[pyo3(signature = (role, policy=None))]
    fn admin_get_role<'py>(
        &self,
        py: Python<'py>,
        role: &str,
        policy: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        guard(py, || {
            self.admin_query_impl(py, crate::security::Query::Roles, Some(role), policy)
        })
    }

    /// `{role: {"privileges", "whitelist", "read_quota", "write_quota"}}` of every role.
    #[pyo3(signature = (policy=None))]
    fn admin_get_roles<'py>(
        &self,
        py: Python<'py>,
        policy: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        guard(py, || {
            self.admin_query_impl(py, crate::security::Query::Roles, None, policy)
        })
    }

    /// Creates a user that authenticates with a TLS certificate only (servers 8.1+):
    /// its password is the keyword the server reads as "no password login".
    #[pyo3(signature = (username, roles, policy=None))]
    fn admin_create_pki_user<'py>(
        &self,
        py: Python<'py>,
        username: &str,
        roles: &Bound<'py, PyAny>,
        policy: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<i64> {
        guard(py, || {
            self.admin_create_user_impl(py, username, "nopassword", roles, policy)
        })
    }

    /// Sets (None or []: clears) a role's allowlist of client addresses; returns 0.
    #[pyo3(signature = (role, whitelist, policy=None))]
    fn admin_set_whitelist<'py>(
        &self,
        py: Python<'py>,
        role: &str,
        whitelist: Option<&Bound<'py, PyAny>>,
        policy: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<i64> {
        guard(py, || {
            {
                self.admin_role_extras(
                    py,
                    aeropy_core::admin::command::SET_WHITELIST,
                    role,
                    [whitelist, None, None],
                    policy,
                )
            }
        })
    }

    /// Sets a role's read/write quotas (records per second); returns 0.
    #[pyo3(signature = (role, read_quota=None, write_quota=None, policy=None))]
    fn admin_set_quotas<'py>(
        &self,
        py: Python<'py>,
        role: &str,
        read_quota: Option<&Bound<'py, PyAny>>,
        write_quota: Option<&Bound<'py, PyAny>>,
        policy: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<i64> {
        guard(py, || {
            self.admin_role_extras(
                py,
                aeropy_core::admin::command::SET_QUOTAS,
                role,
                [None, read_quota, write_quota],
                policy,
            )
        })
    }
}
