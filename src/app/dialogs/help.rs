//! The keyboard shortcut sheet (F1 or ?), read from the command table, so every binding it
//! lists is one the window honours and every binding the window honours is listed.

use crate::app::commands::{Group, POINTER, TABLE, TOOL_KEYS};
use crate::editing::tools::ToolKind;
use egui::Ui;

pub fn shortcuts_ui(ui: &mut Ui) {
    egui::ScrollArea::vertical()
        .max_height(ui.ctx().content_rect().height() * 0.8)
        .show(ui, |ui| {
            ui.horizontal_top(|ui| {
                ui.vertical(|ui| {
                    for group in &Group::ALL[..4] {
                        group_ui(ui, *group);
                    }
                });
                ui.add_space(16.0);
                ui.vertical(|ui| {
                    for group in &Group::ALL[4..] {
                        group_ui(ui, *group);
                    }
                    ui.strong("While a tool is active (keys go to the tool first)");
                    egui::Grid::new("tool-keys")
                        .num_columns(2)
                        .striped(true)
                        .show(ui, |ui| {
                            for (tool, chord, what) in TOOL_KEYS {
                                ui.monospace(format!("{} · {}", tool_name(*tool), chord.text()));
                                ui.label(*what);
                                ui.end_row();
                            }
                        });
                    ui.add_space(6.0);
                    ui.strong("Pointer");
                    egui::Grid::new("pointer-keys")
                        .num_columns(2)
                        .striped(true)
                        .show(ui, |ui| {
                            for (what, does) in POINTER {
                                ui.monospace(*what);
                                ui.label(*does);
                                ui.end_row();
                            }
                        });
                    ui.add_space(6.0);
                    ui.label(egui::RichText::new("Esc closes this sheet.").weak());
                });
            });
        });
}

fn tool_name(tool: ToolKind) -> &'static str {
    tool.label()
}

fn group_ui(ui: &mut Ui, group: Group) {
    let specs: Vec<_> = TABLE
        .iter()
        .filter(|s| s.group == group && !s.keys.is_empty())
        .collect();
    if specs.is_empty() {
        return;
    }
    ui.strong(group.label());
    egui::Grid::new(group.label())
        .num_columns(2)
        .striped(true)
        .show(ui, |ui| {
            for s in specs {
                ui.monospace(s.command.keys_text());
                ui.label(s.label).on_hover_text(s.help);
                ui.end_row();
            }
        });
    ui.add_space(6.0);
}
