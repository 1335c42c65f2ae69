//! The compare view: the current pair of dated images in one of four modes, sharing one view
//! transform, with footprints drawn over every pane. Input handling (zoom, pan, linked cursor)
//! is the same in every mode.

use super::actions::Action;
use super::adjust::Adjustments;
use super::document::Document;
use super::images::{ImageSlot, ImageStore};
use super::overlay::{OutlineChoice, paint_footprints};
pub use super::pane_chrome::{AFTER_COLOR, BEFORE_COLOR, side_color};
use super::pane_chrome::{
    centered_text, header_ui, paint_blink_badge, paint_crosshair, paint_swipe_divider,
    placeholder_ui,
};
use super::state::{CompareMode, CompareState, Selection, Side};
use super::tiles::{ImageDraw, PaintOutcome, UploadBudget, paint_image};
use super::view::ViewTransform;
use crate::model::{BoundingBox, DatedImage, ImageId, Point, Site};
use egui::{
    Align2, Color32, CursorIcon, FontId, PointerButton, Pos2, Rect, Sense, Stroke, StrokeKind, Ui,
    Vec2,
};
use std::collections::HashMap;
use std::time::Duration;

/// Height of the date header above each pane.
const HEADER_HEIGHT: f32 = 46.0;

/// One pane of the current layout.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pane {
    /// The image area (below the header).
    pub rect: Rect,
    /// `Some` for the side-by-side panes; `None` for the single pane of the other modes.
    pub side: Option<Side>,
}

/// Where the pointer is, for the status bar.
#[derive(Clone, Debug, PartialEq)]
pub struct Hover {
    pub site_point: Point,
    /// Which image is under the cursor: one side, or both blended (overlay).
    pub showing: HoverShows,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HoverShows {
    One(Side),
    Blend,
}

/// What the compare view reports back after a frame.
#[derive(Default)]
pub struct CompareOutput {
    pub actions: Vec<Action>,
    pub hover: Option<Hover>,
    /// How each drawn image fared, for the status bar and the benchmark.
    pub drawn: Vec<(Side, PaintOutcome)>,
    /// Tiles uploaded this frame.
    pub uploaded: usize,
}

/// What the compare view reads.
pub struct CompareInput<'a> {
    pub doc: &'a Document,
    pub selection: &'a Selection,
    pub adjustments: &'a HashMap<ImageId, Adjustments>,
    /// Space is held: left-drag pans.
    pub space_pan: bool,
}

/// A side's image record and how it is loading.
pub(super) struct SideImage<'a> {
    pub(super) record: &'a DatedImage,
    pub(super) path: std::path::PathBuf,
}

pub fn compare_ui(
    ui: &mut Ui,
    state: &mut CompareState,
    input: CompareInput<'_>,
    images: &mut ImageStore,
    panes_out: &mut Vec<Pane>,
) -> CompareOutput {
    let mut out = CompareOutput::default();
    let area = ui.available_rect_before_wrap();
    ui.allocate_rect(area, Sense::hover());
    let painter = ui.painter_at(area);
    painter.rect_filled(area, 0.0, Color32::from_gray(24));
    let project = &input.doc.project;
    let Some(site) = input.selection.site.and_then(|id| project.site(id)) else {
        centered_text(&painter, area, "This project has no sites yet.");
        panes_out.clear();
        return out;
    };
    let side_image = |side: Side| {
        let id = input.selection.image(side)?;
        let record = site.image(id)?;
        Some(SideImage {
            record,
            path: input.doc.image_file(&record.path),
        })
    };
    let before = side_image(Side::Before);
    let after = side_image(Side::After);
    if before.is_none() && after.is_none() {
        centered_text(&painter, area, "This site has no images yet.");
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
    let panes = layout(area, state.mode);
    *panes_out = panes.clone();
    if state.fit_pending
        && let Some(extent) = site_extent(site, input.doc, images)
        && let Some(first) = panes.first()
    {
        state.view = ViewTransform::fit(first.rect, extent);
        state.fit_pending = false;
    }

    // Input, common to every mode: each pane senses clicks and drags.
    let mut hover_pane: Option<(usize, Pos2)> = None;
    for (i, pane) in panes.iter().enumerate() {
        let id = ui.scope_id().with(("pane", i));
        let response = ui.interact(pane.rect, id, Sense::click_and_drag());
        pane_input(ui, &response, pane.rect, state, input.space_pan);
        if let Some(pos) = response.hover_pos() {
            hover_pane = Some((i, pos));
        }
    }
    // The swipe divider sits over the pane and takes its own drags.
    if state.mode == CompareMode::Swipe
        && let Some(pane) = panes.first()
    {
        swipe_divider_input(ui, pane.rect, state);
    }

    // Painting.
    let ctx = ui.ctx().clone();
    let now = ui.input(|i| i.time);
    let mut painting = Painting {
        images,
        out: &mut out,
        view: state.view,
        budget: UploadBudget::new(Duration::from_millis(6), 4),
        site,
        pair: (input.selection.before, input.selection.after),
        show_footprints: state.show_footprints,
    };
    let pick = |side: Side| {
        if side == Side::Before {
            before.as_ref()
        } else {
            after.as_ref()
        }
    };
    for pane in &panes {
        let painter = ui.painter_at(pane.rect);
        let rect = pane.rect;
        match (state.mode, pane.side) {
            (_, Some(side)) => {
                painting.plain(ui, &painter, rect, pick(side), side);
            }
            (CompareMode::Swipe, None) => {
                let x = rect.left() + state.swipe * rect.width();
                let left =
                    painter.with_clip_rect(Rect::from_min_max(rect.min, Pos2::new(x, rect.max.y)));
                let right =
                    painter.with_clip_rect(Rect::from_min_max(Pos2::new(x, rect.min.y), rect.max));
                for (p, side) in [(&left, Side::Before), (&right, Side::After)] {
                    painting.plain(ui, p, rect, pick(side), side);
                }
                paint_swipe_divider(&painter, rect, x);
            }
            (CompareMode::Blink, None) => {
                if let Some(next) = state.blink.tick(now) {
                    ctx.request_repaint_after(Duration::from_secs_f32(next.max(0.01)));
                }
                let side = state.blink.showing;
                painting.plain(ui, &painter, rect, pick(side), side);
                paint_blink_badge(&painter, rect, side, pick(side).map(|s| s.record));
            }
            (CompareMode::Overlay | CompareMode::SideBySide, None) => {
                let alpha = (state.overlay_opacity.clamp(0.0, 1.0) * 255.0).round() as u8;
                painting.side(
                    ui,
                    &painter,
                    rect,
                    pick(Side::Before),
                    Side::Before,
                    Color32::WHITE,
                    None,
                );
                painting.side(
                    ui,
                    &painter,
                    rect,
                    pick(Side::After),
                    Side::After,
                    Color32::from_white_alpha(alpha),
                    Some(OutlineChoice::Both),
                );
            }
        }
    }
    let (deferred, uploaded) = (painting.budget.deferred, painting.budget.uploaded);
    out.uploaded = uploaded;

    // Headers.
    let days = match (&before, &after) {
        (Some(b), Some(a)) => b.record.date.days_until(&a.record.date),
        _ => None,
    };
    for pane in &panes {
        let header = Rect::from_min_max(
            Pos2::new(pane.rect.left(), pane.rect.top() - HEADER_HEIGHT),
            Pos2::new(pane.rect.right(), pane.rect.top()),
        );
        match pane.side {
            Some(side) => {
                let img = if side == Side::Before {
                    &before
                } else {
                    &after
                };
                header_ui(ui, header, side, img.as_ref().map(|s| s.record), days, true);
            }
            None => {
                let half = header.width() / 2.0;
                let l = Rect::from_min_size(header.min, Vec2::new(half, header.height()));
                let r = Rect::from_min_size(
                    Pos2::new(header.left() + half, header.top()),
                    Vec2::new(half, header.height()),
                );
                let emphasis =
                    |side| state.mode != CompareMode::Blink || state.blink.showing == side;
                header_ui(
                    ui,
                    l,
                    Side::Before,
                    before.as_ref().map(|s| s.record),
                    days,
                    emphasis(Side::Before),
                );
                header_ui(
                    ui,
                    r,
                    Side::After,
                    after.as_ref().map(|s| s.record),
                    days,
                    emphasis(Side::After),
                );
            }
        }
    }

    // Linked cursor and hover report.
    if let Some((i, pos)) = hover_pane {
        let pane = panes[i];
        let site_point = state.view.screen_to_site(pane.rect, pos);
        let showing = match (pane.side, state.mode) {
            (Some(side), _) => HoverShows::One(side),
            (None, CompareMode::Swipe) => {
                let x = pane.rect.left() + state.swipe * pane.rect.width();
                HoverShows::One(if pos.x < x { Side::Before } else { Side::After })
            }
            (None, CompareMode::Blink) => HoverShows::One(state.blink.showing),
            (None, _) => HoverShows::Blend,
        };
        out.hover = Some(Hover {
            site_point,
            showing,
        });
        if state.linked_cursor {
            for (j, other) in panes.iter().enumerate() {
                if j != i {
                    let p = state.view.site_to_screen(other.rect, site_point);
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

/// Splits the view area into panes (with room for their headers).
pub fn layout(area: Rect, mode: CompareMode) -> Vec<Pane> {
    let body = |r: Rect| Rect::from_min_max(Pos2::new(r.left(), r.top() + HEADER_HEIGHT), r.max);
    match mode {
        CompareMode::SideBySide => {
            let gap = 6.0;
            let w = ((area.width() - gap) / 2.0).max(1.0);
            let left = Rect::from_min_size(area.min, Vec2::new(w, area.height()));
            let right = Rect::from_min_size(
                Pos2::new(area.left() + w + gap, area.top()),
                Vec2::new(w, area.height()),
            );
            vec![
                Pane {
                    rect: body(left),
                    side: Some(Side::Before),
                },
                Pane {
                    rect: body(right),
                    side: Some(Side::After),
                },
            ]
        }
        _ => vec![Pane {
            rect: body(area),
            side: None,
        }],
    }
}

/// The site frame's extent: the reference image's outline in site coordinates, once its size is
/// known; else the first compared image that has a size.
fn site_extent(site: &Site, doc: &Document, images: &ImageStore) -> Option<BoundingBox> {
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

/// Wheel zooms at the cursor; middle or right drag (or left drag with Space held) pans. Left
/// drag alone is left for the drawing tools.
fn pane_input(
    ui: &Ui,
    response: &egui::Response,
    pane: Rect,
    state: &mut CompareState,
    space_pan: bool,
) {
    if let Some(pos) = response.hover_pos() {
        let (wheel, pinch) = ui.input(|i| {
            let mut notches = 0.0f64;
            for e in &i.events {
                if let egui::Event::MouseWheel { unit, delta, .. } = e {
                    notches += match unit {
                        egui::MouseWheelUnit::Line => delta.y as f64,
                        egui::MouseWheelUnit::Page => delta.y as f64 * 10.0,
                        egui::MouseWheelUnit::Point => delta.y as f64 / 50.0,
                    };
                }
            }
            (notches, i.zoom_delta() as f64)
        });
        if wheel != 0.0 {
            state.view.zoom_at(pane, pos, 1.25f64.powf(wheel));
        }
        if (pinch - 1.0).abs() > 1e-6 {
            state.view.zoom_at(pane, pos, pinch);
        }
    }
    let pan_drag = response.dragged_by(PointerButton::Middle)
        || response.dragged_by(PointerButton::Secondary)
        || (space_pan && response.dragged_by(PointerButton::Primary));
    if pan_drag {
        state.view.pan_by_screen(response.drag_delta());
        ui.ctx().set_cursor_icon(CursorIcon::Grabbing);
    } else if space_pan && response.hovered() {
        ui.ctx().set_cursor_icon(CursorIcon::Grab);
    }
}

fn swipe_divider_input(ui: &Ui, pane: Rect, state: &mut CompareState) {
    let x = pane.left() + state.swipe * pane.width();
    let handle = Rect::from_min_max(
        Pos2::new(x - 7.0, pane.top()),
        Pos2::new(x + 7.0, pane.bottom()),
    );
    let response = ui
        .interact(handle, ui.scope_id().with("swipe-divider"), Sense::drag())
        .on_hover_cursor(CursorIcon::ResizeHorizontal)
        .on_hover_text("Drag to reveal more of the before or the after image (Shift+Left/Right)");
    if response.dragged()
        && let Some(p) = response.interact_pointer_pos()
    {
        state.swipe = ((p.x - pane.left()) / pane.width()).clamp(0.0, 1.0);
    }
}

fn outline_for(side: Side) -> OutlineChoice {
    match side {
        Side::Before => OutlineChoice::Before,
        Side::After => OutlineChoice::After,
    }
}

/// What every image drawn in one frame shares.
struct Painting<'a> {
    images: &'a mut ImageStore,
    out: &'a mut CompareOutput,
    view: ViewTransform,
    budget: UploadBudget,
    site: &'a Site,
    pair: (Option<ImageId>, Option<ImageId>),
    show_footprints: bool,
}

impl Painting<'_> {
    /// One side as it is (untinted), with its own outlines.
    fn plain(
        &mut self,
        ui: &mut Ui,
        painter: &egui::Painter,
        pane: Rect,
        img: Option<&SideImage<'_>>,
        side: Side,
    ) {
        let outlines = Some(outline_for(side));
        self.side(ui, painter, pane, img, side, Color32::WHITE, outlines);
    }

    /// Draws one side's image into `painter`'s clip rectangle of the pane, or what stands in for
    /// it (a progress bar while loading, a placeholder when it cannot be read), then the
    /// footprints with the chosen outlines.
    #[allow(clippy::too_many_arguments)]
    fn side(
        &mut self,
        ui: &mut Ui,
        painter: &egui::Painter,
        pane: Rect,
        img: Option<&SideImage<'_>>,
        side: Side,
        tint: Color32,
        outlines: Option<OutlineChoice>,
    ) {
        'image: {
            let ctx = painter.ctx();
            let clip = painter.clip_rect();
            let Some(img) = img else {
                centered_text(painter, clip, &format!("No {} image chosen", side.label()));
                break 'image;
            };
            let slot: &mut ImageSlot = self.images.want(&img.path);
            if slot.has_pixels()
                && let Some(size) = slot.load.size()
            {
                let levels: Vec<_> = slot.load.levels().to_vec();
                let exact: Vec<bool> = (0..levels.len())
                    .map(|k| slot.load.level_is_exact(k))
                    .collect();
                let lut = *slot.lut();
                let draw = ImageDraw {
                    levels: &levels,
                    exact: &exact,
                    size,
                    to_site: &img.record.to_site,
                    lut: &lut,
                    tint,
                };
                let outcome = paint_image(
                    painter,
                    pane,
                    &self.view,
                    &draw,
                    &mut slot.textures,
                    &mut self.budget,
                );
                self.out.drawn.push((side, outcome));
                // Finer levels may still be on their way: keep painting while loading.
                if slot.progress().is_some() {
                    ctx.request_repaint_after(Duration::from_millis(50));
                }
                break 'image;
            }
            if let Some(err) = slot.error().map(str::to_string) {
                placeholder_ui(ui, clip, img, &err, self.site, self.out);
                // Footprints over the message would hide it; the other pane still has them.
                return;
            }
            // Still loading and nothing to draw yet: a progress bar, without footprints over it.
            let (stage, fraction) = slot
                .progress()
                .unwrap_or((crate::io::loader::LoadStage::Queued, None));
            let stage = super::panels::stage_label(stage);
            let text = match fraction {
                Some(f) => format!("{}: {stage} {:.0} %", img.record.file_name(), f * 100.0),
                None => format!("{}: {stage}…", img.record.file_name()),
            };
            let bar = Rect::from_center_size(
                clip.center(),
                Vec2::new((clip.width() * 0.6).min(360.0), 18.0),
            );
            painter.rect_stroke(
                bar,
                3.0,
                Stroke::new(1.0, Color32::GRAY),
                StrokeKind::Inside,
            );
            let f = fraction.unwrap_or(((ui.input(|i| i.time) * 0.7) % 1.0) as f32);
            painter.rect_filled(
                Rect::from_min_size(bar.min, Vec2::new(bar.width() * f, bar.height())),
                3.0,
                side_color(side).gamma_multiply(0.7),
            );
            painter.text(
                bar.center_bottom() + Vec2::new(0.0, 8.0),
                Align2::CENTER_TOP,
                text,
                FontId::proportional(14.0),
                Color32::LIGHT_GRAY,
            );
            ctx.request_repaint_after(Duration::from_millis(50));
            return;
        }
        if let Some(choice) = outlines.filter(|_| self.show_footprints) {
            paint_footprints(painter, pane, &self.view, self.site, self.pair, choice);
        }
    }
}
