//! The side panel (sites, timeline, display adjustments), the toolbar and the status bar. Each
//! reads state and returns the actions the user asked for.

use super::actions::Action;
use super::adjust::Adjustments;
use super::compare::{AFTER_COLOR, BEFORE_COLOR, Hover, HoverShows};
use super::document::Document;
use super::images::ImageStore;
use super::state::{CompareMode, CompareState, Selection, Side};
use crate::model::{DatedImage, ImageId, SiteCounts};
use egui::{Color32, RichText, Ui, Vec2};
use std::collections::HashMap;

/// Sites, then the current site's timeline: date, name and thumbnail per image, with buttons
/// that make it the before or the after image.
pub fn sites_panel_ui(
    ui: &mut Ui,
    doc: &Document,
    selection: &Selection,
    images: &ImageStore,
) -> Vec<Action> {
    let mut actions = Vec::new();
    let project = &doc.project;
    ui.heading("Sites");
    for site in &project.sites {
        let selected = selection.site == Some(site.id);
        let counts = SiteCounts::of(site);
        let label = format!(
            "{}  ({} images, {} footprints)",
            site.name,
            site.images.len(),
            counts.footprints
        );
        if ui
            .selectable_label(selected, label)
            .on_hover_text(if site.note.is_empty() {
                "Show this site".to_string()
            } else {
                site.note.clone()
            })
            .clicked()
            && !selected
        {
            actions.push(Action::SelectSite(site.id));
        }
    }
    let Some(site) = selection.site.and_then(|id| project.site(id)) else {
        return actions;
    };
    ui.separator();
    ui.heading("Timeline");
    ui.label(
        RichText::new("B / A: compare as before / after.  [ ] step after,  { } step before")
            .small()
            .weak(),
    );
    egui::ScrollArea::vertical()
        .id_salt("timeline")
        .auto_shrink([false, true])
        .max_height(ui.available_height() - 190.0)
        .show(ui, |ui| {
            for img in site.images_by_date() {
                timeline_entry_ui(ui, site.id, doc, img, selection, images, &mut actions);
            }
        });
    actions
}

fn timeline_entry_ui(
    ui: &mut Ui,
    site_id: crate::model::SiteId,
    doc: &Document,
    img: &DatedImage,
    selection: &Selection,
    images: &ImageStore,
    actions: &mut Vec<Action>,
) {
    let is_before = selection.before == Some(img.id);
    let is_after = selection.after == Some(img.id);
    let frame_color = match (is_before, is_after) {
        (true, _) => BEFORE_COLOR,
        (_, true) => AFTER_COLOR,
        _ => Color32::from_gray(60),
    };
    egui::Frame::group(ui.style())
        .stroke(egui::Stroke::new(
            if is_before || is_after { 2.0 } else { 1.0 },
            frame_color,
        ))
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal(|ui| {
                let thumb_size = Vec2::new(64.0, 64.0);
                let path = doc.image_file(&img.path);
                match images.thumbnail(&path) {
                    Some(t) => {
                        let size = t.size_vec2();
                        let scale = (thumb_size.x / size.x).min(thumb_size.y / size.y);
                        ui.image((t.id(), size * scale));
                    }
                    None => {
                        let (rect, _) = ui.allocate_exact_size(thumb_size, egui::Sense::hover());
                        ui.painter().rect_filled(rect, 2.0, Color32::from_gray(45));
                        let failed = images.get(&path).and_then(|s| s.error()).is_some();
                        ui.painter().text(
                            rect.center(),
                            egui::Align2::CENTER_CENTER,
                            if failed { "missing" } else { "…" },
                            egui::FontId::proportional(11.0),
                            Color32::GRAY,
                        );
                    }
                }
                ui.vertical(|ui| {
                    let date = match img.date {
                        crate::model::CaptureDate::Unknown => {
                            RichText::new("date unknown").color(Color32::from_rgb(255, 170, 90))
                        }
                        d => RichText::new(d.to_string()),
                    };
                    let date = ui
                        .add(egui::Label::new(date.strong().size(16.0)).sense(egui::Sense::click()))
                        .on_hover_text("Click to set the capture date");
                    if date.clicked() {
                        actions.push(Action::ShowDateDialog {
                            site: site_id,
                            image: img.id,
                        });
                    }
                    ui.label(RichText::new(img.file_name()).small())
                        .on_hover_text(format!("{}\n{}", img.path, img.source));
                    ui.horizontal(|ui| {
                        let b = ui
                            .selectable_label(
                                is_before,
                                RichText::new("B").color(BEFORE_COLOR).strong(),
                            )
                            .on_hover_text("Compare this image as the before image");
                        if b.clicked() && !is_before {
                            actions.push(Action::SetImage(Side::Before, img.id));
                        }
                        let a = ui
                            .selectable_label(
                                is_after,
                                RichText::new("A").color(AFTER_COLOR).strong(),
                            )
                            .on_hover_text("Compare this image as the after image");
                        if a.clicked() && !is_after {
                            actions.push(Action::SetImage(Side::After, img.id));
                        }
                    });
                });
            });
        });
}

/// Brightness, contrast, gamma and automatic stretch for the two compared images.
pub fn adjustments_ui(
    ui: &mut Ui,
    doc: &Document,
    selection: &Selection,
    adjustments: &mut HashMap<ImageId, Adjustments>,
) {
    let Some(site) = selection.site.and_then(|id| doc.project.site(id)) else {
        return;
    };
    egui::CollapsingHeader::new("Display adjustments")
        .default_open(false)
        .show(ui, |ui| {
            for side in [Side::Before, Side::After] {
                let Some(img) = selection.image(side).and_then(|id| site.image(id)) else {
                    continue;
                };
                let color = if side == Side::Before { BEFORE_COLOR } else { AFTER_COLOR };
                ui.label(RichText::new(format!("{} · {}", side.label(), img.date)).color(color));
                let a = adjustments.entry(img.id).or_default();
                ui.add(egui::Slider::new(&mut a.brightness, -1.0..=1.0).text("brightness"));
                ui.add(egui::Slider::new(&mut a.contrast, 0.1..=4.0).logarithmic(true).text("contrast"));
                ui.add(egui::Slider::new(&mut a.gamma, 0.2..=5.0).logarithmic(true).text("gamma"));
                ui.horizontal(|ui| {
                    ui.checkbox(&mut a.auto_stretch, "auto stretch 2–98 %")
                        .on_hover_text("Stretch the 2 %–98 % luminance range to full contrast: for dull or 16-bit images");
                    if ui.add_enabled(!a.is_default(), egui::Button::new("Reset")).clicked() {
                        *a = Adjustments::default();
                    }
                });
                ui.add_space(4.0);
            }
        });
}

/// Mode buttons, zoom buttons and the controls of the current mode.
pub fn toolbar_ui(ui: &mut Ui, state: &mut CompareState) -> Vec<Action> {
    let mut actions = Vec::new();
    ui.horizontal(|ui| {
        for mode in CompareMode::ALL {
            let r = ui
                .selectable_label(state.mode == mode, mode.label())
                .on_hover_text(format!("{} ({})", mode.label(), mode.key_label()));
            if r.clicked() {
                actions.push(Action::SetMode(mode));
            }
        }
        ui.separator();
        if ui
            .button("Fit")
            .on_hover_text("Fit the image to the view (F)")
            .clicked()
        {
            actions.push(Action::ZoomFit);
        }
        if ui
            .button("100 %")
            .on_hover_text("One image pixel per screen pixel (0)")
            .clicked()
        {
            actions.push(Action::ZoomActual);
        }
        if ui.button("−").on_hover_text("Zoom out (-)").clicked() {
            actions.push(Action::ZoomBy(1.0 / 1.25));
        }
        if ui.button("+").on_hover_text("Zoom in (+)").clicked() {
            actions.push(Action::ZoomBy(1.25));
        }
        ui.separator();
        ui.checkbox(&mut state.show_footprints, "Footprints")
            .on_hover_text("Show footprints over the images (L)");
        ui.checkbox(&mut state.linked_cursor, "Linked cursor")
            .on_hover_text("Mark the point under the pointer in the other pane");
        match state.mode {
            CompareMode::Swipe => {
                ui.separator();
                ui.add(
                    egui::Slider::new(&mut state.swipe, 0.0..=1.0)
                        .show_value(false)
                        .text("divider"),
                )
                .on_hover_text("Where the divider is (Shift+Left/Right)");
            }
            CompareMode::Blink => {
                ui.separator();
                if ui
                    .button("Flip")
                    .on_hover_text("Show the other date now (B)")
                    .clicked()
                {
                    actions.push(Action::FlipBlink);
                }
                let label = if state.blink.running { "Pause" } else { "Play" };
                if ui
                    .button(label)
                    .on_hover_text("Flip automatically (P)")
                    .clicked()
                {
                    actions.push(Action::ToggleBlinkTimer);
                }
                ui.add(
                    egui::Slider::new(&mut state.blink.interval, 0.2..=3.0)
                        .suffix(" s")
                        .text("interval"),
                );
            }
            CompareMode::Overlay => {
                ui.separator();
                ui.add(
                    egui::Slider::new(&mut state.overlay_opacity, 0.0..=1.0).text("after opacity"),
                )
                .on_hover_text(
                    "Opacity of the after image over the before image (Shift+Left/Right)",
                );
            }
            CompareMode::SideBySide => {}
        }
    });
    actions
}

/// Cursor position, zoom, which image is under the cursor, and loading progress.
pub fn status_bar_ui(
    ui: &mut Ui,
    hover: Option<&Hover>,
    state: &CompareState,
    selection: &Selection,
    doc: Option<&Document>,
    images: &ImageStore,
    message: Option<&str>,
) {
    ui.horizontal(|ui| {
        match hover {
            Some(h) => {
                ui.monospace(format!(
                    "x {:>9.1}  y {:>9.1} px",
                    h.site_point.x, h.site_point.y
                ));
            }
            None => {
                ui.monospace(format!("{:<28}", "x –  y –"));
            }
        }
        ui.separator();
        let ppp = ui.ctx().pixels_per_point();
        ui.monospace(format!("zoom {:>7.1} %", state.view.percent(ppp)));
        ui.separator();
        if let (Some(h), Some(doc)) = (hover, doc) {
            let site = selection.site.and_then(|id| doc.project.site(id));
            let describe = |side: Side| {
                selection
                    .image(side)
                    .and_then(|id| site.and_then(|s| s.image(id)))
                    .map(|i| format!("{} {} ({})", side.label(), i.date, i.file_name()))
                    .unwrap_or_else(|| format!("{} –", side.label()))
            };
            let text = match h.showing {
                HoverShows::One(side) => describe(side),
                HoverShows::Blend => format!(
                    "{} over {} at {:.0} %",
                    describe(Side::After),
                    describe(Side::Before),
                    state.overlay_opacity * 100.0
                ),
            };
            ui.label(text);
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            for (name, stage, fraction) in images.loading() {
                let bar = egui::ProgressBar::new(fraction.unwrap_or(0.0))
                    .desired_width(260.0)
                    .animate(fraction.is_none())
                    .text(format!("{name}: {}", stage_label(stage)));
                ui.add(bar);
            }
            if let Some(m) = message {
                ui.label(m);
            }
        });
    });
}

/// Words for a loading stage in the status bar.
pub fn stage_label(stage: crate::io::loader::LoadStage) -> &'static str {
    use crate::io::loader::LoadStage;
    match stage {
        LoadStage::Queued => "waiting",
        LoadStage::Reading => "reading",
        LoadStage::Decoding => "decoding",
        LoadStage::BuildingLevels => "building levels",
    }
}
