//! Batch methods: the batch protocol for reads, per-key commands for the rest.

use aeropy_core::{Error, Key};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};

use crate::client::{Client, Shape};
use crate::errors::{guard, param_err, to_pyerr};
use crate::keys::{bin_name, meta_dict, parse_key, PyKey};

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

    pub(crate) fn batch_remove_impl<'py>(
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

    pub(crate) fn batch_write_impl<'py>(
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
}
