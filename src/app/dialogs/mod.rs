//! Dialogs. Every file choice is a text field (so the tool works where no native dialog can
//! open, and tests never need one) with a "Browse…" button that runs the native dialog (rfd) on
//! its own thread: a native dialog blocks its thread until the user answers, and the window must
//! keep painting meanwhile.

mod date;
pub mod help;
mod native;
mod review;
mod safety;
mod site;

pub use date::DateDialog;
pub use native::NativeDialogs;
pub use review::{DecisionDialog, MarkerDialog};
pub use site::{AddImagesDialog, NameDialog, RenameSiteDialog};

use super::actions::{Action, NewProjectRequest, PathPurpose};
use native::{BrowseKind, BrowseTarget};
use std::path::PathBuf;

/// A typed-path dialog for opening, saving as, or locating an image.
pub struct PathDialog {
    pub purpose: PathPurpose,
    pub text: String,
    /// The text field has been given keyboard focus once.
    pub focused: bool,
}

/// "New project from images".
#[derive(Default)]
pub struct NewProjectDialog {
    pub project_file: String,
    pub project_name: String,
    pub site_name: String,
    /// One image path per line.
    pub images: String,
    pub error: Option<String>,
}

/// Which open/new/quit is waiting for the answer to "save changes?".
#[derive(Clone, Debug, PartialEq)]
pub enum Pending {
    Open(PathBuf),
    NewProject(NewProjectRequest),
    Quit,
}

/// Every dialog the window can show; at most one modal at a time, plus the help window.
#[derive(Default)]
pub struct Dialogs {
    pub path: Option<PathDialog>,
    pub date: Option<DateDialog>,
    pub add_images: Option<AddImagesDialog>,
    pub rename_site: Option<RenameSiteDialog>,
    pub name: Option<NameDialog>,
    /// A reviewer's reason and comment, or a comment alone.
    pub decision: Option<DecisionDialog>,
    /// A marker's note, or why it is dismissed.
    pub marker: Option<MarkerDialog>,
    pub new_project: Option<NewProjectDialog>,
    pub confirm: Option<Pending>,
    /// A question about the project file (locked, unsaved work found, changed on disk).
    pub safety: Option<crate::app::safety::SafetyDialog>,
    /// An error or notice that needs acknowledging.
    pub message: Option<(String, String)>,
    pub help_open: bool,
    pub native: NativeDialogs,
}

/// The answer to "save changes?".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConfirmChoice {
    Save,
    Discard,
    Cancel,
}

impl Dialogs {
    pub fn any_modal_open(&self) -> bool {
        self.path.is_some()
            || self.new_project.is_some()
            || self.confirm.is_some()
            || self.safety.is_some()
            || self.message.is_some()
            || self.date.is_some()
            || self.add_images.is_some()
            || self.rename_site.is_some()
            || self.name.is_some()
            || self.decision.is_some()
            || self.marker.is_some()
    }

    /// Shows whatever is open; returns the actions chosen and the answer to a pending
    /// confirmation.
    pub fn ui(
        &mut self,
        ctx: &egui::Context,
        doc_name: &str,
    ) -> (Vec<Action>, Option<ConfirmChoice>) {
        let mut actions = Vec::new();
        for (target, paths) in self.native.poll() {
            self.accept_browse(target, paths, &mut actions);
        }
        let mut choice = None;
        if let Some((title, text)) = &self.message {
            let mut close = false;
            let modal = egui::Modal::new(egui::Id::unique("message")).show(ctx, |ui| {
                ui.set_max_width(520.0);
                ui.heading(title.as_str());
                egui::ScrollArea::vertical()
                    .max_height(320.0)
                    .show(ui, |ui| ui.add(egui::Label::new(text.as_str()).wrap()));
                ui.add_space(8.0);
                if ui.button("OK").clicked() || ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                    close = true;
                }
            });
            if close || modal.should_close() {
                self.message = None;
            }
        } else if let Some(d) = &self.safety {
            let (action, close) = safety::safety_dialog_ui(ctx, d);
            actions.extend(action);
            if close {
                self.safety = None;
            }
        } else if let Some(pending) = &self.confirm {
            let what = match pending {
                Pending::Open(p) => format!("before opening {}", p.display()),
                Pending::NewProject(_) => "before creating a new project".to_string(),
                Pending::Quit => "before closing".to_string(),
            };
            let modal = egui::Modal::new(egui::Id::unique("confirm-unsaved")).show(ctx, |ui| {
                ui.set_max_width(480.0);
                ui.heading("Unsaved changes");
                ui.label(format!("{doc_name} has unsaved changes. Save them {what}?"));
                ui.add_space(8.0);
                ui.horizontal(|ui| {
                    if ui.button("Save").clicked() {
                        choice = Some(ConfirmChoice::Save);
                    }
                    if ui.button("Don't save").clicked() {
                        choice = Some(ConfirmChoice::Discard);
                    }
                    if ui.button("Cancel").clicked() {
                        choice = Some(ConfirmChoice::Cancel);
                    }
                });
            });
            if modal.should_close() && choice.is_none() {
                choice = Some(ConfirmChoice::Cancel);
            }
        } else if self.path.is_some() {
            self.path_dialog_ui(ctx, &mut actions);
        } else if let Some(d) = &mut self.date {
            let (action, close) = d.ui(ctx);
            actions.extend(action);
            if close {
                self.date = None;
            }
        } else if self.new_project.is_some() {
            self.new_project_ui(ctx, &mut actions);
        } else if let Some(d) = &mut self.add_images {
            let (action, close, browse) =
                d.ui(ctx, self.native.is_running(), self.native.unavailable);
            actions.extend(action);
            if browse {
                self.native
                    .spawn(ctx, BrowseTarget::AddImages, BrowseKind::PickImages, None);
            }
            if close {
                self.add_images = None;
            }
        } else if let Some(d) = &mut self.rename_site {
            let (action, close) = d.ui(ctx);
            actions.extend(action);
            if close {
                self.rename_site = None;
            }
        } else if let Some(d) = &mut self.name {
            let (action, close) = d.ui(ctx);
            actions.extend(action);
            if close {
                self.name = None;
            }
        } else if let Some(d) = &mut self.decision {
            let (action, close) = d.ui(ctx);
            actions.extend(action);
            if close {
                self.decision = None;
            }
        } else if let Some(d) = &mut self.marker {
            let (action, close) = d.ui(ctx);
            actions.extend(action);
            if close {
                self.marker = None;
            }
        }
        if self.help_open {
            let mut open = true;
            egui::Window::new("Keyboard shortcuts")
                .pivot(egui::Align2::CENTER_CENTER)
                .default_pos(ctx.content_rect().center())
                .open(&mut open)
                .collapsible(false)
                .resizable(false)
                .show(ctx, help::shortcuts_ui);
            self.help_open = open;
        }
        (actions, choice)
    }

    fn accept_browse(
        &mut self,
        target: BrowseTarget,
        paths: Vec<PathBuf>,
        actions: &mut Vec<Action>,
    ) {
        if paths.is_empty() {
            return;
        }
        match target {
            BrowseTarget::Path => {
                if let Some(d) = self.path.take() {
                    let path = paths[0].clone();
                    actions.push(path_action(&d.purpose, path));
                }
            }
            BrowseTarget::NewProjectFile => {
                if let Some(d) = &mut self.new_project {
                    d.project_file = paths[0].display().to_string();
                }
            }
            BrowseTarget::AddImages => {
                if let Some(d) = &mut self.add_images {
                    d.add_paths(&paths);
                }
            }
            BrowseTarget::NewProjectImages => {
                if let Some(d) = &mut self.new_project {
                    for p in paths {
                        if !d.images.is_empty() && !d.images.ends_with('\n') {
                            d.images.push('\n');
                        }
                        d.images.push_str(&p.display().to_string());
                    }
                }
            }
        }
    }

    fn path_dialog_ui(&mut self, ctx: &egui::Context, actions: &mut Vec<Action>) {
        let Some(d) = &mut self.path else {
            return;
        };
        let (title, hint, kind) = match d.purpose {
            PathPurpose::OpenProject => (
                "Open project",
                "path/to/project.ron",
                BrowseKind::PickProject,
            ),
            PathPurpose::SaveProjectAs => (
                "Save project as",
                "path/to/project.ron",
                BrowseKind::SaveProject,
            ),
            PathPurpose::LocateImage { .. } => {
                ("Locate image", "path/to/image.tif", BrowseKind::PickImage)
            }
            PathPurpose::ExportReport => (
                "Export the review report into a folder",
                "path/to/report-folder",
                BrowseKind::PickFolder,
            ),
            PathPurpose::ExportGis(crate::gis::ExportFormat::GeoJson) => (
                "Export the site's footprints as GeoJSON",
                "path/to/footprints.geojson",
                BrowseKind::SaveFile,
            ),
            PathPurpose::ExportGis(crate::gis::ExportFormat::Csv) => (
                "Export the site's footprints as CSV",
                "path/to/footprints.csv",
                BrowseKind::SaveFile,
            ),
            PathPurpose::ImportReferences => (
                "Import reference buildings (GeoJSON or xBD JSON)",
                "path/to/buildings.geojson",
                BrowseKind::PickFile,
            ),
        };
        let mut submit = false;
        let mut cancel = false;
        let mut browse = false;
        let native_running = self.native.is_running();
        let native_unavailable = self.native.unavailable;
        let modal = egui::Modal::new(egui::Id::unique("path-dialog")).show(ctx, |ui| {
            ui.set_min_width(520.0);
            ui.heading(title);
            ui.label("Type a path, or browse:");
            let edit = ui.add(
                egui::TextEdit::singleline(&mut d.text)
                    .hint_text(hint)
                    .desired_width(f32::INFINITY)
                    .id(egui::Id::unique("path-dialog-text")),
            );
            if !d.focused {
                edit.request_focus();
                d.focused = true;
            }
            if edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                submit = true;
            }
            ui.add_space(6.0);
            ui.horizontal(|ui| {
                if ui
                    .add_enabled(!d.text.trim().is_empty(), egui::Button::new("OK"))
                    .clicked()
                {
                    submit = true;
                }
                if ui.button("Cancel").clicked() {
                    cancel = true;
                }
                if ui
                    .add_enabled(!native_running, egui::Button::new("Browse…"))
                    .on_hover_text("Open the system file dialog")
                    .clicked()
                {
                    browse = true;
                }
                if native_running {
                    ui.spinner();
                    ui.label("waiting for the file dialog…");
                }
            });
            if native_unavailable {
                native::unavailable_note(ui, "path");
            }
        });
        if browse {
            let start = Some(PathBuf::from(d.text.trim())).filter(|p| !p.as_os_str().is_empty());
            self.native.spawn(ctx, BrowseTarget::Path, kind, start);
        } else if submit && !d.text.trim().is_empty() {
            let path = PathBuf::from(d.text.trim());
            actions.push(path_action(&d.purpose, path));
            self.path = None;
        } else if cancel || modal.should_close() {
            self.path = None;
        }
    }

    fn new_project_ui(&mut self, ctx: &egui::Context, actions: &mut Vec<Action>) {
        let Some(d) = &mut self.new_project else {
            return;
        };
        let mut submit = false;
        let mut cancel = false;
        let mut browse: Option<(BrowseTarget, BrowseKind)> = None;
        let native_running = self.native.is_running();
        let native_unavailable = self.native.unavailable;
        let modal = egui::Modal::new(egui::Id::unique("new-project")).show(ctx, |ui| {
            ui.set_min_width(560.0);
            ui.heading("New project from images");
            egui::Grid::new("new-project-grid").num_columns(2).show(ui, |ui| {
                // Each field is labelled by the text beside it, for screen readers and tests.
                let label = ui.label("Project file");
                ui.horizontal(|ui| {
                    ui.add(
                        egui::TextEdit::singleline(&mut d.project_file)
                            .hint_text("path/to/project.ron")
                            .desired_width(360.0),
                    )
                    .labelled_by(label.id);
                    if ui.add_enabled(!native_running, egui::Button::new("Browse…")).clicked() {
                        browse = Some((BrowseTarget::NewProjectFile, BrowseKind::SaveProject));
                    }
                });
                ui.end_row();
                let label = ui.label("Project name");
                ui.add(egui::TextEdit::singleline(&mut d.project_name).hint_text("default: the file name"))
                    .labelled_by(label.id);
                ui.end_row();
                let label = ui.label("Site name");
                ui.add(egui::TextEdit::singleline(&mut d.site_name).hint_text("e.g. North harbour"))
                    .labelled_by(label.id);
                ui.end_row();
                let label = ui.label("Images\n(one per line)");
                ui.vertical(|ui| {
                    ui.add(
                        egui::TextEdit::multiline(&mut d.images)
                            .desired_rows(5)
                            .desired_width(420.0)
                            .hint_text("path/to/2024-01-15.tif"),
                    )
                    .labelled_by(label.id);
                    if ui.add_enabled(!native_running, egui::Button::new("Add images…")).clicked() {
                        browse = Some((BrowseTarget::NewProjectImages, BrowseKind::PickImages));
                    }
                });
                ui.end_row();
            });
            ui.label(egui::RichText::new("Capture dates are read from file names (2024-07-15, 20240715) and EXIF/TIFF tags; set unknown ones later.").small().weak());
            if native_unavailable {
                native::unavailable_note(ui, "paths");
            }
            if let Some(e) = &d.error {
                ui.colored_label(egui::Color32::from_rgb(255, 120, 100), e);
            }
            ui.horizontal(|ui| {
                if ui.button("Create").clicked() {
                    submit = true;
                }
                if ui.button("Cancel").clicked() {
                    cancel = true;
                }
            });
        });
        if let Some((target, kind)) = browse {
            self.native.spawn(ctx, target, kind, None);
        } else if submit {
            match d.request() {
                Ok(req) => {
                    actions.push(Action::NewProject(req));
                }
                Err(e) => d.error = Some(e),
            }
        } else if cancel || modal.should_close() {
            self.new_project = None;
        }
    }
}

impl NewProjectDialog {
    /// Checks the fields and turns them into a request.
    pub fn request(&self) -> Result<NewProjectRequest, String> {
        let file = self.project_file.trim();
        if file.is_empty() {
            return Err("Choose where to save the project file.".into());
        }
        let mut project_file = PathBuf::from(file);
        if project_file.extension().is_none() {
            project_file.set_extension("ron");
        }
        let images: Vec<PathBuf> = self
            .images
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(PathBuf::from)
            .collect();
        if images.is_empty() {
            return Err("Add at least one image.".into());
        }
        let site_name = if self.site_name.trim().is_empty() {
            "Site 1".to_string()
        } else {
            self.site_name.trim().to_string()
        };
        let project_name = if self.project_name.trim().is_empty() {
            project_file
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "Untitled".into())
        } else {
            self.project_name.trim().to_string()
        };
        Ok(NewProjectRequest {
            project_file,
            project_name,
            site_name,
            images,
        })
    }
}

fn path_action(purpose: &PathPurpose, path: PathBuf) -> Action {
    match purpose {
        PathPurpose::OpenProject => Action::Open(path),
        PathPurpose::SaveProjectAs => Action::SaveAs(path),
        PathPurpose::LocateImage { site, image } => Action::Relink {
            site: *site,
            image: *image,
            file: path,
        },
        PathPurpose::ExportReport => Action::ExportReport(path),
        PathPurpose::ExportGis(format) => Action::ExportGis {
            path,
            format: *format,
        },
        PathPurpose::ImportReferences => Action::ImportReferences(path),
    }
}
