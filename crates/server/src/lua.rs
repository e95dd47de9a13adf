//! Runs one record UDF in a fresh Lua 5.4 state with the mod-lua subset of
//! `udf_prelude.lua`, converting values both ways.

use aeropy_protocol::msgpack::Value;
use aeropy_protocol::particle;
use mlua::{Lua, Table, Value as LV};

const PRELUDE: &str = include_str!("udf_prelude.lua");
/// Where the real server keeps modules: error messages carry this path.
pub(crate) const UDF_DIR: &str = "/opt/aerospike/usr/udf/lua/";
const MAX_DEPTH: usize = 64;

/// The record as a UDF sees it.
pub(crate) struct RecView {
    pub exists: bool,
    pub bins: Vec<(String, Value)>,
    pub ttl: i64,
    pub generation: u16,
    pub digest: [u8; 20],
    pub key: Option<Value>,
    pub set: String,
    pub lut_ms: i64,
}

/// What the UDF asked the server to do with the record.
pub(crate) enum RecChange {
    None,
    Write {
        bins: Vec<(String, Value)>,
        ttl: Option<i64>,
    },
    Remove,
}

struct Mts {
    list: Table,
    map: Table,
    bytes: Table,
}

fn to_lua(lua: &Lua, v: &Value, mts: &Mts, depth: usize) -> mlua::Result<LV> {
    if depth > MAX_DEPTH {
        return Ok(LV::Nil);
    }
    Ok(match v {
        Value::Nil | Value::Ext { .. } | Value::Infinity | Value::Wildcard => LV::Nil,
        Value::Bool(b) => LV::Boolean(*b),
        Value::Int(i) => LV::Integer(*i),
        Value::UInt(u) => LV::Integer(*u as i64),
        Value::Float(f) => LV::Number(*f),
        Value::String(s) | Value::GeoJson(s) => LV::String(lua.create_string(s)?),
        Value::Blob { ptype, bytes } => bytes_table(lua, *ptype, bytes, mts)?,
        Value::Hll(b) => bytes_table(lua, particle::HLL, b, mts)?,
        Value::List { items, .. } => {
            let t = lua.create_table()?;
            for (i, item) in items.iter().enumerate() {
                t.raw_set(i + 1, to_lua(lua, item, mts, depth + 1)?)?;
            }
            t.set_metatable(Some(mts.list.clone()));
            LV::Table(t)
        }
        Value::Map { entries, .. } => {
            let t = lua.create_table()?;
            for (k, val) in entries {
                let k = to_lua(lua, k, mts, depth + 1)?;
                if !k.is_nil() {
                    t.raw_set(k, to_lua(lua, val, mts, depth + 1)?)?;
                }
            }
            t.set_metatable(Some(mts.map.clone()));
            LV::Table(t)
        }
    })
}

fn bytes_table(lua: &Lua, ptype: u8, data: &[u8], mts: &Mts) -> mlua::Result<LV> {
    let t = lua.create_table()?;
    t.raw_set("__data", lua.create_string(data)?)?;
    t.raw_set("__ptype", i64::from(ptype))?;
    t.set_metatable(Some(mts.bytes.clone()));
    Ok(LV::Table(t))
}

fn same(a: &Option<Table>, b: &Table) -> bool {
    a.as_ref().is_some_and(|a| a.to_pointer() == b.to_pointer())
}

fn from_lua(v: &LV, mts: &Mts, depth: usize) -> Value {
    if depth > MAX_DEPTH {
        return Value::Nil;
    }
    match v {
        LV::Boolean(b) => Value::Bool(*b),
        LV::Integer(i) => Value::Int(*i),
        LV::Number(f) => Value::Float(*f),
        LV::String(s) => match std::str::from_utf8(&s.as_bytes()) {
            Ok(text) => Value::String(text.to_string()),
            Err(_) => Value::blob(s.as_bytes().to_vec()),
        },
        LV::Table(t) => {
            let mt = t.metatable();
            if same(&mt, &mts.list) {
                let items: Vec<Value> = t
                    .sequence_values::<LV>()
                    .filter_map(Result::ok)
                    .map(|x| from_lua(&x, mts, depth + 1))
                    .collect();
                Value::list(items)
            } else if same(&mt, &mts.map) {
                let entries = t
                    .pairs::<LV, LV>()
                    .filter_map(Result::ok)
                    .map(|(k, x)| (from_lua(&k, mts, depth + 1), from_lua(&x, mts, depth + 1)))
                    .collect();
                Value::map(entries)
            } else if same(&mt, &mts.bytes) {
                let data: Option<mlua::String> = t.raw_get("__data").ok();
                let ptype: i64 = t.raw_get("__ptype").unwrap_or(4);
                let bytes = data.map(|d| d.as_bytes().to_vec()).unwrap_or_default();
                match u8::try_from(ptype) {
                    Ok(particle::HLL) => Value::Hll(bytes),
                    Ok(p) if particle::is_blob(p) => Value::Blob { ptype: p, bytes },
                    _ => Value::blob(bytes),
                }
            } else {
                // Plain Lua tables have no Aerospike type: they convert to nothing.
                Value::Nil
            }
        }
        _ => Value::Nil,
    }
}

fn bins_of(t: &Table, mts: &Mts) -> Vec<(String, Value)> {
    let mut bins: Vec<(String, Value)> = t
        .pairs::<String, LV>()
        .filter_map(Result::ok)
        .map(|(k, v)| (k, from_lua(&v, mts, 0)))
        .filter(|(_, v)| !matches!(v, Value::Nil))
        .collect();
    bins.sort_by(|a, b| a.0.cmp(&b.0));
    bins
}

/// Checks that a module compiles; `Err((line, message))` otherwise.
pub(crate) fn compile(module: &str, src: &[u8]) -> Result<(), (u32, String)> {
    let lua = Lua::new();
    lua.load(src)
        .set_name(format!("@{UDF_DIR}{module}.lua"))
        .into_function()
        .map(|_| ())
        .map_err(|e| {
            let msg = e.to_string();
            // "…/m.lua:3: unexpected symbol near …": take the line number after the name.
            let line = msg
                .split(".lua:")
                .nth(1)
                .and_then(|r| r.split(':').next())
                .and_then(|n| n.parse().ok())
                .unwrap_or(0);
            (line, msg)
        })
}

fn first_line(e: &mlua::Error) -> String {
    let text = match e {
        mlua::Error::CallbackError { cause, .. } => cause.to_string(),
        other => other.to_string(),
    };
    let line = text.lines().next().unwrap_or_default();
    line.strip_prefix("runtime error: ")
        .unwrap_or(line)
        .to_string()
}

/// A UDF may not run longer than this (the partition stays locked meanwhile).
const TIME_LIMIT: std::time::Duration = std::time::Duration::from_secs(5);
/// Nor use more memory than this.
const MEMORY_LIMIT: usize = 64 << 20;

/// A Lua state that aborts runaway scripts.
fn guarded_lua() -> Lua {
    let lua = Lua::new();
    let _ = lua.set_memory_limit(MEMORY_LIMIT);
    let started = std::time::Instant::now();
    lua.set_hook(
        mlua::HookTriggers::new().every_nth_instruction(10_000),
        move |_, _| {
            if started.elapsed() > TIME_LIMIT {
                Err(mlua::Error::RuntimeError("UDF execution timed out".into()))
            } else {
                Ok(mlua::VmState::Continue)
            }
        },
    );
    lua
}

/// Runs `function(rec, args...)` of module `module`; `Err` is the FAILURE message.
pub(crate) fn run(
    module: &str,
    src: &[u8],
    function: &str,
    args: &[Value],
    rec: &RecView,
) -> Result<(Value, RecChange), String> {
    let lua = guarded_lua();
    let err = |e: mlua::Error| first_line(&e);
    let t: Table = lua
        .load(PRELUDE)
        .set_name("=udf_prelude")
        .eval()
        .map_err(err)?;
    let mts = Mts {
        list: t.get("List").map_err(err)?,
        map: t.get("Map").map_err(err)?,
        bytes: t.get("Bytes").map_err(err)?,
    };
    let rec_mt: Table = t.get("Rec").map_err(err)?;
    let chunk = lua.load(src).set_name(format!("@{UDF_DIR}{module}.lua"));
    let returned: LV = chunk.eval().map_err(err)?;
    let func: mlua::Function = match lua.globals().get::<LV>(function).map_err(err)? {
        LV::Function(f) => f,
        _ => match returned {
            LV::Table(m) => m
                .get(function)
                .map_err(|_| format!("function not found: {function}"))?,
            _ => return Err(format!("function not found: {function}")),
        },
    };
    // The record object: bins behind __index/__newindex, metadata in __meta.
    let bins = lua.create_table().map_err(err)?;
    for (name, v) in &rec.bins {
        bins.raw_set(name.as_str(), to_lua(&lua, v, &mts, 0).map_err(err)?)
            .map_err(err)?;
    }
    let meta = lua.create_table().map_err(err)?;
    let set_meta = || -> mlua::Result<()> {
        meta.raw_set("exists", rec.exists)?;
        meta.raw_set("ttl", rec.ttl)?;
        meta.raw_set("gen", i64::from(rec.generation))?;
        meta.raw_set(
            "digest",
            bytes_table(&lua, particle::BLOB, &rec.digest, &mts)?,
        )?;
        meta.raw_set(
            "key",
            rec.key
                .as_ref()
                .map(|k| to_lua(&lua, k, &mts, 0))
                .transpose()?
                .unwrap_or(LV::Nil),
        )?;
        meta.raw_set("set", rec.set.as_str())?;
        meta.raw_set("lut", rec.lut_ms)
    };
    set_meta().map_err(err)?;
    let r = lua.create_table().map_err(err)?;
    r.raw_set("__bins", bins).map_err(err)?;
    r.raw_set("__meta", meta.clone()).map_err(err)?;
    r.set_metatable(Some(rec_mt));
    let mut call_args = vec![LV::Table(r)];
    for a in args {
        call_args.push(to_lua(&lua, a, &mts, 0).map_err(err)?);
    }
    let ret: LV = func
        .call(mlua::MultiValue::from_iter(call_args))
        .map_err(err)?;
    let value = from_lua(&ret, &mts, 0);
    let op: Option<String> = meta.raw_get("op").ok();
    let change = match op.as_deref() {
        Some("write") => {
            let saved: Table = meta.raw_get("saved").map_err(err)?;
            let ttl: Option<i64> = meta.raw_get("set_ttl").ok();
            RecChange::Write {
                bins: bins_of(&saved, &mts),
                ttl,
            }
        }
        Some("remove") => RecChange::Remove,
        _ => RecChange::None,
    };
    Ok((value, change))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(bins: Vec<(String, Value)>) -> RecView {
        RecView {
            exists: !bins.is_empty(),
            bins,
            ttl: -1,
            generation: 1,
            digest: [0; 20],
            key: None,
            set: "s".into(),
            lut_ms: 0,
        }
    }

    const SRC: &str = r#"
function add(rec, bin, n)
  rec[bin] = (rec[bin] or 0) + n
  aerospike:update(rec)
  return rec[bin]
end
function boom(rec)
  error('kaboom')
end
function lists(rec)
  local l = list{1, 2}
  list.append(l, 'x')
  local m = map{a = 1}
  m['b'] = l
  rec['m'] = m
  aerospike:create(rec)
  return list.size(l) + map.size(m) + record.gen(rec)
end
function gone(rec) aerospike:remove(rec) return nil end
function plain(rec) return {1, 2} end
function spin(rec) while true do end end
"#;

    #[test]
    fn record_udfs() {
        let (v, change) = run(
            "m",
            SRC.as_bytes(),
            "add",
            &[Value::from("n"), Value::Int(5)],
            &view(vec![("n".into(), Value::Int(2))]),
        )
        .unwrap();
        assert_eq!(v, Value::Int(7));
        assert!(
            matches!(change, RecChange::Write { ref bins, ttl: None } if bins == &vec![("n".to_string(), Value::Int(7))])
        );
        let err = run("m", SRC.as_bytes(), "boom", &[], &view(vec![]))
            .err()
            .unwrap();
        assert_eq!(err, "/opt/aerospike/usr/udf/lua/m.lua:8: kaboom");
        let (v, change) = run("m", SRC.as_bytes(), "lists", &[], &view(vec![])).unwrap();
        assert_eq!(v, Value::Int(3 + 2 + 1));
        let RecChange::Write { bins, .. } = change else {
            panic!("no write")
        };
        let Value::Map { entries, .. } = &bins[0].1 else {
            panic!("not a map")
        };
        assert_eq!(entries.len(), 2);
        assert!(matches!(
            run("m", SRC.as_bytes(), "gone", &[], &view(vec![])).unwrap(),
            (Value::Nil, RecChange::Remove)
        ));
        assert_eq!(
            run("m", SRC.as_bytes(), "plain", &[], &view(vec![]))
                .unwrap()
                .0,
            Value::Nil
        );
        assert!(run("m", SRC.as_bytes(), "nope", &[], &view(vec![])).is_err());
        let t = std::time::Instant::now();
        assert_eq!(
            run("m", SRC.as_bytes(), "spin", &[], &view(vec![]))
                .err()
                .unwrap(),
            "UDF execution timed out"
        );
        assert!(t.elapsed() < std::time::Duration::from_secs(30));
        assert!(compile("m", b"function f(").is_err());
        assert!(compile("m", SRC.as_bytes()).is_ok());
    }
}
