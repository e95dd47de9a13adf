//! List and map (CDT) operations on msgpack bins, with nested contexts and every
//! selection kind; unknown op codes answer 16 rather than a guess.

use aeropy_protocol::msg::op;
use aeropy_protocol::msgpack::{Value, LIST_ORDERED};
use aeropy_protocol::{particle, result_code as rc};

use crate::cdt_select::{remove_all, select_op, Kind, View};
use crate::ops::OpError;
use crate::record::MAX_RECORD_SIZE;
use crate::store::{Bin, BinName};
use crate::{cdt_ctx, cdt_map};

pub(crate) const UNSUPPORTED: OpError = OpError(rc::UNSUPPORTED_FEATURE);
pub(crate) const PARAM: OpError = OpError(rc::PARAMETER_ERROR);

// Return types.
pub(crate) const RT_NONE: i64 = 0;
pub(crate) const RT_INDEX: i64 = 1;
pub(crate) const RT_REVERSE_INDEX: i64 = 2;
pub(crate) const RT_COUNT: i64 = 5;
pub(crate) const RT_KEY: i64 = 6;
pub(crate) const RT_VALUE: i64 = 7;
pub(crate) const RT_KEY_VALUE: i64 = 8;
pub(crate) const RT_EXISTS: i64 = 13;
pub(crate) const RT_UNORDERED_MAP: i64 = 16;
pub(crate) const RT_ORDERED_MAP: i64 = 17;

// Write flags (list and map share the bit values we use).
pub(crate) const WF_UNIQUE_OR_CREATE_ONLY: i64 = 0x01;
pub(crate) const WF_BOUNDED_OR_UPDATE_ONLY: i64 = 0x02;
pub(crate) const WF_NO_FAIL: i64 = 0x04;
pub(crate) const WF_PARTIAL: i64 = 0x08;

/// Arguments of a CDT op after its code.
pub(crate) struct Args(pub Vec<Value>);

impl Args {
    pub fn get(&self, i: usize) -> Option<&Value> {
        self.0.get(i)
    }
    pub fn int(&self, i: usize) -> Result<i64, OpError> {
        match self.0.get(i) {
            Some(Value::Int(v)) => Ok(*v),
            _ => Err(PARAM),
        }
    }
    pub fn int_or(&self, i: usize, default: i64) -> Result<i64, OpError> {
        match self.0.get(i) {
            None => Ok(default),
            Some(_) => self.int(i),
        }
    }
    pub fn value(&self, i: usize) -> Result<&Value, OpError> {
        self.0.get(i).ok_or(PARAM)
    }
    /// A return type without the INVERTED bit (selections read that bit themselves).
    pub fn return_type(&self, i: usize) -> Result<i64, OpError> {
        Ok(self.int(i)? & 0xffff)
    }
}

/// What a bin op (CDT, bit, HLL) answers: its result value (`None` = no result op).
pub(crate) type OpResult = Result<Option<Value>, OpError>;

/// Decodes a bit or HLL op value `[code, args...]`.
pub(crate) fn code_and_args(value: &[u8]) -> Result<(i64, Args), OpError> {
    let Ok(Value::List { mut items, .. }) = Value::from_msgpack(value) else {
        return Err(PARAM);
    };
    let code = match items.first() {
        Some(Value::Int(c)) => *c,
        _ => return Err(PARAM),
    };
    items.remove(0);
    Ok((code, Args(items)))
}

/// Test helper: runs op `code` with `args` through `apply` on bin `name`.
#[cfg(test)]
pub(crate) fn run_op(
    apply: fn(&mut Vec<Bin>, BinName, u8, &[u8]) -> OpResult,
    name: &[u8],
    bins: &mut Vec<Bin>,
    op_type: u8,
    code: i64,
    args: &[Value],
) -> OpResult {
    let mut v = vec![Value::Int(code)];
    v.extend_from_slice(args);
    let name = BinName::new(name).ok_or(PARAM)?;
    apply(bins, name, op_type, &Value::list(v).to_msgpack())
}

/// Applies a CDT op to bin `name`; returns the op result (`None` = no result op).
pub(crate) fn apply(bins: &mut Vec<Bin>, name: BinName, op_type: u8, value: &[u8]) -> OpResult {
    let items = match Value::from_msgpack(value) {
        Ok(Value::List { items, .. }) if !items.is_empty() => items,
        _ => return Err(PARAM),
    };
    let mut it = items.into_iter();
    let (ctx, op_items) = match it.next() {
        Some(Value::Int(0xff)) => match (it.next(), it.next()) {
            (Some(Value::List { items: ctx, .. }), Some(Value::List { items: op, .. })) => {
                (Some(ctx), op)
            }
            _ => return Err(PARAM),
        },
        Some(first) => (None, std::iter::once(first).chain(it).collect()),
        None => return Err(PARAM),
    };
    let mut it = op_items.into_iter();
    let code = match it.next() {
        Some(Value::Int(c)) if (0..=127).contains(&c) => c,
        Some(Value::Int(_)) => return Err(UNSUPPORTED), // select / path forms
        _ => return Err(PARAM),
    };
    let args = Args(it.collect());
    let is_list = code < 64;
    let is_read = if is_list {
        (16..32).contains(&code)
    } else {
        code >= 96
    };
    if op_type == op::CDT_READ && !is_read {
        return Err(PARAM);
    }
    // The bin holds the outermost collection: its type follows the context if any.
    let root_list = match &ctx {
        Some(c) => cdt_ctx::root_is_list(c)?,
        None => is_list,
    };
    let pos = bins.iter().position(|b| b.name == name);
    let mut root = match pos {
        Some(i) => {
            let b = &bins[i];
            let want = if root_list {
                particle::LIST
            } else {
                particle::MAP
            };
            if b.ptype != want {
                return Err(OpError(rc::BIN_TYPE_ERROR));
            }
            Value::from_particle(b.ptype, &b.value).map_err(|_| PARAM)?
        }
        None if is_read => return Ok(None),
        None if root_list => Value::List {
            flags: 0,
            items: Vec::new(),
        },
        None => Value::Map {
            flags: 0,
            entries: Vec::new(),
        },
    };
    let created = pos.is_none() && ctx.is_none();
    let result = {
        let target = match &ctx {
            Some(c) => cdt_ctx::navigate(&mut root, c, !is_read)?,
            None => &mut root,
        };
        match (is_list, &*target) {
            (true, Value::List { .. }) => list_op(target, code, &args, created)?,
            (false, Value::Map { .. }) => cdt_map::map_op(target, code, &args, created)?,
            _ => return Err(OpError(rc::BIN_TYPE_ERROR)),
        }
    };
    if !is_read {
        let mut bytes = Vec::new();
        let ptype = root.write_particle(&mut bytes).map_err(|_| PARAM)?;
        match pos {
            Some(i) => bins[i].value = bytes,
            None => bins.push(Bin {
                name,
                ptype,
                value: bytes,
            }),
        }
    }
    Ok(result)
}

/// Pads `items` with nils up to `len` elements, refusing to grow a list past what a
/// record can hold (nor to allocate without bound).
pub(crate) fn pad_with_nils(items: &mut Vec<Value>, len: usize) -> Result<(), OpError> {
    if len > MAX_RECORD_SIZE {
        return Err(OpError(rc::RECORD_TOO_BIG));
    }
    if len > items.len() {
        items.resize(len, Value::Nil);
    }
    Ok(())
}

/// Index after counting negatives from the end; `None` when out of bounds.
pub(crate) fn index_of(i: i64, len: usize) -> Option<usize> {
    let len = len as i64;
    let idx = if i < 0 { i + len } else { i };
    (0..len).contains(&idx).then_some(idx as usize)
}

/// `[start, end)` of an index range (negative index from the end, count `None` = to the
/// end), clamped to the list, as the server computes it.
pub(crate) fn range_of(
    index: i64,
    count: Option<i64>,
    len: usize,
) -> Result<(usize, usize), OpError> {
    let n = len as i64;
    let mut start = if index < 0 { index + n } else { index };
    let mut count = match count {
        None => n.saturating_sub(start),
        Some(c) if c < 0 => return Err(PARAM),
        Some(c) => c,
    };
    if start < 0 {
        count += start;
        start = 0;
    }
    let end = start.saturating_add(count.max(0)).min(n);
    let start = start.min(n);
    Ok((start as usize, end.max(start) as usize))
}

fn list_parts(v: &mut Value) -> Result<(u8, &mut Vec<Value>), OpError> {
    match v {
        Value::List { flags, items } => Ok((*flags, items)),
        _ => Err(OpError(rc::BIN_TYPE_ERROR)),
    }
}

fn insert_sorted(items: &mut Vec<Value>, v: Value) {
    let at = items.partition_point(|x| x <= &v);
    items.insert(at, v);
}

fn write_flags_fail(flags: i64, code: u8) -> Result<bool, OpError> {
    if flags & WF_NO_FAIL != 0 {
        Ok(false)
    } else {
        Err(OpError(code))
    }
}

/// Adds `vals` honouring add-unique / no-fail / partial; returns false if nothing may be added.
fn add_values(
    items: &mut Vec<Value>,
    ordered: bool,
    vals: Vec<Value>,
    wflags: i64,
) -> Result<(), OpError> {
    if wflags & WF_UNIQUE_OR_CREATE_ONLY != 0 {
        let dup = vals
            .iter()
            .enumerate()
            .any(|(i, v)| items.contains(v) || vals[..i].contains(v));
        if dup && wflags & WF_PARTIAL == 0 {
            write_flags_fail(wflags, rc::ELEMENT_EXISTS)?;
            return Ok(());
        }
        for v in vals {
            if !items.contains(&v) {
                if ordered {
                    insert_sorted(items, v)
                } else {
                    items.push(v)
                }
            }
        }
        return Ok(());
    }
    for v in vals {
        if ordered {
            insert_sorted(items, v);
        } else {
            items.push(v);
        }
    }
    Ok(())
}

fn list_op(v: &mut Value, code: i64, a: &Args, created: bool) -> Result<Option<Value>, OpError> {
    // A new list takes its order from the list-order argument of APPEND / APPEND_ITEMS.
    if created && matches!(code, 1 | 2) {
        if let Value::List { flags, .. } = v {
            *flags = (a.int_or(1, 0)? as u8) & LIST_ORDERED;
        }
    }
    let (flags, items) = list_parts(v)?;
    let ordered = flags & LIST_ORDERED != 0;
    let len = items.len();
    let size = |items: &Vec<Value>| Some(Value::Int(items.len() as i64));
    match code {
        0 => {
            // SET_TYPE: change the order; sorting when it becomes ordered.
            let new = (a.int(0)? as u8) & LIST_ORDERED;
            if new != 0 {
                items.sort();
            }
            if let Value::List { flags, .. } = v {
                *flags = new;
            }
            Ok(None)
        }
        1 => {
            add_values(items, ordered, vec![a.value(0)?.clone()], a.int_or(2, 0)?)?;
            Ok(size(items))
        }
        2 => {
            let Value::List { items: vals, .. } = a.value(0)? else {
                return Err(PARAM);
            };
            add_values(items, ordered, vals.clone(), a.int_or(2, 0)?)?;
            Ok(size(items))
        }
        3 | 4 => {
            if ordered {
                return Err(OpError(rc::OP_NOT_APPLICABLE));
            }
            let index = a.int(0)?;
            let vals = if code == 3 {
                vec![a.value(1)?.clone()]
            } else {
                let Value::List { items: vals, .. } = a.value(1)? else {
                    return Err(PARAM);
                };
                vals.clone()
            };
            let wflags = a.int_or(2, 0)?;
            let at = if index < 0 { index + len as i64 } else { index };
            if at < 0 || (at > len as i64 && wflags & WF_BOUNDED_OR_UPDATE_ONLY != 0) {
                write_flags_fail(wflags, rc::OP_NOT_APPLICABLE)?;
                return Ok(size(items));
            }
            if wflags & WF_UNIQUE_OR_CREATE_ONLY != 0 && vals.iter().any(|x| items.contains(x)) {
                write_flags_fail(wflags, rc::ELEMENT_EXISTS)?;
                return Ok(size(items));
            }
            let at = at as usize;
            pad_with_nils(items, at)?;
            items.splice(at..at, vals);
            Ok(size(items))
        }
        5 => {
            let i = index_of(a.int(0)?, len).ok_or(OpError(rc::OP_NOT_APPLICABLE))?;
            Ok(Some(items.remove(i)))
        }
        6 => {
            let (s, e) = range_of(a.int(0)?, a.get(1).map(|_| a.int(1)).transpose()?, len)?;
            Ok(Some(Value::list(items.drain(s..e).collect())))
        }
        7 => {
            let i = index_of(a.int(0)?, len).ok_or(OpError(rc::OP_NOT_APPLICABLE))?;
            items.remove(i);
            Ok(Some(Value::Int(1)))
        }
        8 => {
            let (s, e) = range_of(a.int(0)?, a.get(1).map(|_| a.int(1)).transpose()?, len)?;
            items.drain(s..e);
            Ok(Some(Value::Int((e - s) as i64)))
        }
        9 => {
            if ordered {
                return Err(OpError(rc::OP_NOT_APPLICABLE));
            }
            let index = a.int(0)?;
            let wflags = a.int_or(2, 0)?;
            let at = if index < 0 { index + len as i64 } else { index };
            if at < 0 || (at >= len as i64 && wflags & WF_BOUNDED_OR_UPDATE_ONLY != 0) {
                write_flags_fail(wflags, rc::OP_NOT_APPLICABLE)?;
                return Ok(None);
            }
            let at = at as usize;
            pad_with_nils(items, at + 1)?;
            items[at] = a.value(1)?.clone();
            Ok(None)
        }
        10 => {
            let (s, e) = range_of(a.int(0)?, Some(a.int(1)?), len)?;
            let removed = len - (e - s);
            items.truncate(e);
            items.drain(..s);
            Ok(Some(Value::Int(removed as i64)))
        }
        11 => {
            items.clear();
            Ok(None)
        }
        12 => {
            if ordered {
                return Err(UNSUPPORTED);
            }
            let i = index_of(a.int(0)?, len).ok_or(OpError(rc::OP_NOT_APPLICABLE))?;
            let delta = a.get(1).cloned().unwrap_or(Value::Int(1));
            let new = match (&items[i], delta) {
                (Value::Int(x), Value::Int(d)) => Value::Int(x.wrapping_add(d)),
                (Value::Float(x), Value::Float(d)) => Value::Float(x + d),
                (Value::Float(x), Value::Int(d)) => Value::Float(x + d as f64),
                (Value::Int(x), Value::Float(d)) => Value::Int(x.wrapping_add(d as i64)),
                _ => return Err(OpError(rc::BIN_TYPE_ERROR)),
            };
            items[i] = new.clone();
            Ok(Some(new))
        }
        13 => {
            let sflags = a.int_or(0, 0)?;
            items.sort();
            if sflags & 2 != 0 {
                items.dedup();
            }
            if sflags & 1 != 0 {
                items.reverse();
            }
            Ok(None)
        }
        16 => Ok(size(items)),
        17 => {
            let i = index_of(a.int(0)?, len).ok_or(OpError(rc::OP_NOT_APPLICABLE))?;
            Ok(Some(items[i].clone()))
        }
        18 => {
            let (s, e) = range_of(a.int(0)?, a.get(1).map(|_| a.int(1)).transpose()?, len)?;
            Ok(Some(Value::list(items[s..e].to_vec())))
        }
        c => {
            let Some((kind, remove)) = list_selector(c) else {
                return Err(UNSUPPORTED);
            };
            let (r, doomed) = select_op(&View::list(items), kind, remove, a)?;
            remove_all(items, doomed);
            Ok(r)
        }
    }
}

/// List selection op codes: (selector, removes?).
fn list_selector(code: i64) -> Option<(Kind, bool)> {
    Some(match code {
        19 => (Kind::Index, false),
        32 => (Kind::Index, true),
        24 => (Kind::IndexRange, false),
        37 => (Kind::IndexRange, true),
        21 => (Kind::Rank, false),
        34 => (Kind::Rank, true),
        26 => (Kind::RankRange, false),
        39 => (Kind::RankRange, true),
        20 | 22 => (Kind::Value, false),
        33 | 35 => (Kind::Value, true),
        23 => (Kind::ValueList, false),
        36 => (Kind::ValueList, true),
        25 => (Kind::ValueInterval, false),
        38 => (Kind::ValueInterval, true),
        27 => (Kind::ValueRelRankRange, false),
        40 => (Kind::ValueRelRankRange, true),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use aeropy_protocol::msgpack::Packer;

    fn run(bins: &mut Vec<Bin>, t: u8, code: i64, args: &[Value]) -> OpResult {
        run_op(apply, b"l", bins, t, code, args)
    }

    fn list(bins: &[Bin]) -> Vec<Value> {
        match Value::from_particle(bins[0].ptype, &bins[0].value).unwrap() {
            Value::List { items, .. } => items,
            v => panic!("{v:?}"),
        }
    }

    #[test]
    fn list_modify_and_read() {
        let mut b = Vec::new();
        let i = |v: i64| Value::Int(v);
        assert_eq!(
            run(&mut b, op::CDT_READ, 16, &[]).unwrap(),
            None,
            "missing bin"
        );
        assert_eq!(run(&mut b, op::CDT_MODIFY, 1, &[i(3)]).unwrap(), Some(i(1)));
        assert_eq!(
            run(&mut b, op::CDT_MODIFY, 2, &[Value::list(vec![i(1), i(2)])]).unwrap(),
            Some(i(3))
        );
        assert_eq!(
            run(&mut b, op::CDT_MODIFY, 3, &[i(0), i(9)]).unwrap(),
            Some(i(4))
        );
        assert_eq!(list(&b), vec![i(9), i(3), i(1), i(2)]);
        assert_eq!(run(&mut b, op::CDT_READ, 17, &[i(-1)]).unwrap(), Some(i(2)));
        assert_eq!(
            run(&mut b, op::CDT_READ, 17, &[i(7)]),
            Err(OpError(rc::OP_NOT_APPLICABLE))
        );
        assert_eq!(
            run(&mut b, op::CDT_READ, 18, &[i(1), i(2)]).unwrap(),
            Some(Value::list(vec![i(3), i(1)]))
        );
        assert_eq!(
            run(&mut b, op::CDT_READ, 18, &[i(-10), i(8)]).unwrap(),
            Some(Value::list(vec![i(9), i(3)]))
        );
        assert_eq!(
            run(&mut b, op::CDT_MODIFY, 12, &[i(1), i(10)]).unwrap(),
            Some(i(13))
        );
        assert_eq!(run(&mut b, op::CDT_MODIFY, 5, &[i(0)]).unwrap(), Some(i(9)));
        assert_eq!(run(&mut b, op::CDT_MODIFY, 13, &[i(0)]).unwrap(), None);
        assert_eq!(list(&b), vec![i(1), i(2), i(13)]);
        assert_eq!(
            run(&mut b, op::CDT_READ, 24, &[i(RT_VALUE), i(1)]).unwrap(),
            Some(Value::list(vec![i(2), i(13)]))
        );
        assert_eq!(
            run(&mut b, op::CDT_READ, 19, &[i(RT_REVERSE_INDEX), i(0)]).unwrap(),
            Some(i(2))
        );
        assert_eq!(run(&mut b, op::CDT_MODIFY, 9, &[i(5), i(7)]).unwrap(), None);
        assert_eq!(
            list(&b),
            vec![i(1), i(2), i(13), Value::Nil, Value::Nil, i(7)]
        );
        assert_eq!(
            run(&mut b, op::CDT_MODIFY, 35, &[i(RT_COUNT), Value::Nil]).unwrap(),
            Some(i(2))
        );
        assert_eq!(
            run(&mut b, op::CDT_MODIFY, 10, &[i(1), i(2)]).unwrap(),
            Some(i(2))
        );
        assert_eq!(list(&b), vec![i(2), i(13)]);
        assert_eq!(
            run(
                &mut b,
                op::CDT_MODIFY,
                1,
                &[i(2), i(0), i(WF_UNIQUE_OR_CREATE_ONLY)]
            ),
            Err(OpError(24))
        );
        assert_eq!(
            run(&mut b, op::CDT_MODIFY, 1, &[i(2), i(0), i(5)]).unwrap(),
            Some(i(2))
        );
        assert_eq!(run(&mut b, op::CDT_MODIFY, 11, &[]).unwrap(), None);
        assert_eq!(run(&mut b, op::CDT_READ, 16, &[]).unwrap(), Some(i(0)));
        assert_eq!(
            run(&mut b, op::CDT_READ, 1, &[i(1)]),
            Err(PARAM),
            "modify code in a read op"
        );
        assert_eq!(
            run(&mut b, op::CDT_READ, 21, &[i(1), i(0)]),
            Err(OpError(rc::OP_NOT_APPLICABLE))
        );
        assert_eq!(
            run(&mut b, op::CDT_READ, 28, &[i(1)]),
            Err(UNSUPPORTED),
            "no list op 28"
        );
        // relative rank and inverted selections
        run(
            &mut b,
            op::CDT_MODIFY,
            2,
            &[Value::list(vec![i(10), i(30), i(20), i(40)])],
        )
        .unwrap();
        assert_eq!(
            run(&mut b, op::CDT_READ, 27, &[i(RT_VALUE), i(25), i(-1), i(2)]).unwrap(),
            Some(Value::list(vec![i(20), i(30)])),
            "ranks from one below where 25 would sort"
        );
        assert_eq!(
            run(&mut b, op::CDT_READ, 19, &[i(RT_VALUE | 0x10000), i(0)]).unwrap(),
            Some(Value::list(vec![i(30), i(20), i(40)])),
            "everything but index 0"
        );
        assert_eq!(
            run(&mut b, op::CDT_MODIFY, 40, &[i(RT_COUNT), i(35), i(0)]).unwrap(),
            Some(i(1))
        );
        assert_eq!(list(&b), vec![i(10), i(30), i(20)]);
        let mut ctx = Vec::new();
        let mut p = Packer::new(&mut ctx);
        p.array_header(3);
        p.uint(0xff);
        p.array_header(0);
        p.array_header(1);
        p.int(16);
        assert_eq!(
            apply(&mut b, BinName::new(b"l").unwrap(), op::CDT_READ, &ctx),
            Err(PARAM),
            "empty context"
        );
    }

    fn with_ctx(ctx: Vec<Value>, op: Vec<Value>) -> Vec<u8> {
        Value::list(vec![Value::Int(0xff), Value::list(ctx), Value::list(op)]).to_msgpack()
    }

    #[test]
    fn nested_contexts() {
        let i = |v: i64| Value::Int(v);
        let s = |v: &str| Value::from(v);
        let inner = Value::map(vec![(s("a"), Value::list(vec![i(1), i(2)]))]);
        let (ptype, value) = Value::list(vec![inner, i(5)]).to_particle().unwrap();
        let name = BinName::new(b"l").unwrap();
        let mut b = vec![Bin { name, ptype, value }];
        let at_a = || vec![i(0x10), i(0), i(0x22), s("a")];
        let size = with_ctx(at_a(), vec![i(16)]);
        assert_eq!(
            apply(&mut b, name, op::CDT_READ, &size).unwrap(),
            Some(i(2))
        );
        let append = with_ctx(at_a(), vec![i(1), i(3)]);
        assert_eq!(
            apply(&mut b, name, op::CDT_MODIFY, &append).unwrap(),
            Some(i(3))
        );
        let expect = Value::list(vec![
            Value::map(vec![(s("a"), Value::list(vec![i(1), i(2), i(3)]))]),
            i(5),
        ]);
        assert_eq!(
            Value::from_particle(b[0].ptype, &b[0].value).unwrap(),
            expect
        );
        let missing = with_ctx(vec![i(0x10), i(0), i(0x22), s("zz")], vec![i(16)]);
        assert_eq!(
            apply(&mut b, name, op::CDT_READ, &missing),
            Err(OpError(rc::OP_NOT_APPLICABLE))
        );
        let create = with_ctx(
            vec![i(0x10), i(0), i(0x22 | 0x40), s("new")],
            vec![i(67), s("k"), i(1)],
        );
        assert_eq!(
            apply(&mut b, name, op::CDT_MODIFY, &create).unwrap(),
            Some(i(1))
        );
        let get = with_ctx(
            vec![i(0x10), i(0), i(0x22), s("new")],
            vec![i(97), i(RT_VALUE), s("k")],
        );
        assert_eq!(apply(&mut b, name, op::CDT_READ, &get).unwrap(), Some(i(1)));
        let wrong = with_ctx(vec![i(0x10), i(1), i(0x22), s("a")], vec![i(16)]);
        assert_eq!(
            apply(&mut b, name, op::CDT_READ, &wrong),
            Err(OpError(rc::BIN_TYPE_ERROR))
        );
        let map_root = with_ctx(vec![i(0x22), s("a")], vec![i(16)]);
        assert_eq!(
            apply(&mut b, name, op::CDT_READ, &map_root),
            Err(OpError(rc::BIN_TYPE_ERROR))
        );
    }

    #[test]
    fn ordered_list_append_sorts() {
        let mut b = Vec::new();
        let i = |v: i64| Value::Int(v);
        run(&mut b, op::CDT_MODIFY, 1, &[i(5), i(1)]).unwrap();
        run(&mut b, op::CDT_MODIFY, 2, &[Value::list(vec![i(9), i(1)])]).unwrap();
        assert_eq!(list(&b), vec![i(1), i(5), i(9)]);
        assert_eq!(
            run(&mut b, op::CDT_MODIFY, 3, &[i(0), i(0)]),
            Err(OpError(rc::OP_NOT_APPLICABLE))
        );
        let mut wrong = vec![Bin {
            name: BinName::new(b"l").unwrap(),
            ptype: 1,
            value: vec![0; 8],
        }];
        assert_eq!(
            run(&mut wrong, op::CDT_READ, 16, &[]),
            Err(OpError(rc::BIN_TYPE_ERROR))
        );
    }
}
