//! Counts and areas per site, for `sitediff stats` and the review progress display.

use super::footprint::{ChangeKind, ReviewState};
use super::ids::SiteId;
use super::project::Site;
use serde::Serialize;

/// What a site holds, counted.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SiteCounts {
    pub site: SiteId,
    pub footprints: usize,
    pub demolished: usize,
    pub new: usize,
    pub renovated: usize,
    pub accepted: usize,
    pub rejected: usize,
    pub unreviewed: usize,
    /// Sum of outline areas in square site pixels (after-outline for renovations that have one,
    /// since that is the building as it stands now).
    pub total_area: f64,
}

impl SiteCounts {
    pub fn of(site: &Site) -> Self {
        let mut c = SiteCounts {
            site: site.id,
            footprints: site.footprints.len(),
            demolished: 0,
            new: 0,
            renovated: 0,
            accepted: 0,
            rejected: 0,
            unreviewed: 0,
            total_area: 0.0,
        };
        for f in &site.footprints {
            match f.kind {
                ChangeKind::Demolished => c.demolished += 1,
                ChangeKind::New => c.new += 1,
                ChangeKind::Renovated => c.renovated += 1,
            }
            match f.review.state {
                ReviewState::Accepted => c.accepted += 1,
                ReviewState::Rejected => c.rejected += 1,
                ReviewState::Unreviewed => c.unreviewed += 1,
            }
            let outline = f.after_outline.as_ref().unwrap_or(&f.outline);
            let area = outline.area();
            if area.is_finite() {
                c.total_area += area;
            }
        }
        c
    }

    /// Share of footprints reviewed (accepted or rejected), 0..=1; 1 when there are none.
    pub fn reviewed_fraction(&self) -> f64 {
        if self.footprints == 0 {
            1.0
        } else {
            (self.accepted + self.rejected) as f64 / self.footprints as f64
        }
    }

    pub fn count(&self, kind: ChangeKind) -> usize {
        match kind {
            ChangeKind::Demolished => self.demolished,
            ChangeKind::New => self.new,
            ChangeKind::Renovated => self.renovated,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Footprint, FootprintId, ImageId, Point, Polygon, Timestamp};

    #[test]
    fn counts_split_by_kind_and_review_and_sum_the_area() {
        let mut site = Site::new(SiteId(1), "s");
        let t = Timestamp::from_unix(0).unwrap();
        for (i, kind) in [ChangeKind::New, ChangeKind::New, ChangeKind::Demolished]
            .into_iter()
            .enumerate()
        {
            let r = Polygon::rectangle(Point::new(0.0, 0.0), Point::new(10.0, 10.0));
            site.footprints.push(Footprint::new(
                FootprintId(i as u32 + 1),
                kind,
                ImageId(1),
                ImageId(2),
                r,
                "a",
                t,
            ));
        }
        site.footprints[0].review.state = ReviewState::Accepted;
        let c = SiteCounts::of(&site);
        assert_eq!((c.new, c.demolished, c.renovated), (2, 1, 0));
        assert_eq!((c.accepted, c.rejected, c.unreviewed), (1, 0, 2));
        assert_eq!(c.total_area, 300.0);
        assert!((c.reviewed_fraction() - 1.0 / 3.0).abs() < 1e-12);
    }
}
