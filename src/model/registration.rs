//! Manual registration: an affine transform from a dated image's pixels into the site frame,
//! fitted by least squares to tie points the analyst clicked (the same feature in the reference
//! image and in the image being registered).
//!
//! Pure arithmetic, no egui. The fit centres the points first (which separates the translation
//! from the linear part and keeps the 2x2 normal equations well conditioned even with image
//! coordinates in the tens of thousands), then solves the normal equations once for each output
//! coordinate.

use super::geometry::Point;
use super::transform::Affine;

/// The fewest tie points that determine an affine transform (six unknowns, two per point).
pub const MIN_TIE_POINTS: usize = 3;

/// One feature seen in both images: where it is in the image being registered (its own
/// pixels), and where it is in the site frame (the reference image's pixels).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TiePoint {
    pub image: Point,
    pub site: Point,
}

/// Why no transform could be fitted.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum FitError {
    #[error("{0} tie point(s): an affine fit needs at least {MIN_TIE_POINTS}")]
    TooFewPoints(usize),
    #[error(
        "the tie points lie on one line (or on top of each other) in the image: spread them \
         over the image, at least three not in a row"
    )]
    Collinear,
    #[error("a tie point is not a finite number")]
    NotFinite,
}

/// A fitted transform and how well each tie point agrees with it.
#[derive(Clone, Debug, PartialEq)]
pub struct Fit {
    /// Image pixels to site frame.
    pub to_site: Affine,
    /// Per tie point, the distance in site pixels between where the fit puts the image point
    /// and where the analyst clicked it in the reference image. All zero with exactly three
    /// points (the fit passes through them), so three points give no check at all.
    pub residuals: Vec<f64>,
    /// Root mean square of the residuals, in site pixels.
    pub rms: f64,
    /// The tie point with the largest residual (the first such), the one to look at again.
    pub worst: usize,
}

impl Fit {
    /// The residual of the worst point, in site pixels.
    pub fn worst_residual(&self) -> f64 {
        self.residuals.get(self.worst).copied().unwrap_or(0.0)
    }
}

/// Fits `site = A * image + t` to the tie points by least squares.
///
/// Refuses fewer than three points, non-finite coordinates, and points whose image positions
/// lie on one line (the transform across that line would be a guess).
pub fn fit_affine(points: &[TiePoint]) -> Result<Fit, FitError> {
    if points.len() < MIN_TIE_POINTS {
        return Err(FitError::TooFewPoints(points.len()));
    }
    let finite = |p: Point| p.x.is_finite() && p.y.is_finite();
    if !points.iter().all(|t| finite(t.image) && finite(t.site)) {
        return Err(FitError::NotFinite);
    }
    let n = points.len() as f64;
    let mean = |f: fn(&TiePoint) -> Point| {
        let (sx, sy) = points
            .iter()
            .map(f)
            .fold((0.0, 0.0), |(ax, ay), p| (ax + p.x, ay + p.y));
        Point::new(sx / n, sy / n)
    };
    let mi = mean(|t| t.image);
    let ms = mean(|t| t.site);
    // Normal equations of the centred problem: [sxx sxy; sxy syy] [a; b] = [sxu; syu].
    let (mut sxx, mut sxy, mut syy) = (0.0, 0.0, 0.0);
    let (mut sxu, mut syu, mut sxv, mut syv) = (0.0, 0.0, 0.0, 0.0);
    for t in points {
        let (x, y) = (t.image.x - mi.x, t.image.y - mi.y);
        let (u, v) = (t.site.x - ms.x, t.site.y - ms.y);
        sxx += x * x;
        sxy += x * y;
        syy += y * y;
        sxu += x * u;
        syu += y * u;
        sxv += x * v;
        syv += y * v;
    }
    let det = sxx * syy - sxy * sxy;
    // The determinant against the squared trace is scale-free: 1/4 for points spread evenly in
    // both directions, 0 for points on a line.
    let trace = sxx + syy;
    if trace <= 0.0 || det <= trace * trace * 1e-10 {
        return Err(FitError::Collinear);
    }
    let solve = |bx: f64, by: f64| ((syy * bx - sxy * by) / det, (sxx * by - sxy * bx) / det);
    let (xx, xy) = solve(sxu, syu);
    let (yx, yy) = solve(sxv, syv);
    let to_site = Affine {
        xx,
        xy,
        tx: ms.x - xx * mi.x - xy * mi.y,
        yx,
        yy,
        ty: ms.y - yx * mi.x - yy * mi.y,
    };
    let residuals: Vec<f64> = points
        .iter()
        .map(|t| to_site.apply(t.image).distance(t.site))
        .collect();
    let rms = (residuals.iter().map(|r| r * r).sum::<f64>() / n).sqrt();
    let worst = residuals
        .iter()
        .enumerate()
        .fold(0, |w, (i, r)| if *r > residuals[w] { i } else { w });
    Ok(Fit {
        to_site,
        residuals,
        rms,
        worst,
    })
}

#[cfg(test)]
#[path = "registration_tests.rs"]
mod tests;
