//! Filter expressions (field 43): comparisons, boolean logic, arithmetic, bin, key
//! and metadata reads, let/var/cond, regex, geo compare, and CDT / bit / HLL calls.
//! Unknown ops are refused with 16 rather than evaluated wrongly.

use aeropy_protocol::msgpack::Value;
use aeropy_protocol::{particle, result_code as rc};

use crate::ops::OpError;
use crate::store::{Bin, BinName, Now, Record};

/// Nesting limit for hostile input.
const MAX_DEPTH: usize = 64;

/// A parsed expression, ready to be evaluated against records.
pub(crate) struct Filter(Value);

impl Filter {
    /// Parses the packed expression; `Err` carries the result code (4 malformed).
    pub fn parse(bytes: &[u8]) -> Result<Filter, u8> {
        Value::from_msgpack(bytes)
            .map(Filter)
            .map_err(|_| rc::PARAMETER_ERROR)
    }

    /// Whether `r` passes: `Ok(false)` for false or unknown (missing bins, type
    /// mismatches), `Err(code)` for expressions we refuse (16) or malformed ones (4).
    pub fn matches(&self, r: &Record, now: &Now) -> Result<bool, u8> {
        Ok(matches!(
            eval(&self.0, r, now, &Env::default(), 0)?,
            Some(Value::Bool(true))
        ))
    }
}

/// Evaluates an expression value (EXP_READ / EXP_MODIFY ops); `None` = unknown.
pub(crate) fn evaluate(e: &Value, r: &Record, now: &Now) -> Eval {
    eval(e, r, now, &Env::default(), 0)
}

const EXP_CREATE_ONLY: i64 = 1;
const EXP_UPDATE_ONLY: i64 = 2;
const EXP_ALLOW_DELETE: i64 = 4;
const EXP_POLICY_NO_FAIL: i64 = 8;
const EXP_EVAL_NO_FAIL: i64 = 16;

/// Splits an EXP op value `[expression, flags]`.
fn exp_op(value: &[u8]) -> Result<(Value, i64), OpError> {
    match Value::from_msgpack(value) {
        Ok(Value::List { mut items, .. }) if !items.is_empty() => {
            let flags = match items.get(1) {
                Some(Value::Int(f)) => *f,
                _ => 0,
            };
            items.truncate(1);
            Ok((items.pop().unwrap_or(Value::Nil), flags))
        }
        _ => Err(OpError(rc::PARAMETER_ERROR)),
    }
}

/// EXP_READ: the expression's value (nil for unknown with eval-no-fail).
pub(crate) fn exp_read(value: &[u8], r: &Record, now: &Now) -> Result<Value, OpError> {
    let (e, flags) = exp_op(value)?;
    match evaluate(&e, r, now).map_err(OpError)? {
        Some(v) => Ok(v),
        None if flags & EXP_EVAL_NO_FAIL != 0 => Ok(Value::Nil),
        None => Err(OpError(rc::OP_NOT_APPLICABLE)),
    }
}

/// EXP_MODIFY: writes the expression's value to bin `name`, honouring the flags.
pub(crate) fn exp_modify(
    bins: &mut Vec<Bin>,
    name: BinName,
    value: &[u8],
    r: &Record,
    now: &Now,
) -> Result<(), OpError> {
    let (e, flags) = exp_op(value)?;
    let soft = |code: u8| {
        if flags & EXP_POLICY_NO_FAIL != 0 {
            Ok(())
        } else {
            Err(OpError(code))
        }
    };
    let v = match evaluate(&e, r, now).map_err(OpError)? {
        Some(v) => v,
        None if flags & EXP_EVAL_NO_FAIL != 0 => return Ok(()),
        None => return Err(OpError(rc::OP_NOT_APPLICABLE)),
    };
    let pos = bins.iter().position(|b| b.name == name);
    if matches!(v, Value::Nil) {
        return match (flags & EXP_ALLOW_DELETE != 0, pos) {
            (true, Some(i)) => {
                bins.remove(i);
                Ok(())
            }
            (true, None) => Ok(()),
            (false, _) => soft(rc::OP_NOT_APPLICABLE),
        };
    }
    match pos {
        Some(_) if flags & EXP_CREATE_ONLY != 0 => return soft(rc::BIN_EXISTS),
        None if flags & EXP_UPDATE_ONLY != 0 => return soft(rc::BIN_NOT_FOUND),
        _ => {}
    }
    let mut bytes = Vec::new();
    let ptype = v
        .write_particle(&mut bytes)
        .map_err(|_| OpError(rc::OP_NOT_APPLICABLE))?;
    match pos {
        Some(i) => {
            bins[i].ptype = ptype;
            bins[i].value = bytes;
        }
        None => bins.push(Bin {
            name,
            ptype,
            value: bytes,
        }),
    }
    Ok(())
}

/// Variables bound by LET, innermost last.
#[derive(Default, Clone)]
struct Env(Vec<(Vec<u8>, Option<Value>)>);

/// `None` = unknown (e.g. the bin does not exist or has another type).
type Eval = Result<Option<Value>, u8>;

fn raw_name(v: &Value) -> Result<Vec<u8>, u8> {
    // Names are packed as msgpack str without the particle prefix; the generic decoder
    // took their first byte for a particle type, so put it back.
    let (p, rest): (u8, &[u8]) = match v {
        Value::String(s) => (particle::STRING, s.as_bytes()),
        Value::Blob { ptype, bytes } => (*ptype, bytes),
        Value::GeoJson(s) => (particle::GEOJSON, s.as_bytes()),
        Value::Hll(b) => (particle::HLL, b),
        _ => return Err(rc::PARAMETER_ERROR),
    };
    let mut n = vec![p];
    n.extend_from_slice(rest);
    Ok(n)
}

/// Expression value types (`exp_type`) against stored particle types.
fn type_matches(exp_type: i64, ptype: u8) -> bool {
    match exp_type {
        1 => ptype == particle::BOOL,
        2 => ptype == particle::INTEGER,
        3 => ptype == particle::STRING,
        4 => ptype == particle::LIST,
        5 => ptype == particle::MAP,
        6 => particle::is_blob(ptype),
        7 => ptype == particle::FLOAT,
        8 => ptype == particle::GEOJSON,
        9 => ptype == particle::HLL,
        _ => false,
    }
}

fn kind(v: &Value) -> u8 {
    match v {
        Value::Nil => 0,
        Value::Bool(_) => 1,
        Value::Int(_) | Value::UInt(_) => 2,
        Value::String(_) => 3,
        Value::List { .. } => 4,
        Value::Map { .. } => 5,
        Value::Blob { .. } => 6,
        Value::Float(_) => 7,
        Value::GeoJson(_) => 8,
        Value::Hll(_) => 9,
        _ => 10,
    }
}

fn int(v: &Value) -> Result<i64, u8> {
    match v {
        Value::Int(i) => Ok(*i),
        _ => Err(rc::PARAMETER_ERROR),
    }
}

fn eval(e: &Value, r: &Record, now: &Now, env: &Env, depth: usize) -> Eval {
    if depth > MAX_DEPTH {
        return Err(rc::PARAMETER_ERROR);
    }
    let items = match e {
        Value::List { items, .. } => items,
        literal => return Ok(Some(literal.clone())),
    };
    let (code, args) = match items.split_first() {
        Some((Value::Int(c), rest)) => (*c, rest),
        _ => return Err(rc::PARAMETER_ERROR),
    };
    let arg = |i: usize| args.get(i).ok_or(rc::PARAMETER_ERROR);
    let sub = |i: usize| -> Eval { eval(arg(i)?, r, now, env, depth + 1) };
    match code {
        1..=6 => {
            let (Some(a), Some(b)) = (sub(0)?, sub(1)?) else {
                return Ok(None);
            };
            if kind(&a) != kind(&b) {
                return Err(rc::PARAMETER_ERROR);
            }
            let o = a.cmp(&b);
            let t = match code {
                1 => o.is_eq(),
                2 => o.is_ne(),
                3 => o.is_gt(),
                4 => o.is_ge(),
                5 => o.is_lt(),
                _ => o.is_le(),
            };
            Ok(Some(Value::Bool(t)))
        }
        7 => {
            // REGEX [7, flags, raw pattern, string exp]: POSIX-style flags mapped onto
            // the regex crate (ICASE 2, NEWLINE 8; EXTENDED/NOSUB change nothing here).
            let flags = int(arg(0)?)?;
            let pattern = String::from_utf8(raw_name(arg(1)?)?).map_err(|_| rc::PARAMETER_ERROR)?;
            let Some(Value::String(text)) = sub(2)? else {
                return Ok(None);
            };
            let re = regex::RegexBuilder::new(&pattern)
                .case_insensitive(flags & 2 != 0)
                .multi_line(flags & 8 != 0)
                .size_limit(1 << 20)
                .build()
                .map_err(|_| rc::PARAMETER_ERROR)?;
            Ok(Some(Value::Bool(re.is_match(&text))))
        }
        8 => {
            // GEO compare: a point inside a region, either way round.
            let (Some(a), Some(b)) = (sub(0)?, sub(1)?) else {
                return Ok(None);
            };
            let shape = |v: &Value| match v {
                Value::GeoJson(t) => crate::geo::parse(t).ok_or(rc::GEO_INVALID_GEOJSON),
                _ => Err(rc::PARAMETER_ERROR),
            };
            Ok(Some(Value::Bool(crate::geo::relate(
                &shape(&a)?,
                &shape(&b)?,
            ))))
        }
        16 | 17 => {
            // AND / OR with three-valued logic: a decisive operand wins over unknowns.
            let decisive = code == 17;
            let mut unknown = false;
            for i in 0..args.len() {
                match sub(i)? {
                    Some(Value::Bool(b)) if b == decisive => {
                        return Ok(Some(Value::Bool(decisive)))
                    }
                    Some(Value::Bool(_)) => {}
                    None => unknown = true,
                    Some(_) => return Err(rc::PARAMETER_ERROR),
                }
            }
            Ok((!unknown).then_some(Value::Bool(!decisive)))
        }
        18 => match sub(0)? {
            Some(Value::Bool(b)) => Ok(Some(Value::Bool(!b))),
            None => Ok(None),
            Some(_) => Err(rc::PARAMETER_ERROR),
        },
        19 => {
            let mut acc = false;
            for i in 0..args.len() {
                match sub(i)? {
                    Some(Value::Bool(b)) => acc ^= b,
                    None => return Ok(None),
                    Some(_) => return Err(rc::PARAMETER_ERROR),
                }
            }
            Ok(Some(Value::Bool(acc)))
        }
        20..=31 | 32..=38 | 50 | 51 => {
            let mut vals = Vec::with_capacity(args.len());
            for i in 0..args.len() {
                match sub(i)? {
                    Some(v) => vals.push(v),
                    None => return Ok(None),
                }
            }
            arith(code, &vals)
        }
        66 => Ok(Some(Value::Int(r.lut_nanos as i64))),
        67 => Ok(Some(Value::Int(
            (now.nanos.saturating_sub(r.lut_nanos) / 1_000_000) as i64,
        ))),
        68 => Ok(Some(Value::Int(if r.void_time == 0 {
            -1
        } else {
            ((u64::from(r.void_time) + crate::store::CITRUSLEAF_EPOCH) * 1_000_000_000) as i64
        }))),
        69 => Ok(Some(Value::Int(if r.void_time == 0 {
            -1
        } else {
            i64::from(r.void_time.saturating_sub(now.secs))
        }))),
        70 => Ok(Some(Value::String(
            String::from_utf8_lossy(&r.set).into_owned(),
        ))),
        71 => Ok(Some(Value::Bool(r.key.is_some()))),
        72 => Ok(Some(Value::Bool(false))),
        65 | 73 | 74 => Ok(Some(Value::Int(r.size() as i64))),
        80 => {
            let t = int(arg(0)?)?;
            let Some(k) = &r.key else { return Ok(None) };
            let Some((p, bytes)) = k.split_first() else {
                return Ok(None);
            };
            if !type_matches(t, *p) {
                return Ok(None);
            }
            Ok(Value::from_particle(*p, bytes).ok())
        }
        81 => {
            let t = int(arg(0)?)?;
            let name = raw_name(arg(1)?)?;
            let Some(b) = r.bins.iter().find(|b| b.name.as_bytes() == name.as_slice()) else {
                return Ok(None);
            };
            if !type_matches(t, b.ptype) {
                return Ok(None);
            }
            Ok(Value::from_particle(b.ptype, &b.value).ok())
        }
        82 => {
            let name = raw_name(arg(0)?)?;
            let t = r
                .bins
                .iter()
                .find(|b| b.name.as_bytes() == name.as_slice())
                .map_or(0, |b| b.ptype);
            Ok(Some(Value::Int(i64::from(t))))
        }
        126 => Ok(Some(arg(0)?.clone())),
        123 => {
            // COND: condition/value pairs, then the default.
            if args.len() % 2 == 0 {
                return Err(rc::PARAMETER_ERROR);
            }
            for i in (0..args.len() - 1).step_by(2) {
                match sub(i)? {
                    Some(Value::Bool(true)) => return sub(i + 1),
                    Some(Value::Bool(false)) => {}
                    None => return Ok(None),
                    Some(_) => return Err(rc::PARAMETER_ERROR),
                }
            }
            sub(args.len() - 1)
        }
        124 => {
            let name = raw_name(arg(0)?)?;
            let bound = env
                .0
                .iter()
                .rev()
                .find(|(n, _)| *n == name)
                .ok_or(rc::PARAMETER_ERROR)?;
            Ok(bound.1.clone())
        }
        125 => {
            // LET: name/expression pairs, each visible to the next, then the scope.
            if args.len() % 2 == 0 {
                return Err(rc::PARAMETER_ERROR);
            }
            let mut inner = env.clone();
            for i in (0..args.len() - 1).step_by(2) {
                let v = eval(arg(i + 1)?, r, now, &inner, depth + 1)?;
                inner.0.push((raw_name(arg(i)?)?, v));
            }
            eval(arg(args.len() - 1)?, r, now, &inner, depth + 1)
        }
        127 => call(args, r, now, env, depth),
        _ => Err(rc::UNSUPPORTED_FEATURE),
    }
}

/// CALL `[127, type, module, op, bin-exp]`: a CDT read (module 0) or modify (0x40)
/// applied to the value of `bin-exp`; bit and HLL modules answer 16.
fn call(args: &[Value], r: &Record, now: &Now, env: &Env, depth: usize) -> Eval {
    let (Some(Value::Int(module)), Some(op), Some(bin_exp)) =
        (args.get(1), args.get(2), args.get(3))
    else {
        return Err(rc::PARAMETER_ERROR);
    };
    // Module 0 = list/map, 1 = bits, 2 = HLL; 0x40 = modify.
    let module_base = module & !0x40;
    if !(0..=2).contains(&module_base) {
        return Err(rc::UNSUPPORTED_FEATURE);
    }
    let Some(collection) = eval(bin_exp, r, now, env, depth + 1)? else {
        return Ok(None);
    };
    let Ok((ptype, bytes)) = collection.to_particle() else {
        return Ok(None);
    };
    let fits = match module_base {
        0 => ptype == particle::LIST || ptype == particle::MAP,
        1 => particle::is_blob(ptype),
        _ => ptype == particle::HLL,
    };
    if !fits {
        return Ok(None);
    }
    let name = crate::store::BinName::new(b"x").ok_or(rc::SERVER_ERROR)?;
    let mut bins = vec![crate::store::Bin {
        name,
        ptype,
        value: bytes,
    }];
    let modify = module & 0x40 != 0;
    use aeropy_protocol::msg::op;
    let encoded = op.to_msgpack();
    let result = match (module_base, modify) {
        (0, false) => crate::cdt::apply(&mut bins, name, op::CDT_READ, &encoded),
        (0, true) => crate::cdt::apply(&mut bins, name, op::CDT_MODIFY, &encoded),
        (1, false) => crate::bits::apply(&mut bins, name, op::BITS_READ, &encoded),
        (1, true) => crate::bits::apply(&mut bins, name, op::BITS_MODIFY, &encoded),
        (_, false) => crate::hll::apply(&mut bins, name, op::HLL_READ, &encoded),
        (_, true) => crate::hll::apply(&mut bins, name, op::HLL_MODIFY, &encoded),
    }
    .map_err(|e| e.0)?;
    if modify {
        // A modify call yields the modified collection.
        return Ok(bins
            .first()
            .and_then(|b| Value::from_particle(b.ptype, &b.value).ok()));
    }
    Ok(result)
}

fn arith(code: i64, vals: &[Value]) -> Eval {
    let ints: Option<Vec<i64>> = vals
        .iter()
        .map(|v| {
            if let Value::Int(i) = v {
                Some(*i)
            } else {
                None
            }
        })
        .collect();
    let floats: Option<Vec<f64>> = vals
        .iter()
        .map(|v| {
            if let Value::Float(f) = v {
                Some(*f)
            } else {
                None
            }
        })
        .collect();
    if vals.is_empty() {
        return Err(rc::PARAMETER_ERROR);
    }
    let v = match (code, ints, floats) {
        (20, Some(i), _) => Value::Int(i.iter().fold(0i64, |a, b| a.wrapping_add(*b))),
        (20, _, Some(f)) => Value::Float(f.iter().sum()),
        (21, Some(i), _) if i.len() == 1 => Value::Int(i[0].wrapping_neg()),
        (21, Some(i), _) => Value::Int(i[1..].iter().fold(i[0], |a, b| a.wrapping_sub(*b))),
        (21, _, Some(f)) if f.len() == 1 => Value::Float(-f[0]),
        (21, _, Some(f)) => Value::Float(f[1..].iter().fold(f[0], |a, b| a - b)),
        (22, Some(i), _) => Value::Int(i.iter().fold(1i64, |a, b| a.wrapping_mul(*b))),
        (22, _, Some(f)) => Value::Float(f.iter().product()),
        (23, Some(i), _) => {
            let mut acc = i[0];
            for d in &i[1..] {
                if *d == 0 {
                    return Ok(None);
                }
                acc = acc.wrapping_div(*d);
            }
            Value::Int(acc)
        }
        (23, _, Some(f)) => Value::Float(f[1..].iter().fold(f[0], |a, b| a / b)),
        (24, _, Some(f)) if f.len() == 2 => Value::Float(f[0].powf(f[1])),
        (25, _, Some(f)) if f.len() == 2 => Value::Float(f[0].log(f[1])),
        (26, Some(i), _) if i.len() == 2 => match i[0].checked_rem(i[1]) {
            Some(m) => Value::Int(m),
            None => return Ok(None),
        },
        (27, Some(i), _) if i.len() == 1 => Value::Int(i[0].wrapping_abs()),
        (27, _, Some(f)) if f.len() == 1 => Value::Float(f[0].abs()),
        (28, _, Some(f)) if f.len() == 1 => Value::Float(f[0].floor()),
        (29, _, Some(f)) if f.len() == 1 => Value::Float(f[0].ceil()),
        (30, _, Some(f)) if f.len() == 1 => Value::Int(f[0] as i64),
        (31, Some(i), _) if i.len() == 1 => Value::Float(i[0] as f64),
        (32, Some(i), _) => Value::Int(i.iter().fold(-1i64, |a, b| a & b)),
        (33, Some(i), _) => Value::Int(i.iter().fold(0i64, |a, b| a | b)),
        (34, Some(i), _) => Value::Int(i.iter().fold(0i64, |a, b| a ^ b)),
        (35, Some(i), _) if i.len() == 1 => Value::Int(!i[0]),
        (36, Some(i), _) if i.len() == 2 => Value::Int(i[0].wrapping_shl(i[1] as u32)),
        (37, Some(i), _) if i.len() == 2 => {
            Value::Int(((i[0] as u64).wrapping_shr(i[1] as u32)) as i64)
        }
        (38, Some(i), _) if i.len() == 2 => Value::Int(i[0].wrapping_shr(i[1] as u32)),
        (50, _, _) => vals.iter().min().cloned().unwrap_or(Value::Nil),
        (51, _, _) => vals.iter().max().cloned().unwrap_or(Value::Nil),
        // Mixed or non-numeric operands: the real server refuses such an expression.
        _ => return Err(rc::PARAMETER_ERROR),
    };
    Ok(Some(v))
}

#[cfg(test)]
mod tests {
    use super::*;
    use aeropy_protocol::msgpack::Packer;

    fn rec() -> Record {
        let bin = |n: &str, t: u8, v: Vec<u8>| Bin {
            name: BinName::new(n.as_bytes()).unwrap(),
            ptype: t,
            value: v,
        };
        Record {
            set: Box::from(&b"demo"[..]),
            key: Some(Box::from(&b"\x03k1"[..])),
            generation: 1,
            void_time: 0,
            lut_nanos: 5,
            bins: vec![
                bin("age", 1, 30i64.to_be_bytes().to_vec()),
                bin("name", 3, b"bob".to_vec()),
            ],
        }
    }

    fn bin_exp(p: &mut Packer, t: i64, name: &str) {
        p.array_header(3);
        p.int(81);
        p.int(t);
        p.raw_str(name.as_bytes());
    }

    fn cmp(op: i64, t: i64, name: &str, lit: impl FnOnce(&mut Packer)) -> Vec<u8> {
        let mut v = Vec::new();
        let mut p = Packer::new(&mut v);
        p.array_header(3);
        p.int(op);
        bin_exp(&mut p, t, name);
        lit(&mut p);
        v
    }

    fn check(bytes: &[u8]) -> Result<bool, u8> {
        Filter::parse(bytes)?.matches(&rec(), &Now::get())
    }

    #[test]
    fn comparisons_and_logic() {
        assert_eq!(check(&cmp(3, 2, "age", |p| p.int(18))), Ok(true));
        assert_eq!(check(&cmp(5, 2, "age", |p| p.int(18))), Ok(false));
        assert_eq!(check(&cmp(1, 3, "name", |p| p.string("bob"))), Ok(true));
        assert_eq!(
            check(&cmp(1, 2, "missing", |p| p.int(1))),
            Ok(false),
            "unknown filters out"
        );
        assert_eq!(
            check(&cmp(1, 3, "age", |p| p.string("x"))),
            Ok(false),
            "bin of another type: unknown"
        );
        assert_eq!(
            check(&cmp(1, 2, "age", |p| p.string("x"))),
            Err(rc::PARAMETER_ERROR)
        );
        // NOT(age < 18) OR unknown
        let mut v = Vec::new();
        let mut p = Packer::new(&mut v);
        p.array_header(3);
        p.int(17);
        p.array_header(2);
        p.int(18);
        p.buffer()
            .extend_from_slice(&cmp(5, 2, "age", |p| p.int(18)));
        p.buffer()
            .extend_from_slice(&cmp(1, 2, "missing", |p| p.int(1)));
        assert_eq!(check(&v), Ok(true));
        // metadata and arithmetic: set name, key exists, age + 5 == 35
        let mut v = Vec::new();
        let mut p = Packer::new(&mut v);
        p.array_header(4);
        p.int(16);
        p.array_header(3);
        p.int(1);
        p.array_header(1);
        p.int(70);
        p.string("demo");
        p.array_header(1);
        p.int(71);
        p.array_header(3);
        p.int(1);
        p.array_header(3);
        p.int(20);
        bin_exp(&mut p, 2, "age");
        p.int(5);
        p.int(35);
        assert_eq!(check(&v), Ok(true));
        // regex: "b.*" matches "bob"
        let mut v = Vec::new();
        let mut p = Packer::new(&mut v);
        p.array_header(4);
        p.int(7);
        p.int(0);
        p.raw_str(b"b.*");
        bin_exp(&mut p, 3, "name");
        assert_eq!(check(&v), Ok(true));
        let mut v = Vec::new();
        let mut p = Packer::new(&mut v);
        p.array_header(4);
        p.int(7);
        p.int(2);
        p.raw_str(b"^BOB$");
        bin_exp(&mut p, 3, "name");
        assert_eq!(check(&v), Ok(true), "case-insensitive flag");
        assert_eq!(check(&[0xc1]), Err(rc::PARAMETER_ERROR));
        assert_eq!(check(&[0x91; 200]), Err(rc::PARAMETER_ERROR));
    }

    #[test]
    fn let_cond_call_and_exp_ops() {
        let i = Value::Int;
        let raw = |n: &str| Value::Blob {
            ptype: n.as_bytes()[0],
            bytes: n.as_bytes()[1..].to_vec(),
        };
        let bin = |t: i64, n: &str| Value::list(vec![i(81), i(t), raw(n)]);
        let r = rec();
        let now = Now::get();
        // let x = age * 2 in (cond x > 50 -> "big", default "small")
        let e = Value::list(vec![
            i(125),
            raw("x"),
            Value::list(vec![i(22), bin(2, "age"), i(2)]),
            Value::list(vec![
                i(123),
                Value::list(vec![i(3), Value::list(vec![i(124), raw("x")]), i(50)]),
                Value::from("big"),
                Value::from("small"),
            ]),
        ]);
        assert_eq!(evaluate(&e, &r, &now), Ok(Some(Value::from("big"))));
        // CDT call on a bin that is not a collection: unknown
        let size = Value::list(vec![
            i(127),
            i(2),
            i(0),
            Value::list(vec![i(16)]),
            bin(2, "age"),
        ]);
        assert_eq!(evaluate(&size, &r, &now), Ok(None));
        // unknown call module: refused
        let hll = Value::list(vec![
            i(127),
            i(2),
            i(3),
            Value::list(vec![i(50)]),
            bin(6, "b"),
        ]);
        assert_eq!(evaluate(&hll, &r, &now), Err(rc::UNSUPPORTED_FEATURE));
        // exp ops
        let read =
            Value::list(vec![Value::list(vec![i(20), bin(2, "age"), i(1)]), i(0)]).to_msgpack();
        assert_eq!(exp_read(&read, &r, &now), Ok(i(31)));
        let unknown = Value::list(vec![bin(2, "zz"), i(0)]).to_msgpack();
        assert_eq!(
            exp_read(&unknown, &r, &now),
            Err(OpError(rc::OP_NOT_APPLICABLE))
        );
        let no_fail = Value::list(vec![bin(2, "zz"), i(EXP_EVAL_NO_FAIL)]).to_msgpack();
        assert_eq!(exp_read(&no_fail, &r, &now), Ok(Value::Nil));
        let mut bins = r.bins.clone();
        let name = BinName::new(b"age").unwrap();
        let create_only = Value::list(vec![i(1), i(EXP_CREATE_ONLY)]).to_msgpack();
        assert_eq!(
            exp_modify(&mut bins, name, &create_only, &r, &now),
            Err(OpError(rc::BIN_EXISTS))
        );
        let set = Value::list(vec![i(7), i(0)]).to_msgpack();
        exp_modify(&mut bins, name, &set, &r, &now).unwrap();
        assert_eq!(bins[0].value, 7i64.to_be_bytes());
        let delete = Value::list(vec![Value::Nil, i(EXP_ALLOW_DELETE)]).to_msgpack();
        exp_modify(&mut bins, name, &delete, &r, &now).unwrap();
        assert_eq!(bins.len(), 1);
    }
}
