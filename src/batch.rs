//! Batch methods: the batch protocol for reads, per-key commands for the rest.

use aeropy_core::client::{read_header, write_header};
use aeropy_core::{BatchItem, Error, Key};
use aeropy_protocol::msg::{self as wire, field, MsgHeader, MsgWriter};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};

use crate::client::{begin_key_command, Client, Shape};
use crate::config::CmdPolicy;
use crate::errors::{guard, param_err, to_pyerr};
use crate::keys::{bin_name, meta_dict, parse_key, write_meta, PyKey};

/// One key's outcome in a batch read.
pub(crate) struct BatchRow<'py> {
    pub(crate) key: Bound<'py, PyAny>,
    pub(crate) code: i64,
    pub(crate) meta: Option<Bound<'py, PyDict>>,
    pub(crate) record: Option<Bound<'py, PyAny>>,
}

pub(crate) fn batch_classes(py: Python<'_>) -> PyResult<(Bound<'_, PyAny>, Bound<'_, PyAny>)> {
    let m = py.import("aerospike_helpers.batch.records")?;
    Ok((m.getattr("BatchRecords")?, m.getattr("BatchRecord")?))
}

/// Stores a command's outcome in a `BatchRecord`: `record` on success, else `result`,
/// `message` and `in_doubt` of the error. Non-Aerospike errors propagate.
pub(crate) fn set_batch_result<'py>(
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

pub(crate) fn key_list<'py>(
    py: Python<'py>,
    keys: &Bound<'py, PyAny>,
) -> PyResult<Vec<Bound<'py, PyAny>>> {
    if let Ok(l) = keys.cast::<PyList>() {
        Ok(l.iter().collect())
    } else if let Ok(t) = keys.cast::<PyTuple>() {
        Ok(t.iter().collect())
    } else {
        Err(param_err(py, "keys must be a list of key tuples"))
    }
}

impl Client {
    pub(crate) fn many<'py>(
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
    pub(crate) fn batch_rows<'py>(
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
            let i = r.header.transaction_ttl as usize;
            let Some(row) = rows.get_mut(i) else {
                return Err(Error::Parse(format!("batch row index {i} out of range")));
            };
            row.code = i64::from(r.header.result_code);
            if r.header.result_code != 0 {
                return Ok(());
            }
            let built = (|| -> PyResult<()> {
                let meta = meta_dict(py, r.header.generation, r.header.record_ttl)?;
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

    pub(crate) fn batch_read_impl<'py>(
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

    pub(crate) fn batch_operate_impl<'py>(
        &self,
        py: Python<'py>,
        keys: &Bound<'py, PyAny>,
        ops: &Bound<'py, PyAny>,
        policy_batch: Option<&Bound<'py, PyAny>>,
        policy_batch_write: Option<&Bound<'py, PyAny>>,
        ttl: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || {
            let (records_cls, record_cls) = batch_classes(py)?;
            let meta = match ttl.filter(|t| !t.is_none()) {
                Some(t) => {
                    let d = PyDict::new(py);
                    d.set_item("ttl", t)?;
                    Some(d.into_any())
                }
                None => None,
            };
            let p = self.policy(py, &self.settings.policies.operate, policy_batch_write)?;
            let m = write_meta(py, &p, meta.as_ref())?;
            let ops = ops
                .cast::<PyList>()
                .map_err(|_| param_err(py, "operations must be a list of dicts"))?;
            if ops.is_empty() {
                return Err(param_err(py, "operations must not be empty"));
            }
            let out = PyList::empty(py);
            let mut items = Vec::new();
            for k in key_list(py, keys)? {
                let br = record_cls.call1((&k,))?;
                out.append(&br)?;
                let built = parse_key(py, &k).and_then(|key| {
                    let (record, write) = record_message(|w| {
                        self.write_operate(py, w, &key, &p, &mut m.clone(), ops)
                    })?;
                    Ok(Pending::new(key, record, write, true, br.clone()))
                });
                match built {
                    Ok(item) => items.push(item),
                    Err(e) => set_batch_result(py, &br, Err(e))?,
                }
            }
            self.run_batch_records(py, &items, policy_batch)?;
            records_cls.call1((out,))
        })
    }

    pub(crate) fn batch_remove_impl<'py>(
        &self,
        py: Python<'py>,
        keys: &Bound<'py, PyAny>,
        policy_batch: Option<&Bound<'py, PyAny>>,
        policy_batch_remove: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || {
            let (records_cls, record_cls) = batch_classes(py)?;
            let p = self.policy(py, &self.settings.policies.remove, policy_batch_remove)?;
            let out = PyList::empty(py);
            let mut items = Vec::new();
            for k in key_list(py, keys)? {
                let br = record_cls.call1((&k,))?;
                out.append(&br)?;
                let built = parse_key(py, &k).and_then(|key| {
                    let record = self.remove_message(py, &key, &p)?;
                    Ok(Pending::new(key, record, true, true, br.clone()))
                });
                match built {
                    Ok(item) => items.push(item.removing()),
                    Err(e) => set_batch_result(py, &br, Err(e))?,
                }
            }
            self.run_batch_records(py, &items, policy_batch)?;
            records_cls.call1((out,))
        })
    }

    pub(crate) fn batch_write_impl<'py>(
        &self,
        py: Python<'py>,
        batch_records: &Bound<'py, PyAny>,
        policy_batch: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || {
            let items = batch_records.getattr("batch_records").map_err(|_| {
                param_err(
                    py,
                    "batch_records must be an aerospike_helpers.batch.records.BatchRecords",
                )
            })?;
            let mut pending = Vec::new();
            for br in key_list(py, &items)? {
                let kind: i64 = br.getattr("_type")?.extract()?;
                let key = br.getattr("key")?;
                let policy = br.getattr("policy").ok().filter(|p| !p.is_none());
                let built = match kind {
                    0 | 1 => self.batch_ops_record(py, &br, &key, kind == 1, policy.as_ref()),
                    3 => parse_key(py, &key).and_then(|k| {
                        let p = self.policy(py, &self.settings.policies.remove, policy.as_ref())?;
                        let record = self.remove_message(py, &k, &p)?;
                        Ok(Pending::new(k, record, true, false, br.clone()).removing())
                    }),
                    2 => parse_key(py, &key).and_then(|k| {
                        let module: String = br.getattr("module")?.extract()?;
                        let function: String = br.getattr("function")?.extract()?;
                        let args = br.getattr("args")?;
                        let p = self.policy(py, &self.settings.policies.apply, policy.as_ref())?;
                        let record = self.udf_message(py, &k, &p, &module, &function, &args)?;
                        Ok(Pending::new(k, record, true, false, br.clone()).applying())
                    }),
                    t => Err(param_err(py, format!("unknown batch record type {t}"))),
                };
                match built {
                    Ok(item) => pending.push(item),
                    Err(e) => set_batch_result(py, &br, Err(e))?,
                }
            }
            self.run_batch_records(py, &pending, policy_batch)?;
            Ok(batch_records.clone())
        })
    }

    /// A `Read` (`write = false`) or `Write` record of `batch_write`.
    fn batch_ops_record<'py>(
        &self,
        py: Python<'py>,
        br: &Bound<'py, PyAny>,
        key: &Bound<'py, PyAny>,
        write: bool,
        policy: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Pending<'py>> {
        let k = parse_key(py, key)?;
        let ops = br.getattr("ops")?;
        if !write && (br.getattr("read_all_bins")?.is_truthy()? || ops.is_none()) {
            let p = self.policy(py, &self.settings.policies.read, policy)?;
            let (record, _) = record_message(|w| {
                begin_key_command(
                    &p,
                    w,
                    &k.key,
                    &read_header(&p.base, wire::INFO1_GET_ALL),
                    false,
                );
                Ok(false)
            })?;
            return Ok(Pending::new(k, record, false, false, br.clone()));
        }
        let meta = if write {
            br.getattr("meta")?
        } else {
            py.None().into_bound(py)
        };
        let meta = (!meta.is_none()).then_some(meta);
        let p = self.policy(py, &self.settings.policies.operate, policy)?;
        let mut m = write_meta(py, &p, meta.as_ref())?;
        let ops = ops
            .cast::<PyList>()
            .map_err(|_| param_err(py, "operations must be a list of dicts"))?;
        if ops.is_empty() {
            return Err(param_err(py, "operations must not be empty"));
        }
        let (record, w) = record_message(|w| self.write_operate(py, w, &k, &p, &mut m, ops))?;
        Ok(Pending::new(k, record, w, false, br.clone()))
    }

    /// The message of a record UDF call on `k` (a UDF row: no ops).
    fn udf_message(
        &self,
        py: Python<'_>,
        k: &PyKey<'_>,
        p: &CmdPolicy,
        module: &str,
        function: &str,
        args: &Bound<'_, PyAny>,
    ) -> PyResult<Vec<u8>> {
        if args.cast::<PyList>().is_err() {
            return Err(param_err(py, "args must be a list"));
        }
        let m = write_meta(py, p, None)?;
        let pair = self.pair(py);
        let ser = self.ser(py, pair.as_ref(), None);
        let mut packed = Vec::new();
        ser.pack(&mut packed, args, 0)?;
        let (record, _) = record_message(|w| {
            begin_key_command(p, w, &k.key, &write_header(&p.base, &m, 0), p.base.send_key);
            w.field(field::UDF_FILENAME, module.as_bytes());
            w.field(field::UDF_FUNCTION, function.as_bytes());
            w.field(field::UDF_ARGLIST, &packed);
            Ok(true)
        })?;
        Ok(record)
    }

    /// 19.x `batch_apply`: the record UDF on every key, as UDF rows of one batch.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn batch_apply_impl<'py>(
        &self,
        py: Python<'py>,
        keys: &Bound<'py, PyAny>,
        module: &str,
        function: &str,
        args: &Bound<'py, PyAny>,
        policy_batch: Option<&Bound<'py, PyAny>>,
        policy_batch_apply: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || {
            let (records_cls, record_cls) = batch_classes(py)?;
            let p = self.policy(py, &self.settings.policies.apply, policy_batch_apply)?;
            if args.cast::<PyList>().is_err() {
                return Err(param_err(py, "args must be a list"));
            }
            let out = PyList::empty(py);
            let mut items = Vec::new();
            for k in key_list(py, keys)? {
                let br = record_cls.call1((&k,))?;
                out.append(&br)?;
                let built = parse_key(py, &k).and_then(|key| {
                    let record = self.udf_message(py, &key, &p, module, function, args)?;
                    Ok(Pending::new(key, record, true, true, br.clone()).applying())
                });
                match built {
                    Ok(item) => items.push(item),
                    Err(e) => set_batch_result(py, &br, Err(e))?,
                }
            }
            self.run_batch_records(py, &items, policy_batch)?;
            records_cls.call1((out,))
        })
    }

    /// The message of a remove of `k`.
    fn remove_message(&self, py: Python<'_>, k: &PyKey<'_>, p: &CmdPolicy) -> PyResult<Vec<u8>> {
        let m = write_meta(py, p, None)?;
        let (record, _) = record_message(|w| {
            begin_key_command(
                p,
                w,
                &k.key,
                &write_header(&p.base, &m, wire::INFO2_DELETE),
                p.base.send_key,
            );
            Ok(true)
        })?;
        Ok(record)
    }

    /// Sends `items` as the rows of batch requests (one per node) and stores each
    /// outcome in its `BatchRecord`.
    fn run_batch_records<'py>(
        &self,
        py: Python<'py>,
        items: &[Pending<'py>],
        policy_batch: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<()> {
        let p = self.policy(py, &self.settings.policies.batch, policy_batch)?;
        if items.is_empty() {
            return Ok(());
        }
        let core = self.core(py)?;
        let rows: Vec<BatchItem<'_>> = items
            .iter()
            .map(|i| BatchItem {
                key: &i.key.key,
                record: i.record.clone(),
                write: i.write,
                may_repeat: i.may_repeat,
            })
            .collect();
        let replies = py
            .detach(|| core.batch_records(&rows, &p.base))
            .map_err(|e| to_pyerr(py, &e))?;
        let mut seen = vec![false; items.len()];
        let mut err = None;
        let res = replies.for_each(|r| {
            let i = r.header.transaction_ttl as usize;
            let (Some(item), Some(s)) = (items.get(i), seen.get_mut(i)) else {
                return Err(Error::Parse(format!("batch row index {i} out of range")));
            };
            *s = true;
            let stored = (|| -> PyResult<()> {
                let res = match r.header.result_code {
                    0 if item.remove => Ok(py.None().into_bound(py)),
                    0 => {
                        let meta = meta_dict(py, r.header.generation, r.header.record_ttl)?;
                        let bins = self.bins_from_reply(py, r, Shape::Dict)?;
                        Ok(PyTuple::new(
                            py,
                            [item.key.to_tuple(py)?.into_any(), meta.into_any(), bins],
                        )?
                        .into_any())
                    }
                    100 if item.udf => {
                        let meta = meta_dict(py, r.header.generation, r.header.record_ttl)?;
                        let bins = self.bins_from_reply(py, r, Shape::Dict)?;
                        let msg = match bins.cast::<PyDict>()?.get_item("FAILURE")? {
                            Some(f) => f.str()?.to_cow()?.into_owned(),
                            None => "UDF failure".to_string(),
                        };
                        let rec = PyTuple::new(
                            py,
                            [item.key.to_tuple(py)?.into_any(), meta.into_any(), bins],
                        )?;
                        item.br.setattr("result", 100)?;
                        item.br.setattr("record", rec)?;
                        item.br.setattr("message", msg)?;
                        return Ok(());
                    }
                    c => Err(to_pyerr(
                        py,
                        &Error::server(i32::from(c), item.write && c == 9),
                    )),
                };
                set_batch_result(py, &item.br, res)
            })();
            stored.map_err(|e| {
                err = Some(e);
                Error::Client(String::new())
            })
        });
        if let Some(e) = err {
            return Err(e);
        }
        res.map_err(|e| to_pyerr(py, &e))?;
        for (item, _) in items.iter().zip(&seen).filter(|(_, s)| !**s) {
            let e = Error::Client("the batch reply has no row for this record".into());
            set_batch_result(py, &item.br, Err(to_pyerr(py, &e)))?;
        }
        Ok(())
    }
}

/// A record of a batch of commands, encoded, waiting to be sent.
pub(crate) struct Pending<'py> {
    key: PyKey<'py>,
    record: Vec<u8>,
    write: bool,
    may_repeat: bool,
    /// A remove: success leaves `record` None.
    remove: bool,
    /// A record UDF: a failure (100) keeps the record with its FAILURE bin.
    udf: bool,
    /// The `BatchRecord` the outcome goes to.
    br: Bound<'py, PyAny>,
}

impl<'py> Pending<'py> {
    fn new(
        key: PyKey<'py>,
        record: Vec<u8>,
        write: bool,
        may_repeat: bool,
        br: Bound<'py, PyAny>,
    ) -> Self {
        Pending {
            key,
            record,
            write,
            may_repeat,
            remove: false,
            udf: false,
            br,
        }
    }

    fn applying(mut self) -> Self {
        self.udf = true;
        self
    }

    fn removing(mut self) -> Self {
        self.remove = true;
        self
    }
}

/// Encodes one record's message (no proto header) with `build`; returns it and whether
/// it writes.
fn record_message(
    build: impl FnOnce(&mut MsgWriter<'_>) -> PyResult<bool>,
) -> PyResult<(Vec<u8>, bool)> {
    let mut buf = Vec::new();
    let mut w = MsgWriter::start_record(&mut buf, &MsgHeader::default());
    let write = build(&mut w)?;
    w.finish();
    Ok((buf, write))
}
