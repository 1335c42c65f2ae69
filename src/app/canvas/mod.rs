//! The canvas: the current pair of dated images in one of four modes, sharing one view
//! transform, with footprints drawn over every pane and the active tool fed from every pane.
//! This is the only place that turns egui responses into tool input and paints previews.

mod chrome;
pub mod footprints;
mod input;
pub mod layout;
mod legend;
pub mod markers;
mod paint;
pub mod preview;
mod references;
mod scale_bar;

pub use chrome::{AFTER_COLOR, BEFORE_COLOR, side_color};
pub use input::tool_actions;
use input::{context_menu_ui, cursor_for, pan_input, swipe_divider_input};
pub use layout::{HEADER_HEIGHT, Pane, layout, side_at};
use paint::Painting;

use super::actions::Action;
use super::commands::Command;
use super::imagery::tiles::{PaintOutcome, UploadBudget};
use super::imagery::{Adjustments, ImageStore};
use super::state::{CompareMode, CompareState, Pair, Side};
use super::view::ViewTransform;
use crate::editing::Document;
use crate::editing::derived::Derived;
use crate::editing::hit::{Hit, HitOptions, hit};
use crate::editing::index::SiteIndex;
use crate::editing::ops::NewFootprint;
use crate::editing::selection::{Selection, SelectionChange};
use crate::editing::tools::{Mods, Pointer, Tool, ToolContext, ToolKind};
use crate::model::{BoundingBox, DatedImage, ImageId, Point, Site, Timestamp};
use chrome::{centered_text, header_ui, paint_blink_badge, paint_crosshair, paint_swipe_divider};
use egui::{Color32, PointerButton, Pos2, Rect, Sense, Ui, Vec2};
use footprints::{FootprintLayer, FootprintStats, OutlineChoice};
use std::collections::HashMap;
use std::time::Duration;

/// How near (screen points) a corner or edge must be to be hit or snapped to.
pub const HIT_RADIUS: f64 = 7.0;

/// Where the pointer is, for the status bar and the tools' keys.
#[derive(Clone, Debug, PartialEq)]
pub struct Hover {
    pub site_point: Point,
    /// Which image is under the cursor: one side, or both blended (overlay).
    pub showing: HoverShows,
    /// Which date's outlines are edited there.
    pub side: Side,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HoverShows {
    One(Side),
    Blend,
}

/// What the canvas reports back after a frame.
#[derive(Default)]
pub struct CanvasOutput {
    pub actions: Vec<Action>,
    pub hover: Option<Hover>,
    /// How each drawn image fared, for the status bar and the benchmark.
    pub drawn: Vec<(Side, PaintOutcome)>,
    /// Tiles uploaded this frame.
    pub uploaded: usize,
    /// Footprints visited and drawn over all panes.
    pub footprints: FootprintStats,
}

/// What the canvas reads.
pub struct CanvasInput<'a> {
    pub doc: &'a Document,
    pub pair: &'a Pair,
    pub selection: &'a Selection,
    pub adjustments: &'a HashMap<ImageId, Adjustments>,
    /// Space is held: left-drag pans.
    pub space_pan: bool,
    /// What a footprint drawn now would be, or why none can be.
    pub new_footprint: &'a Result<NewFootprint<'a>, String>,
    pub now: Timestamp,
    /// Whether a command can run now (`Err` says why not), for the context menu.
    pub command_status: &'a dyn Fn(Command) -> Result<(), String>,
    /// Review mode locks geometry.
    pub locked: bool,
    /// The reviewer's coverage of the site, for the overlay of unchecked cells.
    pub coverage: Option<&'a crate::model::Coverage>,
    /// The site on the ground, for the scale bar.
    pub ground: Option<&'a crate::geo::SiteGeo>,
}

/// What the canvas changes: the view, the tool, derived data, image textures.
pub struct CanvasState<'a> {
    pub compare: &'a mut CompareState,
    pub tool: &'a mut Tool,
    pub derived: &'a mut Derived,
    pub images: &'a mut ImageStore,
    /// The panes of this frame, for keyboard zoom and tests.
    pub panes: &'a mut Vec<Pane>,
}

/// A side's image record and file.
pub(crate) struct SideImage<'a> {
    pub(crate) record: &'a DatedImage,
    pub(crate) path: std::path::PathBuf,
}

/// The colour of the canvas around and under the imagery: the window's clear colour, so that
/// the canvas needs no background layer of its own.
pub const CANVAS_BACKGROUND: Color32 = Color32::from_gray(24);

pub fn canvas_ui(ui: &mut Ui, input: CanvasInput<'_>, state: CanvasState<'_>) -> CanvasOutput {
    let CanvasState {
        compare,
        tool,
        derived,
        images,
        panes: panes_out,
    } = state;
    let mut out = CanvasOutput::default();
    let area = ui.available_rect_before_wrap();
    ui.allocate_rect(area, Sense::hover());
    let painter = ui.painter_at(area);
    // No background is painted here: the window is cleared to CANVAS_BACKGROUND each frame
    // (`SiteDiffApp::clear_color`), and painting it again under the imagery cost a software
    // renderer a window-sized layer of pixels per frame.
    let project = input.doc.project();
    let Some(site) = input.pair.site.and_then(|id| project.site(id)) else {
        centered_text(
            &painter,
            area,
            "This project has no sites yet (Sites, Add a site…).",
        );
        panes_out.clear();
        return out;
    };
    let side_image = |side: Side| {
        let id = input.pair.image(side)?;
        let record = site.image(id)?;
        Some(SideImage {
            record,
            path: input.doc.image_file(&record.path),
        })
    };
    let before = side_image(Side::Before);
    let after = side_image(Side::After);
    if before.is_none() && after.is_none() {
        centered_text(
            &painter,
            area,
            "This site has no images yet (Sites, Add images to this site…).",
        );
        panes_out.clear();
        return out;
    }
    for s in [&before, &after].into_iter().flatten() {
        images.want(&s.path);
        let adjust = input
            .adjustments
            .get(&s.record.id)
            .copied()
            .unwrap_or_default();
        images.apply_adjustments(&s.path, adjust);
    }

    // Layout.
    let panes = layout(area, compare.mode);
    *panes_out = panes.clone();
    if compare.fit_pending
        && let Some(extent) = site_extent(site, input.doc, images)
        && let Some(first) = panes.first()
    {
        compare.view = ViewTransform::fit(first.rect, extent);
        compare.fit_pending = false;
    }
    if let Some(target) = compare.focus.take()
        && let Some(first) = panes.first()
    {
        let keep = (!std::mem::take(&mut compare.focus_close)).then_some(compare.view.zoom);
        compare.view = focus_view(first.rect, target, keep);
    }

    derived.sync(input.doc);
    let Derived {
        indexes, triangles, ..
    } = derived;
    let index: &SiteIndex = indexes.get(site);

    // Input, common to every mode: each pane senses clicks and drags. The swipe divider is
    // registered after the panes, so that it lies on top and takes its own drags: dragging it
    // never reaches the tools.
    let mut hover_pane: Option<(usize, Pos2)> = None;
    let mut hover_hit: Option<Hit> = None;
    let modifiers = ui.input(|i| i.modifiers);
    let mods = Mods {
        shift: modifiers.shift,
        no_snap: modifiers.alt,
    };
    for (i, pane) in panes.iter().enumerate() {
        let id = ui.scope_id().with(("pane", i));
        let response = ui.interact(pane.rect, id, Sense::click_and_drag());
        let panning = pan_input(ui, &response, pane.rect, compare, input.space_pan);
        let pos = response.hover_pos().or(response.interact_pointer_pos());
        if let Some(p) = response.hover_pos() {
            hover_pane = Some((i, p));
        }
        let Some(pos) = pos else {
            continue;
        };
        let side = side_at(pane, pos, compare);
        let ctx = tool_context(&input, site, index, side, compare.view.zoom);
        let to_site = |p: Pos2| compare.view.screen_to_site(pane.rect, p);
        let mut events: Vec<Pointer> = Vec::new();
        if !panning {
            let site_pos = to_site(pos);
            if response.hovered() || response.dragged() {
                events.push(Pointer::Move(site_pos));
            }
            if response.drag_started_by(PointerButton::Primary) && !input.space_pan {
                let origin = ui.input(|inp| inp.pointer.press_origin()).unwrap_or(pos);
                compare.tool_drag = true;
                events.push(Pointer::DragStart(to_site(origin)));
            } else if response.dragged_by(PointerButton::Primary) && compare.tool_drag {
                events.push(Pointer::Drag(site_pos));
            }
            if response.drag_stopped_by(PointerButton::Primary) && compare.tool_drag {
                compare.tool_drag = false;
                events.push(Pointer::DragEnd(site_pos));
            }
            if response.double_clicked() {
                events.push(Pointer::DoubleClick(site_pos));
            } else if response.clicked() {
                events.push(Pointer::Click(site_pos));
            }
        }
        for e in events {
            let result = tool.pointer(e, mods, &ctx);
            out.actions.extend(tool_actions(result));
        }
        if response.hovered() && !response.dragged() && tool.kind() == ToolKind::Select {
            hover_hit = hit(
                site,
                index,
                to_site(pos),
                HitOptions {
                    side,
                    tolerance: ctx.tolerance,
                    midpoints_of: Some(input.selection.ids()),
                },
            )
            .first()
            .copied();
        }
        if response.secondary_clicked()
            && let Some(h) = hit(
                site,
                index,
                to_site(pos),
                HitOptions {
                    side,
                    tolerance: ctx.tolerance,
                    midpoints_of: None,
                },
            )
            .first()
            && !input.selection.contains(h.footprint)
        {
            out.actions
                .push(Action::Select(SelectionChange::Set(vec![h.footprint])));
        }
        if response.secondary_clicked() {
            compare.context_menu = response.interact_pointer_pos().or(Some(pos));
        }
        if response.hovered() && !panning && !input.space_pan {
            ui.ctx()
                .set_cursor_icon(cursor_for(tool, hover_hit.as_ref(), response.dragged()));
        }
    }

    if compare.mode == CompareMode::Swipe
        && let Some(pane) = panes.first()
    {
        swipe_divider_input(ui, pane.rect, compare);
    }
    if let Some(at) = compare.context_menu {
        let (keep, actions) = context_menu_ui(ui.ctx(), at, input.selection, input.command_status);
        out.actions.extend(actions);
        if !keep {
            compare.context_menu = None;
        }
    }

    // Painting.
    let ctx = ui.ctx().clone();
    let now = ui.input(|i| i.time);
    let pick = |side: Side| {
        if side == Side::Before {
            before.as_ref()
        } else {
            after.as_ref()
        }
    };
    let layer = FootprintLayer {
        site,
        index,
        pair: (input.pair.before, input.pair.after),
        selection: input.selection,
        hover: hover_hit.map(|h| h.footprint),
    };
    let mut painting = Painting {
        images,
        out: &mut out,
        view: compare.view,
        budget: UploadBudget::new(Duration::from_millis(6), 4),
        site_id: site.id,
        show_footprints: compare.show_footprints,
        layer: &layer,
        triangles,
        tool,
        tool_ctx: |side| tool_context(&input, site, index, side, compare.view.zoom),
        markers: &site.markers,
        references: &site.references,
        selected_reference: input.selection.reference,
        coverage: input.coverage,
    };
    for pane in &panes {
        let painter = ui.painter_at(pane.rect);
        let rect = pane.rect;
        match (compare.mode, pane.side) {
            (_, Some(side)) => {
                painting.date(ui, &painter, rect, pick(side), side);
            }
            (CompareMode::Swipe, None) => {
                let x = rect.left() + compare.swipe * rect.width();
                let left =
                    painter.with_clip_rect(Rect::from_min_max(rect.min, Pos2::new(x, rect.max.y)));
                let right =
                    painter.with_clip_rect(Rect::from_min_max(Pos2::new(x, rect.min.y), rect.max));
                for (p, side) in [(&left, Side::Before), (&right, Side::After)] {
                    painting.date(ui, p, rect, pick(side), side);
                }
                paint_swipe_divider(&painter, rect, x);
            }
            (CompareMode::Blink, None) => {
                if let Some(next) = compare.blink.tick(now) {
                    ctx.request_repaint_after(Duration::from_secs_f32(next.max(0.01)));
                }
                let side = compare.blink.showing;
                painting.date(ui, &painter, rect, pick(side), side);
                paint_blink_badge(&painter, rect, side, pick(side).map(|s| s.record));
            }
            (CompareMode::Overlay | CompareMode::SideBySide, None) => {
                let alpha = (compare.overlay_opacity.clamp(0.0, 1.0) * 255.0).round() as u8;
                let shown_before = painting.image(
                    ui,
                    &painter,
                    rect,
                    pick(Side::Before),
                    Side::Before,
                    Color32::WHITE,
                );
                let shown_after = painting.image(
                    ui,
                    &painter,
                    rect,
                    pick(Side::After),
                    Side::After,
                    Color32::from_white_alpha(alpha),
                );
                let editing_side = if compare.overlay_opacity >= 0.5 {
                    Side::After
                } else {
                    Side::Before
                };
                if shown_before || shown_after {
                    painting.overlays(&painter, rect, editing_side, OutlineChoice::Both);
                }
            }
        }
    }
    let (deferred, uploaded) = (painting.budget.deferred, painting.budget.uploaded);
    out.uploaded = uploaded;
    if compare.show_footprints
        && compare.show_legend
        && let Some(first) = panes.first()
    {
        legend::paint_legend(&ui.painter_at(first.rect), first.rect, site);
    }
    if let Some(ground) = input.ground {
        for pane in &panes {
            scale_bar::paint_scale_bar(&ui.painter_at(pane.rect), pane.rect, &compare.view, ground);
        }
    }

    // Headers.
    let days = match (&before, &after) {
        (Some(b), Some(a)) => b.record.date.days_until(&a.record.date),
        _ => None,
    };
    // Image sizes for the headers' ground footprint.
    let size_of =
        |side: Side| pick(side).and_then(|s| images.get(&s.path).and_then(|slot| slot.load.size()));
    for pane in &panes {
        let header = Rect::from_min_max(
            Pos2::new(pane.rect.left(), pane.rect.top() - HEADER_HEIGHT),
            Pos2::new(pane.rect.right(), pane.rect.top()),
        );
        match pane.side {
            Some(side) => {
                header_ui(
                    ui,
                    header,
                    side,
                    pick(side).map(|s| s.record),
                    days,
                    true,
                    size_of(side),
                );
            }
            None => {
                let half = header.width() / 2.0;
                let l = Rect::from_min_size(header.min, Vec2::new(half, header.height()));
                let r = Rect::from_min_size(
                    Pos2::new(header.left() + half, header.top()),
                    Vec2::new(half, header.height()),
                );
                let emphasis =
                    |side| compare.mode != CompareMode::Blink || compare.blink.showing == side;
                header_ui(
                    ui,
                    l,
                    Side::Before,
                    before.as_ref().map(|s| s.record),
                    days,
                    emphasis(Side::Before),
                    size_of(Side::Before),
                );
                header_ui(
                    ui,
                    r,
                    Side::After,
                    after.as_ref().map(|s| s.record),
                    days,
                    emphasis(Side::After),
                    size_of(Side::After),
                );
            }
        }
    }

    // Linked cursor and hover report.
    if let Some((i, pos)) = hover_pane {
        let pane = panes[i];
        let site_point = compare.view.screen_to_site(pane.rect, pos);
        let side = side_at(&pane, pos, compare);
        let showing = match (pane.side, compare.mode) {
            (Some(side), _) => HoverShows::One(side),
            (None, CompareMode::Swipe | CompareMode::Blink) => HoverShows::One(side),
            (None, _) => HoverShows::Blend,
        };
        out.hover = Some(Hover {
            site_point,
            showing,
            side,
        });
        if compare.linked_cursor {
            for (j, other) in panes.iter().enumerate() {
                if j != i {
                    let p = compare.view.site_to_screen(other.rect, site_point);
                    paint_crosshair(&ui.painter_at(other.rect), p);
                }
            }
        }
    }
    if deferred > 0 {
        ctx.request_repaint();
    }
    out
}

/// What the tool reads in a pane showing `side` at `zoom`.
fn tool_context<'a>(
    input: &CanvasInput<'a>,
    site: &'a Site,
    index: &'a SiteIndex,
    side: Side,
    zoom: f64,
) -> ToolContext<'a> {
    ToolContext {
        site,
        index,
        side,
        tolerance: HIT_RADIUS / zoom,
        selection: input.selection,
        now: input.now,
        new: input.new_footprint,
        locked: input.locked,
    }
}

/// The site frame's extent: the reference image's outline in site coordinates, once its size is
/// known; else the first compared image that has a size.
pub fn site_extent(site: &Site, doc: &Document, images: &ImageStore) -> Option<BoundingBox> {
    let mut candidates: Vec<&DatedImage> = Vec::new();
    if let Some(r) = site.reference_image.and_then(|id| site.image(id)) {
        candidates.push(r);
    }
    candidates.extend(site.images.iter());
    for img in candidates {
        let Some(slot) = images.get(&doc.image_file(&img.path)) else {
            continue;
        };
        if let Some((w, h)) = slot.load.size() {
            let corners = [
                (0.0, 0.0),
                (w as f64, 0.0),
                (w as f64, h as f64),
                (0.0, h as f64),
            ]
            .map(|(x, y)| img.to_site.apply(Point::new(x, y)));
            let poly = crate::model::Polygon(corners.to_vec());
            return poly.bounding_box();
        }
    }
    None
}

/// A view centred on `target`, zoomed so it fills about a third of the pane, never closer than
/// 4 screen points per pixel. With `keep` (the current zoom), a view that already shows the
/// target keeps its zoom.
pub fn focus_view(pane: Rect, target: BoundingBox, keep: Option<f64>) -> ViewTransform {
    let w = target.width().max(1.0);
    let h = target.height().max(1.0);
    let fit = (pane.width() as f64 / w).min(pane.height() as f64 / h) / 3.0;
    let center = Point::new(
        (target.min.x + target.max.x) / 2.0,
        (target.min.y + target.max.y) / 2.0,
    );
    let zoom = match keep {
        Some(zoom) => {
            let current = ViewTransform { center, zoom };
            let vis = current.visible_site_rect(pane);
            let shows_it =
                vis.contains(target.min) && vis.contains(target.max) && zoom <= fit * 3.0;
            if shows_it { zoom } else { fit.min(4.0) }
        }
        None => fit.min(4.0),
    };
    ViewTransform {
        center,
        zoom: zoom.clamp(super::view::MIN_ZOOM, super::view::MAX_ZOOM),
    }
}
