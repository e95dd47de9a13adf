//! Secondary indexes: the registry behind the `sindex-*` info commands, and the
//! INDEX_RANGE filter of queries. Data is not indexed: a query walks the partitions
//! like a scan and keeps the records whose bin matches, which gives the same results.

use std::sync::Mutex;

use aeropy_protocol::info::Command;
use aeropy_protocol::msgpack::Value;
use aeropy_protocol::{particle, result_code as rc};

use crate::geo::{self, Shape};
use crate::store::{Now, Record, Store};

/// Collection index types (field 26 / `indextype=`).
const ITYPE_DEFAULT: u8 = 0;
const ITYPE_LIST: u8 = 1;
const ITYPE_MAPKEYS: u8 = 2;
const ITYPE_MAPVALUES: u8 = 3;

/// One index definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct IndexDef {
    pub ns: String,
    pub name: String,
    pub set: Option<String>,
    pub bin: String,
    /// Particle type of the indexed values: 1 numeric, 3 string, 4 blob, 23 geo.
    pub ptype: u8,
    pub itype: u8,
    pub context: Option<String>,
}

/// The registry of every namespace's indexes.
#[derive(Default)]
pub(crate) struct Indexes(Mutex<Vec<IndexDef>>);

fn type_of(name: &str) -> Option<u8> {
    match name.to_ascii_uppercase().as_str() {
        "NUMERIC" | "INTEGER" => Some(particle::INTEGER),
        "STRING" => Some(particle::STRING),
        "BLOB" => Some(particle::BLOB),
        "GEO2DSPHERE" => Some(particle::GEOJSON),
        _ => None,
    }
}

fn type_name(p: u8) -> &'static str {
    match p {
        particle::INTEGER => "numeric",
        particle::STRING => "string",
        particle::BLOB => "blob",
        _ => "geo2dsphere",
    }
}

fn itype_of(name: &str) -> Option<u8> {
    match name.to_ascii_uppercase().as_str() {
        "" | "DEFAULT" => Some(ITYPE_DEFAULT),
        "LIST" => Some(ITYPE_LIST),
        "MAPKEYS" => Some(ITYPE_MAPKEYS),
        "MAPVALUES" => Some(ITYPE_MAPVALUES),
        _ => None,
    }
}

fn itype_name(i: u8) -> &'static str {
    match i {
        ITYPE_LIST => "list",
        ITYPE_MAPKEYS => "mapkeys",
        ITYPE_MAPVALUES => "mapvalues",
        _ => "default",
    }
}

fn ns_param<'a>(cmd: &Command<'a>) -> Option<&'a str> {
    cmd.param("namespace").or_else(|| cmd.param("ns"))
}

impl Indexes {
    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<IndexDef>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// `sindex-create` in its 8.1 (`bin=…;type=…`) and older (`indexdata=bin,TYPE`) forms.
    pub fn create(&self, store: &Store, cmd: &Command) -> String {
        let Some(ns) = ns_param(cmd).filter(|n| store.namespace(n.as_bytes()).is_some()) else {
            return "ERROR:4:invalid namespace".to_string();
        };
        let Some(name) = cmd.param("indexname").filter(|n| !n.is_empty()) else {
            return "ERROR:4:invalid indexname".to_string();
        };
        if name.len() >= 64 {
            return "ERROR:205:index name too long".to_string();
        }
        if cmd.param("exp").is_some()
            || cmd
                .param("indextype")
                .is_some_and(|t| t.eq_ignore_ascii_case("SET"))
        {
            return "ERROR:4:expression and set indexes are not supported by the embedded server"
                .to_string();
        }
        let (bin, tname) = match (cmd.param("bin"), cmd.param("type"), cmd.param("indexdata")) {
            (Some(b), Some(t), _) => (b, t),
            (_, _, Some(d)) => match d.split_once(',') {
                Some(pair) => pair,
                None => return "ERROR:4:invalid indexdata".to_string(),
            },
            _ => return "ERROR:4:invalid bin or type".to_string(),
        };
        let (Some(ptype), Some(itype)) = (
            type_of(tname),
            itype_of(cmd.param("indextype").unwrap_or("")),
        ) else {
            return "ERROR:4:invalid type".to_string();
        };
        if bin.is_empty() || bin.len() > 15 {
            return "ERROR:4:invalid bin".to_string();
        }
        let def = IndexDef {
            ns: ns.to_string(),
            name: name.to_string(),
            set: cmd
                .param("set")
                .filter(|s| !s.is_empty())
                .map(str::to_string),
            bin: bin.to_string(),
            ptype,
            itype,
            context: cmd.param("context").map(str::to_string),
        };
        let mut all = self.lock();
        match all.iter().find(|d| d.ns == def.ns && d.name == def.name) {
            Some(d) if *d == def => "ok".to_string(),
            Some(_) => "ERROR:200:index already exists".to_string(),
            None => {
                all.push(def);
                "ok".to_string()
            }
        }
    }

    /// `sindex-delete`: ok also when absent.
    pub fn delete(&self, cmd: &Command) -> String {
        let (ns, name) = (
            ns_param(cmd).unwrap_or(""),
            cmd.param("indexname").unwrap_or(""),
        );
        self.lock().retain(|d| !(d.ns == ns && d.name == name));
        "ok".to_string()
    }

    /// `sindex-list[:namespace=ns]`, `sindex`, `sindex/ns`.
    pub fn list(&self, ns: Option<&str>) -> String {
        self.lock()
            .iter()
            .filter(|d| ns.is_none_or(|n| n == d.ns))
            .map(|d| {
                format!(
                    "ns={}:indexname={}:set={}:bin={}:type={}:indextype={}:context={}:exp=null:state=RW;",
                    d.ns,
                    d.name,
                    d.set.as_deref().unwrap_or("null"),
                    d.bin,
                    type_name(d.ptype),
                    itype_name(d.itype),
                    d.context.as_deref().unwrap_or("null")
                )
            })
            .collect()
    }

    /// `sindex-exists`.
    pub fn exists(&self, cmd: &Command) -> String {
        let (ns, name) = (
            ns_param(cmd).unwrap_or(""),
            cmd.param("indexname").unwrap_or(""),
        );
        self.lock()
            .iter()
            .any(|d| d.ns == ns && d.name == name)
            .to_string()
    }

    /// `sindex-stat:namespace=…;indexname=…` and `sindex/ns/name`: always fully built.
    pub fn stat(&self, store: &Store, ns: &str, name: &str) -> String {
        let Some(def) = self
            .lock()
            .iter()
            .find(|d| d.ns == ns && d.name == name)
            .cloned()
        else {
            return "ERROR:201:no index".to_string();
        };
        let entries = store.namespace(ns.as_bytes()).map_or(0, |n| {
            let now = Now::get();
            let mut count = 0u64;
            n.for_each(&now, |r| {
                if def.set.as_deref().is_none_or(|s| s.as_bytes() == &*r.set)
                    && !index_values(&def, r).is_empty()
                {
                    count += 1;
                }
            });
            count
        });
        format!("entries={entries};used_bytes=0;entries_per_bval=1;entries_per_rec=1;load_pct=100;load_time=0;stat_gc_recs=0")
    }

    /// The index a query addresses: by name, or by namespace + bin + value type +
    /// collection type.
    pub fn find(
        &self,
        ns: &str,
        name: Option<&str>,
        bin: &str,
        ptype: u8,
        itype: u8,
    ) -> Option<IndexDef> {
        self.lock()
            .iter()
            .find(|d| {
                d.ns == ns
                    && match name {
                        Some(n) => d.name == n,
                        None => d.bin == bin && d.ptype == ptype && d.itype == itype,
                    }
            })
            .cloned()
    }
}

/// The values a record contributes to an index (several for collection indexes).
fn index_values(def: &IndexDef, r: &Record) -> Vec<Value> {
    let Some(b) = r
        .bins
        .iter()
        .find(|b| b.name.as_bytes() == def.bin.as_bytes())
    else {
        return Vec::new();
    };
    let Ok(v) = Value::from_particle(b.ptype, &b.value) else {
        return Vec::new();
    };
    let candidates = match (def.itype, v) {
        (ITYPE_DEFAULT, v) => vec![v],
        (ITYPE_LIST, Value::List { items, .. }) => items,
        (ITYPE_MAPKEYS, Value::Map { entries, .. }) => entries.into_iter().map(|e| e.0).collect(),
        (ITYPE_MAPVALUES, Value::Map { entries, .. }) => entries.into_iter().map(|e| e.1).collect(),
        _ => Vec::new(),
    };
    candidates
        .into_iter()
        .filter(|c| c.particle_type() == def.ptype)
        .collect()
}

/// A parsed INDEX_RANGE filter bound to its index.
pub(crate) struct Query {
    def: IndexDef,
    begin: Value,
    end: Value,
    /// The filter's shape for geo indexes.
    geo: Option<Shape>,
}

/// Parses field 22 (one range: bin, particle type, begin, end).
pub(crate) fn parse_range(data: &[u8]) -> Result<(String, u8, Value, Value), u8> {
    let bad = rc::PARAMETER_ERROR;
    let mut pos = 0usize;
    let mut take = |n: usize| -> Result<&[u8], u8> {
        let s = data.get(pos..pos + n).ok_or(bad)?;
        pos += n;
        Ok(s)
    };
    if take(1)? != [1] {
        return Err(bad);
    }
    let blen = usize::from(take(1)?[0]);
    let bin = String::from_utf8(take(blen)?.to_vec()).map_err(|_| bad)?;
    let ptype = take(1)?[0];
    let mut bound = || -> Result<Value, u8> {
        let l = take(4)?;
        let len = u32::from_be_bytes([l[0], l[1], l[2], l[3]]) as usize;
        let raw = take(len)?;
        if ptype == particle::GEOJSON {
            // Filters carry plain GeoJSON text, not the particle layout.
            return String::from_utf8(raw.to_vec())
                .map(Value::GeoJson)
                .map_err(|_| bad);
        }
        Value::from_particle(ptype, raw).map_err(|_| bad)
    };
    let begin = bound()?;
    let end = bound()?;
    Ok((bin, ptype, begin, end))
}

impl Query {
    /// Binds a parsed range to its index; an unreadable GeoJSON filter is 160.
    pub fn new(def: IndexDef, begin: Value, end: Value) -> Result<Query, u8> {
        let geo = match (&begin, def.ptype) {
            (Value::GeoJson(text), particle::GEOJSON) => {
                Some(geo::parse(text).ok_or(rc::GEO_INVALID_GEOJSON)?)
            }
            _ => None,
        };
        Ok(Query {
            def,
            begin,
            end,
            geo,
        })
    }

    /// `Some(bval)` when the record matches (bval: the matching integer, else 0).
    pub fn matches(&self, r: &Record) -> Option<i64> {
        if self
            .def
            .set
            .as_deref()
            .is_some_and(|s| s.as_bytes() != &*r.set)
        {
            return None;
        }
        index_values(&self.def, r).into_iter().find_map(|v| {
            let hit = match (self.def.ptype, &self.geo, &v) {
                // Numeric: inclusive range; strings and blobs: equality with begin;
                // geo: a point inside a region, either way round.
                (particle::INTEGER, _, _) => v >= self.begin && v <= self.end,
                (particle::GEOJSON, Some(filter), Value::GeoJson(text)) => {
                    geo::parse(text).is_some_and(|shape| geo::relate(filter, &shape))
                }
                _ => v == self.begin,
            };
            hit.then_some(if let Value::Int(i) = v { i } else { 0 })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Namespace;

    #[test]
    fn registry_and_range() {
        let store = Store {
            namespaces: vec![Namespace::new("test", 0, 1)],
        };
        let idx = Indexes::default();
        let create = Command::parse(
            "sindex-create:namespace=test;set=s;indexname=i_age;bin=age;type=NUMERIC",
        );
        assert_eq!(idx.create(&store, &create), "ok");
        assert_eq!(idx.create(&store, &create), "ok", "same definition again");
        let other = Command::parse("sindex-create:ns=test;indexname=i_age;indexdata=age,STRING");
        assert!(idx.create(&store, &other).starts_with("ERROR:200"));
        let old = Command::parse(
            "sindex-create:ns=test;indexname=i_tags;indextype=LIST;indexdata=tags,STRING",
        );
        assert_eq!(idx.create(&store, &old), "ok");
        assert!(idx
            .list(Some("test"))
            .contains("indexname=i_tags:set=null:bin=tags:type=string:indextype=list"));
        assert!(idx.stat(&store, "test", "i_age").contains("load_pct=100"));
        assert!(idx.stat(&store, "test", "nope").starts_with("ERROR:201"));
        assert_eq!(
            idx.exists(&Command::parse(
                "sindex-exists:namespace=test;indexname=i_age"
            )),
            "true"
        );
        assert!(idx.find("test", None, "age", 1, 0).is_some());
        assert!(idx.find("test", None, "age", 3, 0).is_none());
        assert_eq!(
            idx.delete(&Command::parse(
                "sindex-delete:namespace=test;indexname=i_age"
            )),
            "ok"
        );
        assert_eq!(
            idx.exists(&Command::parse("sindex-exists:ns=test;indexname=i_age")),
            "false"
        );
        let mut f = vec![1, 3, b'a', b'g', b'e', 1, 0, 0, 0, 8];
        f.extend_from_slice(&5i64.to_be_bytes());
        f.extend_from_slice(&[0, 0, 0, 8]);
        f.extend_from_slice(&9i64.to_be_bytes());
        assert_eq!(
            parse_range(&f),
            Ok(("age".to_string(), 1, Value::Int(5), Value::Int(9)))
        );
        assert!(parse_range(&f[..12]).is_err());
    }
}
