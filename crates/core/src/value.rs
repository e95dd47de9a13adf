//! The Rust front door: the encoder/visitor traits over `aeropy_protocol`'s `Value`.

pub use aeropy_protocol::msgpack::Value;

use crate::client::{BinEncoder, RecordVisitor};
use crate::error::{Error, Result};
use aeropy_protocol::msg::{op, MsgWriter, Op};

use crate::client::{begin_op, end_op};

/// The JSON text of a GeoJSON particle (flag, u16 cell count, cells, text).
pub fn geojson_text(data: &[u8]) -> Result<String> {
    let (_, _, text) = aeropy_protocol::particle::decode_geojson(data)
        .map_err(|e| Error::Parse(format!("bad GeoJSON particle: {e}")))?;
    Ok(String::from_utf8_lossy(text).into_owned())
}

/// Bins to write, by name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Bins(pub Vec<(String, Value)>);

impl BinEncoder for Bins {
    fn encode_bins(&self, w: &mut MsgWriter<'_>) -> Result<()> {
        for (name, v) in &self.0 {
            let s = begin_op(w, op::WRITE, name.as_bytes())?;
            let t = v
                .write_particle(w.buffer())
                .map_err(|e| Error::Param(format!("bin {name:?}: {e}")))?;
            end_op(w, s, t)?;
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

    fn bin(&mut self, op: &Op<'_>) -> Result<()> {
        let v = Value::from_particle(op.particle_type, op.value).map_err(|e| {
            Error::Parse(format!("bin {:?}: {e}", String::from_utf8_lossy(op.name)))
        })?;
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
    fn bins_round_trip_through_a_message() {
        let bins = Bins(vec![
            ("i".into(), Value::Int(-5)),
            ("s".into(), Value::String("hé".into())),
            (
                "l".into(),
                Value::list(vec![Value::Int(1), Value::String("x".into())]),
            ),
            ("g".into(), Value::GeoJson("{}".into())),
        ]);
        let mut bytes = Vec::new();
        let mut w = MsgWriter::start(&mut bytes, &Default::default());
        bins.encode_bins(&mut w).unwrap();
        crate::client::finish(w).unwrap();
        let r = crate::client::parse_reply(&bytes[8..]).unwrap();
        let mut rec = Record::default();
        crate::client::for_each_op(&r, |op| RecordVisitor::bin(&mut rec, op)).unwrap();
        assert_eq!(rec.bins, bins.0);
    }

    #[test]
    fn bad_particles_are_errors() {
        let mut rec = Record::default();
        let op = Op {
            op_type: op::READ,
            particle_type: aeropy_protocol::particle::INTEGER,
            flags: 0,
            name: b"a",
            value: &[1, 2],
        };
        assert!(RecordVisitor::bin(&mut rec, &op).is_err());
        assert!(geojson_text(&[0]).is_err());
    }
}
