//! Review mode in the window: the queue a reviewer walks with the keyboard, decisions and
//! comments, and the geometry lock. The queue, the progress figures and the operations live in
//! the editing core ([`crate::editing::review`]); this file turns actions into them.

use super::SiteDiffApp;
use super::actions::Action;
use super::dialogs::DecisionDialog;
use super::state::Pair;
use crate::editing::review::{self, QueueEntry, QueueFilter};
use crate::editing::selection::SelectionChange;
use crate::editing::tools::{Tool, ToolKind};
use crate::model::{Decision, Edit, FootprintId, Reason, SiteId, Timestamp};

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
    /// Put what awaits review first again on the next refresh ("Re-sort").
    pub resort: bool,
    /// The queue in the order the reviewer walks it, with live states. It is sorted (awaiting
    /// review first) when review mode starts, when the filter changes and on "Re-sort"; in
    /// between, a decided footprint keeps its place, as a read message does in a mail client,
    /// so that J and K walk a stable list.
    entries: Vec<QueueEntry>,
    /// The project revision and filter `entries` were made for.
    made_for: Option<(u64, QueueFilter)>,
}

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
    ) || matches!(action, Action::SetTool(k) if *k != ToolKind::Select)
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
            other => return Some(other),
        }
        None
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
