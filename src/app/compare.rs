//! The compare view: the current pair of dated images in one of four modes, sharing one view
//! transform, with footprints drawn over every pane. Input handling (zoom, pan, linked cursor)
//! is the same in every mode.

use super::actions::{Action, PathPurpose};
use super::adjust::Adjustments;
use super::document::Document;
use super::images::{ImageSlot, ImageStore};
use super::overlay::{OutlineChoice, paint_footprints};
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

pub const BEFORE_COLOR: Color32 = Color32::from_rgb(90, 160, 255);
pub const AFTER_COLOR: Color32 = Color32::from_rgb(255, 150, 60);

/// Height of the date header above each pane.
const HEADER_HEIGHT: f32 = 46.0;

pub fn side_color(side: Side) -> Color32 {
    match side {
        Side::Before => BEFORE_COLOR,
        Side::After => AFTER_COLOR,
    }
}

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
struct SideImage<'a> {
    record: &'a DatedImage,
    path: std::path::PathBuf,
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
    let mut budget = UploadBudget::new(Duration::from_millis(8));
    let ctx = ui.ctx().clone();
    let now = ui.input(|i| i.time);
    let pair = (input.selection.before, input.selection.after);
    for pane in &panes {
        let painter = ui.painter_at(pane.rect);
        match (state.mode, pane.side) {
            (_, Some(side)) => {
                let img = if side == Side::Before {
                    &before
                } else {
                    &after
                };
                draw_side(
                    &ctx,
                    &painter,
                    pane.rect,
                    state,
                    img.as_ref(),
                    images,
                    Color32::WHITE,
                    &mut budget,
                    &mut out,
                    site,
                    side,
                    ui,
                );
                if state.show_footprints {
                    let choice = if side == Side::Before {
                        OutlineChoice::Before
                    } else {
                        OutlineChoice::After
                    };
                    paint_footprints(&painter, pane.rect, &state.view, site, pair, choice);
                }
            }
            (CompareMode::Swipe, None) => {
                let x = pane.rect.left() + state.swipe * pane.rect.width();
                let left = Rect::from_min_max(pane.rect.min, Pos2::new(x, pane.rect.max.y));
                let right = Rect::from_min_max(Pos2::new(x, pane.rect.min.y), pane.rect.max);
                let lp = painter.with_clip_rect(left);
                draw_side(
                    &ctx,
                    &lp,
                    pane.rect,
                    state,
                    before.as_ref(),
                    images,
                    Color32::WHITE,
                    &mut budget,
                    &mut out,
                    site,
                    Side::Before,
                    ui,
                );
                let rp = painter.with_clip_rect(right);
                draw_side(
                    &ctx,
                    &rp,
                    pane.rect,
                    state,
                    after.as_ref(),
                    images,
                    Color32::WHITE,
                    &mut budget,
                    &mut out,
                    site,
                    Side::After,
                    ui,
                );
                if state.show_footprints {
                    paint_footprints(
                        &lp,
                        pane.rect,
                        &state.view,
                        site,
                        pair,
                        OutlineChoice::Before,
                    );
                    paint_footprints(
                        &rp,
                        pane.rect,
                        &state.view,
                        site,
                        pair,
                        OutlineChoice::After,
                    );
                }
                paint_swipe_divider(&painter, pane.rect, x);
            }
            (CompareMode::Blink, None) => {
                if let Some(next) = state.blink.tick(now) {
                    ctx.request_repaint_after(Duration::from_secs_f32(next.max(0.01)));
                }
                let side = state.blink.showing;
                let img = if side == Side::Before {
                    &before
                } else {
                    &after
                };
                draw_side(
                    &ctx,
                    &painter,
                    pane.rect,
                    state,
                    img.as_ref(),
                    images,
                    Color32::WHITE,
                    &mut budget,
                    &mut out,
                    site,
                    side,
                    ui,
                );
                if state.show_footprints {
                    let choice = if side == Side::Before {
                        OutlineChoice::Before
                    } else {
                        OutlineChoice::After
                    };
                    paint_footprints(&painter, pane.rect, &state.view, site, pair, choice);
                }
                paint_blink_badge(&painter, pane.rect, side, img.as_ref().map(|s| s.record));
            }
            (CompareMode::Overlay | CompareMode::SideBySide, None) => {
                draw_side(
                    &ctx,
                    &painter,
                    pane.rect,
                    state,
                    before.as_ref(),
                    images,
                    Color32::WHITE,
                    &mut budget,
                    &mut out,
                    site,
                    Side::Before,
                    ui,
                );
                let alpha = (state.overlay_opacity.clamp(0.0, 1.0) * 255.0).round() as u8;
                draw_side(
                    &ctx,
                    &painter,
                    pane.rect,
                    state,
                    after.as_ref(),
                    images,
                    Color32::from_white_alpha(alpha),
                    &mut budget,
                    &mut out,
                    site,
                    Side::After,
                    ui,
                );
                if state.show_footprints {
                    paint_footprints(
                        &painter,
                        pane.rect,
                        &state.view,
                        site,
                        pair,
                        OutlineChoice::Both,
                    );
                }
            }
        }
    }

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
    if budget.deferred > 0 {
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

#[allow(clippy::too_many_arguments)]
fn draw_side(
    ctx: &egui::Context,
    painter: &egui::Painter,
    pane: Rect,
    state: &CompareState,
    img: Option<&SideImage<'_>>,
    images: &mut ImageStore,
    tint: Color32,
    budget: &mut UploadBudget,
    out: &mut CompareOutput,
    site: &Site,
    side: Side,
    ui: &mut Ui,
) {
    let clip = painter.clip_rect();
    let Some(img) = img else {
        centered_text(painter, clip, &format!("No {} image chosen", side.label()));
        return;
    };
    let slot: &mut ImageSlot = images.want(&img.path);
    if slot.has_pixels()
        && let Some(size) = slot.load.size()
    {
        let levels: Vec<_> = slot.load.levels().to_vec();
        let lut = *slot.lut();
        let draw = ImageDraw {
            levels: &levels,
            size,
            to_site: &img.record.to_site,
            lut: &lut,
            tint,
        };
        let outcome = paint_image(
            ctx,
            painter,
            pane,
            &state.view,
            &draw,
            &mut slot.textures,
            budget,
        );
        out.drawn.push((side, outcome));
        // Finer levels may still be on their way: keep painting while loading.
        if slot.progress().is_some() {
            ctx.request_repaint_after(Duration::from_millis(50));
        }
        return;
    }
    if let Some(err) = slot.error().map(str::to_string) {
        placeholder_ui(ui, clip, img, &err, site, out);
        return;
    }
    // Still loading and nothing to draw yet.
    let (stage, fraction) = slot
        .progress()
        .unwrap_or((crate::io::loader::LoadStage::Queued, None));
    let text = match fraction {
        Some(f) => format!(
            "{}: {} {:.0} %",
            img.record.file_name(),
            super::panels::stage_label(stage),
            f * 100.0
        ),
        None => format!(
            "{}: {}…",
            img.record.file_name(),
            super::panels::stage_label(stage)
        ),
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
}

/// A missing or unreadable image: its path, the reason, and ways to fix it.
fn placeholder_ui(
    ui: &mut Ui,
    area: Rect,
    img: &SideImage<'_>,
    err: &str,
    site: &Site,
    out: &mut CompareOutput,
) {
    let painter = ui.painter_at(area);
    painter.rect_filled(area.shrink(2.0), 4.0, Color32::from_rgb(48, 28, 28));
    let inner = Rect::from_center_size(
        area.center(),
        Vec2::new((area.width() - 40.0).clamp(50.0, 520.0), 170.0),
    );
    ui.scope_builder(egui::UiBuilder::new().max_rect(inner), |ui| {
        ui.vertical_centered(|ui| {
            ui.label(
                egui::RichText::new("Image cannot be shown")
                    .size(18.0)
                    .color(Color32::from_rgb(255, 140, 120)),
            );
            ui.label(egui::RichText::new(img.path.display().to_string()).monospace());
            ui.label(err);
            ui.horizontal(|ui| {
                if ui
                    .button("Locate…")
                    .on_hover_text(
                        "Choose where this image is now; the project is updated (undoable)",
                    )
                    .clicked()
                {
                    out.actions
                        .push(Action::ShowPathDialog(PathPurpose::LocateImage {
                            site: site.id,
                            image: img.record.id,
                        }));
                }
                if ui
                    .button("Retry")
                    .on_hover_text("Try reading the file again")
                    .clicked()
                {
                    out.actions.push(Action::Retry(img.path.clone()));
                }
            });
        });
    });
}

/// A pane's header: which side, the capture date large, the file name and the days between the
/// two dates. Real labels (not painted text), so screen readers and UI tests can read them.
fn header_ui(
    ui: &mut Ui,
    rect: Rect,
    side: Side,
    img: Option<&DatedImage>,
    days: Option<i64>,
    emphasis: bool,
) {
    let color = side_color(side);
    let bg = if emphasis {
        Color32::from_gray(40)
    } else {
        Color32::from_gray(30)
    };
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 0.0, bg);
    painter.rect_filled(
        Rect::from_min_size(
            rect.left_bottom() - Vec2::new(0.0, 3.0),
            Vec2::new(rect.width(), 3.0),
        ),
        0.0,
        color,
    );
    let text_color = if emphasis {
        Color32::WHITE
    } else {
        Color32::GRAY
    };
    let tag = match side {
        Side::Before => "BEFORE",
        Side::After => "AFTER",
    };
    let inner = rect.shrink2(Vec2::new(10.0, 2.0));
    ui.scope_builder(
        egui::UiBuilder::new()
            .max_rect(inner)
            .id_salt(("header", tag)),
        |ui| {
            ui.set_clip_rect(rect);
            ui.horizontal_centered(|ui| {
                ui.label(egui::RichText::new(tag).color(color).size(13.0).strong());
                let Some(img) = img else {
                    ui.label(
                        egui::RichText::new("no image")
                            .color(Color32::GRAY)
                            .size(16.0),
                    );
                    return;
                };
                ui.label(
                    egui::RichText::new(img.date.to_string())
                        .color(text_color)
                        .size(24.0),
                )
                .on_hover_text(format!(
                    "{} image captured {}",
                    side.label(),
                    img.date
                ));
                let gap = match (days, side) {
                    (Some(d), Side::Before) => format!("{d} days before the after image"),
                    (Some(d), Side::After) => format!("{d} days after the before image"),
                    (None, _) => "days between: unknown".to_string(),
                };
                ui.vertical(|ui| {
                    ui.spacing_mut().item_spacing.y = 0.0;
                    ui.label(
                        egui::RichText::new(img.file_name())
                            .color(text_color)
                            .size(13.0),
                    )
                    .on_hover_text(&img.path);
                    ui.label(egui::RichText::new(gap).color(Color32::GRAY).size(12.0));
                });
            });
        },
    );
}

fn paint_swipe_divider(painter: &egui::Painter, pane: Rect, x: f32) {
    painter.line_segment(
        [Pos2::new(x, pane.top()), Pos2::new(x, pane.bottom())],
        Stroke::new(3.0, Color32::from_black_alpha(160)),
    );
    painter.line_segment(
        [Pos2::new(x, pane.top()), Pos2::new(x, pane.bottom())],
        Stroke::new(1.5, Color32::WHITE),
    );
    let knob = Pos2::new(x, pane.center().y);
    painter.circle(
        knob,
        11.0,
        Color32::from_gray(40),
        Stroke::new(1.5, Color32::WHITE),
    );
    for dir in [-1.0f32, 1.0] {
        let tip = knob + Vec2::new(dir * 7.0, 0.0);
        let base = knob + Vec2::new(dir * 2.0, 0.0);
        painter.add(egui::Shape::convex_polygon(
            vec![tip, base + Vec2::new(0.0, -4.0), base + Vec2::new(0.0, 4.0)],
            Color32::WHITE,
            Stroke::NONE,
        ));
    }
    painter.text(
        Pos2::new(x - 8.0, pane.top() + 8.0),
        Align2::RIGHT_TOP,
        "‹ before",
        FontId::proportional(14.0),
        BEFORE_COLOR,
    );
    painter.text(
        Pos2::new(x + 8.0, pane.top() + 8.0),
        Align2::LEFT_TOP,
        "after ›",
        FontId::proportional(14.0),
        AFTER_COLOR,
    );
}

fn paint_blink_badge(painter: &egui::Painter, pane: Rect, side: Side, img: Option<&DatedImage>) {
    let text = match img {
        Some(i) => format!("{}  {}", side.label().to_uppercase(), i.date),
        None => side.label().to_uppercase(),
    };
    let pos = pane.left_top() + Vec2::new(12.0, 12.0);
    let galley = painter.layout_no_wrap(text, FontId::proportional(22.0), Color32::WHITE);
    let bg = Rect::from_min_size(pos, galley.size()).expand(6.0);
    painter.rect_filled(bg, 4.0, Color32::from_black_alpha(170));
    painter.rect_stroke(
        bg,
        4.0,
        Stroke::new(2.0, side_color(side)),
        StrokeKind::Outside,
    );
    painter.galley(pos, galley, Color32::WHITE);
}

fn paint_crosshair(painter: &egui::Painter, p: Pos2) {
    let s = 12.0;
    for stroke in [
        Stroke::new(3.0, Color32::from_black_alpha(160)),
        Stroke::new(1.0, Color32::from_rgb(255, 255, 0)),
    ] {
        painter.line_segment([p - Vec2::new(s, 0.0), p + Vec2::new(s, 0.0)], stroke);
        painter.line_segment([p - Vec2::new(0.0, s), p + Vec2::new(0.0, s)], stroke);
    }
}

fn centered_text(painter: &egui::Painter, rect: Rect, text: &str) {
    painter.text(
        rect.center(),
        Align2::CENTER_CENTER,
        text,
        FontId::proportional(16.0),
        Color32::LIGHT_GRAY,
    );
}
