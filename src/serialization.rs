//! Python objects <-> wire bytes, with no Rust value tree in between.

use aeropy_core::client::{begin_op, end_op};
use aeropy_protocol::msg::MsgWriter;
use aeropy_protocol::msgpack::{Packer, Token, Unpacker, EXT_SPECIAL};
use aeropy_protocol::particle;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyByteArray, PyBytes, PyDict, PyFloat, PyInt, PyList, PyString};

use crate::errors::{client_err, param_err};

/// `send_bool_as` values (aerospike._constants).
pub const BOOL_AS_INTEGER: i64 = 0;
pub const BOOL_AS_BOOL: i64 = 1;
pub const BOOL_AS_PY_BYTES: i64 = 2;
/// The seed's default serializer (aerospike.SERIALIZER_PYTHON).
pub const SERIALIZER_PYTHON: i64 = 1;

const MAX_DEPTH: usize = 256;

static SERIALIZATION: PyOnceLock<Py<PyModule>> = PyOnceLock::new();
static GEOJSON_CLS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

fn ser_module(py: Python<'_>) -> PyResult<&Bound<'_, PyModule>> {
    Ok(SERIALIZATION
        .get_or_try_init(py, || -> PyResult<Py<PyModule>> {
            Ok(py.import("aerospike.serialization")?.unbind())
        })?
        .bind(py))
}

/// The `aerospike.GeoJSON` class.
pub fn geojson_class(py: Python<'_>) -> PyResult<&Bound<'_, PyAny>> {
    Ok(GEOJSON_CLS
        .get_or_try_init(py, || -> PyResult<Py<PyAny>> {
            Ok(py.import("aerospike.geojson")?.getattr("GeoJSON")?.unbind())
        })?
        .bind(py))
}

/// How values are written, per client and call.
pub struct Ser<'a, 'py> {
    pub py: Python<'py>,
    pub send_bool_as: i64,
    /// The per-call `serializer=` argument, if given.
    pub serializer: Option<i64>,
    /// The client's default serializer.
    pub default: i64,
    /// Instance-level `(serializer, deserializer)` pair, if configured.
    pub pair: Option<&'a Bound<'py, PyAny>>,
}

impl<'py> Ser<'_, 'py> {
    fn pair_obj(&self) -> Bound<'py, PyAny> {
        match self.pair {
            Some(p) => p.clone(),
            None => self.py.None().into_bound(self.py),
        }
    }

    fn pickle(&self, v: &Bound<'py, PyAny>) -> PyResult<Vec<u8>> {
        let out = ser_module(self.py)?
            .getattr(intern!(self.py, "pickle_dumps"))?
            .call1((v,))?;
        bytes_of(&out).ok_or_else(|| client_err(self.py, "pickle_dumps did not return bytes"))
    }

    /// Bytes and particle type for a value with no server type (the rules live in
    /// `aerospike.serialization.serialize`).
    fn serialize_other(&self, v: &Bound<'py, PyAny>) -> PyResult<(u8, Vec<u8>)> {
        let py = self.py;
        let out = ser_module(py)?.getattr(intern!(py, "serialize"))?.call1((
            v,
            self.serializer,
            self.pair_obj(),
            self.default,
        ))?;
        let (payload, ptype): (Bound<'py, PyAny>, u8) = out.extract()?;
        let b = bytes_of(&payload)
            .ok_or_else(|| client_err(py, "the serializer did not return bytes"))?;
        Ok((ptype, b))
    }

    /// Appends the flat particle encoding of `v` and returns its particle type.
    pub fn write_particle(&self, buf: &mut Vec<u8>, v: &Bound<'py, PyAny>) -> PyResult<u8> {
        let py = self.py;
        if v.is_none() {
            return Ok(particle::NULL);
        }
        if let Ok(b) = v.cast_exact::<PyBool>() {
            let b = b.is_true();
            return Ok(match self.send_bool_as {
                BOOL_AS_INTEGER => {
                    buf.extend_from_slice(&i64::from(b).to_be_bytes());
                    particle::INTEGER
                }
                BOOL_AS_PY_BYTES => {
                    buf.extend_from_slice(&self.pickle(v)?);
                    particle::PYTHON_BLOB
                }
                _ => {
                    buf.push(u8::from(b));
                    particle::BOOL
                }
            });
        }
        if let Ok(i) = v.cast::<PyInt>() {
            let i: i64 = i
                .extract()
                .map_err(|_| param_err(py, "integer out of range: bin values are 64-bit signed"))?;
            buf.extend_from_slice(&i.to_be_bytes());
            return Ok(particle::INTEGER);
        }
        if let Ok(s) = v.cast::<PyString>() {
            buf.extend_from_slice(str_bytes(py, s)?.as_bytes());
            return Ok(particle::STRING);
        }
        if let Ok(f) = v.cast::<PyFloat>() {
            buf.extend_from_slice(&f.value().to_bits().to_be_bytes());
            return Ok(particle::FLOAT);
        }
        if let Ok(b) = v.cast::<PyBytes>() {
            buf.extend_from_slice(b.as_bytes());
            if v.cast_exact::<PyBytes>().is_err() && special(v)? == Special::Hll {
                return Ok(particle::HLL);
            }
            return Ok(particle::BLOB);
        }
        if let Ok(b) = v.cast::<PyByteArray>() {
            buf.extend_from_slice(&b.to_vec());
            return Ok(particle::BLOB);
        }
        if v.cast::<PyList>().is_ok() {
            self.pack(buf, v, 0)?;
            return Ok(particle::LIST);
        }
        if v.cast::<PyDict>().is_ok() {
            self.pack(buf, v, 0)?;
            return Ok(particle::MAP);
        }
        if special(v)? == Special::Null {
            return Ok(particle::NULL);
        }
        if v.is_instance(geojson_class(py)?)? {
            let text = v.call_method0(intern!(py, "dumps"))?;
            particle::write_geojson(buf, str_bytes(py, text.cast::<PyString>()?)?.as_bytes());
            return Ok(particle::GEOJSON);
        }
        let (t, b) = self.serialize_other(v)?;
        buf.extend_from_slice(&b);
        Ok(t)
    }

    /// Appends the msgpack encoding of `v` (list and map contents).
    pub fn pack(&self, buf: &mut Vec<u8>, v: &Bound<'py, PyAny>, depth: usize) -> PyResult<()> {
        let py = self.py;
        if depth > MAX_DEPTH {
            return Err(param_err(py, "value nested too deeply"));
        }
        if v.is_none() {
            Packer::new(buf).nil();
        } else if let Ok(b) = v.cast_exact::<PyBool>() {
            match self.send_bool_as {
                BOOL_AS_INTEGER => Packer::new(buf).int(i64::from(b.is_true())),
                BOOL_AS_PY_BYTES => {
                    Packer::new(buf).particle_str(particle::PYTHON_BLOB, &self.pickle(v)?)
                }
                _ => Packer::new(buf).bool(b.is_true()),
            }
        } else if let Ok(i) = v.cast::<PyInt>() {
            match i.extract::<i64>() {
                Ok(i) => Packer::new(buf).int(i),
                Err(_) => match i.extract::<u64>() {
                    Ok(u) => Packer::new(buf).uint(u),
                    Err(_) => return Err(param_err(py, "integer out of range for a list or map")),
                },
            }
        } else if let Ok(s) = v.cast::<PyString>() {
            Packer::new(buf).particle_str(particle::STRING, str_bytes(py, s)?.as_bytes());
        } else if let Ok(f) = v.cast::<PyFloat>() {
            Packer::new(buf).float(f.value());
        } else if let Ok(b) = v.cast::<PyBytes>() {
            let t = if v.cast_exact::<PyBytes>().is_err() && special(v)? == Special::Hll {
                particle::HLL
            } else {
                particle::BLOB
            };
            Packer::new(buf).particle_str(t, b.as_bytes());
        } else if let Ok(b) = v.cast::<PyByteArray>() {
            Packer::new(buf).particle_str(particle::BLOB, &b.to_vec());
        } else if let Ok(l) = v.cast::<PyList>() {
            Packer::new(buf).array_header(l.len() as u32);
            for item in l.iter() {
                self.pack(buf, &item, depth + 1)?;
            }
        } else if let Ok(d) = v.cast::<PyDict>() {
            if v.cast_exact::<PyDict>().is_err() && special(v)? == Special::KeyOrdered {
                // Key-ordered map: flags ext first, then the pairs sorted by key.
                let items = d.items();
                let _ = items.sort();
                Packer::new(buf).map_header((d.len() + 1) as u32);
                // Flags ext (1: key-ordered) with a nil value.
                let mut pk = Packer::new(buf);
                pk.ext(1, &[]);
                pk.nil();
                for pair in items.iter() {
                    let (k, item): (Bound<'py, PyAny>, Bound<'py, PyAny>) = pair.extract()?;
                    self.pack(buf, &k, depth + 1)?;
                    self.pack(buf, &item, depth + 1)?;
                }
                return Ok(());
            }
            Packer::new(buf).map_header(d.len() as u32);
            for (k, item) in d.iter() {
                self.pack(buf, &k, depth + 1)?;
                self.pack(buf, &item, depth + 1)?;
            }
        } else if v.is_instance(geojson_class(py)?)? {
            let text = v.call_method0(intern!(py, "dumps"))?;
            Packer::new(buf).particle_str(
                particle::GEOJSON,
                str_bytes(py, text.cast::<PyString>()?)?.as_bytes(),
            );
        } else {
            match special(v)? {
                Special::Wildcard => Packer::new(buf).ext(EXT_SPECIAL, &[0]),
                Special::Infinite => Packer::new(buf).ext(EXT_SPECIAL, &[1]),
                Special::Null => Packer::new(buf).nil(),
                _ => {
                    let (t, b) = self.serialize_other(v)?;
                    Packer::new(buf).particle_str(t, &b);
                }
            }
        }
        Ok(())
    }

    /// Writes one op carrying `v` as its value.
    pub fn write_op(
        &self,
        w: &mut MsgWriter<'_>,
        op: u8,
        bin: &str,
        v: &Bound<'py, PyAny>,
    ) -> PyResult<()> {
        let s = begin_op(w, op, bin.as_bytes()).map_err(|e| param_err(self.py, e.message()))?;
        let t = self.write_particle(w.buffer(), v)?;
        end_op(w, s, t).map_err(|e| param_err(self.py, e.message()))
    }
}

fn str_bytes<'a>(
    py: Python<'_>,
    s: &'a Bound<'_, PyString>,
) -> PyResult<std::borrow::Cow<'a, str>> {
    s.to_cow()
        .map_err(|_| param_err(py, "string is not valid UTF-8 (lone surrogates?)"))
}

/// The `aerospike` module's marker types, recognised by class name (they live in
/// `aerospike/__init__.py`).
#[derive(Debug, PartialEq, Eq)]
enum Special {
    None,
    Wildcard,
    Infinite,
    Null,
    Hll,
    KeyOrdered,
}

fn special(v: &Bound<'_, PyAny>) -> PyResult<Special> {
    let t = v.get_type();
    let module = t.module()?;
    if module.to_cow()? != "aerospike" {
        return Ok(Special::None);
    }
    Ok(match t.name()?.to_cow()?.as_ref() {
        "CDTWildcard" => Special::Wildcard,
        "CDTInfinite" => Special::Infinite,
        "_Null" => Special::Null,
        "HyperLogLog" => Special::Hll,
        "KeyOrderedDict" => Special::KeyOrdered,
        _ => Special::None,
    })
}

fn bytes_of(v: &Bound<'_, PyAny>) -> Option<Vec<u8>> {
    if let Ok(b) = v.cast::<PyBytes>() {
        return Some(b.as_bytes().to_vec());
    }
    v.cast::<PyByteArray>().ok().map(|b| b.to_vec())
}

/// How values are read back.
pub struct De<'a, 'py> {
    pub py: Python<'py>,
    pub pair: Option<&'a Bound<'py, PyAny>>,
    /// Whether a user deserializer applies to BLOB bins: asked at the first BLOB of a
    /// reply, then remembered for the rest of it.
    user_blobs: std::cell::Cell<Option<bool>>,
    /// Lists and maps come back as raw msgpack `bytearray` (policy `deserialize=False`).
    pub raw_collections: bool,
}

impl<'a, 'py> De<'a, 'py> {
    /// Reads the deserializer state for one reply.
    pub fn new(py: Python<'py>, pair: Option<&'a Bound<'py, PyAny>>) -> PyResult<Self> {
        Ok(De {
            py,
            pair,
            user_blobs: std::cell::Cell::new(None),
            raw_collections: false,
        })
    }

    fn user_blobs(&self) -> PyResult<bool> {
        if let Some(b) = self.user_blobs.get() {
            return Ok(b);
        }
        let py = self.py;
        let p = match self.pair {
            Some(p) => p.clone(),
            None => py.None().into_bound(py),
        };
        let b = !ser_module(py)?
            .getattr(intern!(py, "deserializer_for"))?
            .call1((p,))?
            .is_none();
        self.user_blobs.set(Some(b));
        Ok(b)
    }

    fn unpickle(&self, data: &[u8]) -> PyResult<Bound<'py, PyAny>> {
        let py = self.py;
        let f = ser_module(py)?.getattr(intern!(py, "pickle_loads"))?;
        match f.call1((PyBytes::new(py, data),)) {
            Ok(v) => Ok(v),
            // Data written by another client must stay readable: hand back the raw bytes.
            Err(_) => Ok(PyByteArray::new(py, data).into_any()),
        }
    }

    fn geojson(&self, text: &[u8]) -> PyResult<Bound<'py, PyAny>> {
        let s = String::from_utf8_lossy(text);
        geojson_class(self.py)?.call1((s.as_ref(),))
    }

    /// A bin value from its particle type and bytes.
    pub fn particle(&self, particle: u8, data: &[u8]) -> PyResult<Bound<'py, PyAny>> {
        let py = self.py;
        Ok(match particle {
            particle::NULL => py.None().into_bound(py),
            particle::INTEGER => i64::from_be_bytes(eight(py, data)?)
                .into_pyobject(py)?
                .into_any(),
            particle::FLOAT => f64::from_bits(u64::from_be_bytes(eight(py, data)?))
                .into_pyobject(py)?
                .into_any(),
            particle::STRING => PyString::new(py, &String::from_utf8_lossy(data)).into_any(),
            particle::BLOB => {
                if self.user_blobs()? {
                    let pair = match self.pair {
                        Some(p) => p.clone(),
                        None => py.None().into_bound(py),
                    };
                    ser_module(py)?
                        .getattr(intern!(py, "deserialize_user"))?
                        .call1((PyBytes::new(py, data), pair))?
                } else {
                    PyBytes::new(py, data).into_any()
                }
            }
            particle::PYTHON_BLOB => self.unpickle(data)?,
            particle::BOOL => PyBool::new(py, data.first().is_some_and(|&b| b != 0))
                .to_owned()
                .into_any(),
            particle::HLL => match py
                .import("aerospike")
                .and_then(|m| m.getattr("HyperLogLog"))
            {
                Ok(cls) => cls.call1((PyBytes::new(py, data),))?,
                Err(_) => PyBytes::new(py, data).into_any(),
            },
            particle::GEOJSON => {
                let text = aeropy_core::value::geojson_text(data)
                    .map_err(|e| client_err(py, e.message()))?;
                self.geojson(text.as_bytes())?
            }
            particle::LIST | particle::MAP if self.raw_collections => {
                PyByteArray::new(py, data).into_any()
            }
            particle::LIST | particle::MAP => {
                let mut u = Unpacker::new(data);
                self.unpack(&mut u, 0)?
            }
            _ => PyByteArray::new(py, data).into_any(),
        })
    }

    fn unpack(&self, u: &mut Unpacker<'_>, depth: usize) -> PyResult<Bound<'py, PyAny>> {
        let py = self.py;
        if depth > MAX_DEPTH {
            return Err(client_err(py, "msgpack nested too deeply"));
        }
        let bad =
            |e: aeropy_protocol::ProtocolError| client_err(py, format!("bad list/map data: {e}"));
        Ok(match u.next_token().map_err(bad)? {
            Token::Nil => py.None().into_bound(py),
            Token::Bool(b) => PyBool::new(py, b).to_owned().into_any(),
            Token::Int(i) => i.into_pyobject(py)?.into_any(),
            Token::UInt(v) => v.into_pyobject(py)?.into_any(),
            Token::Float(f) => f.into_pyobject(py)?.into_any(),
            Token::Str { ptype, bytes } => self.msgpack_bytes(ptype, bytes)?,
            // A msgpack bin: other clients' blobs, particle type first as in a str.
            Token::Bin(s) => match s.split_first() {
                None => PyString::new(py, "").into_any(),
                Some((&ptype, rest)) => self.msgpack_bytes(ptype, rest)?,
            },
            Token::Array(n) => {
                let l = PyList::empty(py);
                for _ in 0..n {
                    if u.next_is_ext() {
                        u.skip().map_err(bad)?;
                        continue;
                    }
                    l.append(self.unpack(u, depth + 1)?)?;
                }
                l.into_any()
            }
            Token::Map(n) => {
                let d = PyDict::new(py);
                for _ in 0..n {
                    if u.next_is_ext() {
                        u.skip().map_err(bad)?;
                        u.skip().map_err(bad)?;
                        continue;
                    }
                    let k = self.unpack(u, depth + 1)?;
                    let v = self.unpack(u, depth + 1)?;
                    let k = match k.cast::<PyList>() {
                        Ok(l) => l.to_tuple().into_any(),
                        Err(_) => k,
                    };
                    d.set_item(k, v)?;
                }
                d.into_any()
            }
            Token::Ext { .. } => py.None().into_bound(py),
        })
    }

    /// A str/bin item inside a list or map, by its particle-type prefix.
    fn msgpack_bytes(&self, ptype: u8, rest: &[u8]) -> PyResult<Bound<'py, PyAny>> {
        let py = self.py;
        Ok(match ptype {
            particle::STRING => PyString::new(py, &String::from_utf8_lossy(rest)).into_any(),
            particle::BLOB => PyBytes::new(py, rest).into_any(),
            particle::GEOJSON => self.geojson(rest)?,
            particle::PYTHON_BLOB => self.unpickle(rest)?,
            _ => PyByteArray::new(py, rest).into_any(),
        })
    }
}

fn eight(py: Python<'_>, data: &[u8]) -> PyResult<[u8; 8]> {
    <[u8; 8]>::try_from(data).map_err(|_| {
        client_err(
            py,
            format!("8-byte number expected, got {} bytes", data.len()),
        )
    })
}
