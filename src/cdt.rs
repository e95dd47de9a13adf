//! List and map operations of `aerospike_helpers` (dicts with `OP_LIST_*`/`OP_MAP_*`)
//! encoded as CDT ops (protocol.md §6.2-6.4), straight from the Python dicts.

use aeropy_core::client::{begin_op, end_op};
use aeropy_protocol::msg::{op, MsgWriter};
use aeropy_protocol::msgpack::Packer;
use aeropy_protocol::particle;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::config::{int_of, type_name};
use crate::errors::param_err;
use crate::serialization::Ser;

/// One argument of a CDT op, read from the helper dict.
#[derive(Clone, Copy)]
enum Arg {
    /// `return_type`, with bit 16 set when `inverted` is true.
    Rt,
    /// A required int.
    Int(&'static str),
    /// An int appended only when present.
    OptInt(&'static str),
    /// A required value.
    Val(&'static str),
    /// A value, nil when absent (interval begin).
    ValOrNil(&'static str),
    /// A value appended only when present (interval end).
    OptVal(&'static str),
    /// `list_policy` → list order and write flags (append, increment).
    ListOrderFlags,
    /// `list_policy` → write flags (insert, set).
    ListFlags,
    /// `map_policy` → map order attribute and write flags (put).
    MapAttrFlags,
    /// `map_policy` → map order attribute (increment, decrement).
    MapAttr,
    /// `list_order` (| 0x10 with `persist_index`).
    ListOrder,
    /// `map_order` (| 0x10 with `persist_index`), or from `map_policy`.
    MapOrder,
}

use Arg::*;

/// Python op constant → (wire op code, modifies?, args).
fn spec(code: i64) -> Option<(u8, bool, &'static [Arg])> {
    Some(match code {
        // lists
        1001 => (1, true, &[Val("val"), ListOrderFlags]),
        1002 => (2, true, &[Val("val"), ListOrderFlags]),
        1003 => (3, true, &[Int("index"), Val("val"), ListFlags]),
        1004 => (4, true, &[Int("index"), Val("val"), ListFlags]),
        1005 => (5, true, &[Int("index")]),
        1006 => (6, true, &[Int("index"), OptInt("val")]),
        1007 => (7, true, &[Int("index")]),
        1008 => (8, true, &[Int("index"), OptInt("val")]),
        1009 => (11, true, &[]),
        1010 => (9, true, &[Int("index"), Val("val"), ListFlags]),
        1011 => (17, false, &[Int("index")]),
        1012 => (18, false, &[Int("index"), OptInt("val")]),
        1013 => (10, true, &[Int("index"), Int("val")]),
        1014 => (16, false, &[]),
        1015 => (12, true, &[Int("index"), Val("val"), ListOrderFlags]),
        1016 => (19, false, &[Rt, Int("index")]),
        1017 | 1035 => (24, false, &[Rt, Int("index"), OptInt("count")]),
        1018 => (21, false, &[Rt, Int("rank")]),
        1019 | 1036 => (26, false, &[Rt, Int("rank"), OptInt("count")]),
        1020 => (22, false, &[Rt, Val("val")]),
        1021 => (23, false, &[Rt, Val("value_list")]),
        1022 => (
            25,
            false,
            &[Rt, ValOrNil("value_begin"), OptVal("value_end")],
        ),
        1023 => (32, true, &[Rt, Int("index")]),
        1024 | 1039 => (37, true, &[Rt, Int("index"), OptInt("count")]),
        1025 => (34, true, &[Rt, Int("rank")]),
        1026 | 1040 => (39, true, &[Rt, Int("rank"), OptInt("count")]),
        1027 => (35, true, &[Rt, Val("val")]),
        1028 => (36, true, &[Rt, Val("value_list")]),
        1029 => (
            38,
            true,
            &[Rt, ValOrNil("value_begin"), OptVal("value_end")],
        ),
        1030 => (0, true, &[ListOrder]),
        1031 => (13, true, &[OptInt("sort_flags")]),
        1032 | 1037 | 1038 => (40, true, &[Rt, Val("val"), Int("rank"), OptInt("count")]),
        1033 | 1034 => (27, false, &[Rt, Val("val"), Int("rank"), OptInt("count")]),
        1041 => (0, true, &[ListOrder]),
        // maps
        1101 | 1144 => (64, true, &[MapOrder]),
        1102 => (67, true, &[Val("key"), Val("val"), MapAttrFlags]),
        1103 => (68, true, &[Val("val"), MapAttrFlags]),
        1104 => (73, true, &[Val("key"), Val("val"), MapAttr]),
        1105 => (74, true, &[Val("key"), Val("val"), MapAttr]),
        1106 => (96, false, &[]),
        1107 => (75, true, &[]),
        1108 => (76, true, &[Rt, Val("key")]),
        1109 => (81, true, &[Rt, Val("val")]),
        1110 => (84, true, &[Rt, ValOrNil("key"), OptVal("val")]),
        1111 => (82, true, &[Rt, Val("val")]),
        1112 => (83, true, &[Rt, Val("val")]),
        1113 => (86, true, &[Rt, ValOrNil("val"), OptVal("range")]),
        1114 => (77, true, &[Rt, Int("index")]),
        1115 | 1134 => (85, true, &[Rt, Int("index"), OptInt("val")]),
        1116 => (79, true, &[Rt, Int("index")]),
        1117 | 1135 => (87, true, &[Rt, Int("index"), OptInt("val")]),
        1118 => (97, false, &[Rt, Val("key")]),
        1119 => (103, false, &[Rt, ValOrNil("key"), OptVal("range")]),
        1120 => (102, false, &[Rt, Val("val")]),
        1121 => (105, false, &[Rt, ValOrNil("val"), OptVal("range")]),
        1122 => (98, false, &[Rt, Int("index")]),
        1123 | 1142 => (104, false, &[Rt, Int("index"), OptInt("val")]),
        1124 => (100, false, &[Rt, Int("index")]),
        1125 | 1143 => (106, false, &[Rt, Int("index"), OptInt("val")]),
        1126 => (108, false, &[Rt, Val("val")]),
        1127 => (107, false, &[Rt, Val("val")]),
        1128 | 1133 | 1139 => (89, true, &[Rt, Val("val"), Int("rank"), OptInt("count")]),
        1129 | 1132 | 1137 => (88, true, &[Rt, Val("key"), Int("index"), OptInt("count")]),
        1130 | 1141 => (110, false, &[Rt, Val("val"), Int("rank"), OptInt("count")]),
        1131 | 1136 | 1140 => (109, false, &[Rt, Val("key"), Int("index"), OptInt("count")]),
        _ => return None,
    })
}

/// Whether `code` is a map operation (`OP_MAP_*`).
pub fn is_map_op(code: i64) -> bool {
    (1100..1200).contains(&code)
}

/// Whether `code` is a list or map operation this module encodes.
pub fn is_cdt(code: i64) -> bool {
    spec(code).is_some()
}

fn get<'py>(d: &Bound<'py, PyDict>, k: &str) -> PyResult<Option<Bound<'py, PyAny>>> {
    Ok(d.get_item(k)?.filter(|v| !v.is_none()))
}

fn policy_int(py: Python<'_>, p: &Option<Bound<'_, PyAny>>, key: &str) -> PyResult<i64> {
    match p {
        Some(p) => {
            let d = p.cast::<PyDict>().map_err(|_| {
                param_err(
                    py,
                    format!("CDT policy must be a dict, not {}", type_name(p)),
                )
            })?;
            match get(d, key)? {
                Some(v) if v.is_truthy()? && key == "persist_index" => Ok(1),
                Some(v) if key == "persist_index" => Ok(i64::from(v.is_truthy()?)),
                Some(v) => int_of(py, key, &v),
                None => Ok(0),
            }
        }
        None => Ok(0),
    }
}

/// Writes one list/map op from its helper dict; returns whether it modifies.
pub fn write_cdt_op(
    ser: &Ser<'_, '_>,
    w: &mut MsgWriter<'_>,
    code: i64,
    bin: &str,
    d: &Bound<'_, PyDict>,
) -> PyResult<bool> {
    let py = ser.py;
    let Some((mut op_code, modify, args)) = spec(code) else {
        return Err(param_err(py, format!("unsupported operation code {code}")));
    };
    // Old-style map write mode picks the op instead of flags.
    let map_policy = get(d, "map_policy")?;
    if let Some(mode) = map_policy
        .as_ref()
        .and_then(|p| p.cast::<PyDict>().ok().cloned())
        .map(|p| get(&p, "map_write_mode"))
        .transpose()?
        .flatten()
    {
        let mode = int_of(py, "map_write_mode", &mode)?;
        op_code = match (op_code, mode) {
            (67, 1) => 69,
            (68, 1) => 70,
            (67, 2) => 65,
            (68, 2) => 66,
            (c, _) => c,
        };
    }
    let list_policy = get(d, "list_policy")?;
    // Collect the trailing args first: optional ones decide the array length.
    let mut items: Vec<Item<'_>> = Vec::with_capacity(args.len() + 2);
    for a in args {
        match *a {
            Rt => {
                let rt = match get(d, "return_type")? {
                    Some(v) => int_of(py, "return_type", &v)?,
                    None => return Err(param_err(py, "CDT operation needs a \"return_type\"")),
                };
                let inv = get(d, "inverted")?
                    .map(|v| v.is_truthy())
                    .transpose()?
                    .unwrap_or(false);
                items.push(Item::Int(if inv { rt | 0x10000 } else { rt }));
            }
            Int(k) => match get(d, k)? {
                Some(v) => items.push(Item::Int(int_of(py, k, &v)?)),
                None => return Err(param_err(py, format!("CDT operation needs {k:?}"))),
            },
            OptInt(k) => {
                if let Some(v) = get(d, k)? {
                    items.push(Item::Int(int_of(py, k, &v)?));
                }
            }
            Val(k) => match d.get_item(k)? {
                Some(v) => items.push(Item::Obj(v)),
                None => return Err(param_err(py, format!("CDT operation needs {k:?}"))),
            },
            ValOrNil(k) => items.push(get(d, k)?.map_or(Item::Nil, Item::Obj)),
            OptVal(k) => {
                if let Some(v) = get(d, k)? {
                    items.push(Item::Obj(v));
                }
            }
            ListOrderFlags => {
                if list_policy.is_some() {
                    items.push(Item::Int(policy_int(py, &list_policy, "list_order")?));
                    items.push(Item::Int(policy_int(py, &list_policy, "write_flags")?));
                }
            }
            ListFlags => {
                if list_policy.is_some() {
                    items.push(Item::Int(policy_int(py, &list_policy, "write_flags")?));
                }
            }
            MapAttrFlags | MapAttr => {
                // The official client always sends the order attribute, and the write
                // flags only when set.
                let attr = policy_int(py, &map_policy, "map_order")?
                    | (policy_int(py, &map_policy, "persist_index")? << 4);
                items.push(Item::Int(attr));
                let flags = policy_int(py, &map_policy, "map_write_flags")?;
                if matches!(a, MapAttrFlags) && flags != 0 && !matches!(op_code, 65 | 66 | 69 | 70)
                {
                    items.push(Item::Int(flags));
                }
            }
            ListOrder => {
                let order = get(d, "list_order")?
                    .map(|v| int_of(py, "list_order", &v))
                    .transpose()?
                    .unwrap_or(0);
                let persist = get(d, "persist_index")?
                    .map(|v| v.is_truthy())
                    .transpose()?
                    .unwrap_or(false);
                items.push(Item::Int(order | if persist { 0x10 } else { 0 }));
            }
            MapOrder => {
                let order = match get(d, "map_order")? {
                    Some(v) => int_of(py, "map_order", &v)?,
                    None => policy_int(py, &map_policy, "map_order")?,
                };
                let persist = get(d, "persist_index")?
                    .map(|v| v.is_truthy())
                    .transpose()?
                    .unwrap_or(false);
                items.push(Item::Int(order | if persist { 0x10 } else { 0 }));
            }
        }
    }
    let ctx = get(d, "ctx")?;
    let op_type = if modify { op::CDT_MODIFY } else { op::CDT_READ };
    let op_start = begin_op(w, op_type, bin.as_bytes()).map_err(|e| param_err(py, e.message()))?;
    let buf = w.buffer();
    let ctx_list = match &ctx {
        Some(c) => Some(
            c.cast::<PyList>()
                .map_err(|_| param_err(py, "ctx must be a list of cdt_ctx"))?
                .clone(),
        ),
        None => None,
    };
    if let Some(ctx) = ctx_list.as_ref().filter(|c| !c.is_empty()) {
        Packer::new(buf).array_header(3);
        Packer::new(buf).uint(0xff);
        Packer::new(buf).array_header((ctx.len() * 2) as u32);
        for c in ctx.iter() {
            write_ctx(ser, buf, &c)?;
        }
    }
    Packer::new(buf).array_header((items.len() + 1) as u32);
    Packer::new(buf).int(i64::from(op_code));
    for it in &items {
        match it {
            Item::Int(i) => Packer::new(buf).int(*i),
            Item::Nil => Packer::new(buf).nil(),
            Item::Obj(o) => ser.pack(buf, o, 0)?,
        }
    }
    end_op(w, op_start, particle::BLOB).map_err(|e| param_err(py, e.message()))?;
    Ok(modify)
}

enum Item<'py> {
    Int(i64),
    Nil,
    Obj(Bound<'py, PyAny>),
}

/// One `_cdt_ctx` step: `ctx_type, value`.
fn write_ctx(ser: &Ser<'_, '_>, buf: &mut Vec<u8>, c: &Bound<'_, PyAny>) -> PyResult<()> {
    let py = ser.py;
    let id = int_of(py, "cdt_ctx id", &c.getattr(intern!(py, "id"))?)?;
    let value = c.getattr(intern!(py, "value"))?;
    let extra = c.getattr(intern!(py, "extra_args"))?;
    let extra_int = |k: &str| -> PyResult<i64> {
        match extra.cast::<PyDict>() {
            Ok(d) => match get(d, k)? {
                Some(v) if v.cast::<pyo3::types::PyBool>().is_ok() => Ok(i64::from(v.is_truthy()?)),
                Some(v) => int_of(py, k, &v),
                None => Ok(0),
            },
            Err(_) => Ok(0),
        }
    };
    let wire_type = match id {
        // list index, creating the list: ordered / padded (unbound) / unordered
        20 => {
            let order = extra_int("order_key")?;
            let pad = extra_int("pad_key")? != 0;
            0x10 | if order & 1 == 1 {
                0xc0
            } else if pad {
                0x80
            } else {
                0x40
            }
        }
        // map key, creating the map: key-value ordered / key ordered / unordered
        36 => {
            let order = extra_int("order_key")?;
            0x22 | match order {
                3 => 0xc0,
                1 => 0x80,
                _ => 0x40,
            }
        }
        other => other,
    };
    Packer::new(buf).int(wire_type);
    ser.pack(buf, &value, 0)
}
