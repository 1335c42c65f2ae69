//! The egui window: a project's sites, the compare view of two dated images, dialogs.
//!
//! [`SiteDiffApp`] owns the state; panels and the compare view read it and return
//! [`Action`]s, which [`SiteDiffApp::handle`] applies between frames.

pub mod actions;
pub mod adjust;
pub mod compare;
pub mod dialogs;
pub mod document;
pub mod help;
pub mod images;
pub mod overlay;
pub mod panels;
pub mod prefs;
mod shortcuts;
pub mod state;
pub mod tiles;
pub mod view;

pub use actions::Action;
use actions::{NewProjectRequest, PathPurpose};
use adjust::Adjustments;
use compare::{CompareInput, Hover, Pane, compare_ui};
use dialogs::{ConfirmChoice, Dialogs, NewProjectDialog, PathDialog, Pending};
use document::Document;
use images::ImageStore;
use prefs::Prefs;
use state::{CompareMode, CompareState, Selection, Side};

use crate::io::image_decode::probe_image;
use crate::io::new_project::{NewImage, project_from_images};
use crate::io::project_file::relative_image_path;
use crate::model::{Edit, ImageId};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// Opens the window on a project file and runs until it is closed.
pub fn run(project_path: PathBuf) -> anyhow::Result<()> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_inner_size([1500.0, 940.0])
            .with_min_inner_size([720.0, 480.0])
            .with_title("sitediff"),
        ..Default::default()
    };
    eframe::run_native(
        "sitediff",
        options,
        Box::new(move |cc| {
            let prefs = cc
                .storage
                .and_then(|s| eframe::get_value::<Prefs>(s, prefs::STORAGE_KEY))
                .unwrap_or_default();
            let mut app = SiteDiffApp::new(prefs);
            app.open_now(&project_path);
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| anyhow::anyhow!("cannot open the window: {e}"))
}

/// The whole window's state.
pub struct SiteDiffApp {
    pub doc: Option<Document>,
    pub selection: Selection,
    pub compare: CompareState,
    pub adjustments: HashMap<ImageId, Adjustments>,
    pub images: ImageStore,
    pub dialogs: Dialogs,
    pub prefs: Prefs,
    /// The panes of the last frame, in screen points (for keyboard zoom and for tests).
    pub panes: Vec<Pane>,
    /// Where the pointer was over the compare view in the last frame.
    pub hover: Option<Hover>,
    /// How each image drawn in the last frame fared (tiles drawn, full quality or not).
    pub last_draw: Vec<(Side, tiles::PaintOutcome)>,
    /// A short notice for the status bar and when it was posted.
    status: Option<(String, f64)>,
    /// Why the project given at start could not be opened.
    startup_error: Option<String>,
    allow_close: bool,
    title: String,
    ctx_cell: Arc<OnceLock<egui::Context>>,
}

impl SiteDiffApp {
    pub fn new(prefs: Prefs) -> Self {
        let ctx_cell: Arc<OnceLock<egui::Context>> = Arc::new(OnceLock::new());
        let cell = ctx_cell.clone();
        let wake: Arc<dyn Fn() + Send + Sync> = Arc::new(move || {
            if let Some(ctx) = cell.get() {
                ctx.request_repaint();
            }
        });
        Self {
            doc: None,
            selection: Selection::default(),
            compare: CompareState::default(),
            adjustments: HashMap::new(),
            images: ImageStore::new(wake),
            dialogs: Dialogs::default(),
            prefs,
            panes: Vec::new(),
            hover: None,
            last_draw: Vec::new(),
            status: None,
            startup_error: None,
            allow_close: false,
            title: String::new(),
            ctx_cell,
        }
    }

    /// Opens a project without asking about unsaved changes (at start, or once answered).
    pub fn open_now(&mut self, path: &Path) {
        match Document::open(path) {
            Ok(doc) => {
                self.install(doc);
                self.prefs.note_recent(path);
                self.startup_error = None;
            }
            Err(e) => {
                if self.doc.is_none() {
                    self.startup_error = Some(e.to_string());
                } else {
                    self.dialogs.message = Some(("Cannot open the project".into(), e.to_string()));
                }
            }
        }
    }

    fn install(&mut self, doc: Document) {
        self.selection = Selection::initial(&doc.project);
        self.compare.fit_pending = true;
        self.adjustments.clear();
        self.doc = Some(doc);
    }

    /// Whether the open project has unsaved changes.
    pub fn is_dirty(&self) -> bool {
        self.doc.as_ref().is_some_and(|d| d.is_dirty())
    }

    /// The window title: project name, file, and a mark when there are unsaved changes.
    pub fn window_title(&self) -> String {
        match &self.doc {
            Some(d) => format!(
                "{}{} — {} — sitediff",
                if d.is_dirty() { "● " } else { "" },
                d.project.name,
                d.file_name()
            ),
            None => "sitediff".into(),
        }
    }

    fn notify(&mut self, text: impl Into<String>) {
        let now = self
            .ctx_cell
            .get()
            .map(|c| c.input(|i| i.time))
            .unwrap_or(0.0);
        self.status = Some((text.into(), now));
    }

    /// The whole window for one frame. `eframe::App::ui` calls this; tests call it through
    /// egui_kittest.
    pub fn ui_main(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        let _ = self.ctx_cell.set(ctx.clone());
        self.images.poll(&ctx);
        let mut actions: Vec<Action> = Vec::new();

        // Closing the window with unsaved changes asks first.
        if ctx.input(|i| i.viewport().close_requested()) && !self.allow_close && self.is_dirty() {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.dialogs.confirm = Some(Pending::Quit);
        }
        let typing = ctx.egui_wants_keyboard_input() || self.dialogs.any_modal_open();
        if !typing {
            actions.extend(shortcuts::read(&ctx, self.compare.mode));
        }
        let space_pan = !typing && ctx.input(|i| i.key_down(egui::Key::Space));

        egui::Panel::top("menu").show(ui, |ui| {
            actions.extend(self.menu_ui(ui));
        });
        egui::Panel::top("toolbar").show(ui, |ui| {
            actions.extend(panels::toolbar_ui(ui, &mut self.compare));
        });
        let message = self
            .status
            .as_ref()
            .and_then(|(m, t)| (ctx.input(|i| i.time) - t < 6.0).then_some(m.as_str()));
        egui::Panel::bottom("status").show(ui, |ui| {
            panels::status_bar_ui(
                ui,
                self.hover.as_ref(),
                &self.compare,
                &self.selection,
                self.doc.as_ref(),
                &self.images,
                message,
            );
        });
        if let Some(doc) = &self.doc {
            egui::Panel::left("sites")
                .resizable(true)
                .default_size(290.0)
                .show(ui, |ui| {
                    actions.extend(panels::sites_panel_ui(
                        ui,
                        doc,
                        &self.selection,
                        &self.images,
                    ));
                    ui.separator();
                    panels::adjustments_ui(ui, doc, &self.selection, &mut self.adjustments);
                });
        }
        egui::CentralPanel::default()
            .frame(egui::Frame::NONE)
            .show(ui, |ui| match &self.doc {
                Some(doc) => {
                    let out = compare_ui(
                        ui,
                        &mut self.compare,
                        CompareInput {
                            doc,
                            selection: &self.selection,
                            adjustments: &self.adjustments,
                            space_pan,
                        },
                        &mut self.images,
                        &mut self.panes,
                    );
                    self.hover = out.hover;
                    self.last_draw = out.drawn;
                    actions.extend(out.actions);
                }
                None => actions.extend(self.no_project_ui(ui)),
            });

        // Timeline thumbnails of the images not compared, one at a time once nothing else loads.
        if let Some(doc) = &self.doc
            && let Some(site) = self.selection.site.and_then(|id| doc.project.site(id))
        {
            for img in site.images_by_date() {
                self.images.prefetch_thumbnail(&doc.image_file(&img.path));
            }
        }

        let doc_name = self.doc.as_ref().map(|d| d.file_name()).unwrap_or_default();
        let (dialog_actions, choice) = self.dialogs.ui(&ctx, &doc_name);
        actions.extend(dialog_actions);
        if let Some(choice) = choice {
            self.answer_confirm(&ctx, choice);
        }
        for action in actions {
            self.handle(&ctx, action);
        }
        self.images.end_frame();

        let title = self.window_title();
        if title != self.title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title = title;
        }
    }

    fn menu_ui(&mut self, ui: &mut egui::Ui) -> Vec<Action> {
        let mut actions = Vec::new();
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| {
                if ui
                    .add(egui::Button::new("New project from images…").shortcut_text("Ctrl+N"))
                    .clicked()
                {
                    actions.push(Action::ShowNewProjectDialog);
                }
                if ui
                    .add(egui::Button::new("Open…").shortcut_text("Ctrl+O"))
                    .clicked()
                {
                    actions.push(Action::ShowPathDialog(PathPurpose::OpenProject));
                }
                ui.menu_button("Open recent", |ui| {
                    if self.prefs.recent_projects.is_empty() {
                        ui.label("(none yet)");
                    }
                    for p in &self.prefs.recent_projects {
                        if ui.button(p.display().to_string()).clicked() {
                            actions.push(Action::Open(p.clone()));
                        }
                    }
                });
                ui.separator();
                let has_doc = self.doc.is_some();
                if ui
                    .add_enabled(has_doc, egui::Button::new("Save").shortcut_text("Ctrl+S"))
                    .clicked()
                {
                    actions.push(Action::Save);
                }
                if ui
                    .add_enabled(
                        has_doc,
                        egui::Button::new("Save as…").shortcut_text("Ctrl+Shift+S"),
                    )
                    .clicked()
                {
                    actions.push(Action::ShowPathDialog(PathPurpose::SaveProjectAs));
                }
                ui.separator();
                if ui
                    .add(egui::Button::new("Quit").shortcut_text("Ctrl+Q"))
                    .clicked()
                {
                    actions.push(Action::Quit);
                }
            });
            ui.menu_button("Edit", |ui| {
                let (undo, redo) = match &self.doc {
                    Some(d) => (d.history.undo_description(), d.history.redo_description()),
                    None => (None, None),
                };
                let undo_label = undo
                    .as_ref()
                    .map(|d| format!("Undo {d}"))
                    .unwrap_or_else(|| "Undo".into());
                let redo_label = redo
                    .as_ref()
                    .map(|d| format!("Redo {d}"))
                    .unwrap_or_else(|| "Redo".into());
                if ui
                    .add_enabled(
                        undo.is_some(),
                        egui::Button::new(undo_label).shortcut_text("Ctrl+Z"),
                    )
                    .clicked()
                {
                    actions.push(Action::Undo);
                }
                if ui
                    .add_enabled(
                        redo.is_some(),
                        egui::Button::new(redo_label).shortcut_text("Ctrl+Shift+Z"),
                    )
                    .clicked()
                {
                    actions.push(Action::Redo);
                }
            });
            ui.menu_button("View", |ui| {
                for mode in CompareMode::ALL {
                    if ui
                        .add(
                            egui::Button::selectable(self.compare.mode == mode, mode.label())
                                .shortcut_text(mode.key_label()),
                        )
                        .clicked()
                    {
                        actions.push(Action::SetMode(mode));
                    }
                }
                ui.separator();
                if ui
                    .add(egui::Button::new("Fit to image").shortcut_text("F"))
                    .clicked()
                {
                    actions.push(Action::ZoomFit);
                }
                if ui
                    .add(egui::Button::new("100 %").shortcut_text("0"))
                    .clicked()
                {
                    actions.push(Action::ZoomActual);
                }
                if ui
                    .add(egui::Button::new("Swap before and after").shortcut_text("X"))
                    .clicked()
                {
                    actions.push(Action::SwapPair);
                }
                ui.checkbox(&mut self.compare.show_footprints, "Footprints (L)");
                ui.checkbox(&mut self.compare.linked_cursor, "Linked cursor");
            });
            ui.menu_button("Help", |ui| {
                if ui
                    .add(egui::Button::new("Keyboard shortcuts").shortcut_text("F1"))
                    .clicked()
                {
                    actions.push(Action::ShowHelp);
                }
            });
        });
        actions
    }

    fn no_project_ui(&mut self, ui: &mut egui::Ui) -> Vec<Action> {
        let mut actions = Vec::new();
        ui.vertical_centered(|ui| {
            ui.add_space(ui.available_height() / 3.0);
            ui.heading("No project is open");
            if let Some(e) = &self.startup_error {
                ui.colored_label(egui::Color32::from_rgb(255, 130, 110), e);
            }
            ui.add_space(8.0);
            if ui.button("Open project…").clicked() {
                actions.push(Action::ShowPathDialog(PathPurpose::OpenProject));
            }
            if ui.button("New project from images…").clicked() {
                actions.push(Action::ShowNewProjectDialog);
            }
        });
        actions
    }

    fn answer_confirm(&mut self, ctx: &egui::Context, choice: ConfirmChoice) {
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

    /// Saves; on failure tells the user and returns false.
    fn save_now(&mut self) -> bool {
        let Some(doc) = &mut self.doc else {
            return false;
        };
        match doc.save() {
            Ok(()) => {
                let name = doc.file_name();
                self.notify(format!("Saved {name}"));
                true
            }
            Err(e) => {
                self.dialogs.message = Some(("Cannot save".into(), e.to_string()));
                false
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
                    match doc.save_as(&path) {
                        Ok(()) => {
                            self.prefs.note_recent(&path);
                            self.notify(format!("Saved as {}", path.display()));
                        }
                        Err(e) => {
                            self.dialogs.message = Some(("Cannot save".into(), e.to_string()))
                        }
                    }
                }
            }
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
                        .project
                        .site(*site)
                        .and_then(|s| s.image(*image))
                        .map(|i| doc.image_file(&i.path).display().to_string())
                        .unwrap_or_default(),
                    (PathPurpose::SaveProjectAs, Some(doc)) => doc.path.display().to_string(),
                    _ => String::new(),
                };
                self.dialogs.path = Some(PathDialog {
                    purpose,
                    text,
                    focused: false,
                });
            }
            Action::ShowNewProjectDialog => {
                self.dialogs.new_project = Some(NewProjectDialog::default());
            }
            Action::ShowHelp => self.dialogs.help_open = !self.dialogs.help_open,
            Action::SelectSite(id) => {
                if let Some(site) = self.doc.as_ref().and_then(|d| d.project.site(id)) {
                    self.selection = Selection::for_site(site);
                    self.compare.fit_pending = true;
                }
            }
            Action::SetImage(side, id) => match side {
                Side::Before => self.selection.before = Some(id),
                Side::After => self.selection.after = Some(id),
            },
            Action::StepImage(side, steps) => {
                if let Some(doc) = &self.doc {
                    self.selection.step(&doc.project, side, steps);
                }
            }
            Action::SwapPair => {
                std::mem::swap(&mut self.selection.before, &mut self.selection.after);
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
            Action::NudgeModeSlider(d) => match self.compare.mode {
                CompareMode::Swipe => self.compare.swipe = (self.compare.swipe + d).clamp(0.0, 1.0),
                CompareMode::Overlay => {
                    self.compare.overlay_opacity =
                        (self.compare.overlay_opacity + d).clamp(0.0, 1.0)
                }
                _ => {}
            },
            Action::ToggleFootprints => {
                self.compare.show_footprints = !self.compare.show_footprints
            }
            Action::Relink { site, image, file } => self.relink(site, image, &file),
            Action::Retry(path) => self.images.forget(&path),
            Action::Edit(edit) => {
                if let Some(doc) = &mut self.doc
                    && let Err(e) = doc.apply(edit)
                {
                    self.dialogs.message = Some(("Cannot apply the change".into(), e.to_string()));
                }
            }
            Action::Undo | Action::Redo => {
                if let Some(doc) = &mut self.doc {
                    let result = if action == Action::Undo {
                        doc.undo()
                    } else {
                        doc.redo()
                    };
                    match result {
                        Ok(true) => self.selection.repair(&doc.project),
                        Ok(false) => {}
                        Err(e) => {
                            self.dialogs.message = Some(("Cannot undo".into(), e.to_string()))
                        }
                    }
                }
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
        let Some(mut record) = doc.project.site(site).and_then(|s| s.image(image)).cloned() else {
            return;
        };
        record.path = relative_image_path(&doc.path, file);
        let name = record.file_name().to_string();
        match doc.apply(Edit::ReplaceImage {
            site,
            image: record,
        }) {
            Ok(()) => self.notify(format!("Image {image} now reads {name}")),
            Err(e) => self.dialogs.message = Some(("Cannot relink".into(), e.to_string())),
        }
    }
}

impl eframe::App for SiteDiffApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.ui_main(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, prefs::STORAGE_KEY, &self.prefs);
    }
}
