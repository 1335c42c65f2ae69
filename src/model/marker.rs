//! What a reviewer adds besides decisions: "missed change" markers where the analyst missed a
//! building, and coverage, the parts of the site a reviewer has actually looked at.

use super::date::Timestamp;
use super::geometry::{Point, Polygon};
use super::ids::{FootprintId, ImageId};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Identifies a missed-change marker within its project (`M3` in messages).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct MarkerId(pub u32);

impl fmt::Display for MarkerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "M{}", self.0)
    }
}

/// Where a marker points: one spot, or an area outlined roughly.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum MarkerShape {
    Point(Point),
    Area(Polygon),
}

impl MarkerShape {
    /// The point a list or the view centres on.
    pub fn center(&self) -> Point {
        match self {
            MarkerShape::Point(p) => *p,
            MarkerShape::Area(poly) => match poly.bounding_box() {
                Some(b) => Point::new((b.min.x + b.max.x) / 2.0, (b.min.y + b.max.y) / 2.0),
                None => poly.0.first().copied().unwrap_or(Point::new(0.0, 0.0)),
            },
        }
    }
}

/// How a marker was settled.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MarkerResolution {
    /// The analyst drew the missed footprint.
    Drawn {
        footprint: FootprintId,
        by: String,
        at: Timestamp,
    },
    /// The analyst (or reviewer) says there is nothing to draw, and why.
    Dismissed {
        reason: String,
        by: String,
        at: Timestamp,
    },
}

/// "You missed a building here": dropped by a reviewer, resolved by the analyst.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Marker {
    pub id: MarkerId,
    pub shape: MarkerShape,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    pub by: String,
    pub at: Timestamp,
    /// The images on screen when it was dropped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<ImageId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<ImageId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<MarkerResolution>,
}

impl Marker {
    pub fn is_open(&self) -> bool {
        self.resolution.is_none()
    }

    /// "open", "drawn as F12", "dismissed: ...".
    pub fn state_text(&self) -> String {
        match &self.resolution {
            None => "open".into(),
            Some(MarkerResolution::Drawn { footprint, .. }) => format!("drawn as {footprint}"),
            Some(MarkerResolution::Dismissed { reason, .. }) => format!("dismissed: {reason}"),
        }
    }
}

/// The grid a site's coverage is counted on: `cols` x `rows` square cells of `cell` site
/// pixels from the site frame's origin.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CoverageGrid {
    pub cell: f64,
    pub cols: u32,
    pub rows: u32,
}

impl CoverageGrid {
    /// About `per_side` cells along the longer side of a `width` x `height` site, but cells of
    /// at most `max_cell` site pixels (a cell must fit in a view zoomed in far enough to count
    /// as looked at, so large sites get more cells).
    pub fn for_extent(
        width: f64,
        height: f64,
        per_side: u32,
        max_cell: f64,
    ) -> Option<CoverageGrid> {
        if !(width.is_finite() && height.is_finite()) || width <= 0.0 || height <= 0.0 {
            return None;
        }
        let cell = (width.max(height) / per_side.max(1) as f64)
            .min(max_cell)
            .max(1.0)
            .ceil();
        let cols = (width / cell).ceil().clamp(1.0, 4096.0) as u32;
        let rows = (height / cell).ceil().clamp(1.0, 4096.0) as u32;
        Some(CoverageGrid { cell, cols, rows })
    }

    pub fn cells(&self) -> u32 {
        self.cols * self.rows
    }

    /// The cell's index (`row * cols + col`) holding a site point, if inside the grid.
    pub fn cell_at(&self, p: Point) -> Option<u32> {
        let (c, r) = ((p.x / self.cell).floor(), (p.y / self.cell).floor());
        (c >= 0.0 && r >= 0.0 && c < self.cols as f64 && r < self.rows as f64)
            .then(|| r as u32 * self.cols + c as u32)
    }

    /// The site rectangle of cell `index`: (min, max).
    pub fn cell_rect(&self, index: u32) -> (Point, Point) {
        let (c, r) = ((index % self.cols) as f64, (index / self.cols) as f64);
        (
            Point::new(c * self.cell, r * self.cell),
            Point::new((c + 1.0) * self.cell, (r + 1.0) * self.cell),
        )
    }
}

/// One reviewer's coverage of one site: the cells they have looked at closely enough (or
/// ticked by hand).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Coverage {
    pub reviewer: String,
    pub grid: CoverageGrid,
    /// Checked cells, sorted, each once.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checked: Vec<u32>,
}

impl Coverage {
    pub fn new(reviewer: &str, grid: CoverageGrid) -> Self {
        Coverage {
            reviewer: reviewer.to_string(),
            grid,
            checked: Vec::new(),
        }
    }

    pub fn is_checked(&self, cell: u32) -> bool {
        self.checked.binary_search(&cell).is_ok()
    }

    /// Checks or unchecks a cell; returns whether anything changed.
    pub fn set(&mut self, cell: u32, checked: bool) -> bool {
        if cell >= self.grid.cells() {
            return false;
        }
        match (self.checked.binary_search(&cell), checked) {
            (Err(at), true) => {
                self.checked.insert(at, cell);
                true
            }
            (Ok(at), false) => {
                self.checked.remove(at);
                true
            }
            _ => false,
        }
    }

    /// Share of the grid checked, 0..=1.
    pub fn fraction(&self) -> f64 {
        let total = self.grid.cells();
        if total == 0 {
            return 0.0;
        }
        self.checked.iter().filter(|c| **c < total).count() as f64 / total as f64
    }

    /// Sorted, deduplicated, cells outside the grid dropped.
    pub fn canonicalize(&mut self) {
        let total = self.grid.cells();
        self.checked.retain(|c| *c < total);
        self.checked.sort_unstable();
        self.checked.dedup();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_grid_covers_the_extent_with_about_the_asked_cells_per_side() {
        let g = CoverageGrid::for_extent(1000.0, 600.0, 10, 500.0).unwrap();
        assert_eq!((g.cell, g.cols, g.rows), (100.0, 10, 6));
        assert_eq!(g.cells(), 60);
        assert_eq!(g.cell_at(Point::new(0.0, 0.0)), Some(0));
        assert_eq!(g.cell_at(Point::new(150.0, 250.0)), Some(21));
        assert_eq!(g.cell_at(Point::new(999.0, 599.0)), Some(59));
        assert_eq!(g.cell_at(Point::new(-1.0, 5.0)), None);
        assert_eq!(g.cell_at(Point::new(1000.0, 5.0)), None);
        assert_eq!(
            g.cell_rect(21),
            (Point::new(100.0, 200.0), Point::new(200.0, 300.0))
        );
        assert!(CoverageGrid::for_extent(0.0, 10.0, 10, 500.0).is_none());
        assert!(CoverageGrid::for_extent(f64::NAN, 10.0, 10, 500.0).is_none());
        // A large site gets cells no larger than the cap.
        let big = CoverageGrid::for_extent(20_000.0, 10_000.0, 16, 256.0).unwrap();
        assert_eq!((big.cell, big.cols, big.rows), (256.0, 79, 40));
    }

    #[test]
    fn checking_cells_counts_each_once_and_stays_sorted() {
        let g = CoverageGrid::for_extent(400.0, 400.0, 4, 500.0).unwrap();
        let mut c = Coverage::new("rita", g);
        assert!(c.set(5, true));
        assert!(!c.set(5, true));
        assert!(c.set(1, true));
        assert!(!c.set(99, true), "outside the grid");
        assert_eq!(c.checked, [1, 5]);
        assert_eq!(c.fraction(), 2.0 / 16.0);
        assert!(c.set(5, false));
        assert!(!c.is_checked(5));
        c.checked = vec![9, 3, 3, 200];
        c.canonicalize();
        assert_eq!(c.checked, [3, 9]);
    }
}
