//! Bin-level write ops: write/delete a bin, increment, append, prepend.

use aeropy_protocol::msg::op;
use aeropy_protocol::{particle, result_code as rc};

use crate::store::{Bin, BinName};

/// An op failed with this result code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct OpError(pub u8);

/// Checks that a written value is a well-formed particle of a type the server stores:
/// 4 when not, 160 for GeoJSON the server's parser refuses.
pub(crate) fn validate_particle(ptype: u8, value: &[u8]) -> Result<(), u8> {
    let ok = match ptype {
        particle::NULL => true,
        particle::INTEGER | particle::FLOAT => value.len() == 8,
        particle::BOOL => value.len() == 1,
        particle::GEOJSON => return crate::geo::validate_particle(value),
        particle::STRING | particle::HLL | particle::MAP | particle::LIST => true,
        p => particle::is_blob(p),
    };
    if ok {
        Ok(())
    } else {
        Err(rc::PARAMETER_ERROR)
    }
}

/// Applies WRITE / INCR / APPEND / PREPEND to `bins`.
pub(crate) fn apply_bin_op(
    bins: &mut Vec<Bin>,
    name: BinName,
    op_type: u8,
    ptype: u8,
    value: &[u8],
) -> Result<(), OpError> {
    let pos = bins.iter().position(|b| b.name == name);
    match op_type {
        op::WRITE => {
            match (ptype, pos) {
                (particle::NULL, Some(i)) => {
                    bins.remove(i);
                }
                (particle::NULL, None) => {}
                (_, Some(i)) => {
                    let b = &mut bins[i];
                    b.ptype = ptype;
                    b.value.clear();
                    b.value.extend_from_slice(value);
                }
                (_, None) => bins.push(Bin {
                    name,
                    ptype,
                    value: value.to_vec(),
                }),
            }
            Ok(())
        }
        op::INCR => {
            let arg: [u8; 8] = value.try_into().map_err(|_| OpError(rc::PARAMETER_ERROR))?;
            if ptype != particle::INTEGER && ptype != particle::FLOAT {
                return Err(OpError(rc::PARAMETER_ERROR));
            }
            let Some(i) = pos else {
                bins.push(Bin {
                    name,
                    ptype,
                    value: arg.to_vec(),
                });
                return Ok(());
            };
            let b = &mut bins[i];
            let cur: [u8; 8] = b
                .value
                .as_slice()
                .try_into()
                .map_err(|_| OpError(rc::BIN_TYPE_ERROR))?;
            let sum = match (b.ptype, ptype) {
                (particle::INTEGER, particle::INTEGER) => i64::from_be_bytes(cur)
                    .wrapping_add(i64::from_be_bytes(arg))
                    .to_be_bytes(),
                (particle::FLOAT, particle::FLOAT) => {
                    (f64::from_be_bytes(cur) + f64::from_be_bytes(arg)).to_be_bytes()
                }
                _ => return Err(OpError(rc::BIN_TYPE_ERROR)),
            };
            b.value.copy_from_slice(&sum);
            Ok(())
        }
        op::APPEND | op::PREPEND => {
            if ptype != particle::STRING && !particle::is_blob(ptype) {
                return Err(OpError(rc::PARAMETER_ERROR));
            }
            let Some(i) = pos else {
                bins.push(Bin {
                    name,
                    ptype,
                    value: value.to_vec(),
                });
                return Ok(());
            };
            let b = &mut bins[i];
            if b.ptype != ptype {
                return Err(OpError(rc::BIN_TYPE_ERROR));
            }
            if op_type == op::APPEND {
                b.value.extend_from_slice(value);
            } else {
                b.value.splice(0..0, value.iter().copied());
            }
            Ok(())
        }
        _ => Err(OpError(rc::PARAMETER_ERROR)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(s: &str) -> BinName {
        BinName::new(s.as_bytes()).unwrap()
    }

    #[test]
    fn incr_append_types() {
        let mut bins = Vec::new();
        apply_bin_op(&mut bins, name("n"), op::INCR, 1, &5i64.to_be_bytes()).unwrap();
        apply_bin_op(&mut bins, name("n"), op::INCR, 1, &(-7i64).to_be_bytes()).unwrap();
        assert_eq!(bins[0].value, (-2i64).to_be_bytes());
        assert_eq!(
            apply_bin_op(&mut bins, name("n"), op::INCR, 2, &1.0f64.to_be_bytes()),
            Err(OpError(rc::BIN_TYPE_ERROR))
        );
        apply_bin_op(&mut bins, name("s"), op::APPEND, 3, b"bc").unwrap();
        apply_bin_op(&mut bins, name("s"), op::PREPEND, 3, b"a").unwrap();
        assert_eq!(bins[1].value, b"abc");
        assert_eq!(
            apply_bin_op(&mut bins, name("s"), op::APPEND, 4, b"x"),
            Err(OpError(rc::BIN_TYPE_ERROR))
        );
        assert_eq!(
            apply_bin_op(&mut bins, name("s"), op::INCR, 1, &[0; 8]),
            Err(OpError(rc::BIN_TYPE_ERROR))
        );
        apply_bin_op(&mut bins, name("s"), op::WRITE, 0, b"").unwrap();
        assert_eq!(bins.len(), 1);
        assert!(validate_particle(1, &[0; 7]).is_err());
        assert!(validate_particle(9, b"pickle").is_ok());
        assert!(validate_particle(99, b"").is_err());
    }
}
