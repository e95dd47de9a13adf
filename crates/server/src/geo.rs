//! GeoJSON shapes for geo queries and the GEO expression: points, polygons (with
//! holes), multipolygons and `AeroCircle`. Geometry is planar on longitude/latitude
//! (ray casting) plus great-circle distance for circles; the real server uses S2 cells,
//! which agrees except for huge polygons or ones crossing the antimeridian.

/// A parsed shape.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Shape {
    Point(f64, f64),
    /// Rings of `(lon, lat)`; the first is the outline, the others holes.
    Polygon(Vec<Vec<(f64, f64)>>),
    MultiPolygon(Vec<Vec<Vec<(f64, f64)>>>),
    /// Centre and radius in metres.
    Circle(f64, f64, f64),
}

/// Just enough JSON for GeoJSON.
#[derive(Debug, Clone)]
enum J {
    Num(f64),
    Str(String),
    Arr(Vec<J>),
    Obj(Vec<(String, J)>),
    Other,
}

struct P<'a> {
    s: &'a [u8],
    i: usize,
    depth: usize,
}

impl P<'_> {
    fn ws(&mut self) {
        while self.s.get(self.i).is_some_and(|c| c.is_ascii_whitespace()) {
            self.i += 1;
        }
    }

    fn value(&mut self) -> Option<J> {
        self.ws();
        self.depth += 1;
        if self.depth > 64 {
            return None;
        }
        let v = match *self.s.get(self.i)? {
            b'[' => {
                self.i += 1;
                let mut items = Vec::new();
                loop {
                    self.ws();
                    if self.s.get(self.i) == Some(&b']') {
                        self.i += 1;
                        break;
                    }
                    items.push(self.value()?);
                    self.ws();
                    match self.s.get(self.i)? {
                        b',' => self.i += 1,
                        b']' => {}
                        _ => return None,
                    }
                }
                J::Arr(items)
            }
            b'{' => {
                self.i += 1;
                let mut fields = Vec::new();
                loop {
                    self.ws();
                    if self.s.get(self.i) == Some(&b'}') {
                        self.i += 1;
                        break;
                    }
                    let J::Str(k) = self.value()? else {
                        return None;
                    };
                    self.ws();
                    if self.s.get(self.i) != Some(&b':') {
                        return None;
                    }
                    self.i += 1;
                    fields.push((k, self.value()?));
                    self.ws();
                    match self.s.get(self.i)? {
                        b',' => self.i += 1,
                        b'}' => {}
                        _ => return None,
                    }
                }
                J::Obj(fields)
            }
            b'"' => {
                self.i += 1;
                let start = self.i;
                while *self.s.get(self.i)? != b'"' {
                    self.i += if self.s[self.i] == b'\\' { 2 } else { 1 };
                }
                let text = String::from_utf8_lossy(self.s.get(start..self.i)?).into_owned();
                self.i += 1;
                J::Str(text)
            }
            _ => {
                let start = self.i;
                while self
                    .s
                    .get(self.i)
                    .is_some_and(|c| !b",]} \t\r\n".contains(c))
                {
                    self.i += 1;
                }
                let tok = std::str::from_utf8(self.s.get(start..self.i)?).ok()?;
                tok.parse::<f64>().map(J::Num).unwrap_or(J::Other)
            }
        };
        self.depth -= 1;
        Some(v)
    }
}

fn field<'a>(o: &'a [(String, J)], k: &str) -> Option<&'a J> {
    o.iter().find(|(n, _)| n == k).map(|(_, v)| v)
}

fn pos(j: &J) -> Option<(f64, f64)> {
    match j {
        J::Arr(v) => match v.as_slice() {
            [J::Num(x), J::Num(y), ..] => Some((*x, *y)),
            _ => None,
        },
        _ => None,
    }
}

fn rings(j: &J) -> Option<Vec<Vec<(f64, f64)>>> {
    let J::Arr(rs) = j else { return None };
    rs.iter()
        .map(|r| match r {
            J::Arr(ps) => ps.iter().map(pos).collect(),
            _ => None,
        })
        .collect()
}

/// Parses a GeoJSON geometry (or a Feature wrapping one).
pub(crate) fn parse(text: &str) -> Option<Shape> {
    let J::Obj(o) = (P {
        s: text.as_bytes(),
        i: 0,
        depth: 0,
    })
    .value()?
    else {
        return None;
    };
    if let Some(J::Obj(g)) = field(&o, "geometry") {
        let inner = J::Obj(g.clone());
        return shape_of(&inner);
    }
    shape_of(&J::Obj(o))
}

fn shape_of(j: &J) -> Option<Shape> {
    let J::Obj(o) = j else { return None };
    let J::Str(t) = field(o, "type")? else {
        return None;
    };
    let c = field(o, "coordinates")?;
    match t.as_str() {
        "Point" => pos(c).map(|(x, y)| Shape::Point(x, y)),
        "Polygon" => rings(c).map(Shape::Polygon),
        "MultiPolygon" => match c {
            J::Arr(ps) => ps
                .iter()
                .map(rings)
                .collect::<Option<Vec<_>>>()
                .map(Shape::MultiPolygon),
            _ => None,
        },
        "AeroCircle" => match c {
            J::Arr(v) => match v.as_slice() {
                [centre, J::Num(r)] => pos(centre).map(|(x, y)| Shape::Circle(x, y, *r)),
                _ => None,
            },
            _ => None,
        },
        _ => None,
    }
}

fn in_ring(ring: &[(f64, f64)], (x, y): (f64, f64)) -> bool {
    let mut inside = false;
    let n = ring.len();
    for i in 0..n {
        let (xi, yi) = ring[i];
        let (xj, yj) = ring[(i + n - 1) % n];
        if (yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi {
            inside = !inside;
        }
    }
    inside
}

fn in_polygon(rings: &[Vec<(f64, f64)>], p: (f64, f64)) -> bool {
    match rings.split_first() {
        Some((outer, holes)) => in_ring(outer, p) && !holes.iter().any(|h| in_ring(h, p)),
        None => false,
    }
}

/// Great-circle distance in metres.
fn distance((lon1, lat1): (f64, f64), (lon2, lat2): (f64, f64)) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let (dp, dl) = ((lat2 - lat1).to_radians(), (lon2 - lon1).to_radians());
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * 6_371_000.0 * a.sqrt().min(1.0).asin()
}

/// Whether `region` contains point `p`.
fn contains(region: &Shape, p: (f64, f64)) -> bool {
    match region {
        Shape::Point(..) => false,
        Shape::Polygon(r) => in_polygon(r, p),
        Shape::MultiPolygon(ps) => ps.iter().any(|r| in_polygon(r, p)),
        Shape::Circle(x, y, radius) => distance((*x, *y), p) <= *radius,
    }
}

/// The geo relation used by queries and the GEO expression: a point matches a region
/// containing it (in either order); two points or two regions never match.
pub(crate) fn relate(a: &Shape, b: &Shape) -> bool {
    match (a, b) {
        (Shape::Point(x, y), region) | (region, Shape::Point(x, y)) => contains(region, (*x, *y)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_and_relations() {
        let square = parse(r#"{"type":"Polygon","coordinates":[[[0,0],[10,0],[10,10],[0,10],[0,0]],[[4,4],[6,4],[6,6],[4,6],[4,4]]]}"#).unwrap();
        let p = |x: f64, y: f64| Shape::Point(x, y);
        assert!(relate(&p(1.0, 1.0), &square));
        assert!(!relate(&square, &p(5.0, 5.0)), "inside the hole");
        assert!(!relate(&p(11.0, 1.0), &square));
        let circle =
            parse(r#"{"type": "AeroCircle", "coordinates": [[-122.0, 37.5], 1000]}"#).unwrap();
        assert!(relate(&p(-122.005, 37.5), &circle));
        assert!(!relate(&p(-122.1, 37.5), &circle));
        assert_eq!(
            parse(r#"{"type":"Point","coordinates":[1.5, -2]}"#),
            Some(p(1.5, -2.0))
        );
        let feature = r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]}}"#;
        assert_eq!(parse(feature), Some(p(1.0, 2.0)));
        assert!(!relate(&p(1.0, 2.0), &p(1.0, 2.0)));
        assert!(
            parse("{").is_none() && parse("[1,2]").is_none() && parse(&"[".repeat(500)).is_none()
        );
        let multi = parse(r#"{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],[[[5,5],[6,5],[6,6],[5,5]]]]}"#).unwrap();
        assert!(relate(&p(5.8, 5.2), &multi));
    }
}
