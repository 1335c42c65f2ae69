//! Counts and areas per site, for `sitediff stats` and the review progress display.

use super::footprint::ChangeKind;
use super::ids::SiteId;
use super::project::Site;
use super::review::{Reason, ReviewState};
use serde::Serialize;
use std::collections::BTreeMap;

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
    pub needs_changes: usize,
    pub unreviewed: usize,
    /// Decided on, then changed: back in the queue.
    pub changed_since_review: usize,
    /// Footprints whose latest decision was made by their own author.
    pub self_reviewed: usize,
    /// Rejections and requests for changes that stand, by reason ("none" when none was given).
    pub reasons: BTreeMap<String, usize>,
    /// Missed-change markers, and how many are still open.
    pub markers: usize,
    pub open_markers: usize,
    /// Each reviewer's coverage of the site, in percent of its grid.
    pub coverage_percent: BTreeMap<String, f64>,
    /// Sum of outline areas in square site pixels (after-outline for renovations that have one,
    /// since that is the building as it stands now).
    pub total_area: f64,
    /// Footprints whose area is not a finite number (coordinates so large it overflows), left
    /// out of `total_area`; `validate` reports them.
    pub footprints_without_area: usize,
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
            needs_changes: 0,
            unreviewed: 0,
            changed_since_review: 0,
            self_reviewed: 0,
            reasons: BTreeMap::new(),
            markers: site.markers.len(),
            open_markers: site.markers.iter().filter(|m| m.is_open()).count(),
            coverage_percent: site
                .coverage
                .iter()
                .map(|c| (c.reviewer.clone(), (c.fraction() * 1000.0).round() / 10.0))
                .collect(),
            total_area: 0.0,
            footprints_without_area: 0,
        };
        for f in &site.footprints {
            match f.kind {
                ChangeKind::Demolished => c.demolished += 1,
                ChangeKind::New => c.new += 1,
                ChangeKind::Renovated => c.renovated += 1,
            }
            let state = f.review_state();
            match state {
                ReviewState::Accepted => c.accepted += 1,
                ReviewState::Rejected => c.rejected += 1,
                ReviewState::NeedsChanges => c.needs_changes += 1,
                ReviewState::Unreviewed => c.unreviewed += 1,
                ReviewState::ChangedSinceReview => c.changed_since_review += 1,
            }
            if f.is_self_reviewed() && !state.awaits_review() {
                c.self_reviewed += 1;
            }
            if matches!(state, ReviewState::Rejected | ReviewState::NeedsChanges) {
                let reason = f
                    .last_decision()
                    .and_then(|e| e.reason)
                    .map_or("none", Reason::label);
                *c.reasons.entry(reason.to_string()).or_default() += 1;
            }
            let outline = f.after_outline.as_ref().unwrap_or(&f.outline);
            let area = outline.area();
            if area.is_finite() {
                c.total_area += area;
            } else {
                c.footprints_without_area += 1;
            }
        }
        c
    }

    /// Footprints with a decision that still stands (not unreviewed, not changed since).
    pub fn reviewed(&self) -> usize {
        self.accepted + self.rejected + self.needs_changes
    }

    /// Share of footprints reviewed, 0..=1; 1 when there are none.
    pub fn reviewed_fraction(&self) -> f64 {
        if self.footprints == 0 {
            1.0
        } else {
            self.reviewed() as f64 / self.footprints as f64
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
    use crate::model::{Decision, Footprint, FootprintId, ImageId, Point, Polygon, Timestamp};

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
        let accept = site.footprints[0].decision_event(Decision::Accepted, None, "", "b", t);
        site.footprints[0].reviews.push(accept);
        // Rejected by its own author.
        let reject = site.footprints[2].decision_event(
            Decision::Rejected,
            Some(Reason::Duplicate),
            "",
            "a",
            t,
        );
        site.footprints[2].reviews.push(reject);
        let c = SiteCounts::of(&site);
        assert_eq!((c.new, c.demolished, c.renovated), (2, 1, 0));
        assert_eq!((c.accepted, c.rejected, c.unreviewed), (1, 1, 1));
        assert_eq!(c.self_reviewed, 1);
        assert_eq!(c.reasons.get("duplicate"), Some(&1));
        assert_eq!(c.total_area, 300.0);
        assert!((c.reviewed_fraction() - 2.0 / 3.0).abs() < 1e-12);
        // Moving the accepted one puts it back in the queue.
        site.footprints[0].outline.0[0].x = -1.0;
        let c = SiteCounts::of(&site);
        assert_eq!((c.accepted, c.changed_since_review), (0, 1));
        assert!((c.reviewed_fraction() - 1.0 / 3.0).abs() < 1e-12);
    }
}
