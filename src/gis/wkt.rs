//! Well-known text for polygons, both ways: `POLYGON ((x y, x y, ...))` out (CSV's geometry
//! column) and `POLYGON` / `MULTIPOLYGON` in (xBD labels). A few dozen lines do what the field
//! needs here; other WKT geometry types are named in the error, so callers can skip and count
//! them.

use crate::model::Point;

/// The rings of one polygon: the exterior first, then the holes; each ring closed (first
/// point repeated last), as WKT writes them.
pub type Rings = Vec<Vec<Point>>;

/// `POLYGON ((x y, ...))` of one closed ring, coordinates as given (already rounded).
pub fn polygon_wkt(ring: &[Point]) -> String {
    let coords: Vec<String> = ring.iter().map(|p| format!("{} {}", p.x, p.y)).collect();
    format!("POLYGON (({}))", coords.join(", "))
}

/// Why a WKT text is not a polygon.
#[derive(Debug, PartialEq, thiserror::Error)]
pub enum WktError {
    /// Another geometry type (POINT, LINESTRING...): skipped and counted by importers.
    #[error("a {0}, not a polygon")]
    NotAPolygon(String),
    #[error("malformed WKT: {0}")]
    Malformed(String),
}

/// The parts of a `POLYGON` (one) or `MULTIPOLYGON` (several).
pub fn parse_polygons(text: &str) -> Result<Vec<Rings>, WktError> {
    let text = text.trim();
    let split = text.find('(').unwrap_or(text.len());
    let kind = text[..split].trim().to_ascii_uppercase();
    let body = &text[split..];
    let mut p = Parser {
        s: body.as_bytes(),
        i: 0,
    };
    let parts = match kind.as_str() {
        "POLYGON" => vec![p.polygon()?],
        "MULTIPOLYGON" => p.list(|p| p.polygon())?,
        "" => return Err(WktError::Malformed("no geometry type".into())),
        other => return Err(WktError::NotAPolygon(other.to_string())),
    };
    p.skip_space();
    if p.i != p.s.len() {
        return Err(WktError::Malformed(format!(
            "unexpected text at character {}",
            split + p.i + 1
        )));
    }
    Ok(parts)
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn skip_space(&mut self) {
        while self.s.get(self.i).is_some_and(u8::is_ascii_whitespace) {
            self.i += 1;
        }
    }

    fn expect(&mut self, c: u8) -> Result<(), WktError> {
        self.skip_space();
        if self.s.get(self.i) == Some(&c) {
            self.i += 1;
            Ok(())
        } else {
            Err(WktError::Malformed(format!(
                "expected `{}` at character {}",
                c as char,
                self.i + 1
            )))
        }
    }

    /// `( item, item, ... )`.
    fn list<T>(
        &mut self,
        mut item: impl FnMut(&mut Self) -> Result<T, WktError>,
    ) -> Result<Vec<T>, WktError> {
        self.expect(b'(')?;
        let mut out = vec![item(self)?];
        loop {
            self.skip_space();
            match self.s.get(self.i) {
                Some(b',') => {
                    self.i += 1;
                    out.push(item(self)?);
                }
                Some(b')') => {
                    self.i += 1;
                    return Ok(out);
                }
                _ => {
                    return Err(WktError::Malformed(format!(
                        "expected `,` or `)` at character {}",
                        self.i + 1
                    )));
                }
            }
        }
    }

    fn polygon(&mut self) -> Result<Rings, WktError> {
        self.list(|p| p.list(|p| p.point()))
    }

    fn number(&mut self) -> Result<f64, WktError> {
        self.skip_space();
        let start = self.i;
        while self
            .s
            .get(self.i)
            .is_some_and(|c| c.is_ascii_digit() || matches!(c, b'-' | b'+' | b'.' | b'e' | b'E'))
        {
            self.i += 1;
        }
        std::str::from_utf8(&self.s[start..self.i])
            .ok()
            .and_then(|t| t.parse::<f64>().ok())
            .filter(|v| v.is_finite())
            .ok_or_else(|| {
                WktError::Malformed(format!("expected a number at character {}", start + 1))
            })
    }

    /// `x y`, ignoring a third (Z) or fourth (M) value.
    fn point(&mut self) -> Result<Point, WktError> {
        let x = self.number()?;
        let y = self.number()?;
        loop {
            self.skip_space();
            match self.s.get(self.i) {
                Some(b',' | b')') | None => return Ok(Point::new(x, y)),
                _ => {
                    self.number()?;
                }
            }
        }
    }
}
