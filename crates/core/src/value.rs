//! A plain Rust value type: the Rust front door over the encoder/visitor traits.

use crate::client::{BinEncoder, RecordVisitor};
use crate::error::{Error, Result};
use crate::msgpack::{self, Item, Unpacker};
use crate::wire::{self, MsgWriter, OpView};

/// A bin value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Nil,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    Blob(Vec<u8>),
    List(Vec<Value>),
    Map(Vec<(Value, Value)>),
    GeoJson(String),
    /// Any other particle, kept raw: (particle type, bytes).
    Raw(u8, Vec<u8>),
}

impl Value {
    /// Particle type of the value as a bin.
    pub fn particle(&self) -> u8 {
        match self {
            Value::Nil => wire::P_NULL,
            Value::Bool(_) => wire::P_BOOL,
            Value::Int(_) => wire::P_INTEGER,
            Value::Float(_) => wire::P_FLOAT,
            Value::String(_) => wire::P_STRING,
            Value::Blob(_) => wire::P_BLOB,
            Value::List(_) => wire::P_LIST,
            Value::Map(_) => wire::P_MAP,
            Value::GeoJson(_) => wire::P_GEOJSON,
            Value::Raw(t, _) => *t,
        }
    }

    /// Appends the flat particle encoding.
    pub fn write_particle(&self, b: &mut Vec<u8>) {
        match self {
            Value::Nil => {}
            Value::Bool(v) => b.push(u8::from(*v)),
            Value::Int(i) => b.extend_from_slice(&i.to_be_bytes()),
            Value::Float(f) => b.extend_from_slice(&f.to_bits().to_be_bytes()),
            Value::String(s) => b.extend_from_slice(s.as_bytes()),
            Value::Blob(x) | Value::Raw(_, x) => b.extend_from_slice(x),
            Value::List(_) | Value::Map(_) => self.pack(b),
            Value::GeoJson(s) => {
                b.extend_from_slice(&[0, 0, 0]);
                b.extend_from_slice(s.as_bytes());
            }
        }
    }

    /// Appends the msgpack encoding (inside lists and maps).
    pub fn pack(&self, b: &mut Vec<u8>) {
        match self {
            Value::Nil => msgpack::pack_nil(b),
            Value::Bool(v) => msgpack::pack_bool(b, *v),
            Value::Int(i) => msgpack::pack_i64(b, *i),
            Value::Float(f) => msgpack::pack_f64(b, *f),
            Value::String(s) => msgpack::pack_particle_bytes(b, wire::P_STRING, s.as_bytes()),
            Value::Blob(x) => msgpack::pack_particle_bytes(b, wire::P_BLOB, x),
            Value::GeoJson(s) => msgpack::pack_particle_bytes(b, wire::P_GEOJSON, s.as_bytes()),
            Value::Raw(t, x) => msgpack::pack_particle_bytes(b, *t, x),
            Value::List(l) => {
                msgpack::pack_array_header(b, l.len());
                for v in l {
                    v.pack(b);
                }
            }
            Value::Map(m) => {
                msgpack::pack_map_header(b, m.len());
                for (k, v) in m {
                    k.pack(b);
                    v.pack(b);
                }
            }
        }
    }

    /// Decodes a bin value from its particle type and bytes.
    pub fn from_particle(particle: u8, data: &[u8]) -> Result<Value> {
        Ok(match particle {
            wire::P_NULL => Value::Nil,
            wire::P_INTEGER => Value::Int(be_i64(data)?),
            wire::P_FLOAT => Value::Float(f64::from_bits(be_i64(data)? as u64)),
            wire::P_BOOL => Value::Bool(data.first().is_some_and(|&b| b != 0)),
            wire::P_STRING => Value::String(String::from_utf8_lossy(data).into_owned()),
            wire::P_BLOB => Value::Blob(data.to_vec()),
            wire::P_GEOJSON => Value::GeoJson(geojson_text(data)?),
            wire::P_LIST | wire::P_MAP => {
                let mut u = Unpacker::new(data);
                Value::unpack(&mut u, 0)?
            }
            t => Value::Raw(t, data.to_vec()),
        })
    }

    fn unpack(u: &mut Unpacker<'_>, depth: usize) -> Result<Value> {
        if depth > 256 {
            return Err(Error::Parse("msgpack nested too deeply".into()));
        }
        Ok(match u.read_item()? {
            Item::Nil => Value::Nil,
            Item::Bool(b) => Value::Bool(b),
            Item::Int(i) => Value::Int(i),
            Item::UInt(v) => Value::Raw(wire::P_INTEGER, v.to_be_bytes().to_vec()),
            Item::Float(f) => Value::Float(f),
            Item::Bytes(s) => match s.split_first() {
                None => Value::String(String::new()),
                Some((&wire::P_STRING, rest)) => {
                    Value::String(String::from_utf8_lossy(rest).into_owned())
                }
                Some((&wire::P_BLOB, rest)) => Value::Blob(rest.to_vec()),
                Some((&wire::P_GEOJSON, rest)) => {
                    Value::GeoJson(String::from_utf8_lossy(rest).into_owned())
                }
                Some((&t, rest)) => Value::Raw(t, rest.to_vec()),
            },
            Item::Array(n) => {
                let mut out = Vec::with_capacity(n.min(4096));
                for _ in 0..n {
                    let v = Value::unpack(u, depth + 1)?;
                    if !matches!(v, Value::Raw(0xff, _)) {
                        out.push(v);
                    }
                }
                Value::List(out)
            }
            Item::Map(n) => {
                let mut out = Vec::with_capacity(n.min(4096));
                for _ in 0..n {
                    let k = Value::unpack(u, depth + 1)?;
                    let v = Value::unpack(u, depth + 1)?;
                    if !matches!(k, Value::Raw(0xff, _)) {
                        out.push((k, v));
                    }
                }
                Value::Map(out)
            }
            // Ordered-collection flags: marked so containers drop them.
            Item::Ext(_, d) => Value::Raw(0xff, d.to_vec()),
        })
    }
}

/// The JSON text of a GeoJSON particle (flag, u16 cell count, cells, text).
pub fn geojson_text(data: &[u8]) -> Result<String> {
    let ncells = data
        .get(1..3)
        .map(|s| usize::from(u16::from_be_bytes([s[0], s[1]])))
        .ok_or_else(|| Error::Parse("truncated GeoJSON particle".into()))?;
    let start = 3 + ncells * 8;
    let text = data
        .get(start..)
        .ok_or_else(|| Error::Parse("truncated GeoJSON particle".into()))?;
    Ok(String::from_utf8_lossy(text).into_owned())
}

fn be_i64(data: &[u8]) -> Result<i64> {
    <[u8; 8]>::try_from(data)
        .map(i64::from_be_bytes)
        .map_err(|_| Error::Parse(format!("8-byte number expected, got {} bytes", data.len())))
}

/// Bins to write, by name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Bins(pub Vec<(String, Value)>);

impl BinEncoder for Bins {
    fn encode_bins(&self, w: &mut MsgWriter) -> Result<()> {
        for (name, v) in &self.0 {
            w.begin_op(wire::OP_WRITE, v.particle(), name.as_bytes())?;
            v.write_particle(w.value_buf());
            w.end_op()?;
        }
        Ok(())
    }
}

/// A record read into Rust values.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Record {
    pub generation: u32,
    pub void_time: u32,
    pub bins: Vec<(String, Value)>,
}

impl Record {
    /// The value of a bin.
    pub fn bin(&self, name: &str) -> Option<&Value> {
        self.bins.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }
}

impl RecordVisitor for Record {
    fn meta(&mut self, generation: u32, void_time: u32) {
        self.generation = generation;
        self.void_time = void_time;
    }

    fn bin(&mut self, op: &OpView<'_>) -> Result<()> {
        let v = Value::from_particle(op.particle, op.value)?;
        self.bins
            .push((String::from_utf8_lossy(op.name).into_owned(), v));
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn particles_round_trip() {
        let vals = [
            Value::Int(-5),
            Value::Float(1.5),
            Value::String("hé".into()),
            Value::Blob(vec![0, 1]),
            Value::Bool(true),
            Value::List(vec![Value::Int(1), Value::String("a".into()), Value::Nil]),
            Value::Map(vec![(Value::String("k".into()), Value::List(vec![]))]),
            Value::GeoJson("{}".into()),
            Value::Raw(7, vec![9, 9]),
        ];
        for v in vals {
            let mut b = vec![];
            v.write_particle(&mut b);
            assert_eq!(Value::from_particle(v.particle(), &b).unwrap(), v);
        }
    }

    #[test]
    fn bad_particles_are_errors() {
        assert!(Value::from_particle(wire::P_INTEGER, &[1, 2]).is_err());
        assert!(Value::from_particle(wire::P_LIST, &[0x92, 1]).is_err());
        assert!(Value::from_particle(wire::P_GEOJSON, &[0]).is_err());
    }
}
