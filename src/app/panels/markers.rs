//! The site's missed-change markers: what reviewers say the analyst missed, each with what to
//! do about it (show it, draw the footprint, dismiss it with a reason).

use crate::app::actions::Action;
use crate::app::canvas::markers::MARKER_COLOR;
use crate::model::Site;
use egui::{RichText, Ui};

pub fn markers_ui(ui: &mut Ui, site: &Site) -> Vec<Action> {
    let mut actions = Vec::new();
    let open = site.markers.iter().filter(|m| m.is_open()).count();
    let title = format!("Missed changes ({open} open of {})", site.markers.len());
    egui::CollapsingHeader::new(RichText::new(title).strong())
        .id_salt("missed-changes")
        .default_open(true)
        .show(ui, |ui| {
            if site.markers.is_empty() {
                ui.label(
                    RichText::new("None. Reviewers mark missed buildings with I.")
                        .weak()
                        .small(),
                );
            }
            egui::ScrollArea::vertical()
                .id_salt("markers-list")
                .max_height(140.0)
                .auto_shrink([false, true])
                .show(ui, |ui| {
                    for m in &site.markers {
                        ui.horizontal_wrapped(|ui| {
                            let color = if m.is_open() {
                                MARKER_COLOR
                            } else {
                                ui.visuals().weak_text_color()
                            };
                            ui.label(RichText::new(m.id.to_string()).strong().color(color));
                            let mut text = m.state_text();
                            if !m.note.is_empty() {
                                text = format!("{text} · {}", m.note);
                            }
                            ui.label(text).on_hover_text(format!("by {} at {}", m.by, m.at));
                            if ui.small_button("Show").clicked() {
                                actions.push(Action::FocusMarker(m.id));
                            }
                            if m.is_open() {
                                if ui
                                    .small_button("Draw it")
                                    .on_hover_text(
                                        "The building tool; the next footprint drawn settles this marker",
                                    )
                                    .clicked()
                                {
                                    actions.push(Action::DrawForMarker(m.id));
                                }
                                if ui
                                    .small_button("Dismiss…")
                                    .on_hover_text("Nothing to draw here: say why")
                                    .clicked()
                                {
                                    actions.push(Action::ShowDismissMarker(m.id));
                                }
                            }
                            if ui
                                .small_button("Delete")
                                .on_hover_text("Remove the marker (dropped by mistake)")
                                .clicked()
                            {
                                actions.push(Action::DeleteMarker(m.id));
                            }
                        });
                    }
                });
        });
    actions
}
