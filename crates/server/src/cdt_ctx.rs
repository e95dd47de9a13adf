//! CDT contexts: `[0xff, [ctx_type, ctx_value, ...], [op...]]` locates a nested list or
//! map element the op applies to. Create flags make modify ops create a missing map
//! key or the list element just past the end; expression contexts answer 16.

use aeropy_protocol::msgpack::{Value, LIST_ORDERED, MAP_KEY_ORDERED, MAP_KEY_VALUE_ORDERED};
use aeropy_protocol::result_code as rc;

use crate::cdt::{pad_with_nils, PARAM, UNSUPPORTED};
use crate::cdt_select::View;
use crate::ops::OpError;

const LIST_INDEX: i64 = 0x10;
const LIST_RANK: i64 = 0x11;
const LIST_VALUE: i64 = 0x13;
const MAP_INDEX: i64 = 0x20;
const MAP_RANK: i64 = 0x21;
const MAP_KEY: i64 = 0x22;
const MAP_VALUE: i64 = 0x23;
const CREATE_MASK: i64 = 0xc0;

const NOT_FOUND: OpError = OpError(rc::OP_NOT_APPLICABLE);
const WRONG_TYPE: OpError = OpError(rc::BIN_TYPE_ERROR);

/// Whether the first context element addresses a list (else a map).
pub(crate) fn root_is_list(ctx: &[Value]) -> Result<bool, OpError> {
    match ctx.first() {
        Some(Value::Int(t)) => Ok(t & 0x30 == 0x10),
        _ => Err(PARAM),
    }
}

fn new_map(create: i64) -> Value {
    let flags = match create {
        0x80 => MAP_KEY_ORDERED,
        0xc0 => MAP_KEY_VALUE_ORDERED,
        _ => 0,
    };
    Value::Map {
        flags,
        entries: Vec::new(),
    }
}

fn new_list(create: i64) -> Value {
    Value::List {
        flags: if create == 0xc0 { LIST_ORDERED } else { 0 },
        items: Vec::new(),
    }
}

/// Follows `ctx` (pairs of type and value) from `root`; `modify` allows create flags.
pub(crate) fn navigate<'v>(
    root: &'v mut Value,
    ctx: &[Value],
    modify: bool,
) -> Result<&'v mut Value, OpError> {
    if ctx.is_empty() || ctx.len() % 2 != 0 {
        return Err(PARAM);
    }
    let mut cur = root;
    for pair in ctx.chunks_exact(2) {
        let Value::Int(t) = pair[0] else {
            return Err(PARAM);
        };
        let key = &pair[1];
        let create = if modify { t & CREATE_MASK } else { 0 };
        let kind = t & 0x3f;
        cur = match (kind, cur) {
            (LIST_INDEX | LIST_RANK | LIST_VALUE, Value::List { items, .. }) => {
                let found = {
                    let view = View::list(items);
                    match (kind, key) {
                        (LIST_INDEX, Value::Int(i)) => view.at_index(*i),
                        (LIST_RANK, Value::Int(r)) => view.at_rank(*r),
                        (LIST_VALUE, v) => items.iter().position(|x| x == v),
                        _ => return Err(PARAM),
                    }
                };
                let i = match (found, kind, key) {
                    (Some(i), _, _) => i,
                    // Create: only the element just past the end (padding with nils
                    // when the unbounded flag 0x80 is set).
                    (None, LIST_INDEX, Value::Int(i)) if create != 0 && *i >= 0 => {
                        let at = *i as usize;
                        if at > items.len() && create != 0x80 {
                            return Err(NOT_FOUND);
                        }
                        pad_with_nils(items, at)?;
                        items.push(new_list(create));
                        at
                    }
                    _ => return Err(NOT_FOUND),
                };
                items.get_mut(i).ok_or(NOT_FOUND)?
            }
            (MAP_INDEX | MAP_RANK | MAP_KEY | MAP_VALUE, Value::Map { flags, entries }) => {
                let found = {
                    let view = View::map(entries, *flags);
                    match (kind, key) {
                        (MAP_INDEX, Value::Int(i)) => view.at_index(*i),
                        (MAP_RANK, Value::Int(r)) => view.at_rank(*r),
                        (MAP_KEY, k) => entries.iter().position(|(ek, _)| ek == k),
                        (MAP_VALUE, v) => entries.iter().position(|(_, ev)| ev == v),
                        _ => return Err(PARAM),
                    }
                };
                let i = match found {
                    Some(i) => i,
                    None if kind == MAP_KEY && create != 0 => {
                        let at = if *flags & MAP_KEY_ORDERED != 0 {
                            entries.partition_point(|(ek, _)| ek < key)
                        } else {
                            entries.len()
                        };
                        entries.insert(at, (key.clone(), new_map(create)));
                        at
                    }
                    None => return Err(NOT_FOUND),
                };
                &mut entries.get_mut(i).ok_or(NOT_FOUND)?.1
            }
            (0x04, _) => return Err(UNSUPPORTED),
            (
                LIST_INDEX | LIST_RANK | LIST_VALUE | MAP_INDEX | MAP_RANK | MAP_KEY | MAP_VALUE,
                _,
            ) => return Err(WRONG_TYPE),
            _ => return Err(PARAM),
        };
    }
    Ok(cur)
}
