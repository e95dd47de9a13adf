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
    /// `true`, `false`, `null`.
    Other,
}

/// A strict JSON reader (as jansson, which the server uses): the whole text must be
/// one well-formed value.
struct P<'a> {
    s: &'a [u8],
    i: usize,
    depth: usize,
}

impl P<'_> {
    fn ws(&mut self) {
        while self
            .s
            .get(self.i)
            .is_some_and(|c| matches!(c, b' ' | b'\t' | b'\r' | b'\n'))
        {
            self.i += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn document(mut self) -> Option<J> {
        let v = self.value()?;
        self.ws();
        (self.i == self.s.len()).then_some(v)
    }

    fn value(&mut self) -> Option<J> {
        self.ws();
        self.depth += 1;
        if self.depth > 64 {
            return None;
        }
        let v = match self.peek()? {
            b'[' => {
                self.i += 1;
                let mut items = Vec::new();
                self.ws();
                if self.peek() == Some(b']') {
                    self.i += 1;
                } else {
                    loop {
                        items.push(self.value()?);
                        self.ws();
                        match self.peek()? {
                            b',' => self.i += 1,
                            b']' => {
                                self.i += 1;
                                break;
                            }
                            _ => return None,
                        }
                    }
                }
                J::Arr(items)
            }
            b'{' => {
                self.i += 1;
                let mut fields = Vec::new();
                self.ws();
                if self.peek() == Some(b'}') {
                    self.i += 1;
                } else {
                    loop {
                        self.ws();
                        let k = self.string()?;
                        self.ws();
                        if self.peek()? != b':' {
                            return None;
                        }
                        self.i += 1;
                        fields.push((k, self.value()?));
                        self.ws();
                        match self.peek()? {
                            b',' => self.i += 1,
                            b'}' => {
                                self.i += 1;
                                break;
                            }
                            _ => return None,
                        }
                    }
                }
                J::Obj(fields)
            }
            b'"' => J::Str(self.string()?),
            b't' | b'f' | b'n' => {
                let rest = self.s.get(self.i..)?;
                let lit = [&b"true"[..], b"false", b"null"]
                    .into_iter()
                    .find(|l| rest.starts_with(l))?;
                self.i += lit.len();
                J::Other
            }
            _ => J::Num(self.number()?),
        };
        self.depth -= 1;
        Some(v)
    }

    /// A string (the cursor on its opening quote); escapes are checked, kept raw.
    fn string(&mut self) -> Option<String> {
        if self.peek()? != b'"' {
            return None;
        }
        self.i += 1;
        let start = self.i;
        loop {
            match self.peek()? {
                b'"' => break,
                b'\\' => {
                    self.i += 1;
                    match self.peek()? {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => self.i += 1,
                        b'u' => {
                            let hex = self.s.get(self.i + 1..self.i + 5)?;
                            if !hex.iter().all(u8::is_ascii_hexdigit) || hex == b"0000" {
                                return None;
                            }
                            self.i += 5;
                        }
                        _ => return None,
                    }
                }
                c if c < 0x20 => return None,
                _ => self.i += 1,
            }
        }
        let text = std::str::from_utf8(self.s.get(start..self.i)?).ok()?;
        self.i += 1;
        Some(text.to_owned())
    }

    /// A number: `-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?`; integers must fit
    /// 64 bits.
    fn number(&mut self) -> Option<f64> {
        let start = self.i;
        let digits = |p: &mut Self| {
            let from = p.i;
            while p.peek().is_some_and(|c| c.is_ascii_digit()) {
                p.i += 1;
            }
            p.i - from
        };
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        let first = self.peek()?;
        let n = digits(self);
        if n == 0 || (first == b'0' && n > 1) {
            return None;
        }
        let mut integer = true;
        if self.peek() == Some(b'.') {
            self.i += 1;
            integer = false;
            if digits(self) == 0 {
                return None;
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.i += 1;
            integer = false;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if digits(self) == 0 {
                return None;
            }
        }
        let tok = std::str::from_utf8(self.s.get(start..self.i)?).ok()?;
        if integer {
            tok.parse::<i64>().ok().map(|i| i as f64)
        } else {
            tok.parse::<f64>().ok().filter(|f| f.is_finite())
        }
    }
}

/// Object member `k` (the last one wins, as in jansson).
fn field<'a>(o: &'a [(String, J)], k: &str) -> Option<&'a J> {
    o.iter().rev().find(|(n, _)| n == k).map(|(_, v)| v)
}

/// A position: exactly `[lon, lat]`, both numbers, a valid latitude/longitude.
fn pos(j: &J) -> Option<(f64, f64)> {
    let J::Arr(v) = j else { return None };
    let [J::Num(lon), J::Num(lat)] = v.as_slice() else {
        return None;
    };
    (lat.abs() <= 90.0 && lon.abs() <= 180.0).then_some((*lon, *lat))
}

/// A loop: at least 4 positions once repeated neighbours are dropped, and closed.
fn ring(j: &J) -> Option<Vec<(f64, f64)>> {
    let J::Arr(ps) = j else { return None };
    let mut points: Vec<(f64, f64)> = ps.iter().map(pos).collect::<Option<_>>()?;
    points.dedup();
    (points.len() >= 4 && points.first() == points.last()).then_some(points)
}

fn rings(j: &J) -> Option<Vec<Vec<(f64, f64)>>> {
    let J::Arr(rs) = j else { return None };
    rs.iter().map(ring).collect()
}

/// Parses GeoJSON as the server accepts it: a Point, Polygon, MultiPolygon or
/// AeroCircle geometry, or a Feature wrapping one. Anything else is invalid (160).
pub(crate) fn parse(text: &str) -> Option<Shape> {
    let J::Obj(o) = (P {
        s: text.as_bytes(),
        i: 0,
        depth: 0,
    })
    .document()?
    else {
        return None;
    };
    match field(&o, "type")? {
        J::Str(t) if t == "Feature" => match field(&o, "geometry")? {
            J::Obj(g) => geometry(g),
            _ => None,
        },
        _ => geometry(&o),
    }
}

/// Validates a GEOJSON particle (flags, cells, then the JSON text), as written to a
/// bin: `Err(160)` when the server would refuse it.
pub(crate) fn validate_particle(value: &[u8]) -> Result<(), u8> {
    aeropy_protocol::particle::decode_geojson(value)
        .ok()
        .and_then(|(_, _, json)| std::str::from_utf8(json).ok())
        .and_then(parse)
        .map(|_| ())
        .ok_or(aeropy_protocol::result_code::GEO_INVALID_GEOJSON)
}

fn geometry(o: &[(String, J)]) -> Option<Shape> {
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

    /// What the server's GeoJSON parser refuses (geojson.cc): bad JSON, unknown types,
    /// coordinates of the wrong shape, out-of-range positions, open or short loops.
    #[test]
    fn invalid_geojson_is_refused() {
        for bad in [
            r#"{"type": "Point", "coordinates": "nowhere"}"#,
            "nowhere",
            "",
            r#"{"type":"Point","coordinates":[1,2]} trailing"#,
            r#"{"type":"Point","coordinates":[1,2],}"#,
            r#"{"type":"Point","coordinates":[1,2,3]}"#,
            r#"{"type":"Point","coordinates":[1]}"#,
            r#"{"type":"Point","coordinates":[1,"2"]}"#,
            r#"{"type":"Point","coordinates":[181,0]}"#,
            r#"{"type":"Point","coordinates":[0,-90.5]}"#,
            r#"{"type":"Point","coordinates":[01,2]}"#,
            r#"{"type":"Point","coordinates":[1.,2]}"#,
            r#"{"type":"Point","coordinates":[NaN,2]}"#,
            r#"{"type":"Point"}"#,
            r#"{"coordinates":[1,2]}"#,
            r#"{"type":7,"coordinates":[1,2]}"#,
            r#"{"type":"LineString","coordinates":[[1,2],[3,4]]}"#,
            r#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]}"#,
            r#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}"#,
            r#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,0],[0,0]]]}"#,
            r#"{"type":"Polygon","coordinates":[[0,0]]}"#,
            r#"{"type":"MultiPolygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}"#,
            r#"{"type":"AeroCircle","coordinates":[[0,0]]}"#,
            r#"{"type":"AeroCircle","coordinates":[[0,0],"1"]}"#,
            r#"{"type":"Feature","geometry":{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]}}}"#,
            r#"{"type":"Feature","geometry":[1,2]}"#,
            r#"{"type":"Point","coordinates":[1,2],"n":"a\u0000"}"#,
        ] {
            assert!(parse(bad).is_none(), "accepted {bad}");
            let particle = aeropy_protocol::particle::encode_geojson(bad.as_bytes());
            assert_eq!(validate_particle(&particle), Err(160), "{bad}");
        }
        for good in [
            r#" {"type" : "Point", "coordinates": [-122.5, 37.25e0] } "#,
            r#"{"type":"Point","coordinates":[180,-90],"extra":{"a":[true,false,null]}}"#,
            r#"{"type":"Polygon","coordinates":[]}"#,
            r#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,0],[1,1],[0,0]]]}"#,
            r#"{"type":"MultiPolygon","coordinates":[]}"#,
            r#"{"type":"AeroCircle","coordinates":[[1,2],-3.5]}"#,
            r#"{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[1,2]}}"#,
            r#"{"type":"Point","coordinates":[1,2],"name":"caf\u00e9 \"x\""}"#,
        ] {
            assert!(parse(good).is_some(), "refused {good}");
            let particle = aeropy_protocol::particle::encode_geojson(good.as_bytes());
            assert_eq!(validate_particle(&particle), Ok(()), "{good}");
        }
        assert_eq!(validate_particle(&[0, 0]), Err(160), "short particle");
    }
}
