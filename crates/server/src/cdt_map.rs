//! Map CDT operations: put/add/replace (single and items), increment/decrement,
//! clear, size, and get/remove by key, index, rank, value, interval, list or
//! relative index/rank.

use aeropy_protocol::msgpack::{Value, MAP_KEY_ORDERED, MAP_KEY_VALUE_ORDERED};
use aeropy_protocol::result_code as rc;

use crate::cdt::{
    Args, PARAM, UNSUPPORTED, WF_BOUNDED_OR_UPDATE_ONLY, WF_NO_FAIL, WF_PARTIAL,
    WF_UNIQUE_OR_CREATE_ONLY,
};
use crate::cdt_select::{remove_all, select_op, Kind, View};
use crate::ops::OpError;

type Entries = Vec<(Value, Value)>;

fn parts(v: &mut Value) -> Result<(u8, &mut Entries), OpError> {
    match v {
        Value::Map { flags, entries } => Ok((*flags, entries)),
        _ => Err(OpError(rc::BIN_TYPE_ERROR)),
    }
}

fn order_flags(attr: i64) -> u8 {
    (attr as u8) & MAP_KEY_VALUE_ORDERED
}

/// Puts one entry; `mode` carries create-only / update-only / no-fail.
fn put(
    entries: &mut Entries,
    key_ordered: bool,
    k: Value,
    val: Value,
    mode: i64,
) -> Result<(), OpError> {
    match entries.iter().position(|(ek, _)| *ek == k) {
        Some(i) => {
            if mode & WF_UNIQUE_OR_CREATE_ONLY != 0 {
                return fail(mode, rc::ELEMENT_EXISTS);
            }
            entries[i].1 = val;
        }
        None => {
            if mode & WF_BOUNDED_OR_UPDATE_ONLY != 0 {
                return fail(mode, rc::ELEMENT_NOT_FOUND);
            }
            if key_ordered {
                let at = entries.partition_point(|(ek, _)| *ek < k);
                entries.insert(at, (k, val));
            } else {
                entries.push((k, val));
            }
        }
    }
    Ok(())
}

fn fail(mode: i64, code: u8) -> Result<(), OpError> {
    if mode & WF_NO_FAIL != 0 {
        Ok(())
    } else {
        Err(OpError(code))
    }
}

pub(crate) fn map_op(
    v: &mut Value,
    code: i64,
    a: &Args,
    created: bool,
) -> Result<Option<Value>, OpError> {
    // A new map takes its order from the policy attribute of the creating op.
    let attr_pos = match code {
        65 | 67 | 73 | 74 => Some(2),
        66 | 68 => Some(1),
        _ => None,
    };
    if let (true, Some(p), Value::Map { flags, .. }) = (created, attr_pos, &mut *v) {
        *flags = order_flags(a.int_or(p, 0)?);
    }
    let (flags, entries) = parts(v)?;
    let key_ordered = flags & MAP_KEY_ORDERED != 0;
    let size = |e: &Entries| Some(Value::Int(e.len() as i64));
    match code {
        64 => {
            let new = order_flags(a.int(0)?);
            if new & MAP_KEY_ORDERED != 0 {
                entries.sort_by(|x, y| x.0.cmp(&y.0));
            }
            if let Value::Map { flags, .. } = v {
                *flags = new;
            }
            Ok(None)
        }
        65 | 67 | 69 => {
            let mode = match code {
                65 => WF_UNIQUE_OR_CREATE_ONLY,
                69 => WF_BOUNDED_OR_UPDATE_ONLY,
                _ => a.int_or(3, 0)?,
            };
            put(
                entries,
                key_ordered,
                a.value(0)?.clone(),
                a.value(1)?.clone(),
                mode,
            )?;
            Ok(size(entries))
        }
        66 | 68 | 70 => {
            let Value::Map { entries: items, .. } = a.value(0)? else {
                return Err(PARAM);
            };
            let mode = match code {
                66 => WF_UNIQUE_OR_CREATE_ONLY,
                70 => WF_BOUNDED_OR_UPDATE_ONLY,
                _ => a.int_or(2, 0)?,
            };
            // Without PARTIAL one failing entry fails (or, with NO_FAIL, skips) them all.
            if mode & WF_PARTIAL == 0 {
                let mut probe = entries.clone();
                let strict = mode & !WF_NO_FAIL;
                let ok = items.iter().all(|(k, val)| {
                    put(&mut probe, key_ordered, k.clone(), val.clone(), strict).is_ok()
                });
                if !ok {
                    let code = if mode & WF_UNIQUE_OR_CREATE_ONLY != 0 {
                        rc::ELEMENT_EXISTS
                    } else {
                        rc::ELEMENT_NOT_FOUND
                    };
                    fail(mode, code)?;
                    return Ok(size(entries));
                }
                *entries = probe;
            } else {
                for (k, val) in items {
                    put(
                        entries,
                        key_ordered,
                        k.clone(),
                        val.clone(),
                        mode | WF_NO_FAIL,
                    )?;
                }
            }
            Ok(size(entries))
        }
        73 | 74 => {
            let k = a.value(0)?.clone();
            let delta = a.get(1).cloned().unwrap_or(Value::Int(1));
            let cur = entries.iter().find(|(ek, _)| *ek == k).map(|e| e.1.clone());
            let new = match (cur, delta, code == 74) {
                (None, Value::Int(d), neg) => Value::Int(if neg { d.wrapping_neg() } else { d }),
                (None, Value::Float(d), neg) => Value::Float(if neg { -d } else { d }),
                (Some(Value::Int(x)), Value::Int(d), false) => Value::Int(x.wrapping_add(d)),
                (Some(Value::Int(x)), Value::Int(d), true) => Value::Int(x.wrapping_sub(d)),
                (Some(Value::Float(x)), Value::Float(d), false) => Value::Float(x + d),
                (Some(Value::Float(x)), Value::Float(d), true) => Value::Float(x - d),
                (None, _, _) => return Err(PARAM),
                _ => return Err(OpError(rc::BIN_TYPE_ERROR)),
            };
            put(entries, key_ordered, k, new.clone(), 0)?;
            Ok(Some(new))
        }
        75 => {
            entries.clear();
            Ok(None)
        }
        96 => Ok(size(entries)),
        c => {
            let Some((kind, remove)) = map_selector(c) else {
                return Err(UNSUPPORTED);
            };
            let (r, doomed) = select_op(&View::map(entries, flags), kind, remove, a)?;
            remove_all(entries, doomed);
            Ok(r)
        }
    }
}

/// Map selection op codes: (selector, removes?).
fn map_selector(code: i64) -> Option<(Kind, bool)> {
    Some(match code {
        97 => (Kind::Key, false),
        76 => (Kind::Key, true),
        98 => (Kind::Index, false),
        77 => (Kind::Index, true),
        104 => (Kind::IndexRange, false),
        85 => (Kind::IndexRange, true),
        100 => (Kind::Rank, false),
        79 => (Kind::Rank, true),
        106 => (Kind::RankRange, false),
        87 => (Kind::RankRange, true),
        99 | 102 => (Kind::Value, false),
        78 | 82 => (Kind::Value, true),
        108 => (Kind::ValueList, false),
        83 => (Kind::ValueList, true),
        105 => (Kind::ValueInterval, false),
        86 => (Kind::ValueInterval, true),
        107 => (Kind::KeyList, false),
        81 => (Kind::KeyList, true),
        103 => (Kind::KeyInterval, false),
        109 => (Kind::KeyRelIndexRange, false),
        88 => (Kind::KeyRelIndexRange, true),
        110 => (Kind::ValueRelRankRange, false),
        89 => (Kind::ValueRelRankRange, true),
        84 => (Kind::KeyInterval, true),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cdt::{apply, run_op, OpResult, RT_COUNT, RT_KEY, RT_VALUE};
    use crate::store::Bin;
    use aeropy_protocol::msg::op;

    fn run(bins: &mut Vec<Bin>, t: u8, code: i64, args: &[Value]) -> OpResult {
        run_op(apply, b"m", bins, t, code, args)
    }

    #[test]
    fn map_ops() {
        let mut b = Vec::new();
        let (i, s) = (Value::Int, |x: &str| Value::from(x));
        assert_eq!(
            run(&mut b, op::CDT_MODIFY, 67, &[s("b"), i(2), i(1)]).unwrap(),
            Some(i(1))
        );
        assert_eq!(
            run(&mut b, op::CDT_MODIFY, 67, &[s("a"), i(1)]).unwrap(),
            Some(i(2))
        );
        let stored = Value::from_particle(b[0].ptype, &b[0].value).unwrap();
        assert!(matches!(&stored, Value::Map { flags: 1, entries } if entries[0].0 == s("a")));
        assert_eq!(
            run(&mut b, op::CDT_MODIFY, 65, &[s("a"), i(5)]),
            Err(OpError(rc::ELEMENT_EXISTS))
        );
        assert_eq!(
            run(&mut b, op::CDT_MODIFY, 69, &[s("zz"), i(5)]),
            Err(OpError(rc::ELEMENT_NOT_FOUND))
        );
        assert_eq!(
            run(&mut b, op::CDT_MODIFY, 73, &[s("a"), i(10)]).unwrap(),
            Some(i(11))
        );
        assert_eq!(
            run(&mut b, op::CDT_MODIFY, 74, &[s("n")]).unwrap(),
            Some(i(-1))
        );
        assert_eq!(
            run(&mut b, op::CDT_READ, 97, &[i(RT_VALUE), s("a")]).unwrap(),
            Some(i(11))
        );
        assert_eq!(
            run(&mut b, op::CDT_READ, 97, &[i(RT_VALUE), s("x")]).unwrap(),
            Some(Value::Nil)
        );
        assert_eq!(run(&mut b, op::CDT_READ, 96, &[]).unwrap(), Some(i(3)));
        let items = Value::map(vec![(s("c"), i(3)), (s("a"), i(0))]);
        assert_eq!(
            run(
                &mut b,
                op::CDT_MODIFY,
                68,
                &[items.clone(), i(0), i(WF_UNIQUE_OR_CREATE_ONLY)]
            ),
            Err(OpError(24))
        );
        assert_eq!(
            run(
                &mut b,
                op::CDT_MODIFY,
                68,
                &[
                    items,
                    i(0),
                    i(WF_UNIQUE_OR_CREATE_ONLY | WF_PARTIAL | WF_NO_FAIL)
                ]
            )
            .unwrap(),
            Some(i(4))
        );
        assert_eq!(
            run(&mut b, op::CDT_MODIFY, 76, &[i(RT_COUNT), s("c")]).unwrap(),
            Some(i(1))
        );
        // by index (key order) and by rank (value order); relative selections refused
        assert_eq!(
            run(&mut b, op::CDT_READ, 98, &[i(RT_VALUE), i(0)]).unwrap(),
            Some(i(11)),
            "{{a: 11, b: 2, n: -1}}: index 0 is key a"
        );
        assert_eq!(
            run(&mut b, op::CDT_READ, 100, &[i(RT_KEY), i(-1)]).unwrap(),
            Some(s("a"))
        );
        assert_eq!(
            run(
                &mut b,
                op::CDT_READ,
                109,
                &[i(RT_VALUE), s("b"), i(-1), i(2)]
            )
            .unwrap(),
            Some(Value::list(vec![i(11), i(2)])),
            "keys a, b: from one index before where b sorts"
        );
        assert_eq!(
            run(&mut b, op::CDT_READ, 97, &[i(RT_KEY | 0x10000), s("a")]).unwrap(),
            Some(Value::list(vec![s("b"), s("n")])),
            "every key but a"
        );
        assert_eq!(
            run(&mut b, op::CDT_READ, 111, &[i(RT_KEY)]),
            Err(UNSUPPORTED),
            "no map op 111"
        );
        assert_eq!(run(&mut b, op::CDT_MODIFY, 75, &[]).unwrap(), None);
        assert_eq!(
            run(&mut b, op::CDT_READ, 98, &[i(RT_VALUE), i(0)]),
            Err(OpError(rc::OP_NOT_APPLICABLE))
        );
        let _ = RT_VALUE;
    }
}
