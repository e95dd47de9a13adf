//! HyperLogLog bins (ops 15 read / 16 modify). The real server's byte layout is
//! internal, so ours is self-consistent rather than identical: `[index_bits,
//! minhash_bits, registers…]` with 2^index_bits one-byte registers. Counts are the
//! usual HLL estimates (linear counting for small sets); intersections use
//! inclusion-exclusion over unions.

use aeropy_protocol::digest::compute_digest;
use aeropy_protocol::msg::op;
use aeropy_protocol::msgpack::Value;
use aeropy_protocol::{particle, result_code as rc};

use crate::cdt::{code_and_args, Args, OpResult, PARAM, UNSUPPORTED};
use crate::ops::OpError;
use crate::store::{store_bytes, Bin, BinName};

const CREATE_ONLY: i64 = 1;
const UPDATE_ONLY: i64 = 2;
const NO_FAIL: i64 = 4;
const ALLOW_FOLD: i64 = 8;

/// A decoded HLL.
#[derive(Debug, Clone, PartialEq)]
struct Hll {
    index_bits: u8,
    minhash_bits: u8,
    regs: Vec<u8>,
}

impl Hll {
    fn new(index_bits: i64, minhash_bits: i64) -> Result<Hll, OpError> {
        let mh = if minhash_bits < 0 { 0 } else { minhash_bits };
        if !(4..=16).contains(&index_bits)
            || !(mh == 0 || (4..=51).contains(&mh))
            || index_bits + mh > 64
        {
            return Err(PARAM);
        }
        Ok(Hll {
            index_bits: index_bits as u8,
            minhash_bits: mh as u8,
            regs: vec![0; 1 << index_bits],
        })
    }

    fn decode(b: &[u8]) -> Result<Hll, OpError> {
        let (&ib, rest) = b.split_first().ok_or(PARAM)?;
        let (&mh, regs) = rest.split_first().ok_or(PARAM)?;
        if !(4..=16).contains(&ib) || regs.len() != 1 << ib {
            return Err(PARAM);
        }
        Ok(Hll {
            index_bits: ib,
            minhash_bits: mh,
            regs: regs.to_vec(),
        })
    }

    fn encode(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(2 + self.regs.len());
        v.push(self.index_bits);
        v.push(self.minhash_bits);
        v.extend_from_slice(&self.regs);
        v
    }

    /// Adds one value; true when a register changed.
    fn add(&mut self, v: &Value) -> bool {
        let (ptype, bytes) = v.to_particle().unwrap_or((particle::NULL, Vec::new()));
        let d = compute_digest(b"hll", ptype, &bytes);
        let h = u64::from_be_bytes([d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]]);
        let ib = u32::from(self.index_bits);
        let idx = (h >> (64 - ib)) as usize;
        let rank = ((h << ib) | (1 << (ib - 1))).leading_zeros() as u8 + 1;
        match self.regs.get_mut(idx) {
            Some(r) if *r < rank => {
                *r = rank;
                true
            }
            _ => false,
        }
    }

    fn count(&self) -> i64 {
        let m = self.regs.len() as f64;
        let alpha = match self.regs.len() {
            16 => 0.673,
            32 => 0.697,
            64 => 0.709,
            _ => 0.7213 / (1.0 + 1.079 / m),
        };
        let sum: f64 = self.regs.iter().map(|r| 2f64.powi(-i32::from(*r))).sum();
        let estimate = alpha * m * m / sum;
        let zeros = self.regs.iter().filter(|r| **r == 0).count();
        let e = if estimate <= 2.5 * m && zeros > 0 {
            m * (m / zeros as f64).ln()
        } else {
            estimate
        };
        e.round() as i64
    }

    /// Folds to fewer index bits (registers merge by maximum).
    fn fold(&self, bits: u8) -> Hll {
        let shift = self.index_bits - bits;
        let mut regs = vec![0u8; 1 << bits];
        for (i, r) in self.regs.iter().enumerate() {
            let slot = &mut regs[i >> shift];
            *slot = (*slot).max(*r);
        }
        Hll {
            index_bits: bits,
            minhash_bits: 0,
            regs,
        }
    }

    /// Union with `other`, folding the larger one when allowed.
    fn union(&self, other: &Hll, allow_fold: bool) -> Result<Hll, OpError> {
        let (a, b) = if self.index_bits == other.index_bits {
            (self.clone(), other.clone())
        } else if allow_fold || self.minhash_bits == 0 && other.minhash_bits == 0 {
            let bits = self.index_bits.min(other.index_bits);
            (self.fold(bits), other.fold(bits))
        } else {
            return Err(OpError(rc::OP_NOT_APPLICABLE));
        };
        let regs = a.regs.iter().zip(&b.regs).map(|(x, y)| *x.max(y)).collect();
        Ok(Hll { regs, ..a })
    }
}

fn hll_list(a: &Args, i: usize) -> Result<Vec<Hll>, OpError> {
    match a.value(i)? {
        Value::List { items, .. } => items
            .iter()
            .map(|v| match v {
                Value::Hll(b) => Hll::decode(b),
                Value::Blob { bytes, .. } => Hll::decode(bytes),
                _ => Err(PARAM),
            })
            .collect(),
        _ => Err(PARAM),
    }
}

fn union_all(base: &Hll, others: &[Hll]) -> Result<Hll, OpError> {
    others
        .iter()
        .try_fold(base.clone(), |acc, h| acc.union(h, true))
}

/// |A1 ∩ … ∩ Ak| by inclusion-exclusion over union estimates (k ≤ 8).
fn intersect_count(sets: &[Hll]) -> Result<i64, OpError> {
    let k = sets.len();
    if k == 0 || k > 8 {
        return Err(PARAM);
    }
    let mut total: i64 = 0;
    for mask in 1u32..(1 << k) {
        let members: Vec<Hll> = (0..k)
            .filter(|i| mask & (1 << i) != 0)
            .map(|i| sets[i].clone())
            .collect();
        let (first, rest) = members.split_first().ok_or(PARAM)?;
        let c = union_all(first, rest)?.count();
        total += if mask.count_ones() % 2 == 1 { c } else { -c };
    }
    Ok(total.max(0))
}

/// Applies an HLL op to bin `name`.
pub(crate) fn apply(bins: &mut Vec<Bin>, name: BinName, op_type: u8, value: &[u8]) -> OpResult {
    let (code, a) = code_and_args(value)?;
    let is_read = code >= 50;
    if (op_type == op::HLL_READ) != is_read {
        return Err(PARAM);
    }
    let pos = bins.iter().position(|b| b.name == name);
    let current = match pos {
        Some(i) if bins[i].ptype != particle::HLL => return Err(OpError(rc::BIN_TYPE_ERROR)),
        Some(i) => Some(Hll::decode(&bins[i].value)?),
        None => None,
    };
    if is_read {
        let Some(h) = current else { return Ok(None) };
        return Ok(Some(match code {
            50 => Value::Int(h.count()),
            51 => Value::Hll(union_all(&h, &hll_list(&a, 0)?)?.encode()),
            52 => Value::Int(union_all(&h, &hll_list(&a, 0)?)?.count()),
            53 | 54 => {
                let mut sets = vec![h];
                sets.extend(hll_list(&a, 0)?);
                let inter = intersect_count(&sets)?;
                if code == 53 {
                    Value::Int(inter)
                } else {
                    let (first, rest) = sets.split_first().ok_or(PARAM)?;
                    let uni = union_all(first, rest)?.count();
                    Value::Float(if uni == 0 {
                        0.0
                    } else {
                        inter as f64 / uni as f64
                    })
                }
            }
            55 => Value::list(vec![
                Value::Int(i64::from(h.index_bits)),
                Value::Int(i64::from(h.minhash_bits)),
            ]),
            _ => return Err(UNSUPPORTED),
        }));
    }
    let flag_pos = match code {
        0 => 2,
        1 => 3,
        2 => 1,
        3 | 4 => usize::MAX,
        _ => return Err(UNSUPPORTED),
    };
    let flags = a.int_or(flag_pos, 0)?;
    let soft = |code: u8| {
        if flags & NO_FAIL != 0 {
            Ok(None)
        } else {
            Err(OpError(code))
        }
    };
    if current.is_some() && flags & CREATE_ONLY != 0 {
        return soft(rc::BIN_EXISTS);
    }
    if current.is_none() && flags & UPDATE_ONLY != 0 {
        return soft(rc::BIN_NOT_FOUND);
    }
    let (new, result) = match (code, current) {
        (0, _) => (Hll::new(a.int(0)?, a.int_or(1, -1)?)?, None),
        (1, cur) => {
            let mut h = match cur {
                Some(h) => h,
                None => Hll::new(a.int_or(1, -1)?, a.int_or(2, -1)?)
                    .map_err(|_| OpError(rc::BIN_NOT_FOUND))?,
            };
            let Value::List { items: vals, .. } = a.value(0)? else {
                return Err(PARAM);
            };
            let changed = vals.iter().filter(|v| h.add(v)).count();
            (h, Some(Value::Int(changed as i64)))
        }
        (2, cur) => {
            let others = hll_list(&a, 0)?;
            let (first, rest) = match &cur {
                Some(h) => (h, others.as_slice()),
                None => others.split_first().ok_or(PARAM)?,
            };
            let mut acc = first.clone();
            for o in rest {
                acc = acc.union(o, flags & ALLOW_FOLD != 0)?;
            }
            (acc, None)
        }
        (3, Some(h)) => {
            let c = h.count();
            (h, Some(Value::Int(c)))
        }
        (4, Some(h)) => {
            let bits = u8::try_from(a.int(0)?).map_err(|_| PARAM)?;
            if h.minhash_bits != 0 || bits < 4 || bits > h.index_bits {
                return Err(OpError(rc::OP_NOT_APPLICABLE));
            }
            (h.fold(bits), None)
        }
        _ => return Err(OpError(rc::BIN_NOT_FOUND)),
    };
    let bytes = new.encode();
    store_bytes(bins, pos, name, particle::HLL, bytes);
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cdt::run_op;

    fn run(bins: &mut Vec<Bin>, t: u8, code: i64, args: &[Value]) -> OpResult {
        run_op(apply, b"h", bins, t, code, args)
    }

    fn vals(r: std::ops::Range<i64>) -> Value {
        Value::list(r.map(Value::Int).collect())
    }

    #[test]
    fn counts_unions_intersections() {
        let i = Value::Int;
        let mut a = Vec::new();
        run(&mut a, op::HLL_MODIFY, 0, &[i(12), i(-1), i(0)]).unwrap();
        let added = run(
            &mut a,
            op::HLL_MODIFY,
            1,
            &[vals(0..1000), i(-1), i(-1), i(0)],
        )
        .unwrap();
        assert!(matches!(added, Some(Value::Int(n)) if n > 900));
        let Some(Value::Int(c)) = run(&mut a, op::HLL_READ, 50, &[]).unwrap() else {
            panic!()
        };
        assert!((950..=1050).contains(&c), "{c}");
        assert_eq!(
            run(&mut a, op::HLL_READ, 55, &[]).unwrap(),
            Some(Value::list(vec![i(12), i(0)]))
        );
        // b = 500..1500 created by add with index bits
        let mut b = Vec::new();
        run(
            &mut b,
            op::HLL_MODIFY,
            1,
            &[vals(500..1500), i(12), i(-1), i(0)],
        )
        .unwrap();
        let hb = Value::Hll(b[0].value.clone());
        let Some(Value::Int(u)) =
            run(&mut a, op::HLL_READ, 52, &[Value::list(vec![hb.clone()])]).unwrap()
        else {
            panic!()
        };
        assert!((1400..=1600).contains(&u), "{u}");
        let Some(Value::Int(x)) =
            run(&mut a, op::HLL_READ, 53, &[Value::list(vec![hb.clone()])]).unwrap()
        else {
            panic!()
        };
        assert!((350..=650).contains(&x), "{x}");
        let Some(Value::Float(s)) =
            run(&mut a, op::HLL_READ, 54, &[Value::list(vec![hb.clone()])]).unwrap()
        else {
            panic!()
        };
        assert!((0.2..0.45).contains(&s), "{s}");
        run(&mut a, op::HLL_MODIFY, 2, &[Value::list(vec![hb]), i(0)]).unwrap();
        let Some(Value::Int(c)) = run(&mut a, op::HLL_MODIFY, 3, &[]).unwrap() else {
            panic!()
        };
        assert!((1400..=1600).contains(&c), "{c}");
        run(&mut a, op::HLL_MODIFY, 4, &[i(8)]).unwrap();
        assert_eq!(
            run(&mut a, op::HLL_READ, 55, &[]).unwrap(),
            Some(Value::list(vec![i(8), i(0)]))
        );
        assert_eq!(run(&mut a, op::HLL_MODIFY, 0, &[i(3)]), Err(PARAM));
        assert_eq!(
            run(&mut Vec::new(), op::HLL_MODIFY, 1, &[vals(0..3)]),
            Err(OpError(rc::BIN_NOT_FOUND))
        );
        assert_eq!(
            run(&mut a, op::HLL_MODIFY, 0, &[i(8), i(0), i(CREATE_ONLY)]),
            Err(OpError(rc::BIN_EXISTS))
        );
        assert_eq!(run(&mut a, op::HLL_READ, 56, &[]), Err(UNSUPPORTED));
    }
}
