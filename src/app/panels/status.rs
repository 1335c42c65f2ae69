//! The status bar: pointer position, zoom, which image is under the pointer, the tool's state,
//! loading progress and notices.

use crate::app::canvas::{Hover, HoverShows};
use crate::app::imagery::ImageStore;
use crate::app::state::{CompareState, Pair, Side};
use crate::app::theme::stage_label;
use crate::editing::Document;
use egui::Ui;

/// What the status bar shows.
pub struct StatusInput<'a> {
    pub hover: Option<&'a Hover>,
    pub state: &'a CompareState,
    pub pair: &'a Pair,
    pub doc: Option<&'a Document>,
    pub images: &'a ImageStore,
    /// A recent notice (a refusal, "Saved").
    pub message: Option<&'a str>,
    /// Where the active tool is ("Polygon: 3 corners…").
    pub tool_status: String,
    /// The review report being written: its progress.
    pub report: Option<f32>,
    /// Footprints a git merge left in two versions, in the whole project.
    pub conflicts: usize,
    /// The site on the ground: map coordinates beside site pixels when georeferenced.
    pub ground: &'a crate::app::ground::GroundCache,
}

/// Cursor position, zoom, which image is under the cursor, the tool, loading progress and
/// notices.
pub fn status_bar_ui(ui: &mut Ui, input: StatusInput<'_>) {
    let StatusInput {
        hover,
        state,
        pair,
        doc,
        images,
        message,
        tool_status,
        report,
        conflicts,
        ground,
    } = input;
    ui.horizontal(|ui| {
        match hover {
            Some(h) => {
                ui.monospace(format!(
                    "x {:>9.1}  y {:>9.1} px",
                    h.site_point.x, h.site_point.y
                ));
                if let Some(map) = ground.map_text(h.site_point) {
                    ui.separator();
                    ui.monospace(map);
                }
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
            let site = pair.site.and_then(|id| doc.project().site(id));
            let describe = |side: Side| {
                pair.image(side)
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
            ui.separator();
        }
        ui.label(egui::RichText::new(tool_status).strong());
        if conflicts > 0 {
            ui.separator();
            ui.label(
                egui::RichText::new(format!("{conflicts} merge conflict(s) to resolve"))
                    .color(crate::app::theme::CONFLICT_COLOR),
            )
            .on_hover_text("Listed in the Merge conflicts panel on the right, each site's own");
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if let Some(f) = report {
                ui.add(
                    egui::ProgressBar::new(f)
                        .desired_width(200.0)
                        .text(format!("Report {:.0} %", f * 100.0)),
                );
            }
            for (name, stage, fraction) in images.loading() {
                let bar = egui::ProgressBar::new(fraction.unwrap_or(0.0))
                    .desired_width(260.0)
                    // Not animated: an animation repaints every frame, without limit.
                    .animate(false)
                    .text(format!("{name}: {}", stage_label(stage)));
                ui.add(bar);
            }
            if let Some(m) = message {
                // Shortened to the room left, never over the text on the left.
                ui.add(
                    egui::Label::new(
                        egui::RichText::new(m).color(crate::app::theme::WARNING_COLOR),
                    )
                    .truncate(),
                )
                .on_hover_text(m);
            }
        });
    });
}
