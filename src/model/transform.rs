//! Affine transforms from a dated image's pixel frame into the site frame.

use super::geometry::Point;
use serde::{Deserialize, Serialize};

/// `site = (xx*x + xy*y + tx, yx*x + yy*y + ty)` for an image pixel `(x, y)`.
///
/// Every dated image carries one. It is the identity until registration aligns images that were
/// not captured on the same pixel grid; footprints are always stored in site coordinates and
/// mapped through the inverse to be drawn over a given image.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Affine {
    pub xx: f64,
    pub xy: f64,
    pub tx: f64,
    pub yx: f64,
    pub yy: f64,
    pub ty: f64,
}

impl Default for Affine {
    fn default() -> Self {
        Self::IDENTITY
    }
}

impl Affine {
    pub const IDENTITY: Affine = Affine {
        xx: 1.0,
        xy: 0.0,
        tx: 0.0,
        yx: 0.0,
        yy: 1.0,
        ty: 0.0,
    };

    pub fn translation(dx: f64, dy: f64) -> Self {
        Affine {
            tx: dx,
            ty: dy,
            ..Self::IDENTITY
        }
    }

    pub fn scale(sx: f64, sy: f64) -> Self {
        Affine {
            xx: sx,
            yy: sy,
            ..Self::IDENTITY
        }
    }

    pub fn is_identity(&self) -> bool {
        *self == Self::IDENTITY
    }

    pub fn apply(&self, p: Point) -> Point {
        Point::new(
            self.xx * p.x + self.xy * p.y + self.tx,
            self.yx * p.x + self.yy * p.y + self.ty,
        )
    }

    /// Every coefficient within `tol` of `other`'s (for tests and for "did the fit change").
    pub fn approx_eq(&self, other: &Affine, tol: f64) -> bool {
        let a = [self.xx, self.xy, self.tx, self.yx, self.yy, self.ty];
        let b = [other.xx, other.xy, other.tx, other.yx, other.yy, other.ty];
        a.iter().zip(b).all(|(p, q)| (p - q).abs() <= tol)
    }

    pub fn determinant(&self) -> f64 {
        self.xx * self.yy - self.xy * self.yx
    }

    /// All six numbers finite and the matrix invertible.
    pub fn is_usable(&self) -> bool {
        [self.xx, self.xy, self.tx, self.yx, self.yy, self.ty]
            .iter()
            .all(|v| v.is_finite())
            && self.determinant().abs() > 1e-12
    }

    /// The inverse transform, or `None` when the matrix is singular or not finite.
    pub fn inverse(&self) -> Option<Affine> {
        if !self.is_usable() {
            return None;
        }
        let det = self.determinant();
        let (xx, xy, yx, yy) = (self.yy / det, -self.xy / det, -self.yx / det, self.xx / det);
        Some(Affine {
            xx,
            xy,
            yx,
            yy,
            tx: -(xx * self.tx + xy * self.ty),
            ty: -(yx * self.tx + yy * self.ty),
        })
    }

    /// `self` after `first`: `(self ∘ first)(p) = self(first(p))`.
    pub fn then_after(&self, first: &Affine) -> Affine {
        Affine {
            xx: self.xx * first.xx + self.xy * first.yx,
            xy: self.xx * first.xy + self.xy * first.yy,
            tx: self.xx * first.tx + self.xy * first.ty + self.tx,
            yx: self.yx * first.xx + self.yy * first.yx,
            yy: self.yx * first.xy + self.yy * first.yy,
            ty: self.yx * first.tx + self.yy * first.ty + self.ty,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_inverse_undoes_the_transform() {
        let t = Affine {
            xx: 1.5,
            xy: 0.2,
            tx: 30.0,
            yx: -0.1,
            yy: 0.9,
            ty: -7.0,
        };
        let inv = t.inverse().unwrap();
        let p = Point::new(123.0, -45.5);
        let q = inv.apply(t.apply(p));
        assert!((q.x - p.x).abs() < 1e-9 && (q.y - p.y).abs() < 1e-9);
        assert!(inv.then_after(&t).apply(p).distance(p) < 1e-9);
    }

    #[test]
    fn a_singular_transform_has_no_inverse() {
        assert!(Affine::scale(0.0, 1.0).inverse().is_none());
        assert!(Affine::translation(f64::NAN, 0.0).inverse().is_none());
    }
}
