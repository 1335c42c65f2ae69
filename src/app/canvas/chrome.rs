//! What surrounds and marks the images in a pane: the date headers, the swipe divider, the
//! blink badge, the linked-cursor crosshair and the placeholder of an image that cannot be shown.

use crate::app::actions::{Action, PathPurpose};
use crate::app::state::Side;
use crate::app::theme::WARNING_COLOR;
pub use crate::app::theme::{AFTER_COLOR, BEFORE_COLOR, side_color};
use crate::model::{DatedImage, SiteId};
use egui::{Align2, Color32, FontId, Pos2, Rect, Stroke, StrokeKind, Ui, Vec2};
use std::path::Path;

/// A missing or unreadable image: its path, the reason, and ways to fix it.
pub(super) fn placeholder_ui(
    ui: &mut Ui,
    area: Rect,
    path: &Path,
    record: &DatedImage,
    err: &str,
    site: SiteId,
) -> Vec<Action> {
    let mut actions = Vec::new();
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
            ui.label(egui::RichText::new(path.display().to_string()).monospace());
            // The message starts with the path shown just above; do not say it twice.
            let prefix = format!("{}: ", path.display());
            ui.label(err.strip_prefix(&prefix).unwrap_or(err));
            ui.add_space(6.0);
            {
                if ui
                    .button("Locate…")
                    .on_hover_text(
                        "Choose where this image is now; the project is updated (undoable)",
                    )
                    .clicked()
                {
                    actions.push(Action::ShowPathDialog(PathPurpose::LocateImage {
                        site,
                        image: record.id,
                    }));
                }
                if ui
                    .button("Retry")
                    .on_hover_text("Try reading the file again")
                    .clicked()
                {
                    actions.push(Action::Retry(path.to_path_buf()));
                }
            }
        });
    });
    actions
}

/// A pane's header: which side, the capture date large, the file name and the days between the
/// two dates. Real labels (not painted text), so screen readers and UI tests can read them. A
/// long file name is cut short (whole on hover) so the day count always shows; a before image
/// dated after the after image is called out.
pub(super) fn header_ui(
    ui: &mut Ui,
    rect: Rect,
    side: Side,
    img: Option<&DatedImage>,
    days: Option<i64>,
    emphasis: bool,
    size: Option<(u32, u32)>,
) {
    let color = side_color(side);
    let bg = if emphasis {
        Color32::from_gray(40)
    } else {
        Color32::from_gray(30)
    };
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 0.0, bg);
    let rule = 3.0;
    painter.rect_filled(
        Rect::from_min_size(
            rect.left_bottom() - Vec2::new(0.0, rule),
            Vec2::new(rect.width(), rule),
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
    // Text stays above the coloured rule.
    let inner = Rect::from_min_max(
        rect.min + Vec2::new(10.0, 2.0),
        rect.max - Vec2::new(10.0, 2.0 + rule),
    );
    ui.scope_builder(
        egui::UiBuilder::new()
            .max_rect(inner)
            .id_salt(("header", tag)),
        |ui| {
            ui.set_clip_rect(inner);
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
                let (gap, wrong_way) = match (days, side) {
                    (Some(d), Side::Before) if d < 0 => (
                        format!("! {} days AFTER the after image (X swaps)", -d),
                        true,
                    ),
                    (Some(d), Side::After) if d < 0 => (
                        format!("! {} days BEFORE the before image (X swaps)", -d),
                        true,
                    ),
                    (Some(d), Side::Before) => (format!("{d} days before the after image"), false),
                    (Some(d), Side::After) => (format!("{d} days after the before image"), false),
                    (None, _) => ("days between: unknown".to_string(), false),
                };
                ui.vertical(|ui| {
                    ui.spacing_mut().item_spacing.y = 0.0;
                    ui.add(
                        egui::Label::new(
                            egui::RichText::new(img.file_name())
                                .color(text_color)
                                .size(13.0),
                        )
                        .truncate(),
                    )
                    .on_hover_ui(|ui| {
                        ui.label(&img.path);
                        // Only on hover: it builds a projection.
                        if let Some(ground) = crate::app::ground::image_ground_text(img, size) {
                            ui.label(ground);
                        }
                    });
                    let gap_color = if wrong_way {
                        WARNING_COLOR
                    } else {
                        Color32::GRAY
                    };
                    ui.add(
                        egui::Label::new(egui::RichText::new(gap).color(gap_color).size(12.0))
                            .truncate(),
                    );
                });
            });
        },
    );
}

pub(super) fn paint_swipe_divider(painter: &egui::Painter, pane: Rect, x: f32) {
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

pub(super) fn paint_blink_badge(
    painter: &egui::Painter,
    pane: Rect,
    side: Side,
    img: Option<&DatedImage>,
) {
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

pub(super) fn paint_crosshair(painter: &egui::Painter, p: Pos2) {
    let s = 12.0;
    for stroke in [
        Stroke::new(3.0, Color32::from_black_alpha(160)),
        Stroke::new(1.0, Color32::from_rgb(255, 255, 0)),
    ] {
        painter.line_segment([p - Vec2::new(s, 0.0), p + Vec2::new(s, 0.0)], stroke);
        painter.line_segment([p - Vec2::new(0.0, s), p + Vec2::new(0.0, s)], stroke);
    }
}

pub(super) fn centered_text(painter: &egui::Painter, rect: Rect, text: &str) {
    painter.text(
        rect.center(),
        Align2::CENTER_CENTER,
        text,
        FontId::proportional(16.0),
        Color32::LIGHT_GRAY,
    );
}
