//! Applying actions: every change the user asks for goes through [`SiteDiffApp::handle`], between
//! frames, in one place.

use super::SiteDiffApp;
use super::actions::{Action, NewProjectRequest, PathPurpose};
use super::dialogs::{ConfirmChoice, DateDialog, NewProjectDialog, PathDialog, Pending};
use super::state::{CompareMode, Side};
use crate::editing::Document;
use crate::io::image_decode::probe_image;
use crate::io::new_project::{NewImage, project_from_images};
use crate::io::project_file::relative_image_path;
use crate::model::{Edit, ImageId};
use std::path::Path;

impl SiteDiffApp {
    pub(super) fn answer_confirm(&mut self, ctx: &egui::Context, choice: ConfirmChoice) {
        let Some(pending) = self.dialogs.confirm.take() else {
            return;
        };
        match choice {
            ConfirmChoice::Cancel => {}
            ConfirmChoice::Save => {
                if self.save_now() {
                    self.run_pending(ctx, pending);
                }
            }
            ConfirmChoice::Discard => self.run_pending(ctx, pending),
        }
    }

    fn run_pending(&mut self, ctx: &egui::Context, pending: Pending) {
        match pending {
            Pending::Open(path) => self.open_now(&path),
            Pending::NewProject(req) => self.new_project_now(req),
            Pending::Quit => {
                self.allow_close = true;
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
        }
    }

    fn new_project_now(&mut self, req: NewProjectRequest) {
        if req.project_file.exists() {
            self.dialogs.message = Some((
                "Cannot create the project".into(),
                format!(
                    "{} already exists; choose another file name.",
                    req.project_file.display()
                ),
            ));
            return;
        }
        let images: Vec<NewImage> = req
            .images
            .iter()
            .map(|p| NewImage {
                path: p.clone(),
                date: None,
                crs: None,
            })
            .collect();
        match project_from_images(
            &req.project_file,
            &req.project_name,
            &req.site_name,
            &images,
        ) {
            Ok((project, _)) => {
                let mut doc = Document::new(req.project_file.clone(), project, false);
                let saved = doc.save();
                self.install(doc);
                self.take_lock_of_saved_as();
                self.dialogs.new_project = None;
                match saved {
                    Ok(()) => {
                        self.prefs.note_recent(&req.project_file);
                        self.notify(format!("Created {}", req.project_file.display()));
                    }
                    Err(e) => {
                        self.dialogs.message =
                            Some(("Project created but not saved".into(), e.to_string()));
                    }
                }
            }
            Err(e) => {
                if let Some(d) = &mut self.dialogs.new_project {
                    d.error = Some(e.to_string());
                } else {
                    self.dialogs.message =
                        Some(("Cannot create the project".into(), e.to_string()));
                }
            }
        }
    }

    /// Applies one action. Everything that changes the app goes through here.
    pub fn handle(&mut self, ctx: &egui::Context, action: Action) {
        let first_pane = self.panes.first().map(|p| p.rect);
        match action {
            Action::Open(path) => {
                if self.is_dirty() {
                    self.dialogs.confirm = Some(Pending::Open(path));
                } else {
                    self.open_now(&path);
                }
            }
            Action::NewProject(req) => {
                if self.is_dirty() {
                    self.dialogs.new_project = None;
                    self.dialogs.confirm = Some(Pending::NewProject(req));
                } else {
                    self.new_project_now(req);
                }
            }
            Action::Save => {
                self.save_now();
            }
            Action::SaveAs(path) => {
                if let Some(doc) = &mut self.doc {
                    let old = doc.path.clone();
                    match doc.save_as(&path) {
                        Ok(()) => {
                            self.prefs.note_recent(&path);
                            self.after_save();
                            self.forget_unsaved_work_of(&old);
                            self.take_lock_of_saved_as();
                            self.notify(format!("Saved as {}", path.display()));
                        }
                        Err(e) => {
                            self.dialogs.message = Some(("Cannot save".into(), e.to_string()))
                        }
                    }
                }
            }
            Action::OpenReadOnly(path) => self.open_read_only(&path),
            Action::OpenTakingOver(path) => self.open_taking_over(&path),
            Action::Recovery(choice) => self.answer_recovery(choice),
            Action::SaveAnyway => self.save_anyway(),
            Action::ReloadFromDisk => self.reload_from_disk(),
            Action::DismissDiskChange => self.safety.change_dismissed = true,
            Action::Quit => {
                if self.is_dirty() {
                    self.dialogs.confirm = Some(Pending::Quit);
                } else {
                    self.allow_close = true;
                    ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                }
            }
            Action::ShowPathDialog(purpose) => {
                let text = match (&purpose, &self.doc) {
                    (PathPurpose::LocateImage { site, image }, Some(doc)) => doc
                        .project()
                        .site(*site)
                        .and_then(|s| s.image(*image))
                        .map(|i| doc.image_file(&i.path).display().to_string())
                        .unwrap_or_default(),
                    (PathPurpose::SaveProjectAs, Some(doc)) => doc.path.display().to_string(),
                    (PathPurpose::ExportGis(format), Some(doc)) => doc
                        .path
                        .with_extension(format.extension())
                        .display()
                        .to_string(),
                    (PathPurpose::ExportReport, Some(doc)) => {
                        let stem = doc
                            .path
                            .file_stem()
                            .map(|s| s.to_string_lossy().into_owned())
                            .unwrap_or_else(|| "project".into());
                        doc.path
                            .with_file_name(format!("{stem}-report"))
                            .display()
                            .to_string()
                    }
                    _ => String::new(),
                };
                self.dialogs.path = Some(PathDialog {
                    purpose,
                    text,
                    focused: false,
                });
            }
            Action::ShowDateDialog { site, image } => {
                if let Some(record) = self
                    .doc
                    .as_ref()
                    .and_then(|d| d.project().site(site))
                    .and_then(|s| s.image(image))
                {
                    self.dialogs.date = Some(DateDialog::new(site, record.clone()));
                }
            }
            Action::ShowNewProjectDialog => {
                self.dialogs.new_project = Some(NewProjectDialog::default());
            }
            Action::ShowHelp => self.dialogs.help_open = !self.dialogs.help_open,
            Action::SelectSite(id) => self.select_site(id),
            Action::SetImage(side, id) => {
                // Choosing the other side's image swaps the pair rather than comparing an
                // image with itself.
                if self.pair.image(side.other()) == Some(id) {
                    std::mem::swap(&mut self.pair.before, &mut self.pair.after);
                } else {
                    match side {
                        Side::Before => self.pair.before = Some(id),
                        Side::After => self.pair.after = Some(id),
                    }
                }
            }
            Action::StepImage(side, steps) => {
                if let Some(doc) = &self.doc {
                    self.pair.step(doc.project(), side, steps);
                    self.follow_timeline = true;
                }
            }
            Action::SwapPair => {
                std::mem::swap(&mut self.pair.before, &mut self.pair.after);
            }
            Action::SetMode(mode) => {
                self.compare.mode = mode;
                if mode == CompareMode::Blink {
                    self.compare.blink.last_flip = ctx.input(|i| i.time);
                }
            }
            Action::ZoomFit => self.compare.fit_pending = true,
            Action::ZoomActual => self.compare.view.actual_pixels(ctx.pixels_per_point()),
            Action::ZoomBy(factor) => {
                if let Some(r) = first_pane {
                    self.compare.view.zoom_at(r, r.center(), factor);
                }
            }
            Action::PanBy(fx, fy) => {
                if let Some(r) = first_pane {
                    self.compare
                        .view
                        .pan_by_screen(egui::vec2(-fx * r.width(), -fy * r.height()));
                }
            }
            Action::FlipBlink => {
                let now = ctx.input(|i| i.time);
                self.compare.blink.flip(now);
            }
            Action::ToggleBlinkTimer => {
                let now = ctx.input(|i| i.time);
                self.compare.blink.running = !self.compare.blink.running;
                self.compare.blink.last_flip = now;
            }
            Action::NudgeModeSlider(steps) => match self.compare.mode {
                CompareMode::Swipe => {
                    self.compare.swipe = (self.compare.swipe + steps * 0.05).clamp(0.0, 1.0)
                }
                CompareMode::Overlay => {
                    self.compare.overlay_opacity =
                        (self.compare.overlay_opacity + steps * 0.1).clamp(0.0, 1.0)
                }
                _ => self.notify("Shift+Left/Right move the swipe divider or the overlay opacity"),
            },
            Action::ToggleFootprints => {
                self.compare.show_footprints = !self.compare.show_footprints
            }
            Action::Relink { site, image, file } => self.relink(site, image, &file),
            Action::Retry(path) => self.images.forget(&path),
            Action::ExportReport(dir) => self.start_report(ctx, dir),
            Action::ExportGis { path, format } => self.export_gis(ctx, &path, format),
            Action::ImportReferences(path) => self.import_references(&path),
            other => {
                let Some(other) = self
                    .handle_registration(other)
                    .and_then(|other| self.handle_review(other))
                else {
                    return;
                };
                if self.geometry_locked() && super::review::is_locked_out(&other) {
                    self.notify(super::review::LOCKED);
                    return;
                }
                self.handle_edit(ctx, other)
            }
        }
    }

    /// Points an image record at another file, as one undoable edit, after checking that the
    /// file can be read.
    fn relink(&mut self, site: crate::model::SiteId, image: ImageId, file: &Path) {
        let Some(doc) = &mut self.doc else {
            return;
        };
        if let Err(e) = probe_image(file) {
            self.dialogs.message = Some(("Cannot use that file".into(), e.to_string()));
            return;
        }
        let Some(mut record) = doc
            .project()
            .site(site)
            .and_then(|s| s.image(image))
            .cloned()
        else {
            return;
        };
        record.path = relative_image_path(&doc.path, file);
        let name = record.file_name().to_string();
        let label = format!("relink image {image} to {name}");
        match doc.apply_labeled(
            Edit::ReplaceImage {
                site,
                image: record,
            },
            label,
            self.selection.to_vec(),
        ) {
            Ok(_) => self.notify(format!("Image {image} now reads {name}")),
            Err(e) => self.dialogs.message = Some(("Cannot relink".into(), e.to_string())),
        }
    }
}
