//! Review mode in the window: the queue a reviewer walks with the keyboard, decisions and
//! comments, and the geometry lock. The queue, the progress figures and the operations live in
//! the editing core ([`crate::editing::review`]); this file turns actions into them.

use super::SiteDiffApp;
use super::actions::Action;
use super::dialogs::{DecisionDialog, MarkerDialog};
use super::state::Pair;
use crate::editing::review::{self, Progress, QueueEntry, QueueFilter};
use crate::editing::selection::SelectionChange;
use crate::editing::tools::{Tool, ToolKind};
use crate::model::{
    BoundingBox, Coverage, CoverageGrid, Decision, Edit, FootprintId, MarkerId, MarkerShape, Point,
    Reason, SiteId, Timestamp,
};
use std::collections::HashMap;

/// The reviewer's session: never saved in the project.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReviewSession {
    /// Review mode is on: the queue panel shows, and geometry is locked unless unlocked.
    pub active: bool,
    /// The reviewer released the geometry lock on purpose.
    pub unlocked: bool,
    pub filter: QueueFilter,
    /// The footprint being reviewed.
    pub current: Option<(SiteId, FootprintId)>,
    /// Scroll the queue to the current entry on the next frame.
    pub scroll_to_current: bool,
    /// Do not shade the cells not yet checked.
    pub hide_coverage: bool,
    /// Put what awaits review first again on the next refresh ("Re-sort").
    pub resort: bool,
    /// The queue in the order the reviewer walks it, with live states. It is sorted (awaiting
    /// review first) when review mode starts, when the filter changes and on "Re-sort"; in
    /// between, a decided footprint keeps its place, as a read message does in a mail client,
    /// so that J and K walk a stable list.
    entries: Vec<QueueEntry>,
    /// The project revision and filter `entries` were made for.
    made_for: Option<(u64, QueueFilter)>,
    /// Review progress of the project and of each site, for the revision `entries` were made
    /// for (a review state is a digest of the outline: not something to recount every frame).
    pub progress: Progress,
    pub site_progress: HashMap<SiteId, Progress>,
    /// The next footprint drawn resolves this marker ("Draw it").
    pub draw_for: Option<(SiteId, MarkerId)>,
    /// Seconds each coverage cell has been in view closely enough, for the site and grid
    /// they count on.
    dwell: HashMap<u32, f64>,
    dwell_for: Option<(SiteId, CoverageGrid)>,
    last_look: Option<f64>,
    /// Cells the reviewer unchecked by hand: looking does not check them again.
    unchecked_by_hand: std::collections::HashSet<(SiteId, u32)>,
}

/// A cell counts as looked at when the view has shown it at this zoom or closer (screen
/// points per site pixel: at 0.5, a 10 m building at 1 m per pixel is 5 points across)...
pub const COVERAGE_MIN_ZOOM: f64 = 0.5;
/// ... for this long in total, each moment weighted by the share of the cell in view.
pub const COVERAGE_DWELL_SECONDS: f64 = 1.0;
/// Cells along the longer side of a site...
pub const COVERAGE_CELLS_PER_SIDE: u32 = 16;
/// ... each at most this many site pixels across, so that a cell fits whole in a view at
/// [`COVERAGE_MIN_ZOOM`] (a 20 000 px site gets 79 cells a side).
pub const COVERAGE_MAX_CELL: f64 = 256.0;

/// Actions that change a footprint or the project's shape, refused while geometry is locked.
pub fn is_locked_out(action: &Action) -> bool {
    match action {
        Action::Apply(op) => return changes_footprints(&op.edit),
        Action::Edit(edit) => return changes_footprints(edit),
        _ => {}
    }
    matches!(
        action,
        Action::Label(_)
            | Action::Square
            | Action::CopyOutlineToAfter
            | Action::RemoveAfterOutline
            | Action::DeleteSelection
            | Action::Nudge(..)
    ) || matches!(action, Action::SetTool(k) if !matches!(k, ToolKind::Select | ToolKind::Marker))
}

fn changes_footprints(edit: &Edit) -> bool {
    match edit {
        Edit::AddFootprint { .. }
        | Edit::RemoveFootprint { .. }
        | Edit::ReplaceFootprint { .. } => true,
        Edit::Batch(edits) => edits.iter().any(changes_footprints),
        _ => false,
    }
}

pub const LOCKED: &str = "Geometry is locked while reviewing: Ctrl+E unlocks it (Review menu), Ctrl+R leaves review mode.";

impl SiteDiffApp {
    /// Whether edits to footprints are refused now (review mode, not unlocked).
    pub fn geometry_locked(&self) -> bool {
        self.review.active && !self.review.unlocked
    }

    /// The queue as last refreshed, in the order the reviewer walks it.
    pub fn review_queue(&self) -> &[QueueEntry] {
        &self.review.entries
    }

    /// Brings the queue up to date with the project and the filter (cheap when neither
    /// changed).
    pub(super) fn refresh_review_queue(&mut self) {
        let Some(doc) = &self.doc else {
            self.review.entries.clear();
            self.review.made_for = None;
            return;
        };
        let key = (doc.revision(), self.review.filter.clone());
        let filter_changed = self
            .review
            .made_for
            .as_ref()
            .is_none_or(|(_, f)| *f != self.review.filter);
        if !self.review.resort && self.review.made_for.as_ref() == Some(&key) {
            return;
        }
        let live = review::queue(doc.project(), &self.review.filter);
        self.review.progress = Progress::of_project(doc.project());
        self.review.site_progress = doc
            .project()
            .sites
            .iter()
            .map(|s| (s.id, Progress::of_site(s)))
            .collect();
        if std::mem::take(&mut self.review.resort) || filter_changed {
            self.review.entries = live;
        } else {
            // Keep each entry's place; drop what no longer passes; new ones go last.
            let by_key: std::collections::HashMap<(SiteId, FootprintId), QueueEntry> =
                live.iter().map(|e| ((e.site, e.id), *e)).collect();
            let mut kept: Vec<QueueEntry> = self
                .review
                .entries
                .iter()
                .filter_map(|e| by_key.get(&(e.site, e.id)).copied())
                .collect();
            let present: std::collections::HashSet<(SiteId, FootprintId)> =
                kept.iter().map(|e| (e.site, e.id)).collect();
            kept.extend(
                live.into_iter()
                    .filter(|e| !present.contains(&(e.site, e.id))),
            );
            self.review.entries = kept;
        }
        self.review.made_for = Some(key);
    }

    /// Shows a footprint for review: its site, its own before/after pair, selected, and the
    /// panes centred on it with context around it.
    pub(super) fn review_go_to(&mut self, site: SiteId, id: FootprintId) {
        let Some(doc) = &self.doc else { return };
        let Some(s) = doc.project().site(site) else {
            return;
        };
        let Some(fp) = s.footprint(id) else { return };
        if self.pair.site != Some(site) {
            self.pair = Pair::for_site(s);
            self.follow_timeline = true;
        }
        if s.image(fp.before).is_some() && s.image(fp.after).is_some() {
            if self.pair.before != Some(fp.before) || self.pair.after != Some(fp.after) {
                self.follow_timeline = true;
            }
            self.pair.before = Some(fp.before);
            self.pair.after = Some(fp.after);
        }
        self.tool = Tool::new(ToolKind::Select);
        self.selection.apply(SelectionChange::Set(vec![id]));
        self.list.scroll_to_selection = true;
        self.review.current = Some((site, id));
        self.review.scroll_to_current = true;
        self.compare.focus = crate::editing::index::footprint_bounds(fp);
        self.compare.focus_close = true;
    }

    /// The footprint a decision is about: the selection when there is one in the current site,
    /// else the queue's current footprint.
    fn review_targets(&self) -> Option<(SiteId, Vec<FootprintId>)> {
        if let Some(site) = self.pair.site
            && !self.selection.is_empty()
        {
            return Some((site, self.selection.to_vec()));
        }
        self.review.current.map(|(s, id)| (s, vec![id]))
    }

    fn review_current(&self) -> Option<(SiteId, FootprintId)> {
        match (self.pair.site, self.selection.single()) {
            (Some(site), Some(id)) => Some((site, id)),
            _ => self.review.current,
        }
    }

    /// Applies the review actions; returns the action back when it is not one of them.
    pub(super) fn handle_review(&mut self, action: Action) -> Option<Action> {
        match action {
            Action::ToggleReviewMode => {
                self.review.active = !self.review.active;
                self.review.unlocked = false;
                if self.review.active {
                    self.tool = Tool::new(ToolKind::Select);
                    self.ask_name_once();
                    self.review.resort = true;
                    self.refresh_review_queue();
                    let queue = self.review_queue().to_vec();
                    let progress = self
                        .doc
                        .as_ref()
                        .map(|d| review::Progress::of_project(d.project()));
                    let first = review::next_awaiting(&queue, None).or(queue.first().copied());
                    if self.selection.is_empty()
                        && let Some(e) = first
                    {
                        self.review_go_to(e.site, e.id);
                    }
                    self.notify(format!(
                        "Review mode: {}. J/K next/previous, G accept, W reject, E needs changes, M comment.",
                        progress.map_or_else(String::new, |p| p.text())
                    ));
                } else {
                    self.notify("Review mode off: drawing and editing again.");
                }
            }
            Action::ToggleGeometryLock => {
                if !self.review.active {
                    self.notify("Geometry is only locked in review mode (Ctrl+R).");
                } else {
                    self.review.unlocked = !self.review.unlocked;
                    self.notify(if self.review.unlocked {
                        "Geometry unlocked: edits are allowed while reviewing (Ctrl+E locks again)."
                    } else {
                        "Geometry locked."
                    });
                }
            }
            Action::ReviewStep(step) => {
                self.refresh_review_queue();
                let queue = self.review_queue().to_vec();
                match review::step(&queue, self.review_current(), step) {
                    Some(e) => self.review_go_to(e.site, e.id),
                    None => self.notify("The review queue is empty (check its filters)."),
                }
            }
            Action::ReviewGoTo(site, id) => self.review_go_to(site, id),
            Action::ShowDecisionDialog(decision) => {
                if decision == Decision::Accepted {
                    return self.handle_review(Action::Decide {
                        decision,
                        reason: None,
                        comment: String::new(),
                    });
                }
                match self.review_targets() {
                    Some((_, ids)) => {
                        self.dialogs.decision = Some(DecisionDialog::new(decision, ids));
                    }
                    None => self.notify("Select a footprint to review first."),
                }
            }
            Action::ShowCommentDialog => match self.review_targets() {
                Some((_, ids)) if ids.len() == 1 => {
                    self.dialogs.decision = Some(DecisionDialog::comment(ids[0]));
                }
                Some(_) => self.notify("Comment on one footprint at a time."),
                None => self.notify("Select a footprint first."),
            },
            Action::Decide {
                decision,
                reason,
                comment,
            } => self.decide(decision, reason, &comment),
            Action::Comment(text) => {
                let by = self.author();
                let result = match (self.review_targets(), &self.doc) {
                    (Some((site, ids)), Some(doc)) if ids.len() == 1 => {
                        match doc.project().site(site) {
                            Some(s) => review::comment(s, ids[0], &text, &by, Timestamp::now()),
                            None => Err("The site is gone.".into()),
                        }
                    }
                    _ => Err("Select one footprint to comment on.".into()),
                };
                match result {
                    Ok(op) => {
                        self.apply_op(op);
                    }
                    Err(why) => self.notify(why),
                }
            }
            Action::ShowMarkerDialog(shape) => {
                self.ask_name_once();
                self.dialogs.marker = Some(MarkerDialog::note(shape));
            }
            Action::AddMarker { shape, note } => {
                let by = self.author();
                let pair = (self.pair.before, self.pair.after);
                let result = self
                    .current_site()
                    .ok_or_else(|| "Choose a site first.".to_string())
                    .and_then(|site| {
                        let id = review::next_marker_id(
                            self.doc
                                .as_ref()
                                .map(|d| d.project())
                                .ok_or("No project.")?,
                        )
                        .map_err(|e| e.to_string())?;
                        review::add_marker(site, id, shape, &note, pair, &by, Timestamp::now())
                            .map(|edit| (edit, id))
                    });
                match result {
                    Ok((edit, id)) => {
                        if self.apply_site_edit(edit, format!("mark missed change {id}")) {
                            // One marker at a time: back to looking.
                            self.tool = Tool::new(ToolKind::Select);
                            self.notify(format!(
                                "Marked missed change {id}. The analyst sees it under Missed changes."
                            ));
                        }
                    }
                    Err(why) => self.notify(why),
                }
            }
            Action::FocusMarker(id) => {
                let found = self
                    .current_site()
                    .and_then(|s| s.markers.iter().find(|m| m.id == id))
                    .map(|m| marker_bounds(&m.shape));
                match found {
                    Some(bb) => {
                        self.compare.focus = Some(bb);
                        self.compare.focus_close = true;
                    }
                    None => self.notify(format!("Marker {id} is not in this site.")),
                }
            }
            Action::ShowDismissMarker(id) => {
                self.dialogs.marker = Some(MarkerDialog::dismiss(id));
            }
            Action::DismissMarker { id, reason } => {
                let by = self.author();
                let result = match self.current_site() {
                    Some(site) => review::dismiss_marker(site, id, &reason, &by, Timestamp::now()),
                    None => Err("Choose a site first.".into()),
                };
                match result {
                    Ok(edit) => {
                        self.apply_site_edit(edit, format!("dismiss marker {id}"));
                    }
                    Err(why) => self.notify(why),
                }
            }
            Action::ToggleCoverageCell => {
                let at = self.hover.as_ref().map(|h| h.site_point);
                if at.is_none() {
                    self.notify("Point at the site with the mouse, then press U.");
                } else {
                    self.toggle_coverage(at);
                }
            }
            Action::CheckCellsInView => self.toggle_coverage(None),
            Action::DeleteMarker(id) => {
                let result = match self.current_site() {
                    Some(site) => review::delete_marker(site, id),
                    None => Err("Choose a site first.".into()),
                };
                match result {
                    Ok(edit) => {
                        self.apply_site_edit(edit, format!("delete marker {id}"));
                    }
                    Err(why) => self.notify(why),
                }
            }
            Action::DrawForMarker(id) => {
                let site = self.pair.site?;
                if self.geometry_locked() {
                    self.notify(LOCKED);
                    return None;
                }
                self.review.draw_for = Some((site, id));
                let _ = self.handle_review(Action::FocusMarker(id));
                return Some(Action::SetTool(ToolKind::Building));
            }
            other => return Some(other),
        }
        None
    }

    /// The user's coverage of the current site, if they have checked anything.
    pub fn my_coverage(&self) -> Option<&Coverage> {
        let me = self.author();
        self.current_site()?
            .coverage
            .iter()
            .find(|c| c.reviewer == me)
    }

    /// The grid coverage counts on in the current site: the user's record's, else one laid
    /// over the site's extent.
    pub fn coverage_grid(&self) -> Option<CoverageGrid> {
        if let Some(c) = self.my_coverage() {
            return Some(c.grid);
        }
        let doc = self.doc.as_ref()?;
        let site = self.current_site()?;
        let extent = super::canvas::site_extent(site, doc, &self.images)?;
        CoverageGrid::for_extent(
            extent.max.x,
            extent.max.y,
            COVERAGE_CELLS_PER_SIDE,
            COVERAGE_MAX_CELL,
        )
    }

    /// The share of the current site the user has checked, 0..=1.
    pub fn coverage_fraction(&self) -> f64 {
        self.my_coverage().map_or(0.0, Coverage::fraction)
    }

    /// Cells the view shows, each with the share of it in view (0..=1].
    fn cells_seen(&self, grid: &CoverageGrid) -> Vec<(u32, f64)> {
        let Some(pane) = self.panes.first() else {
            return Vec::new();
        };
        let vis = self.compare.view.visible_site_rect(pane.rect);
        let (lo, hi) = (
            Point::new(vis.min.x.min(vis.max.x), vis.min.y.min(vis.max.y)),
            Point::new(vis.min.x.max(vis.max.x), vis.min.y.max(vis.max.y)),
        );
        let index = |v: f64, n: u32| (v / grid.cell).floor().clamp(0.0, n as f64) as u32;
        let (c0, c1) = (
            index(lo.x, grid.cols),
            (index(hi.x, grid.cols) + 1).min(grid.cols),
        );
        let (r0, r1) = (
            index(lo.y, grid.rows),
            (index(hi.y, grid.rows) + 1).min(grid.rows),
        );
        let mut cells = Vec::new();
        for r in r0..r1 {
            for c in c0..c1 {
                let cell = r * grid.cols + c;
                let (a, b) = grid.cell_rect(cell);
                let w = (b.x.min(hi.x) - a.x.max(lo.x)).max(0.0);
                let h = (b.y.min(hi.y) - a.y.max(lo.y)).max(0.0);
                let share = w * h / (grid.cell * grid.cell);
                if share > 0.0 {
                    cells.push((cell, share.min(1.0)));
                }
            }
        }
        cells
    }

    /// Cells at least half in view (for checking them by hand).
    fn cells_in_view(&self, grid: &CoverageGrid) -> Vec<u32> {
        self.cells_seen(grid)
            .into_iter()
            .filter(|(_, share)| *share >= 0.5)
            .map(|(c, _)| c)
            .collect()
    }

    /// Review mode, once a frame: cells in view closely enough long enough become checked
    /// (not an undo step: undo is for what the reviewer did, not what they looked at).
    pub(super) fn track_coverage(&mut self, now: f64) -> Option<std::time::Duration> {
        let dt = self
            .review
            .last_look
            .map_or(0.0, |t| (now - t).clamp(0.0, 0.5));
        self.review.last_look = Some(now);
        let site = self.pair.site?;
        let grid = self.coverage_grid()?;
        if self.review.dwell_for != Some((site, grid)) {
            self.review.dwell.clear();
            self.review.dwell_for = Some((site, grid));
        }
        if self.compare.view.zoom < COVERAGE_MIN_ZOOM {
            return None;
        }
        let mine = self.my_coverage().cloned();
        let me = self.author();
        // Each cell in view earns time in proportion to how much of it is in view: a cell seen
        // whole counts after a second, one seen a quarter at a time after four.
        let waiting: Vec<(u32, f64)> = self
            .cells_seen(&grid)
            .into_iter()
            .filter(|(c, _)| !mine.as_ref().is_some_and(|m| m.is_checked(*c)))
            .filter(|(c, _)| !self.review.unchecked_by_hand.contains(&(site, *c)))
            .collect();
        if waiting.is_empty() {
            return None;
        }
        let mut done = Vec::new();
        for (c, share) in &waiting {
            let t = self.review.dwell.entry(*c).or_default();
            *t += dt * share;
            if *t >= COVERAGE_DWELL_SECONDS {
                done.push(*c);
            }
        }
        if !done.is_empty()
            && let Some(doc) = &mut self.doc
        {
            let edit = Edit::CheckCells {
                site,
                reviewer: me,
                grid,
                cells: done,
                checked: true,
            };
            let _ = doc.apply_untracked(edit);
        }
        // Keep time moving while cells in view wait for their second.
        Some(std::time::Duration::from_millis(250))
    }

    /// Checks or unchecks by hand: the cell under `at`, or every cell in view.
    fn toggle_coverage(&mut self, at: Option<Point>) {
        let Some(site) = self.pair.site else { return };
        let Some(grid) = self.coverage_grid() else {
            self.notify("The site's size is not known yet (its images are loading).");
            return;
        };
        let me = self.author();
        let (cells, checked, what) = match at {
            Some(p) => match grid.cell_at(p) {
                Some(c) => {
                    let on = self.my_coverage().is_some_and(|m| m.is_checked(c));
                    (vec![c], !on, "the cell under the pointer")
                }
                None => {
                    self.notify("Point at the site to check a cell.");
                    return;
                }
            },
            None => (self.cells_in_view(&grid), true, "the cells in view"),
        };
        if cells.is_empty() {
            self.notify("No cell is even half in view.");
            return;
        }
        let edit = Edit::CheckCells {
            site,
            reviewer: me,
            grid,
            cells: cells.clone(),
            checked,
        };
        for c in &cells {
            if checked {
                self.review.unchecked_by_hand.remove(&(site, *c));
            } else {
                self.review.unchecked_by_hand.insert((site, *c));
            }
        }
        let verb = if checked { "check" } else { "uncheck" };
        if self.apply_site_edit(edit, format!("{verb} {what}")) {
            self.notify(format!(
                "Coverage: {:.0} % of the site checked.",
                self.coverage_fraction() * 100.0
            ));
        }
    }

    pub(super) fn current_site(&self) -> Option<&crate::model::Site> {
        let doc = self.doc.as_ref()?;
        self.pair.site.and_then(|id| doc.project().site(id))
    }

    /// Applies a marker or coverage edit as one undo step.
    fn apply_site_edit(&mut self, edit: Edit, label: String) -> bool {
        let Some(doc) = &mut self.doc else {
            return false;
        };
        match doc.apply_labeled(edit, label, self.selection.to_vec()) {
            Ok(_) => true,
            Err(e) => {
                self.dialogs.message = Some(("Cannot make that change".into(), e.to_string()));
                false
            }
        }
    }

    /// A footprint drawn after "Draw it" on a marker resolves the marker in the same step.
    pub(super) fn link_drawn_marker(
        &mut self,
        op: crate::editing::ops::Op,
    ) -> crate::editing::ops::Op {
        let Some((site_id, marker)) = self.review.draw_for else {
            return op;
        };
        let Edit::AddFootprint { site, footprint } = &op.edit else {
            return op;
        };
        if *site != site_id {
            return op;
        }
        let by = self.author();
        let Some(s) = self.current_site() else {
            return op;
        };
        match review::link_marker(s, marker, footprint.id, &by, Timestamp::now()) {
            Ok(link) => {
                self.review.draw_for = None;
                let label = format!("{} for marker {marker}", op.label);
                crate::editing::ops::Op {
                    edit: Edit::Batch(vec![op.edit, link]),
                    label,
                    select: op.select,
                }
            }
            Err(_) => {
                self.review.draw_for = None;
                op
            }
        }
    }

    fn decide(&mut self, decision: Decision, reason: Option<Reason>, comment: &str) {
        let by = self.author();
        let Some((site_id, ids)) = self.review_targets() else {
            self.notify("Select a footprint to review first.");
            return;
        };
        let Some(site) = self.doc.as_ref().and_then(|d| d.project().site(site_id)) else {
            return;
        };
        let self_review = ids
            .iter()
            .filter_map(|id| site.footprint(*id))
            .any(|f| f.author == by);
        let result = review::decide(site, &ids, decision, reason, comment, &by, Timestamp::now());
        let op = match result {
            Ok(op) => op,
            Err(why) => {
                self.notify(why);
                return;
            }
        };
        let label = op.label.clone();
        if !self.apply_op(op) {
            return;
        }
        self.review.current = ids.first().map(|id| (site_id, *id));
        let mut notice = format!(
            "{}{}",
            capitalise(&label),
            if self_review {
                " (your own footprint: counted as a self-review)"
            } else {
                ""
            }
        );
        // Accepting moves on by itself, so a correct footprint costs one key; after a
        // rejection the reviewer may want to look again, so it stays.
        if decision == Decision::Accepted && self.review.active {
            self.refresh_review_queue();
            let queue = self.review_queue().to_vec();
            match review::next_awaiting(&queue, self.review.current) {
                Some(next) => self.review_go_to(next.site, next.id),
                None => notice.push_str(". Nothing else awaits review."),
            }
        }
        self.notify(notice);
    }

    /// Asks for the user's name the first time it matters (drawing or reviewing).
    pub(super) fn ask_name_once(&mut self) {
        if self.prefs.analyst.trim().is_empty() && !self.prefs.analyst_asked {
            self.prefs.analyst_asked = true;
            self.dialogs.name = Some(super::dialogs::NameDialog::new(""));
        }
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The site area to show for a marker: its area, or a 60 px box around its spot.
pub fn marker_bounds(shape: &MarkerShape) -> BoundingBox {
    match shape {
        MarkerShape::Area(poly) => poly.bounding_box().unwrap_or(BoundingBox {
            min: shape.center(),
            max: shape.center(),
        }),
        MarkerShape::Point(p) => BoundingBox {
            min: Point::new(p.x - 30.0, p.y - 30.0),
            max: Point::new(p.x + 30.0, p.y + 30.0),
        },
    }
}
