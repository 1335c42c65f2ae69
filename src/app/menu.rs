//! The menu bar and the empty-window screen.

use super::SiteDiffApp;
use super::actions::{Action, PathPurpose};
use super::state::CompareMode;

impl SiteDiffApp {
    pub(super) fn menu_ui(&mut self, ui: &mut egui::Ui) -> Vec<Action> {
        let mut actions = Vec::new();
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| {
                if ui
                    .add(egui::Button::new("New project from images…").shortcut_text("Ctrl+N"))
                    .clicked()
                {
                    actions.push(Action::ShowNewProjectDialog);
                }
                if ui
                    .add(egui::Button::new("Open…").shortcut_text("Ctrl+O"))
                    .clicked()
                {
                    actions.push(Action::ShowPathDialog(PathPurpose::OpenProject));
                }
                ui.menu_button("Open recent", |ui| {
                    if self.prefs.recent_projects.is_empty() {
                        ui.label("(none yet)");
                    }
                    for p in &self.prefs.recent_projects {
                        if ui.button(p.display().to_string()).clicked() {
                            actions.push(Action::Open(p.clone()));
                        }
                    }
                });
                ui.separator();
                let has_doc = self.doc.is_some();
                if ui
                    .add_enabled(has_doc, egui::Button::new("Save").shortcut_text("Ctrl+S"))
                    .clicked()
                {
                    actions.push(Action::Save);
                }
                if ui
                    .add_enabled(
                        has_doc,
                        egui::Button::new("Save as…").shortcut_text("Ctrl+Shift+S"),
                    )
                    .clicked()
                {
                    actions.push(Action::ShowPathDialog(PathPurpose::SaveProjectAs));
                }
                ui.separator();
                if ui
                    .add(egui::Button::new("Quit").shortcut_text("Ctrl+Q"))
                    .clicked()
                {
                    actions.push(Action::Quit);
                }
            });
            ui.menu_button("Edit", |ui| {
                let (undo, redo) = match &self.doc {
                    Some(d) => (d.history.undo_description(), d.history.redo_description()),
                    None => (None, None),
                };
                let undo_label = undo
                    .as_ref()
                    .map(|d| format!("Undo {d}"))
                    .unwrap_or_else(|| "Undo".into());
                let redo_label = redo
                    .as_ref()
                    .map(|d| format!("Redo {d}"))
                    .unwrap_or_else(|| "Redo".into());
                if ui
                    .add_enabled(
                        undo.is_some(),
                        egui::Button::new(undo_label).shortcut_text("Ctrl+Z"),
                    )
                    .clicked()
                {
                    actions.push(Action::Undo);
                }
                if ui
                    .add_enabled(
                        redo.is_some(),
                        egui::Button::new(redo_label).shortcut_text("Ctrl+Shift+Z"),
                    )
                    .clicked()
                {
                    actions.push(Action::Redo);
                }
            });
            ui.menu_button("View", |ui| {
                for mode in CompareMode::ALL {
                    if ui
                        .add(
                            egui::Button::selectable(self.compare.mode == mode, mode.label())
                                .shortcut_text(mode.key_label()),
                        )
                        .clicked()
                    {
                        actions.push(Action::SetMode(mode));
                    }
                }
                ui.separator();
                if ui
                    .add(egui::Button::new("Fit to image").shortcut_text("F"))
                    .clicked()
                {
                    actions.push(Action::ZoomFit);
                }
                if ui
                    .add(egui::Button::new("100 %").shortcut_text("0"))
                    .clicked()
                {
                    actions.push(Action::ZoomActual);
                }
                if ui
                    .add(egui::Button::new("Swap before and after").shortcut_text("X"))
                    .clicked()
                {
                    actions.push(Action::SwapPair);
                }
                ui.checkbox(&mut self.compare.show_footprints, "Footprints (L)");
                ui.checkbox(&mut self.compare.linked_cursor, "Linked cursor");
            });
            ui.menu_button("Help", |ui| {
                if ui
                    .add(egui::Button::new("Keyboard shortcuts").shortcut_text("F1"))
                    .clicked()
                {
                    actions.push(Action::ShowHelp);
                }
            });
        });
        actions
    }

    pub(super) fn no_project_ui(&mut self, ui: &mut egui::Ui) -> Vec<Action> {
        let mut actions = Vec::new();
        ui.vertical_centered(|ui| {
            ui.add_space(ui.available_height() / 3.0);
            ui.heading("No project is open");
            if let Some(e) = &self.startup_error {
                ui.colored_label(egui::Color32::from_rgb(255, 130, 110), e);
            }
            ui.add_space(8.0);
            if ui.button("Open project…").clicked() {
                actions.push(Action::ShowPathDialog(PathPurpose::OpenProject));
            }
            if ui.button("New project from images…").clicked() {
                actions.push(Action::ShowNewProjectDialog);
            }
        });
        actions
    }
}
