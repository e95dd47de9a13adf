//! `aerospike.Scan` and `aerospike.Query`, made by `client.scan(ns, set)` /
//! `client.query(ns, set)`.

use aeropy_core::client::write_header;
use aeropy_core::query::{build_background, write_background_udf};
use aeropy_core::{Blocking, Error, GenerationPolicy, IndexFilter, QuerySpec, WriteMeta};
use aeropy_protocol::msg::{field, Message};
use aeropy_protocol::particle;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyDict, PyList, PyString, PyTuple};

use crate::client::{Client, Shape};
use crate::config::{int_of, type_name, CmdPolicy};
use crate::errors::{client_err, guard, param_err, to_pyerr};
use crate::keys::meta_dict;

/// The `(ns, set, pk, digest)` key of a scanned record, from its fields.
fn record_key<'py>(py: Python<'py>, r: &Message<'_>) -> PyResult<Bound<'py, PyTuple>> {
    let mut ns = py.None().into_bound(py);
    let mut set = py.None().into_bound(py);
    let mut pk = py.None().into_bound(py);
    let mut digest = py.None().into_bound(py);
    let text = |data: &[u8]| PyString::new(py, &String::from_utf8_lossy(data)).into_any();
    for f in r.fields() {
        let data = f.data;
        match f.ftype {
            field::NAMESPACE => ns = text(data),
            field::SET => set = text(data),
            field::DIGEST => digest = PyByteArray::new(py, data).into_any(),
            field::KEY => {
                pk = match data.split_first() {
                    Some((&particle::INTEGER, b)) if b.len() == 8 => {
                        let mut a = [0u8; 8];
                        a.copy_from_slice(b);
                        pyo3::types::PyInt::new(py, i64::from_be_bytes(a)).into_any()
                    }
                    Some((&particle::STRING, b)) => text(b),
                    Some((_, b)) => pyo3::types::PyBytes::new(py, b).into_any(),
                    None => py.None().into_bound(py),
                }
            }
            _ => {}
        }
    }
    PyTuple::new(py, [ns, set, pk, digest])
}

/// Scan/query options shared by both classes.
struct Common {
    client: Py<Client>,
    namespace: String,
    set: String,
    bins: Option<Vec<String>>,
    /// `max_records` / `records_per_second` attributes (19.x); policy keys override.
    max_records: u64,
    records_per_second: u32,
    /// `apply(module, function, args)`: the record UDF of a background job.
    udf: Option<(String, String, Py<PyList>)>,
    /// `add_ops(ops)`: the write ops of a background job.
    ops: Option<Py<PyList>>,
}

impl Common {
    fn new(
        py: Python<'_>,
        client: Py<Client>,
        ns: &Bound<'_, PyAny>,
        set: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let namespace: String = ns
            .extract()
            .map_err(|_| param_err(py, "namespace must be a str"))?;
        let set = match set.filter(|s| !s.is_none()) {
            Some(s) => s
                .extract()
                .map_err(|_| param_err(py, "set must be a str or None"))?,
            None => String::new(),
        };
        Ok(Common {
            client,
            namespace,
            set,
            bins: None,
            max_records: 0,
            records_per_second: 0,
            udf: None,
            ops: None,
        })
    }

    /// `apply(module, function[, args])`.
    fn set_udf(
        &mut self,
        py: Python<'_>,
        module: &str,
        function: &str,
        args: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let args = match args.filter(|a| !a.is_none()) {
            Some(a) => a
                .cast::<PyList>()
                .map_err(|_| param_err(py, "UDF arguments must be a list"))?
                .clone(),
            None => PyList::empty(py),
        };
        self.udf = Some((module.to_string(), function.to_string(), args.unbind()));
        Ok(())
    }

    /// `add_ops(ops)`.
    fn set_ops(&mut self, py: Python<'_>, ops: &Bound<'_, PyAny>) -> PyResult<()> {
        let l = ops
            .cast::<PyList>()
            .map_err(|_| param_err(py, "ops must be a list of operations"))?;
        self.ops = Some(l.clone().unbind());
        Ok(())
    }

    /// Aggregation (a stream UDF whose reduce runs in the client) is not built: refused
    /// before anything is sent.
    fn refuse_aggregation(&self, py: Python<'_>) -> PyResult<()> {
        match &self.udf {
            Some((m, f, _)) => Err(client_err(
                py,
                format!(
                    "stream-UDF aggregation is not built yet (apply({m:?}, {f:?}) then \
                     results()/foreach() needs a client-side Lua runtime); \
                     execute_background() runs a record UDF as a background job"
                ),
            )),
            None => Ok(()),
        }
    }

    /// Starts the background job (the UDF of `apply`, or the ops of `add_ops`) on every
    /// node; returns its id for `client.job_info`.
    fn background(
        &self,
        py: Python<'_>,
        policy: Option<&Bound<'_, PyAny>>,
        filter: Option<IndexFilter>,
    ) -> PyResult<u64> {
        let client = self.client.get();
        let mut p = client.policy(py, &client.settings.policies.write, None)?;
        if let Some(d) = policy.filter(|d| !d.is_none()) {
            crate::config::apply_policy(py, &mut p, "policy", d)?;
        }
        let spec = QuerySpec {
            namespace: self.namespace.clone(),
            set: self.set.clone(),
            filter,
            records_per_second: self.records_per_second,
            ..QuerySpec::default()
        };
        let mut meta = WriteMeta {
            exists: p.exists,
            gen_policy: GenerationPolicy::None,
            generation: 0,
            ttl: p.ttl.unwrap_or(0),
        };
        let header = write_header(&p.base, &meta, 0);
        let mut py_err = None;
        let built = match (&self.udf, &self.ops) {
            (Some((module, function, args)), _) => {
                let pair = client.pair(py);
                let ser = client.ser(py, pair.as_ref(), None);
                let mut packed = Vec::new();
                ser.pack(&mut packed, args.bind(py).as_any(), 0)?;
                build_background(&spec, &p.base, &header, |w| {
                    write_background_udf(w, module, function, &packed);
                    Ok(())
                })
            }
            (None, Some(ops)) => {
                let ops = ops.bind(py);
                if ops.is_empty() {
                    return Err(param_err(py, "add_ops() needs at least one operation"));
                }
                build_background(&spec, &p.base, &header, |w| {
                    if let Err(e) = client.write_ops(py, w, &p, &mut meta, ops) {
                        py_err = Some(e);
                        return Err(Error::Client(String::new()));
                    }
                    Ok(())
                })
            }
            (None, None) => return Err(param_err(
                py,
                "execute_background() needs apply(module, function, args) or add_ops(ops) first",
            )),
        };
        if let Some(e) = py_err {
            return Err(e);
        }
        let (id, request) = built.map_err(|e| to_pyerr(py, &e))?;
        let core = client.core(py)?;
        py.detach(|| core.execute_background(&request, &p.base))
            .map_err(|e| to_pyerr(py, &e))?;
        Ok(id)
    }

    fn select(&mut self, py: Python<'_>, bins: &Bound<'_, PyTuple>) -> PyResult<()> {
        let mut names = Vec::new();
        for b in bins.iter() {
            // select("a", "b") and select(["a", "b"]) are both in use.
            if let Ok(l) = b.cast::<PyList>() {
                for x in l.iter() {
                    names.push(crate::keys::bin_name(py, &x)?);
                }
            } else {
                names.push(crate::keys::bin_name(py, &b)?);
            }
        }
        self.bins = Some(names);
        Ok(())
    }

    /// Runs the scan/query; returns the records as `(key, meta, bins)` to `each`
    /// (false stops).
    fn run<'py>(
        &self,
        py: Python<'py>,
        policy: Option<&Bound<'py, PyAny>>,
        options: Option<&Bound<'py, PyAny>>,
        filter: Option<IndexFilter>,
        base: fn(&Client) -> &CmdPolicy,
        mut each: impl FnMut(Bound<'py, PyAny>) -> PyResult<bool>,
    ) -> PyResult<()> {
        let client = self.client.get();
        let mut p = client.policy(py, base(client), None)?;
        let mut spec = QuerySpec {
            namespace: self.namespace.clone(),
            set: self.set.clone(),
            bins: self.bins.clone(),
            filter,
            max_records: self.max_records,
            records_per_second: self.records_per_second,
            ..QuerySpec::default()
        };
        if let Some(d) = policy.filter(|d| !d.is_none()) {
            crate::config::apply_policy(py, &mut p, "policy", d)?;
            let d = d.cast::<PyDict>()?;
            if let Some(v) = d.get_item("max_records")? {
                spec.max_records =
                    u64::try_from(int_of(py, "policy[\"max_records\"]", &v)?).unwrap_or(0);
            }
            if let Some(v) = d.get_item("records_per_second")? {
                spec.records_per_second =
                    u32::try_from(int_of(py, "policy[\"records_per_second\"]", &v)?).unwrap_or(0);
            }
            if let Some(v) = d.get_item("include_bin_data")? {
                spec.no_bins = !v.is_truthy()?;
            }
        }
        if check_scan_options(py, options)? {
            spec.no_bins = true;
        }
        let core = client.core(py)?;
        let mut err = None;
        // Records reach `each` as their reply arrives, with the GIL held; the GIL is
        // released only while waiting on the socket.
        let res = core.query_each(&spec, &p.base, &mut Detached(py), |r| {
            let rec = (|| -> PyResult<Bound<'py, PyAny>> {
                let key = record_key(py, r)?;
                let meta = meta_dict(py, r.header.generation, r.header.record_ttl)?;
                let bins = if spec.no_bins {
                    py.None().into_bound(py)
                } else {
                    client.bins_from_reply(py, r, Shape::Dict)?
                };
                Ok(PyTuple::new(py, [key.into_any(), meta.into_any(), bins])?.into_any())
            })();
            match rec.and_then(&mut each) {
                Ok(go_on) => Ok(go_on),
                Err(e) => {
                    err = Some(e);
                    Err(Error::Client(String::new()))
                }
            }
        });
        if let Some(e) = err {
            return Err(e);
        }
        res.map_err(|e| to_pyerr(py, &e))
    }
}

/// Waits on the network with the GIL released.
struct Detached<'py>(Python<'py>);

impl Blocking for Detached<'_> {
    fn blocking<T: Send>(&mut self, f: impl FnOnce() -> T + Send) -> T {
        self.0.detach(f)
    }
}

fn results<'py>(
    py: Python<'py>,
    c: &Common,
    policy: Option<&Bound<'py, PyAny>>,
    options: Option<&Bound<'py, PyAny>>,
    filter: Option<IndexFilter>,
    base: fn(&Client) -> &CmdPolicy,
) -> PyResult<Bound<'py, PyList>> {
    c.refuse_aggregation(py)?;
    let out = PyList::empty(py);
    c.run(py, policy, options, filter, base, |rec| {
        out.append(rec)?;
        Ok(true)
    })?;
    Ok(out)
}

fn foreach<'py>(
    py: Python<'py>,
    c: &Common,
    callback: &Bound<'py, PyAny>,
    policy: Option<&Bound<'py, PyAny>>,
    options: Option<&Bound<'py, PyAny>>,
    filter: Option<IndexFilter>,
    base: fn(&Client) -> &CmdPolicy,
) -> PyResult<()> {
    if !callback.is_callable() {
        return Err(param_err(py, "callback must be callable"));
    }
    c.refuse_aggregation(py)?;
    c.run(py, policy, options, filter, base, |rec| {
        let r = callback.call1((rec,))?;
        // Returning False stops the scan, as in the official client.
        Ok(!r.is_instance_of::<pyo3::types::PyBool>() || r.is_truthy()?)
    })
}

fn scan_policy(c: &Client) -> &CmdPolicy {
    &c.settings.policies.scan
}

fn query_policy(c: &Client) -> &CmdPolicy {
    &c.settings.policies.query
}

/// A scan of a namespace (or one set of it): `client.scan(ns, set)`.
#[pyclass(module = "aerospike", name = "Scan")]
pub struct Scan {
    common: Common,
}

#[pymethods]
impl Scan {
    /// Most records to return per node (0: all).
    #[getter]
    fn get_max_records(&self) -> u64 {
        self.common.max_records
    }

    #[setter]
    fn set_max_records(&mut self, v: u64) {
        self.common.max_records = v;
    }

    /// Server-side throttle (0: none).
    #[getter]
    fn get_records_per_second(&self) -> u32 {
        self.common.records_per_second
    }

    #[setter]
    fn set_records_per_second(&mut self, v: u32) {
        self.common.records_per_second = v;
    }

    /// The record UDF `module.function(record, *args)` for `execute_background`.
    #[pyo3(signature = (module, function, arguments=None))]
    fn apply(
        &mut self,
        py: Python<'_>,
        module: &str,
        function: &str,
        arguments: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        guard(py, || self.common.set_udf(py, module, function, arguments))
    }

    /// The write operations for `execute_background`.
    fn add_ops(&mut self, py: Python<'_>, ops: &Bound<'_, PyAny>) -> PyResult<()> {
        guard(py, || self.common.set_ops(py, ops))
    }

    /// Runs the UDF of `apply` or the ops of `add_ops` over the records on the server;
    /// returns the job id for `client.job_info`.
    #[pyo3(signature = (policy=None))]
    fn execute_background(
        &self,
        py: Python<'_>,
        policy: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<u64> {
        guard(py, || self.common.background(py, policy, None))
    }

    /// Only these bins are returned.
    #[pyo3(signature = (*bins))]
    fn select(&mut self, py: Python<'_>, bins: &Bound<'_, PyTuple>) -> PyResult<()> {
        self.common.select(py, bins)
    }

    /// Every record as `(key, meta, bins)`.
    #[pyo3(signature = (policy=None, nodename=None))]
    fn results<'py>(
        &self,
        py: Python<'py>,
        policy: Option<&Bound<'py, PyAny>>,
        nodename: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyList>> {
        let _ = nodename;
        guard(py, || {
            results(py, &self.common, policy, None, None, scan_policy)
        })
    }

    /// Calls `callback((key, meta, bins))` for every record; returning False stops.
    #[pyo3(signature = (callback, policy=None, options=None, nodename=None))]
    fn foreach<'py>(
        &self,
        py: Python<'py>,
        callback: &Bound<'py, PyAny>,
        policy: Option<&Bound<'py, PyAny>>,
        options: Option<&Bound<'py, PyAny>>,
        nodename: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<()> {
        let _ = nodename;
        guard(py, || {
            foreach(
                py,
                &self.common,
                callback,
                policy,
                options,
                None,
                scan_policy,
            )
        })
    }
}

/// A query (secondary-index filter via `where`), or a scan when no filter is set.
#[pyclass(module = "aerospike", name = "Query")]
pub struct Query {
    common: Common,
    filter: Option<IndexFilter>,
}

fn filter_from(py: Python<'_>, p: &Bound<'_, PyAny>) -> PyResult<IndexFilter> {
    let t = p.cast::<PyTuple>().map_err(|_| {
        param_err(
            py,
            format!(
                "where() takes a predicate from aerospike.predicates, not {}",
                type_name(p)
            ),
        )
    })?;
    if t.len() < 4 {
        return Err(param_err(py, "invalid predicate"));
    }
    let kind = int_of(py, "predicate kind", &t.get_item(0)?)?;
    let data_type = int_of(py, "predicate data type", &t.get_item(1)?)?;
    let bin: String = t
        .get_item(2)?
        .extract()
        .map_err(|_| param_err(py, "predicate bin must be a str"))?;
    let index_type = match t.get_item(5).ok().filter(|v| !v.is_none()) {
        Some(v) => u8::try_from(int_of(py, "predicate index type", &v)?)
            .map_err(|_| param_err(py, "bad index type"))?,
        None => 0,
    };
    let v1 = t.get_item(3)?;
    let int_bytes = |v: &Bound<'_, PyAny>| -> PyResult<Vec<u8>> {
        Ok(int_of(py, "predicate value", v)?.to_be_bytes().to_vec())
    };
    let (particle, begin, end) = match (kind, data_type) {
        // INDEX_GEO2DSPHERE
        (_, 2) => {
            let s: String = v1
                .extract()
                .map_err(|_| param_err(py, "geo predicate needs GeoJSON text"))?;
            (particle::GEOJSON, s.clone().into_bytes(), s.into_bytes())
        }
        // equality: numeric / string / blob
        (0, 4) => (particle::INTEGER, int_bytes(&v1)?, int_bytes(&v1)?),
        (0, 0) => {
            let s: String = v1
                .extract()
                .map_err(|_| param_err(py, "string predicate needs a str"))?;
            (particle::STRING, s.clone().into_bytes(), s.into_bytes())
        }
        (0, 3) => {
            let b: Vec<u8> = v1
                .extract()
                .map_err(|_| param_err(py, "blob predicate needs bytes"))?;
            (particle::BLOB, b.clone(), b)
        }
        // range: integers
        (1, 4) => {
            let v2 = t.get_item(4)?;
            (particle::INTEGER, int_bytes(&v1)?, int_bytes(&v2)?)
        }
        _ => return Err(param_err(py, "unsupported predicate")),
    };
    Ok(IndexFilter {
        bin,
        particle,
        begin,
        end,
        index_type,
    })
}

#[pymethods]
impl Query {
    /// Most records to return per node (0: all).
    #[getter]
    fn get_max_records(&self) -> u64 {
        self.common.max_records
    }

    #[setter]
    fn set_max_records(&mut self, v: u64) {
        self.common.max_records = v;
    }

    /// Server-side throttle (0: none).
    #[getter]
    fn get_records_per_second(&self) -> u32 {
        self.common.records_per_second
    }

    #[setter]
    fn set_records_per_second(&mut self, v: u32) {
        self.common.records_per_second = v;
    }

    /// The record UDF `module.function(record, *args)` for `execute_background`.
    #[pyo3(signature = (module, function, arguments=None))]
    fn apply(
        &mut self,
        py: Python<'_>,
        module: &str,
        function: &str,
        arguments: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        guard(py, || self.common.set_udf(py, module, function, arguments))
    }

    /// The write operations for `execute_background`.
    fn add_ops(&mut self, py: Python<'_>, ops: &Bound<'_, PyAny>) -> PyResult<()> {
        guard(py, || self.common.set_ops(py, ops))
    }

    /// Runs the UDF of `apply` or the ops of `add_ops` over the records on the server;
    /// returns the job id for `client.job_info`.
    #[pyo3(signature = (policy=None))]
    fn execute_background(
        &self,
        py: Python<'_>,
        policy: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<u64> {
        guard(py, || {
            self.common.background(py, policy, self.filter.clone())
        })
    }

    /// Only these bins are returned.
    #[pyo3(signature = (*bins))]
    fn select(&mut self, py: Python<'_>, bins: &Bound<'_, PyTuple>) -> PyResult<()> {
        self.common.select(py, bins)
    }

    /// Sets the index filter (`aerospike.predicates.*`); returns the query.
    #[pyo3(name = "where", signature = (predicate, ctx=None))]
    fn where_<'py>(
        mut slf: PyRefMut<'py, Self>,
        predicate: &Bound<'py, PyAny>,
        ctx: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<PyRefMut<'py, Self>> {
        let py = slf.py();
        if ctx.is_some_and(|c| !c.is_none()) {
            return Err(param_err(
                py,
                "where() with a CDT context is not supported yet",
            ));
        }
        slf.filter = Some(filter_from(py, predicate)?);
        Ok(slf)
    }

    /// Every matching record as `(key, meta, bins)`.
    #[pyo3(signature = (policy=None, options=None))]
    fn results<'py>(
        &self,
        py: Python<'py>,
        policy: Option<&Bound<'py, PyAny>>,
        options: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyList>> {
        guard(py, || {
            results(
                py,
                &self.common,
                policy,
                options,
                self.filter.clone(),
                query_policy,
            )
        })
    }

    /// Calls `callback((key, meta, bins))` for every match; returning False stops.
    #[pyo3(signature = (callback, policy=None, options=None))]
    fn foreach<'py>(
        &self,
        py: Python<'py>,
        callback: &Bound<'py, PyAny>,
        policy: Option<&Bound<'py, PyAny>>,
        options: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<()> {
        guard(py, || {
            foreach(
                py,
                &self.common,
                callback,
                policy,
                options,
                self.filter.clone(),
                query_policy,
            )
        })
    }
}

/// `client.scan(ns, set)`.
pub fn new_scan(
    py: Python<'_>,
    client: Py<Client>,
    ns: &Bound<'_, PyAny>,
    set: Option<&Bound<'_, PyAny>>,
) -> PyResult<Scan> {
    Ok(Scan {
        common: Common::new(py, client, ns, set)?,
    })
}

/// `client.query(ns, set)`.
pub fn new_query(
    py: Python<'_>,
    client: Py<Client>,
    ns: &Bound<'_, PyAny>,
    set: Option<&Bound<'_, PyAny>>,
) -> PyResult<Query> {
    Ok(Query {
        common: Common::new(py, client, ns, set)?,
        filter: None,
    })
}

/// `client.scan_apply` / `client.query_apply`: a background record-UDF job.
#[allow(clippy::too_many_arguments)]
pub fn apply_job(
    py: Python<'_>,
    client: Py<Client>,
    ns: &Bound<'_, PyAny>,
    set: Option<&Bound<'_, PyAny>>,
    predicate: Option<&Bound<'_, PyAny>>,
    module: &str,
    function: &str,
    args: Option<&Bound<'_, PyAny>>,
    policy: Option<&Bound<'_, PyAny>>,
) -> PyResult<u64> {
    let mut c = Common::new(py, client, ns, set)?;
    c.set_udf(py, module, function, args)?;
    let filter = predicate
        .filter(|p| !p.is_none())
        .map(|p| filter_from(py, p))
        .transpose()?;
    c.background(py, policy, filter)
}

/// Checks the seed's scan/query `options` dict; returns its `nobins`.
pub fn check_scan_options(py: Python<'_>, options: Option<&Bound<'_, PyAny>>) -> PyResult<bool> {
    let mut no_bins = false;
    if let Some(o) = options.filter(|o| !o.is_none()) {
        let o = o
            .cast::<PyDict>()
            .map_err(|_| param_err(py, "options must be a dict"))?;
        for (k, v) in o.iter() {
            let k: String = k.extract()?;
            match k.as_str() {
                "nobins" => no_bins = v.is_truthy()?,
                // Servers have no scan priority any more; concurrency is the client's.
                "priority" | "concurrent" | "fail_on_cluster_change" => {}
                "percent" => {
                    if int_of(py, "options[\"percent\"]", &v)? != 100 {
                        return Err(param_err(
                            py,
                            "options[\"percent\"] below 100 (sampling) is not supported",
                        ));
                    }
                }
                _ => return Err(param_err(py, format!("unknown scan/query option {k:?}"))),
            }
        }
    }
    Ok(no_bins)
}
