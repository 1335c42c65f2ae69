//! The egui window: a project's sites, the compare view of two dated images, dialogs.
//!
//! [`SiteDiffApp`] owns the state; panels and the compare view read it and return
//! [`Action`]s, which [`SiteDiffApp::handle`] applies between frames.

pub mod actions;
pub mod adjust;
pub mod compare;
pub mod date_dialog;
pub mod dialogs;
pub mod document;
pub mod frame_stats;
mod handle;
pub mod help;
pub mod images;
mod menu;
pub mod overlay;
mod pane_chrome;
pub mod panels;
pub mod prefs;
mod shortcuts;
pub mod state;
pub mod tiles;
pub mod view;

pub use actions::Action;
use adjust::Adjustments;
use compare::{CompareInput, Hover, Pane, compare_ui};
use dialogs::{Dialogs, Pending};
use document::Document;
use images::ImageStore;
use prefs::Prefs;
use state::{CompareState, Selection, Side};

use crate::model::ImageId;
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
    /// Tiles uploaded in the last frame.
    pub last_uploads: usize,
    /// A short notice for the status bar and when it was posted.
    status: Option<(String, f64)>,
    /// Why the project given at start could not be opened.
    startup_error: Option<String>,
    allow_close: bool,
    title: String,
    frame_stats: Option<frame_stats::FrameStats>,
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
            last_uploads: 0,
            status: None,
            startup_error: None,
            allow_close: false,
            title: String::new(),
            frame_stats: frame_stats::FrameStats::from_env(),
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
                    self.last_uploads = out.uploaded;
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
}

impl eframe::App for SiteDiffApp {
    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        if let (Some(stats), Some(seconds)) = (&mut self.frame_stats, frame.info().cpu_usage) {
            stats.record(
                seconds,
                !self.images.loading().is_empty(),
                self.last_uploads,
            );
        }
        self.ui_main(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, prefs::STORAGE_KEY, &self.prefs);
    }
}
