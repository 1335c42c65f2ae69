//! Review without egui: the queue a reviewer walks, the progress figures, and the operations
//! that add to a footprint's review thread (decisions, comments). Decisions are edits like any
//! other: one undo step each, saved with the project.

use super::ops::{Op, OpResult, Refusal, names};
use crate::model::{
    ChangeKind, Decision, Edit, Footprint, FootprintId, ImageId, Marker, MarkerId,
    MarkerResolution, MarkerShape, Project, Reason, ReviewState, Site, SiteId, Timestamp,
};

/// Which footprints the queue holds.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct QueueFilter {
    pub site: Option<SiteId>,
    pub kind: Option<ChangeKind>,
    /// Footprints drawn by this author.
    pub author: Option<String>,
    pub tag: Option<String>,
    pub state: Option<ReviewState>,
}

impl QueueFilter {
    pub fn accepts(&self, site: SiteId, fp: &Footprint) -> bool {
        self.site.is_none_or(|s| s == site)
            && self.kind.is_none_or(|k| k == fp.kind)
            && self.author.as_ref().is_none_or(|a| *a == fp.author)
            && self.tag.as_ref().is_none_or(|t| fp.tags.contains(t))
            && self.state.is_none_or(|s| s == fp.review_state())
    }

    pub fn is_active(&self) -> bool {
        *self != QueueFilter::default()
    }
}

/// Where a state comes in the queue: what waits for a reviewer first (changed since review
/// before never reviewed: someone already looked and it moved), then what was sent back, then
/// what is settled.
fn queue_rank(state: ReviewState) -> u8 {
    match state {
        ReviewState::ChangedSinceReview => 0,
        ReviewState::Unreviewed => 1,
        ReviewState::NeedsChanges => 2,
        ReviewState::Rejected => 3,
        ReviewState::Accepted => 4,
    }
}

/// One footprint in the queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QueueEntry {
    pub site: SiteId,
    pub id: FootprintId,
    pub state: ReviewState,
    /// The latest decision was made by the footprint's own author.
    pub self_review: bool,
}

/// The footprints passing `filter`, in review order: by state (awaiting review first), then
/// site, then id (the order analysts drew them in).
pub fn queue(project: &Project, filter: &QueueFilter) -> Vec<QueueEntry> {
    let mut v: Vec<QueueEntry> = project
        .sites
        .iter()
        .flat_map(|site| {
            site.footprints
                .iter()
                .filter(|fp| filter.accepts(site.id, fp))
                .map(|fp| QueueEntry {
                    site: site.id,
                    id: fp.id,
                    state: fp.review_state(),
                    self_review: fp.is_self_reviewed(),
                })
        })
        .collect();
    v.sort_by_key(|e| (queue_rank(e.state), e.site, e.id));
    v
}

/// The entry after (`step` 1) or before (-1) `current` in `queue`, wrapping; the first entry
/// when `current` is not in it.
pub fn step(
    queue: &[QueueEntry],
    current: Option<(SiteId, FootprintId)>,
    step: i32,
) -> Option<QueueEntry> {
    if queue.is_empty() {
        return None;
    }
    let n = queue.len() as i64;
    let at = current.and_then(|c| queue.iter().position(|e| (e.site, e.id) == c));
    let i = match at {
        Some(i) => (i as i64 + step as i64).rem_euclid(n),
        None if step < 0 => n - 1,
        None => 0,
    };
    queue.get(i as usize).copied()
}

/// The next footprint still awaiting review after `current` (in queue order, wrapping), for
/// "accept and move on"; `None` when nothing else awaits review.
pub fn next_awaiting(
    queue: &[QueueEntry],
    current: Option<(SiteId, FootprintId)>,
) -> Option<QueueEntry> {
    let n = queue.len();
    let start = current
        .and_then(|c| queue.iter().position(|e| (e.site, e.id) == c))
        .map_or(0, |i| i + 1);
    (0..n)
        .map(|k| queue[(start + k) % n])
        .find(|e| e.state.awaits_review() && Some((e.site, e.id)) != current)
}

/// Review figures for a set of footprints.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    /// With a decision that still stands.
    pub reviewed: usize,
    pub total: usize,
    pub accepted: usize,
    pub rejected: usize,
    pub needs_changes: usize,
    pub changed_since_review: usize,
    /// Standing decisions made by the footprint's own author.
    pub self_reviewed: usize,
}

impl Progress {
    pub fn of_site(site: &Site) -> Progress {
        let mut p = Progress::default();
        for fp in &site.footprints {
            p.add(fp);
        }
        p
    }

    pub fn of_project(project: &Project) -> Progress {
        let mut p = Progress::default();
        for fp in project.sites.iter().flat_map(|s| &s.footprints) {
            p.add(fp);
        }
        p
    }

    fn add(&mut self, fp: &Footprint) {
        self.total += 1;
        let state = fp.review_state();
        match state {
            ReviewState::Accepted => self.accepted += 1,
            ReviewState::Rejected => self.rejected += 1,
            ReviewState::NeedsChanges => self.needs_changes += 1,
            ReviewState::ChangedSinceReview => self.changed_since_review += 1,
            ReviewState::Unreviewed => {}
        }
        if !state.awaits_review() {
            self.reviewed += 1;
            if fp.is_self_reviewed() {
                self.self_reviewed += 1;
            }
        }
    }

    /// "12 of 40 reviewed".
    pub fn text(&self) -> String {
        format!("{} of {} reviewed", self.reviewed, self.total)
    }
}

/// A reviewer's decision on each footprint in `ids`. Rejecting and sending back need a reason;
/// a decision that repeats the standing one with no comment changes nothing and is refused.
pub fn decide(
    site: &Site,
    ids: &[FootprintId],
    decision: Decision,
    reason: Option<Reason>,
    comment: &str,
    by: &str,
    now: Timestamp,
) -> OpResult {
    if decision != Decision::Accepted && reason.is_none() {
        return Err(format!(
            "Say why it is {}: choose a reason.",
            decision.label()
        ));
    }
    if by.trim().is_empty() {
        return Err("Set your name first (Edit > Your name…): decisions are signed.".into());
    }
    let mut edits = Vec::new();
    for id in ids {
        let fp = site
            .footprint(*id)
            .ok_or_else(|| format!("Footprint {id} is not in site {}.", site.name))?;
        let standing = fp.review_state();
        let same = fp
            .last_decision()
            .is_some_and(|e| e.decision == Some(decision) && e.reason == reason && e.by == by);
        if same && !standing.awaits_review() && comment.trim().is_empty() {
            continue;
        }
        let mut changed = fp.clone();
        changed
            .reviews
            .push(fp.decision_event(decision, reason, comment, by, now));
        edits.push(Edit::ReplaceFootprint {
            site: site.id,
            footprint: changed,
        });
    }
    if ids.is_empty() {
        return Err("Select a footprint first.".into());
    }
    let label = match (decision, reason) {
        (Decision::Accepted, _) => format!("accept {}", names(ids)),
        (d, Some(r)) => format!("mark {} {} ({})", names(ids), d.label(), r.label()),
        (d, None) => format!("mark {} {}", names(ids), d.label()),
    };
    into_op(edits, label, ids, || {
        format!("Already {} by you.", decision.label())
    })
}

/// A comment alone on `id`'s thread: a reviewer's question or the analyst's answer.
pub fn comment(site: &Site, id: FootprintId, text: &str, by: &str, now: Timestamp) -> OpResult {
    let text = text.trim();
    if text.is_empty() {
        return Err("Write a comment first.".into());
    }
    let fp = site
        .footprint(id)
        .ok_or_else(|| format!("Footprint {id} is not in site {}.", site.name))?;
    let mut changed = fp.clone();
    changed.reviews.push(crate::model::ReviewEvent {
        by: by.to_string(),
        at: now,
        decision: None,
        reason: None,
        comment: text.to_string(),
        judged: None,
    });
    into_op(
        vec![Edit::ReplaceFootprint {
            site: site.id,
            footprint: changed,
        }],
        format!("comment on {id}"),
        &[id],
        || "Nothing to change.".into(),
    )
}

/// A new missed-change marker on `site`, with id `id` (from [`next_marker_id`]).
#[allow(clippy::too_many_arguments)]
pub fn add_marker(
    site: &Site,
    id: MarkerId,
    shape: MarkerShape,
    note: &str,
    pair: (Option<ImageId>, Option<ImageId>),
    by: &str,
    now: Timestamp,
) -> Result<Edit, Refusal> {
    let usable = match &shape {
        MarkerShape::Point(p) => p.x.is_finite() && p.y.is_finite(),
        MarkerShape::Area(poly) => {
            poly.len() >= 3 && poly.0.iter().all(|p| p.x.is_finite() && p.y.is_finite())
        }
    };
    if !usable {
        return Err("A marker needs a spot or an area on the image.".into());
    }
    let mut markers = site.markers.clone();
    markers.push(Marker {
        id,
        shape,
        note: note.trim().to_string(),
        by: by.to_string(),
        at: now,
        before: pair.0,
        after: pair.1,
        resolution: None,
    });
    Ok(Edit::SetMarkers {
        site: site.id,
        markers,
    })
}

/// The id the next marker gets.
pub fn next_marker_id(project: &Project) -> Result<MarkerId, crate::model::IdsExhausted> {
    project.next_ids.clone().new_marker()
}

fn with_marker(
    site: &Site,
    id: MarkerId,
    f: impl FnOnce(&mut Marker) -> Result<(), Refusal>,
) -> Result<Edit, Refusal> {
    let mut markers = site.markers.clone();
    let m = markers
        .iter_mut()
        .find(|m| m.id == id)
        .ok_or_else(|| format!("Marker {id} is not in site {}.", site.name))?;
    f(m)?;
    Ok(Edit::SetMarkers {
        site: site.id,
        markers,
    })
}

/// Settles an open marker as "nothing to draw", saying why.
pub fn dismiss_marker(
    site: &Site,
    id: MarkerId,
    reason: &str,
    by: &str,
    now: Timestamp,
) -> Result<Edit, Refusal> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err("Say why the marker is dismissed.".into());
    }
    with_marker(site, id, |m| {
        if !m.is_open() {
            return Err(format!("Marker {id} is already {}.", m.state_text()));
        }
        m.resolution = Some(MarkerResolution::Dismissed {
            reason: reason.to_string(),
            by: by.to_string(),
            at: now,
        });
        Ok(())
    })
}

/// Settles an open marker by the footprint drawn for it (to apply with the footprint's
/// creation, as one step).
pub fn link_marker(
    site: &Site,
    id: MarkerId,
    footprint: FootprintId,
    by: &str,
    now: Timestamp,
) -> Result<Edit, Refusal> {
    with_marker(site, id, |m| {
        if !m.is_open() {
            return Err(format!("Marker {id} is already {}.", m.state_text()));
        }
        m.resolution = Some(MarkerResolution::Drawn {
            footprint,
            by: by.to_string(),
            at: now,
        });
        Ok(())
    })
}

/// Removes a marker (dropped by mistake).
pub fn delete_marker(site: &Site, id: MarkerId) -> Result<Edit, Refusal> {
    if !site.markers.iter().any(|m| m.id == id) {
        return Err(format!("Marker {id} is not in site {}.", site.name));
    }
    Ok(Edit::SetMarkers {
        site: site.id,
        markers: site
            .markers
            .iter()
            .filter(|m| m.id != id)
            .cloned()
            .collect(),
    })
}

/// Open markers of a project: (site, marker id).
pub fn open_markers(project: &Project) -> usize {
    project
        .sites
        .iter()
        .flat_map(|s| &s.markers)
        .filter(|m| m.is_open())
        .count()
}

fn into_op(
    edits: Vec<Edit>,
    label: String,
    ids: &[FootprintId],
    nothing: impl FnOnce() -> Refusal,
) -> OpResult {
    let edit = match edits.len() {
        0 => return Err(nothing()),
        1 => edits.into_iter().next().ok_or_else(nothing)?,
        _ => Edit::Batch(edits),
    };
    Ok(Op {
        edit,
        label,
        select: ids.to_vec(),
    })
}

#[cfg(test)]
#[path = "review_tests.rs"]
mod tests;
