//! Selections shared by list and map ops: by index, rank, value, value interval,
//! value list, key, key interval and key list, with every return type. Index order is
//! storage order for lists and key order for maps (the server indexes unordered maps
//! by key too); rank order is value order, ties in index order.

use std::cmp::Ordering;

use aeropy_protocol::msgpack::{Value, MAP_KEY_ORDERED};
use aeropy_protocol::result_code as rc;

use crate::cdt::{
    index_of, range_of, Args, PARAM, RT_COUNT, RT_EXISTS, RT_INDEX, RT_KEY, RT_KEY_VALUE, RT_NONE,
    RT_ORDERED_MAP, RT_REVERSE_INDEX, RT_UNORDERED_MAP, RT_VALUE,
};
use crate::ops::OpError;

const RT_RANK: i64 = 3;
const RT_REVERSE_RANK: i64 = 4;

/// A read-only view of a list (no keys) or a map.
pub(crate) struct View<'a> {
    keys: Option<Vec<&'a Value>>,
    vals: Vec<&'a Value>,
    map_flags: u8,
    /// Storage indices in index order, and the inverse.
    by_index: Vec<usize>,
    index_pos: Vec<usize>,
    /// Storage indices in rank order, and the inverse.
    by_rank: Vec<usize>,
    rank_pos: Vec<usize>,
}

fn inverse(order: &[usize]) -> Vec<usize> {
    let mut inv = vec![0; order.len()];
    for (pos, i) in order.iter().enumerate() {
        if let Some(slot) = inv.get_mut(*i) {
            *slot = pos;
        }
    }
    inv
}

impl<'a> View<'a> {
    pub fn list(items: &'a [Value]) -> View<'a> {
        Self::build(None, items.iter().collect(), 0)
    }

    pub fn map(entries: &'a [(Value, Value)], flags: u8) -> View<'a> {
        Self::build(
            Some(entries.iter().map(|e| &e.0).collect()),
            entries.iter().map(|e| &e.1).collect(),
            flags,
        )
    }

    fn build(keys: Option<Vec<&'a Value>>, vals: Vec<&'a Value>, map_flags: u8) -> View<'a> {
        let n = vals.len();
        let mut by_index: Vec<usize> = (0..n).collect();
        if let Some(k) = &keys {
            by_index.sort_by(|a, b| k[*a].cmp(k[*b]));
        }
        let index_pos = inverse(&by_index);
        let mut by_rank: Vec<usize> = (0..n).collect();
        by_rank.sort_by(|a, b| {
            vals[*a]
                .cmp(vals[*b])
                .then(index_pos[*a].cmp(&index_pos[*b]))
        });
        let rank_pos = inverse(&by_rank);
        View {
            keys,
            vals,
            map_flags,
            by_index,
            index_pos,
            by_rank,
            rank_pos,
        }
    }

    fn len(&self) -> usize {
        self.vals.len()
    }

    /// Storage index of the element at index `i` (negative from the end).
    pub fn at_index(&self, i: i64) -> Option<usize> {
        index_of(i, self.len()).and_then(|p| self.by_index.get(p).copied())
    }

    /// Storage index of the element of rank `r` (negative from the end).
    pub fn at_rank(&self, r: i64) -> Option<usize> {
        index_of(r, self.len()).and_then(|p| self.by_rank.get(p).copied())
    }

    fn in_index_order(&self, mut sel: Vec<usize>) -> Vec<usize> {
        sel.sort_by_key(|i| self.index_pos[*i]);
        sel
    }
}

/// What an op selected: storage indices in result order, and whether the op names a
/// single element (scalar results).
pub(crate) struct Selection {
    pub indices: Vec<usize>,
    pub single: bool,
}

fn opt_count(a: &Args, i: usize) -> Result<Option<i64>, OpError> {
    a.get(i).map(|_| a.int(i)).transpose()
}

fn in_interval(v: &Value, begin: &Value, end: Option<&Value>) -> bool {
    // A nil end (or none) means "to the end"; INFINITY sorts above everything anyway.
    v.cmp(begin) != Ordering::Less && end.is_none_or(|e| matches!(e, Value::Nil) || v < e)
}

/// Runs the selector of `kind` with its arguments starting at `a[1]` (a[0] is the
/// return type, whose INVERTED bit complements the selection).
fn select(view: &View, kind: Kind, a: &Args) -> Result<Selection, OpError> {
    let n = view.len();
    let not_applicable = OpError(rc::OP_NOT_APPLICABLE);
    let all = |pred: &dyn Fn(usize) -> bool| -> Vec<usize> {
        view.in_index_order((0..n).filter(|i| pred(*i)).collect())
    };
    let (indices, single) = match kind {
        Kind::Index => (
            vec![view.by_index[index_of(a.int(1)?, n).ok_or(not_applicable)?]],
            true,
        ),
        Kind::IndexRange => {
            let (s, e) = range_of(a.int(1)?, opt_count(a, 2)?, n)?;
            (view.by_index[s..e].to_vec(), false)
        }
        Kind::Rank => (
            vec![view.by_rank[index_of(a.int(1)?, n).ok_or(not_applicable)?]],
            true,
        ),
        Kind::RankRange => {
            let (s, e) = range_of(a.int(1)?, opt_count(a, 2)?, n)?;
            (view.by_rank[s..e].to_vec(), false)
        }
        Kind::Value => {
            let v = a.value(1)?;
            (all(&|i| view.vals[i] == v), false)
        }
        Kind::ValueList => {
            let Value::List { items, .. } = a.value(1)? else {
                return Err(PARAM);
            };
            (all(&|i| items.contains(view.vals[i])), false)
        }
        Kind::ValueInterval => {
            let (b, e) = (a.value(1)?, a.get(2));
            (all(&|i| in_interval(view.vals[i], b, e)), false)
        }
        Kind::ValueRelRankRange => {
            let v = a.value(1)?;
            let base = view.vals.iter().filter(|x| **x < v).count();
            let (s, e) = relative_range(base, a.int(2)?, opt_count(a, 3)?, n)?;
            (view.by_rank[s..e].to_vec(), false)
        }
        Kind::KeyRelIndexRange => {
            let Some(keys) = &view.keys else {
                return Err(PARAM);
            };
            let k = a.value(1)?;
            let base = keys.iter().filter(|x| **x < k).count();
            let (s, e) = relative_range(base, a.int(2)?, opt_count(a, 3)?, n)?;
            (view.by_index[s..e].to_vec(), false)
        }
        Kind::Key | Kind::KeyList | Kind::KeyInterval => {
            let Some(keys) = &view.keys else {
                return Err(PARAM);
            };
            match kind {
                Kind::Key => {
                    let k = a.value(1)?;
                    (all(&|i| keys[i] == k), true)
                }
                Kind::KeyList => {
                    let Value::List { items, .. } = a.value(1)? else {
                        return Err(PARAM);
                    };
                    (all(&|i| items.contains(keys[i])), false)
                }
                _ => {
                    let (b, e) = (a.value(1)?, a.get(2));
                    (all(&|i| in_interval(keys[i], b, e)), false)
                }
            }
        }
    };
    // INVERTED (0x10000 in the return type) selects everything else, in index order.
    if a.int(0)? & 0x10000 != 0 {
        let chosen: std::collections::HashSet<usize> = indices.into_iter().collect();
        let rest = view.in_index_order((0..n).filter(|i| !chosen.contains(i)).collect());
        return Ok(Selection {
            indices: rest,
            single: false,
        });
    }
    Ok(Selection { indices, single })
}

/// Selection kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Index,
    IndexRange,
    Rank,
    RankRange,
    Value,
    ValueList,
    ValueInterval,
    Key,
    KeyList,
    KeyInterval,
    /// Ranks relative to where a value would sort.
    ValueRelRankRange,
    /// Indexes relative to where a key would sort (maps).
    KeyRelIndexRange,
}

/// `[start, end)` of a range whose start is relative to `base` (no from-the-end
/// meaning: a negative start eats into the count).
fn relative_range(
    base: usize,
    offset: i64,
    count: Option<i64>,
    n: usize,
) -> Result<(usize, usize), OpError> {
    let mut start = (base as i64).saturating_add(offset);
    let mut count = match count {
        Some(c) if c < 0 => return Err(PARAM),
        Some(c) => c,
        None => n as i64,
    };
    if start < 0 {
        count += start;
        start = 0;
    }
    let start = start.min(n as i64);
    let end = start.saturating_add(count.max(0)).min(n as i64);
    Ok((start as usize, end as usize))
}

/// Builds the op result for return type `rt`.
fn result(view: &View, sel: &Selection, rt: i64) -> Result<Option<Value>, OpError> {
    let n = view.len();
    let idx = &sel.indices;
    let one_or_list = |vals: Vec<Value>| -> Value {
        if sel.single {
            vals.into_iter().next().unwrap_or(Value::Nil)
        } else {
            Value::list(vals)
        }
    };
    let ints = |f: &dyn Fn(usize) -> usize| {
        one_or_list(idx.iter().map(|i| Value::Int(f(*i) as i64)).collect())
    };
    let pairs = || -> Result<Vec<(Value, Value)>, OpError> {
        let keys = view.keys.as_ref().ok_or(PARAM)?;
        Ok(idx
            .iter()
            .map(|i| (keys[*i].clone(), view.vals[*i].clone()))
            .collect())
    };
    Ok(match rt {
        RT_NONE => None,
        RT_INDEX => Some(ints(&|i| view.index_pos[i])),
        RT_REVERSE_INDEX => Some(ints(&|i| n - 1 - view.index_pos[i])),
        RT_RANK => Some(ints(&|i| view.rank_pos[i])),
        RT_REVERSE_RANK => Some(ints(&|i| n - 1 - view.rank_pos[i])),
        RT_COUNT => Some(Value::Int(idx.len() as i64)),
        RT_EXISTS => Some(Value::Bool(!idx.is_empty())),
        RT_VALUE => Some(one_or_list(
            idx.iter().map(|i| view.vals[*i].clone()).collect(),
        )),
        RT_KEY => {
            let keys = view.keys.as_ref().ok_or(PARAM)?;
            Some(one_or_list(idx.iter().map(|i| keys[*i].clone()).collect()))
        }
        RT_KEY_VALUE => Some(Value::Map {
            flags: view.map_flags & MAP_KEY_ORDERED,
            entries: pairs()?,
        }),
        RT_UNORDERED_MAP => Some(Value::Map {
            flags: 0,
            entries: pairs()?,
        }),
        RT_ORDERED_MAP => {
            let mut entries = pairs()?;
            entries.sort_by(|x, y| x.0.cmp(&y.0));
            Some(Value::Map {
                flags: MAP_KEY_ORDERED,
                entries,
            })
        }
        _ => return Err(crate::cdt::UNSUPPORTED),
    })
}

/// Runs a selection op (list or map) on `view`: its result for the return type in
/// argument 0 and, when the op `remove`s, the storage indices to pass to [`remove_all`].
pub(crate) fn select_op(
    view: &View,
    kind: Kind,
    remove: bool,
    a: &Args,
) -> Result<(Option<Value>, Vec<usize>), OpError> {
    let rt = a.return_type(0)?;
    let sel = select(view, kind, a)?;
    let doomed = if remove {
        removal_order(&sel)
    } else {
        Vec::new()
    };
    Ok((result(view, &sel, rt)?, doomed))
}

/// Removes the elements at `doomed` (as returned by [`select_op`]: highest first).
pub(crate) fn remove_all<T>(items: &mut Vec<T>, doomed: Vec<usize>) {
    for i in doomed {
        if i < items.len() {
            items.remove(i);
        }
    }
}

/// Storage indices to delete, highest first (so removal keeps the others valid).
fn removal_order(sel: &Selection) -> Vec<usize> {
    let mut v = sel.indices.clone();
    v.sort_unstable_by(|a, b| b.cmp(a));
    v.dedup();
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn i(v: i64) -> Value {
        Value::Int(v)
    }

    #[test]
    fn list_rank_and_intervals() {
        let items = vec![i(5), i(1), i(9), i(1)];
        let v = View::list(&items);
        let args = |x: Vec<Value>| Args(x);
        let s = select(&v, Kind::Rank, &args(vec![i(RT_VALUE), i(-1)])).unwrap();
        assert_eq!(result(&v, &s, RT_VALUE).unwrap(), Some(i(9)));
        let s = select(&v, Kind::RankRange, &args(vec![i(0), i(0), i(2)])).unwrap();
        assert_eq!(
            result(&v, &s, RT_INDEX).unwrap(),
            Some(Value::list(vec![i(1), i(3)]))
        );
        let s = select(&v, Kind::ValueInterval, &args(vec![i(0), i(1), i(6)])).unwrap();
        assert_eq!(
            result(&v, &s, RT_VALUE).unwrap(),
            Some(Value::list(vec![i(5), i(1), i(1)]))
        );
        assert_eq!(
            result(&v, &s, RT_RANK).unwrap(),
            Some(Value::list(vec![i(2), i(0), i(1)]))
        );
        let s = select(
            &v,
            Kind::ValueList,
            &args(vec![i(0), Value::list(vec![i(9), i(7)])]),
        )
        .unwrap();
        assert_eq!(removal_order(&s), vec![2]);
        assert!(select(&v, Kind::Key, &args(vec![i(0), i(1)])).is_err());
    }

    #[test]
    fn unordered_map_indexes_by_key() {
        let entries = vec![
            (Value::from("c"), i(1)),
            (Value::from("a"), i(3)),
            (Value::from("b"), i(2)),
        ];
        let v = View::map(&entries, 0);
        let args = |x: Vec<Value>| Args(x);
        let s = select(&v, Kind::Index, &args(vec![i(0), i(0)])).unwrap();
        assert_eq!(result(&v, &s, RT_KEY).unwrap(), Some(Value::from("a")));
        let s = select(&v, Kind::Rank, &args(vec![i(0), i(0)])).unwrap();
        assert_eq!(result(&v, &s, RT_KEY).unwrap(), Some(Value::from("c")));
        let s = select(
            &v,
            Kind::KeyInterval,
            &args(vec![i(0), Value::from("b"), Value::Nil]),
        )
        .unwrap();
        assert_eq!(
            result(&v, &s, RT_VALUE).unwrap(),
            Some(Value::list(vec![i(2), i(1)]))
        );
        let s = select(&v, Kind::IndexRange, &args(vec![i(0), i(1)])).unwrap();
        let r = result(&v, &s, RT_ORDERED_MAP).unwrap().unwrap();
        assert!(
            matches!(r, Value::Map { flags: 1, ref entries } if entries[0].0 == Value::from("b"))
        );
        assert_eq!(
            select(&v, Kind::Index, &args(vec![i(0), i(3)])).err(),
            Some(OpError(rc::OP_NOT_APPLICABLE))
        );
    }
}
