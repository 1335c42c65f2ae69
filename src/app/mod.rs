//! The egui window: a project's sites, the canvas comparing two dated images with the drawing
//! tools, the inspector and footprint list, dialogs.
//!
//! [`SiteDiffApp`] owns the state; panels and the canvas read it and return [`Action`]s, which
//! [`SiteDiffApp::handle`] applies between frames. Everything that changes the project goes
//! through the editing core ([`crate::editing`]).

pub mod actions;
pub mod canvas;
mod command_state;
pub mod commands;
pub mod dialogs;
pub mod frame_stats;
mod gis;
pub mod ground;
mod handle;
mod handle_edit;
mod handle_registration;
pub mod imagery;
mod menu;
pub mod panels;
pub mod prefs;
pub mod report_job;
pub mod review;
pub mod safety;
pub mod state;
pub mod theme;
pub mod view;

pub use actions::Action;
pub use canvas::{Hover, HoverShows, Pane};
use commands::Command;
use dialogs::{Dialogs, Pending};
use imagery::{Adjustments, ImageStore};
use panels::footprint_list::ListState;
use panels::inspector::InspectorState;
use prefs::Prefs;
use state::{CompareState, Pair, Side};

use crate::editing::conflicts::{conflict_count, conflicted};
use crate::editing::derived::Derived;
use crate::editing::list::{rows, site_tags};
use crate::editing::ops::NewFootprint;
use crate::editing::tools::{Tool, ToolContext, ToolKey, ToolKind};
use crate::editing::warnings::{Warning, site_warnings};
use crate::editing::{Document, Selection};
use crate::model::{BoundingBox, ChangeKind, FootprintId, ImageId, SiteId, Timestamp};
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

/// Opens the window on a project file and runs until it is closed.
pub fn run(project_path: PathBuf) -> anyhow::Result<()> {
    frame_stats::start_clock();
    let ctx_cell: Arc<OnceLock<egui::Context>> = Arc::new(OnceLock::new());
    let early = {
        let (path, cell) = (project_path.clone(), ctx_cell.clone());
        std::thread::Builder::new()
            .name("sitediff-early".into())
            .spawn(move || {
                use crate::io::overview_cache::OverviewCache;
                early_loads(&path, cell, OverviewCache::for_user())
            })
            .ok()
    };
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_inner_size([1500.0, 940.0])
            .with_min_inner_size([720.0, 480.0])
            .with_title("sitediff"),
        // egui dithers every pixel by up to half a level against gradient banding. Imagery
        // should reach the screen with its own values, and the noise cost a software renderer
        // about a tenth of each frame.
        dithering: false,
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
            let mut app = SiteDiffApp::with_context_cell(prefs, ctx_cell);
            if let Some(stats) = &app.frame_stats {
                stats.watch_repaints(&cc.egui_ctx);
            }
            app.open_now(&project_path);
            // Loads started while the window was being set up, if they are ready to hand over
            // (otherwise they are dropped, which stops them, and the window starts its own).
            if let Some(early) = early.filter(|e| e.is_finished())
                && let Ok(loads) = early.join()
            {
                app.images.adopt(loads);
            }
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| anyhow::anyhow!("cannot open the window: {e}"))
}

/// What loader threads call when they have news: a repaint of the window whose context
/// `ctx_cell` holds (nothing before the window exists; its first frame looks anyway).
fn wake_through(ctx_cell: Arc<OnceLock<egui::Context>>) -> Arc<dyn Fn() + Send + Sync> {
    Arc::new(move || {
        if let Some(ctx) = ctx_cell.get() {
            ctx.request_repaint();
        }
    })
}

/// Starts loading the images the window shows first, before the window exists, when their
/// coarse levels are all in the overview cache (a reopen): reading them takes little CPU and
/// overlaps the window's own setup (about 0.1 s), so the first frames can already show them
/// sharp. A first open does not start early: its reduced decodes would take the two cores from
/// the window's setup and only delay the window. Returns nothing when the project cannot be
/// read (the window says why).
fn early_loads(
    project_path: &std::path::Path,
    ctx_cell: Arc<OnceLock<egui::Context>>,
    cache: Option<crate::io::overview_cache::OverviewCache>,
) -> Vec<(PathBuf, crate::io::loader::ImageLoad)> {
    use crate::io::overview_cache::CacheKey;
    let Some(cache) = cache else {
        return Vec::new();
    };
    let Ok(project) = crate::io::load_project(project_path) else {
        return Vec::new();
    };
    let pair = Pair::initial(&project);
    let Some(site) = project.sites.iter().find(|s| Some(s.id) == pair.site) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = [pair.before, pair.after]
        .into_iter()
        .flatten()
        .filter_map(|id| site.images.iter().find(|i| i.id == id))
        .map(|i| crate::io::project_file::resolve_image_path(project_path, &i.path))
        .collect();
    files.dedup();
    let all_cached = files
        .iter()
        .all(|f| CacheKey::of_file(f).is_some_and(|key| cache.contains(&key)));
    if files.is_empty() || !all_cached {
        return Vec::new();
    }
    let wake = wake_through(ctx_cell);
    files
        .into_iter()
        .map(|f| {
            let load = crate::io::loader::ImageLoad::start_with_cache(
                f.clone(),
                wake.clone(),
                Some(cache.clone()),
            );
            (f, load)
        })
        .collect()
}

/// Warnings and list rows of the current site, recomputed when the project, the site or the
/// list's filter changes.
#[derive(Default)]
struct SiteCache {
    key: Option<(u64, SiteId, Option<BoundingBox>)>,
    warnings: BTreeMap<FootprintId, Vec<Warning>>,
    tags: Vec<String>,
    rows_key: Option<(u64, SiteId, ListState)>,
    rows: Vec<FootprintId>,
    /// The site on the ground (map coordinates, m²), when georeferenced.
    ground: ground::GroundCache,
}

/// The whole window's state.
pub struct SiteDiffApp {
    pub doc: Option<Document>,
    /// The site and the two images compared.
    pub pair: Pair,
    /// The selected footprints; the canvas, the list and the inspector all read it.
    pub selection: Selection,
    pub tool: Tool,
    /// The change kind the next drawn footprint gets (the last one used).
    pub draw_kind: ChangeKind,
    pub derived: Derived,
    pub compare: CompareState,
    pub list: ListState,
    pub inspector: InspectorState,
    /// Review mode: the queue, its filter, the geometry lock.
    pub review: review::ReviewSession,
    /// The review report being written, if one is.
    pub report: Option<report_job::ReportJob>,
    /// The GeoJSON or CSV export being written, if one is.
    gis_export: Option<gis::GisExportJob>,
    /// What the last report written holds.
    pub last_report: Option<crate::report::ReportSummary>,
    pub adjustments: HashMap<ImageId, Adjustments>,
    pub images: ImageStore,
    pub dialogs: Dialogs,
    pub prefs: Prefs,
    /// The panes of the last frame, in screen points (for keyboard zoom and for tests).
    pub panes: Vec<Pane>,
    /// Where the pointer was over the canvas in the last frame.
    pub hover: Option<Hover>,
    /// How each image drawn in the last frame fared (tiles drawn, full quality or not).
    pub last_draw: Vec<(Side, imagery::tiles::PaintOutcome)>,
    /// Tiles uploaded in the last frame.
    pub last_uploads: usize,
    /// Footprints the last frame visited and drew.
    pub last_footprints: canvas::footprints::FootprintStats,
    cache: SiteCache,
    /// A short notice for the status bar and when it was posted.
    status: Option<(String, f64)>,
    /// Why the project given at start could not be opened.
    startup_error: Option<String>,
    /// The project's lock, its unsaved work kept beside it, and the watch on its file.
    safety: safety::Safety,
    allow_close: bool,
    title: String,
    /// Scroll the timeline to the compared images on the next frame.
    follow_timeline: bool,
    frame_stats: Option<frame_stats::FrameStats>,
    ctx_cell: Arc<OnceLock<egui::Context>>,
}

impl SiteDiffApp {
    pub fn new(prefs: Prefs) -> Self {
        Self::with_context_cell(prefs, Arc::new(OnceLock::new()))
    }

    /// [`SiteDiffApp::new`] with the cell that will hold the window's context, shared with
    /// loads started before the window (they wake it through the cell once it is set).
    fn with_context_cell(prefs: Prefs, ctx_cell: Arc<OnceLock<egui::Context>>) -> Self {
        let wake = wake_through(ctx_cell.clone());
        Self {
            doc: None,
            pair: Pair::default(),
            selection: Selection::default(),
            tool: Tool::default(),
            draw_kind: ChangeKind::New,
            derived: Derived::default(),
            compare: CompareState::default(),
            list: ListState::default(),
            inspector: InspectorState::default(),
            review: review::ReviewSession::default(),
            report: None,
            gis_export: None,
            last_report: None,
            adjustments: HashMap::new(),
            images: ImageStore::new(wake),
            dialogs: Dialogs::default(),
            prefs,
            panes: Vec::new(),
            hover: None,
            last_draw: Vec::new(),
            last_uploads: 0,
            last_footprints: Default::default(),
            cache: SiteCache::default(),
            status: None,
            startup_error: None,
            safety: safety::Safety::default(),
            allow_close: false,
            title: String::new(),
            follow_timeline: false,
            frame_stats: frame_stats::FrameStats::from_env(),
            ctx_cell,
        }
    }

    fn install(&mut self, doc: Document) {
        self.pair = Pair::initial(doc.project());
        self.selection.clear();
        self.tool = Tool::default();
        self.derived = Derived::default();
        self.cache = SiteCache::default();
        self.compare.fit_pending = true;
        self.adjustments.clear();
        // Files may have changed since they were last read: read them again.
        self.images.clear();
        self.doc = Some(doc);
        self.follow_timeline = true;
    }

    /// Whether the open project has unsaved changes.
    pub fn is_dirty(&self) -> bool {
        self.doc.as_ref().is_some_and(|d| d.is_dirty())
    }

    /// The window title: project name, file, and a mark when there are unsaved changes.
    pub fn window_title(&self) -> String {
        match &self.doc {
            Some(d) => format!(
                "{}{} — {}{} — sitediff",
                if d.is_dirty() { "● " } else { "" },
                shortened(&d.project().name, TITLE_PART_CHARS),
                shortened(&d.file_name(), TITLE_PART_CHARS),
                if d.read_only { " [read-only]" } else { "" }
            ),
            None => "sitediff".into(),
        }
    }

    /// The status bar's notice, if one is recent.
    pub fn notice(&self) -> Option<&str> {
        self.status.as_ref().map(|(m, _)| m.as_str())
    }

    fn notify(&mut self, text: impl Into<String>) {
        let now = self
            .ctx_cell
            .get()
            .map(|c| c.input(|i| i.time))
            .unwrap_or(0.0);
        self.status = Some((text.into(), now));
    }

    /// The author of footprints drawn now: the analyst's name, else the system user name.
    pub fn author(&self) -> String {
        if !self.prefs.analyst.trim().is_empty() {
            return self.prefs.analyst.trim().to_string();
        }
        prefs::system_user_name().unwrap_or_else(|| "unknown".into())
    }

    /// What a footprint drawn now would be, or why none can be drawn.
    fn new_footprint<'a>(
        &self,
        author: &'a str,
        now: Timestamp,
    ) -> Result<NewFootprint<'a>, String> {
        let doc = self.doc.as_ref().ok_or("Open a project first.")?;
        let site = self
            .pair
            .site
            .and_then(|id| doc.project().site(id))
            .ok_or("Choose a site first.")?;
        let (Some(b), Some(a)) = (self.pair.before, self.pair.after) else {
            return Err("Choose a before and an after image first.".into());
        };
        if a == b || site.images.len() < 2 {
            return Err(
                "Compare two different dates to outline a change (the site needs two images)."
                    .into(),
            );
        }
        let id = doc
            .next_footprint_ids(1)
            .map_err(|e| e.to_string())?
            .first()
            .copied()
            .ok_or("No footprint id is free.")?;
        Ok(NewFootprint {
            pair: (Some(b), Some(a)),
            kind: self.draw_kind,
            author,
            now,
            id,
        })
    }

    /// Keeps warnings, tags and list rows of the current site up to date.
    fn refresh_site_cache(&mut self) {
        let Some(doc) = &self.doc else {
            return;
        };
        self.derived.sync(doc);
        self.cache.ground.sync(doc, self.pair.site);
        let Some(site) = self.pair.site.and_then(|id| doc.project().site(id)) else {
            return;
        };
        let extent = canvas::site_extent(site, doc, &self.images);
        let key = (doc.revision(), site.id, extent);
        if self.cache.key != Some(key) {
            let index = self.derived.indexes.get(site);
            self.cache.warnings = site_warnings(site, index, extent.as_ref());
            self.cache.tags = site_tags(site);
            self.cache.key = Some(key);
        }
        let rows_key = (doc.revision(), site.id, self.list.clone());
        if self.cache.rows_key.as_ref() != Some(&rows_key) {
            self.cache.rows = rows(
                site,
                &self.list.filter,
                self.list.sort,
                self.list.descending,
                &self.cache.warnings,
            );
            self.cache.rows_key = Some(rows_key);
        }
    }

    /// The footprint list's rows as last computed (filtered and sorted).
    pub fn list_rows(&self) -> &[FootprintId] {
        &self.cache.rows
    }

    /// Warnings of the current site's footprints as last computed.
    pub fn warnings(&self) -> &BTreeMap<FootprintId, Vec<Warning>> {
        &self.cache.warnings
    }

    /// Offers the keys tools care about to the active tool; those it uses are consumed.
    fn tool_keys(&mut self, ctx: &egui::Context, actions: &mut Vec<Action>) {
        let keys: Vec<(ToolKey, egui::Key)> = ctx.input(|i| {
            i.events
                .iter()
                .filter_map(|e| match e {
                    egui::Event::Key {
                        key,
                        pressed: true,
                        modifiers,
                        ..
                    } if modifiers.is_none() => match key {
                        egui::Key::Escape => Some((ToolKey::Escape, *key)),
                        egui::Key::Enter => Some((ToolKey::Enter, *key)),
                        egui::Key::Backspace => Some((ToolKey::Backspace, *key)),
                        egui::Key::Delete => Some((ToolKey::Delete, *key)),
                        _ => None,
                    },
                    _ => None,
                })
                .collect()
        });
        for (tool_key, key) in keys {
            let out = self.with_tool_context(|tool, tctx| tool.key(tool_key, tctx));
            let Some(out) = out else { continue };
            if out.consumed {
                ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, key));
            }
            actions.extend(canvas::tool_actions(out));
        }
    }

    /// Runs `f` on the tool with a context for the date under the pointer (the before date
    /// when the pointer is elsewhere).
    fn with_tool_context<R>(
        &mut self,
        f: impl FnOnce(&mut Tool, &ToolContext<'_>) -> R,
    ) -> Option<R> {
        let author = self.author();
        let now = Timestamp::now();
        let new = self.new_footprint(&author, now);
        let locked = self.geometry_locked();
        let doc = self.doc.as_ref()?;
        let site = self.pair.site.and_then(|id| doc.project().site(id))?;
        self.derived.sync(doc);
        let index = self.derived.indexes.get(site);
        let ctx = ToolContext {
            site,
            index,
            side: self.hover.as_ref().map_or(Side::Before, |h| h.side),
            tolerance: canvas::HIT_RADIUS / self.compare.view.zoom,
            selection: &self.selection,
            now,
            new: &new,
            locked,
        };
        Some(f(&mut self.tool, &ctx))
    }

    /// The whole window for one frame. `eframe::App::ui` calls this; tests call it through
    /// egui_kittest.
    pub fn ui_main(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        let _ = self.ctx_cell.set(ctx.clone());
        self.images.poll(&ctx);
        self.poll_report();
        self.poll_gis_export();
        let mut actions: Vec<Action> = Vec::new();

        // Closing the window with unsaved changes asks first.
        if ctx.input(|i| i.viewport().close_requested()) && !self.allow_close && self.is_dirty() {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.dialogs.confirm = Some(Pending::Quit);
        }
        // Esc closes the shortcut sheet or the footprint menu before anything else sees it.
        if (self.dialogs.help_open || self.compare.context_menu.is_some())
            && ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Escape))
        {
            self.dialogs.help_open = false;
            self.compare.context_menu = None;
        }
        // Only a text field or a dialog takes the keys. Outside them, Tab walks the footprints
        // and arrows pan, so egui's keyboard focus moving between buttons is switched off.
        let typing = ctx.text_edit_focused() || self.dialogs.any_modal_open();
        if !typing {
            ctx.memory_mut(|m| {
                if let Some(id) = m.focused() {
                    m.surrender_focus(id);
                }
                m.move_focus(egui::FocusDirection::None);
            });
        }
        if !typing {
            self.tool_keys(&ctx, &mut actions);
            actions.extend(commands::read_keys(&ctx).into_iter().map(Command::action));
        }
        let space_pan = !typing && ctx.input(|i| i.key_down(egui::Key::Space));
        self.refresh_site_cache();
        if self.review.active {
            self.refresh_review_queue();
        }
        let statuses: HashMap<Command, Result<(), String>> = commands::TABLE
            .iter()
            .map(|s| (s.command, self.command_status(s.command)))
            .collect();
        let status_of = |c: Command| statuses.get(&c).cloned().unwrap_or(Ok(()));
        let now = Timestamp::now();

        egui::Panel::top("menu").show(ui, |ui| {
            actions.extend(self.menu_ui(ui, &status_of));
        });
        egui::Panel::top("toolbar").show(ui, |ui| {
            let input = panels::toolbar::ToolbarInput {
                tool: self.tool.kind(),
                draw_kind: self.draw_kind,
                can_draw: status_of(Command::ToolBuilding),
                reviewing: self.review.active,
            };
            actions.extend(panels::toolbar::toolbar_ui(ui, &mut self.compare, &input));
        });
        if self.doc.as_ref().is_some_and(|d| d.read_only) {
            egui::Panel::top("read-only").show(ui, |ui| {
                actions.extend(self.read_only_bar_ui(ui));
            });
        }
        if self.safety.changed_on_disk && !self.safety.change_dismissed {
            egui::Panel::top("changed-on-disk").show(ui, |ui| {
                actions.extend(self.disk_change_bar_ui(ui));
            });
        }
        let message = self
            .status
            .as_ref()
            .and_then(|(m, t)| (ctx.input(|i| i.time) - t < 8.0).then_some(m.as_str()));
        egui::Panel::bottom("status").show(ui, |ui| {
            panels::status::status_bar_ui(
                ui,
                panels::status::StatusInput {
                    hover: self.hover.as_ref(),
                    state: &self.compare,
                    pair: &self.pair,
                    doc: self.doc.as_ref(),
                    images: &self.images,
                    message,
                    report: self.report.as_ref().map(|j| j.progress()),
                    conflicts: self.doc.as_ref().map_or(0, |d| conflict_count(d.project())),
                    ground: &self.cache.ground,
                    tool_status: match (self.review.active, self.review.unlocked) {
                        (false, _) => self.tool.status(),
                        (true, false) => {
                            format!("Review (locked) · {}", self.tool.status())
                        }
                        (true, true) => {
                            format!("Review (unlocked) · {}", self.tool.status())
                        }
                    },
                },
            );
        });
        if let Some(doc) = &self.doc {
            let follow = std::mem::take(&mut self.follow_timeline);
            egui::Panel::left("sites")
                .resizable(true)
                .default_size(280.0)
                .show(ui, |ui| {
                    actions.extend(panels::sites::sites_panel_ui(
                        ui,
                        doc,
                        &self.pair,
                        &self.images,
                        follow,
                    ));
                    ui.separator();
                    panels::adjustments::adjustments_ui(ui, doc, &self.pair, &mut self.adjustments);
                });
            if let Some(site) = self.pair.site.and_then(|id| doc.project().site(id)) {
                let queue = if self.review.active {
                    self.review_queue().to_vec()
                } else {
                    Vec::new()
                };
                let user = self.author();
                let coverage_fraction = self.coverage_fraction();
                egui::Panel::right("footprints")
                    .resizable(true)
                    .default_size(330.0)
                    .show(ui, |ui| {
                        if let Tool::Registration(t) = &self.tool {
                            actions.extend(panels::registration::registration_ui(
                                ui,
                                t,
                                site,
                                self.cache.ground.geo.as_ref(),
                            ));
                            ui.separator();
                        }
                        if self.review.active {
                            let input = panels::review_queue::QueueInput {
                                project: doc.project(),
                                site: self.pair.site,
                                queue: &queue,
                                user: &user,
                                coverage: coverage_fraction,
                                command_status: &status_of,
                            };
                            actions.extend(panels::review_queue::review_queue_ui(
                                ui,
                                &mut self.review,
                                &input,
                            ));
                            ui.separator();
                        }
                        if conflicted(site).next().is_some() {
                            actions.extend(panels::conflicts::conflicts_ui(ui, site));
                            ui.separator();
                        }
                        if self.review.active || !site.markers.is_empty() {
                            actions.extend(panels::markers::markers_ui(ui, site));
                            ui.separator();
                        }
                        ui.heading("Inspector");
                        let input = panels::inspector::InspectorInput {
                            site,
                            selection: &self.selection,
                            warnings: &self.cache.warnings,
                            site_tags: &self.cache.tags,
                            now,
                            command_status: &status_of,
                            ground: &self.cache.ground,
                        };
                        if self.review.active {
                            // The queue took the list's place; the inspector scrolls below it.
                            egui::ScrollArea::vertical()
                                .id_salt("inspector-scroll")
                                .auto_shrink([false, false])
                                .show(ui, |ui| {
                                    actions.extend(panels::inspector::inspector_ui(
                                        ui,
                                        &mut self.inspector,
                                        &input,
                                    ));
                                });
                            return;
                        }
                        actions.extend(panels::inspector::inspector_ui(
                            ui,
                            &mut self.inspector,
                            &input,
                        ));
                        ui.separator();
                        ui.heading("Footprints");
                        let input = panels::footprint_list::ListInput {
                            site,
                            selection: &self.selection,
                            warnings: &self.cache.warnings,
                            rows: &self.cache.rows,
                            site_tags: &self.cache.tags,
                            ground: &self.cache.ground,
                        };
                        actions.extend(panels::footprint_list::footprint_list_ui(
                            ui,
                            &mut self.list,
                            &input,
                        ));
                    });
            }
        }
        let author = self.author();
        let new = self.new_footprint(&author, now);
        // In review mode, the cells still to check are shaded (all of them before the first).
        let my_coverage = if self.review.active && !self.review.hide_coverage {
            self.my_coverage().cloned().or_else(|| {
                self.coverage_grid()
                    .map(|g| crate::model::Coverage::new(&author, g))
            })
        } else {
            None
        };
        egui::CentralPanel::default()
            .frame(egui::Frame::NONE)
            .show(ui, |ui| match &self.doc {
                Some(doc) => {
                    let out = canvas::canvas_ui(
                        ui,
                        canvas::CanvasInput {
                            doc,
                            pair: &self.pair,
                            selection: &self.selection,
                            adjustments: &self.adjustments,
                            space_pan,
                            new_footprint: &new,
                            now,
                            command_status: &status_of,
                            locked: self.geometry_locked(),
                            coverage: my_coverage.as_ref(),
                            ground: self.cache.ground.geo.as_ref(),
                        },
                        canvas::CanvasState {
                            compare: &mut self.compare,
                            tool: &mut self.tool,
                            derived: &mut self.derived,
                            images: &mut self.images,
                            panes: &mut self.panes,
                        },
                    );
                    // What the status bar shows of the pointer changed (a blink flip):
                    // one more frame so it catches up.
                    if out.hover != self.hover {
                        ctx.request_repaint();
                    }
                    self.hover = out.hover;
                    self.last_draw = out.drawn;
                    self.last_uploads = out.uploaded;
                    self.last_footprints = out.footprints;
                    actions.extend(out.actions);
                }
                None => actions.extend(self.no_project_ui(ui)),
            });

        // Timeline thumbnails of the images not compared, one at a time once nothing else loads.
        if let Some(doc) = &self.doc
            && let Some(site) = self.pair.site.and_then(|id| doc.project().site(id))
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
        self.keep_registration_in_step();
        if self.review.active
            && let Some(again) = self.track_coverage(ctx.input(|i| i.time))
        {
            ctx.request_repaint_after(again);
        }
        self.safety_tick(&ctx);
        self.images.end_frame();

        let title = self.window_title();
        if title != self.title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title = title;
        }
    }
}

/// How many characters of the project name and of the file name the window title shows: a
/// hand-edited name of megabytes made the X11 title call panic.
const TITLE_PART_CHARS: usize = 80;

/// `text` cut to `max` characters (with an ellipsis) on one line.
fn shortened(text: &str, max: usize) -> String {
    let one_line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(max + 1)
        .collect();
    if one_line.chars().count() > max {
        let cut: String = one_line.chars().take(max.saturating_sub(1)).collect();
        format!("{cut}…")
    } else {
        one_line
    }
}

impl eframe::App for SiteDiffApp {
    fn clear_color(&self, _visuals: &egui::Visuals) -> [f32; 4] {
        canvas::CANVAS_BACKGROUND.to_normalized_gamma_f32()
    }

    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        if let Some(stats) = &mut self.frame_stats {
            stats.record(frame.info().cpu_usage, self.last_uploads, &|| {
                let causes = ui.ctx().repaint_causes();
                let mut named: Vec<String> = causes
                    .iter()
                    .map(|c| format!("{c:?}").trim().to_string())
                    .collect();
                named.sort();
                named.dedup();
                if named.is_empty() {
                    "an event".into()
                } else {
                    named.join(", ")
                }
            });
        }
        let view_before = self.compare.view;
        self.ui_main(ui);
        if let Some(stats) = &mut self.frame_stats {
            let panes: Vec<_> = self
                .last_draw
                .iter()
                .map(|(side, outcome)| frame_stats::PaneDraw {
                    name: side.label(),
                    drawn_tiles: outcome.drawn_tiles,
                    complete: outcome.complete,
                })
                .collect();
            stats.note_panes(&panes);
            stats.end_frame(frame_stats::Phase::of(
                !self.images.loading().is_empty(),
                self.compare.view != view_before,
            ));
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, prefs::STORAGE_KEY, &self.prefs);
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        self.shut_down();
    }
}

impl SiteDiffApp {
    /// The tool kind, for tests and the status bar.
    pub fn tool_kind(&self) -> ToolKind {
        self.tool.kind()
    }
}

#[cfg(test)]
mod early_load_tests {
    use super::*;
    use crate::io::overview_cache::{CacheKey, OverviewCache};

    #[test]
    fn images_start_before_the_window_only_when_all_shown_first_are_in_the_cache() {
        let demo = crate::cli::demo_project_path();
        let project = crate::io::load_project(&demo).expect("the demo project");
        let site = &project.sites[0];
        let by_date = site.images_by_date();
        let shown: Vec<PathBuf> = [by_date[0], by_date[by_date.len() - 1]]
            .iter()
            .map(|i| crate::io::project_file::resolve_image_path(&demo, &i.path))
            .collect();
        let folder = tempfile::tempdir().expect("a temporary folder");
        let cache = OverviewCache::new(folder.path().to_path_buf(), 1 << 30);
        let early = |cache: &OverviewCache| {
            early_loads(&demo, Arc::new(OnceLock::new()), Some(cache.clone()))
                .into_iter()
                .map(|(path, _)| path)
                .collect::<Vec<_>>()
        };
        // A first open: nothing starts early.
        assert!(early(&cache).is_empty());
        // Only one of the pair cached: still nothing (the other would need a reduced decode).
        let entry = |path: &PathBuf| {
            let key = CacheKey::of_file(path).expect("a key for the demo image");
            folder.path().join(key.file_name())
        };
        std::fs::write(entry(&shown[0]), b"entry").expect("an entry");
        assert!(early(&cache).is_empty());
        // Both cached: a reopen starts exactly the two images the window shows first.
        std::fs::write(entry(&shown[1]), b"entry").expect("an entry");
        assert_eq!(early(&cache), shown);
        // No cache folder at all (no home): nothing.
        assert!(early_loads(&demo, Arc::new(OnceLock::new()), None).is_empty());
    }
}

#[cfg(test)]
mod title_tests {
    use super::shortened;

    #[test]
    fn long_or_multi_line_names_are_shortened_for_the_window_title() {
        assert_eq!(shortened("Harbour", 80), "Harbour");
        let huge = "x".repeat(17_000_000);
        let t = shortened(&huge, 80);
        assert_eq!(t.chars().count(), 80);
        assert!(t.ends_with('…'));
        assert_eq!(shortened("two\nlines", 80), "two lines");
        assert_eq!(shortened("ünïcödé", 4), "ünï…");
    }
}
