//! Applying the editing actions: operations, undo and redo, the selection, tools, labels, and
//! growing the project. Every change to the project is an operation of the editing core
//! applied through [`crate::editing::Document`] as one undo step.

use super::SiteDiffApp;
use super::actions::{Action, AddImagesRequest};
use super::commands::Command;
use super::dialogs::{AddImagesDialog, NameDialog, RenameSiteDialog};
use super::state::Pair;
use crate::editing::conflicts::{Resolution, conflict_count, resolution_edit};
use crate::editing::grow;
use crate::editing::index::footprint_bounds;
use crate::editing::ops::{self, Op, OpResult};
use crate::editing::selection::SelectionChange;
use crate::editing::tools::{Tool, ToolKind};
use crate::io::new_project::NewImage;
use crate::model::{BoundingBox, FootprintId, Point, SiteId, Timestamp};

impl SiteDiffApp {
    /// Shows another site: its first and last images, nothing selected, the view fitted.
    pub(super) fn select_site(&mut self, id: SiteId) {
        if let Some(site) = self.doc.as_ref().and_then(|d| d.project().site(id)) {
            self.pair = Pair::for_site(site);
            self.selection.clear();
            self.tool = Tool::new(self.tool.kind());
            self.compare.fit_pending = true;
            self.follow_timeline = true;
        }
    }

    /// Applies an operation as one undo step and selects what it says.
    pub(super) fn apply_op(&mut self, op: Op) -> bool {
        let Some(doc) = &mut self.doc else {
            return false;
        };
        let select = op.select.clone();
        match doc.apply_labeled(op.edit, op.label, self.selection.to_vec()) {
            Ok(_) => {
                // A notice about an earlier refusal no longer applies.
                self.status = None;
                self.selection.apply(SelectionChange::Set(select));
                let site = self.pair.site.and_then(|id| doc.project().site(id));
                self.selection.repair(site);
                true
            }
            Err(e) => {
                self.dialogs.message = Some(("Cannot make that change".into(), e.to_string()));
                false
            }
        }
    }

    fn run_op(&mut self, result: OpResult) {
        match result {
            Ok(op) => {
                self.apply_op(op);
            }
            Err(why) => self.notify(why),
        }
    }

    /// The current site and the selected ids, or a notice saying what is missing.
    fn selected(&mut self) -> Option<Vec<FootprintId>> {
        if self.selection.is_empty() {
            self.notify("Select a footprint first.");
            return None;
        }
        Some(self.selection.to_vec())
    }

    fn footprint_op(
        &mut self,
        f: impl FnOnce(&crate::model::Site, &[FootprintId], Timestamp) -> OpResult,
    ) {
        let Some(ids) = self.selected() else { return };
        let Some(site) = self
            .doc
            .as_ref()
            .and_then(|d| self.pair.site.and_then(|id| d.project().site(id)))
        else {
            return;
        };
        let result = f(site, &ids, Timestamp::now());
        self.run_op(result);
    }

    /// The bounds of the selection, for zooming to it.
    fn selection_bounds(&self) -> Option<BoundingBox> {
        let doc = self.doc.as_ref()?;
        let site = self.pair.site.and_then(|id| doc.project().site(id))?;
        let mut all: Option<BoundingBox> = None;
        for id in self.selection.ids() {
            let Some(bb) = site.footprint(*id).and_then(footprint_bounds) else {
                continue;
            };
            all = Some(match all {
                None => bb,
                Some(a) => BoundingBox {
                    min: Point::new(a.min.x.min(bb.min.x), a.min.y.min(bb.min.y)),
                    max: Point::new(a.max.x.max(bb.max.x), a.max.y.max(bb.max.y)),
                },
            });
        }
        all
    }

    fn undo_redo(&mut self, undo: bool) {
        let Some(doc) = &mut self.doc else { return };
        // An unfinished shape or drag is dropped first, so undo acts on what the project holds.
        if self.tool.busy() {
            self.tool = Tool::new(self.tool.kind());
        }
        let selection = self.selection.to_vec();
        let result = if undo {
            doc.undo_step(selection)
        } else {
            doc.redo_step(selection)
        };
        match result {
            Ok(Some(replayed)) => {
                // Show the site the step touched.
                let touched_site = replayed
                    .touched
                    .footprints
                    .iter()
                    .map(|(s, _)| *s)
                    .next()
                    .filter(|s| doc.project().site(*s).is_some());
                if let Some(s) = touched_site
                    && Some(s) != self.pair.site
                    && let Some(site) = doc.project().site(s)
                {
                    self.pair = Pair::for_site(site);
                    self.compare.fit_pending = true;
                }
                self.pair.repair(doc.project());
                // Select what the step changed (a moved corner's footprint, deleted footprints
                // brought back); when that is gone (an undone drawing), what was selected
                // on the other side of the step.
                let site = self.pair.site.and_then(|id| doc.project().site(id));
                let affected: Vec<_> = replayed
                    .touched
                    .footprints
                    .iter()
                    .filter(|(s, f)| {
                        Some(*s) == self.pair.site
                            && site.is_some_and(|x| x.footprint(*f).is_some())
                    })
                    .map(|(_, f)| *f)
                    .collect();
                self.selection = if affected.is_empty() {
                    crate::editing::Selection::of(replayed.selection)
                } else {
                    crate::editing::Selection::of(affected)
                };
                self.selection.repair(site);
                let verb = if undo { "Undid" } else { "Redid" };
                self.notify(format!("{verb} {}", replayed.label));
            }
            Ok(None) => self.notify(if undo {
                "Nothing to undo."
            } else {
                "Nothing to redo."
            }),
            Err(e) => {
                self.dialogs.message = Some(("Cannot undo".into(), e.to_string()));
            }
        }
    }

    /// Applies the editing actions; the others are handled in [`SiteDiffApp::handle`].
    pub(super) fn handle_edit(&mut self, _ctx: &egui::Context, action: Action) {
        match action {
            Action::Edit(edit) => {
                if let Some(doc) = &mut self.doc {
                    let label = edit.describe();
                    if let Err(e) = doc.apply_labeled(edit, label, self.selection.to_vec()) {
                        self.dialogs.message =
                            Some(("Cannot apply the change".into(), e.to_string()));
                    }
                }
            }
            Action::Apply(op) => {
                let op = self.link_drawn_marker(op);
                self.apply_op(op);
            }
            Action::Undo => self.undo_redo(true),
            Action::Redo => self.undo_redo(false),
            Action::Select(change) => {
                self.selection.apply(change);
                self.list.scroll_to_selection = true;
            }
            Action::SelectAll => {
                if let Some(site) = self
                    .doc
                    .as_ref()
                    .and_then(|d| self.pair.site.and_then(|id| d.project().site(id)))
                {
                    let all = site.footprints.iter().map(|f| f.id).collect();
                    self.selection.apply(SelectionChange::Set(all));
                }
            }
            Action::SelectStep(step) => {
                let rows = self.list_rows().to_vec();
                if rows.is_empty() {
                    self.notify("No footprints in the list.");
                    return;
                }
                let current = self
                    .selection
                    .ids()
                    .first()
                    .and_then(|id| rows.iter().position(|r| r == id));
                let n = rows.len() as i64;
                let next = match current {
                    Some(i) => (i as i64 + step as i64).rem_euclid(n),
                    None if step >= 0 => 0,
                    None => n - 1,
                };
                self.handle_edit(_ctx, Action::Focus(rows[next as usize]));
            }
            Action::Focus(id) => {
                self.selection.apply(SelectionChange::Set(vec![id]));
                self.list.scroll_to_selection = true;
                self.compare.focus = self.selection_bounds();
            }
            Action::ZoomToSelection => match self.selection_bounds() {
                Some(bb) => self.compare.focus = Some(bb),
                None => self.notify("Select a footprint first."),
            },
            Action::SetTool(kind) => {
                if kind != ToolKind::Select
                    && let Err(why) = self.command_status(Command::for_tool(kind))
                {
                    self.notify(why);
                    return;
                }
                if self.tool.kind() != kind {
                    self.tool = Tool::new(kind);
                }
                if kind != ToolKind::Select {
                    self.ask_name_once();
                }
            }
            Action::Label(kind) => {
                self.draw_kind = kind;
                if let Some(reference) = self.selection.reference {
                    self.convert_reference(reference, kind);
                } else if self.selection.is_empty() {
                    self.notify(format!("New footprints will be labelled {kind}."));
                } else {
                    self.footprint_op(|site, ids, now| ops::set_kind(site, ids, kind, now));
                }
            }
            Action::Square => self.footprint_op(ops::square),
            Action::CopyOutlineToAfter => self.footprint_op(ops::copy_outline_to_after),
            Action::RemoveAfterOutline => self.footprint_op(ops::remove_after_outline),
            Action::DeleteSelection => {
                // With a corner active, Delete removes the corner (the select tool's key).
                if let Some(reference) = self.selection.reference {
                    self.delete_reference(reference);
                } else if let Some(v) = self.selection.vertex {
                    self.footprint_op(|site, _, now| ops::delete_vertex(site, v, now));
                } else {
                    self.footprint_op(|site, ids, _| ops::delete(site, ids));
                }
            }
            Action::Nudge(dx, dy) => {
                self.footprint_op(|site, ids, now| ops::translate(site, ids, dx, dy, now, "nudge"))
            }
            Action::Notify(text) => self.notify(text),
            Action::ShowAddImages => {
                let site = self
                    .doc
                    .as_ref()
                    .and_then(|d| self.pair.site.and_then(|id| d.project().site(id)));
                match site {
                    Some(s) => {
                        self.dialogs.add_images = Some(AddImagesDialog::for_site(s.id, &s.name))
                    }
                    None => self.notify("Choose a site first."),
                }
            }
            Action::ShowAddSite => {
                if self.doc.is_some() {
                    self.dialogs.add_images = Some(AddImagesDialog::new_site());
                }
            }
            Action::ShowRenameSite => {
                let site = self
                    .doc
                    .as_ref()
                    .and_then(|d| self.pair.site.and_then(|id| d.project().site(id)));
                if let Some(s) = site {
                    self.dialogs.rename_site = Some(RenameSiteDialog::new(s.id, &s.name));
                }
            }
            Action::ShowNameDialog => {
                self.dialogs.name = Some(NameDialog::new(&self.prefs.analyst))
            }
            Action::SetAnalystName(name) => {
                self.prefs.analyst = name;
                self.prefs.analyst_asked = true;
                self.notify(format!(
                    "New footprints are drawn by {}.",
                    self.prefs.analyst
                ));
            }
            Action::AddImages(req) => self.add_images(req),
            Action::RenameSite { site, name } => {
                let result = self
                    .doc
                    .as_ref()
                    .map(|d| grow::rename_site(d.project(), site, &name));
                if let Some(r) = result {
                    self.run_op(r);
                }
            }
            Action::RemoveImage { site, image } => {
                let result = self
                    .doc
                    .as_ref()
                    .map(|d| grow::remove_image(d.project(), site, image));
                match result {
                    Some(Ok(op)) => {
                        if self.apply_op(op)
                            && let Some(doc) = &self.doc
                        {
                            self.pair.repair(doc.project());
                        }
                    }
                    Some(Err(why)) => {
                        self.dialogs.message = Some(("Cannot remove the image".into(), why))
                    }
                    None => {}
                }
            }
            Action::ResolveConflict {
                site,
                footprint,
                choice,
            } => self.resolve_conflict(site, footprint, choice),
            other => {
                // Every action is handled in one of the two handlers; reaching here is a bug
                // in the action lists, reported rather than ignored.
                self.notify(format!("Unhandled action: {other:?}"));
            }
        }
    }

    /// One choice for one conflicted footprint, as one undo step.
    fn resolve_conflict(&mut self, site: SiteId, footprint: FootprintId, choice: Resolution) {
        let Some(doc) = &mut self.doc else { return };
        let applied = resolution_edit(doc.project(), site, footprint, choice)
            .map_err(|e| e.to_string())
            .and_then(|edit| {
                let label = format!("{} for {footprint}", choice.label().to_lowercase());
                doc.apply_labeled(edit, label, self.selection.to_vec())
                    .map_err(|e| e.to_string())
            });
        match applied {
            Ok(_) => {
                let left = conflict_count(doc.project());
                self.notify(format!(
                    "{} for {footprint}; {left} conflict(s) left",
                    choice.label()
                ));
            }
            Err(why) => {
                self.dialogs.message = Some(("Cannot resolve the conflict".into(), why));
            }
        }
    }

    fn add_images(&mut self, req: AddImagesRequest) {
        let Some(doc) = &self.doc else { return };
        let images: Vec<NewImage> = req
            .images
            .iter()
            .map(|(path, date)| NewImage {
                path: path.clone(),
                date: *date,
                crs: req.crs,
            })
            .collect();
        let result = match req.site {
            Some(site) => grow::add_images(doc, site, &images).map(|(op, r)| (op, site, r)),
            None => grow::add_site(doc, &req.new_site_name, &images),
        };
        match result {
            Ok((op, site, reports)) => {
                if self.apply_op(op) {
                    self.dialogs.add_images = None;
                    let undated = reports
                        .iter()
                        .filter(|r| r.date == crate::model::CaptureDate::Unknown)
                        .count();
                    let mut text = match (req.site, reports.len()) {
                        (None, _) => format!("Added site {}", req.new_site_name),
                        (Some(_), 1) => format!("Added {}", reports[0].stored_path),
                        (Some(_), n) => format!("Added {n} images"),
                    };
                    if undated > 0 {
                        text.push_str(&format!(
                            "; {undated} without a capture date (click the date in the timeline)"
                        ));
                    }
                    // Georeferencing that could not be used: the first reason, the rest in the
                    // same vein.
                    if let Some(warning) = reports.iter().flat_map(|r| &r.warnings).next() {
                        text.push_str(&format!("; {warning}"));
                    }
                    self.notify(text);
                    if req.site.is_none() || self.pair.site != Some(site) {
                        self.select_site(site);
                    } else if let Some(doc) = &self.doc {
                        self.pair.repair(doc.project());
                    }
                }
            }
            Err(why) => match &mut self.dialogs.add_images {
                Some(d) => d.error = Some(why),
                None => self.dialogs.message = Some(("Cannot add the images".into(), why)),
            },
        }
    }
}
