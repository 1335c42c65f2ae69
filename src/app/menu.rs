//! The menu bar, built from the command table, and the empty-window screen.

use super::SiteDiffApp;
use super::actions::{Action, PathPurpose};
use super::commands::{Command, Group, TABLE};

/// One menu entry for a command: its label (with the undo step's name for undo/redo), its
/// key, enabled or not with the reason on hover.
fn command_button(
    ui: &mut egui::Ui,
    cmd: Command,
    label: Option<String>,
    status: &dyn Fn(Command) -> Result<(), String>,
    actions: &mut Vec<Action>,
) {
    let state = status(cmd);
    let text = label.unwrap_or_else(|| cmd.spec().label.to_string());
    let r = ui.add_enabled(
        state.is_ok(),
        egui::Button::new(text).shortcut_text(cmd.shortcut_text()),
    );
    let r = match &state {
        Err(why) => r.on_disabled_hover_text(why),
        Ok(()) => r.on_hover_text(cmd.spec().help),
    };
    if r.clicked() {
        actions.push(cmd.action());
        ui.close();
    }
}

/// Every command of a group, in table order, except those listed in `skip`.
fn group_buttons(
    ui: &mut egui::Ui,
    group: Group,
    skip: &[Command],
    status: &dyn Fn(Command) -> Result<(), String>,
    actions: &mut Vec<Action>,
) {
    for spec in TABLE.iter().filter(|s| s.group == group) {
        if !skip.contains(&spec.command) {
            command_button(ui, spec.command, None, status, actions);
        }
    }
}

impl SiteDiffApp {
    pub(super) fn menu_ui(
        &mut self,
        ui: &mut egui::Ui,
        status: &dyn Fn(Command) -> Result<(), String>,
    ) -> Vec<Action> {
        let mut actions = Vec::new();
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| {
                command_button(ui, Command::NewProject, None, status, &mut actions);
                command_button(ui, Command::Open, None, status, &mut actions);
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
                command_button(ui, Command::Save, None, status, &mut actions);
                command_button(ui, Command::SaveAs, None, status, &mut actions);
                ui.separator();
                command_button(ui, Command::ExportReport, None, status, &mut actions);
                command_button(ui, Command::ExportGeoJson, None, status, &mut actions);
                command_button(ui, Command::ExportCsv, None, status, &mut actions);
                command_button(ui, Command::ImportReferences, None, status, &mut actions);
                ui.separator();
                command_button(ui, Command::Quit, None, status, &mut actions);
            });
            ui.menu_button("Edit", |ui| {
                let (undo, redo) = match &self.doc {
                    Some(d) => (
                        d.history().undo_description(),
                        d.history().redo_description(),
                    ),
                    None => (None, None),
                };
                command_button(
                    ui,
                    Command::Undo,
                    Some(undo.map_or("Undo".into(), |d| format!("Undo {d}"))),
                    status,
                    &mut actions,
                );
                command_button(
                    ui,
                    Command::Redo,
                    Some(redo.map_or("Redo".into(), |d| format!("Redo {d}"))),
                    status,
                    &mut actions,
                );
                ui.separator();
                group_buttons(
                    ui,
                    Group::Edit,
                    &[Command::Undo, Command::Redo],
                    status,
                    &mut actions,
                );
                ui.separator();
                let who = if self.prefs.analyst.is_empty() {
                    "Your name…".to_string()
                } else {
                    format!("Your name ({})…", self.prefs.analyst)
                };
                if ui
                    .button(who)
                    .on_hover_text("The author written on footprints you draw")
                    .clicked()
                {
                    actions.push(Action::ShowNameDialog);
                    ui.close();
                }
            });
            ui.menu_button("Tools", |ui| {
                group_buttons(ui, Group::Tools, &[], status, &mut actions);
            });
            ui.menu_button("Footprints", |ui| {
                group_buttons(ui, Group::Footprints, &[], status, &mut actions);
            });
            ui.menu_button("Review", |ui| {
                group_buttons(ui, Group::Review, &[], status, &mut actions);
            });
            ui.menu_button("Sites", |ui| {
                group_buttons(ui, Group::Sites, &[], status, &mut actions);
            });
            ui.menu_button("View", |ui| {
                group_buttons(ui, Group::Compare, &[], status, &mut actions);
                ui.separator();
                group_buttons(
                    ui,
                    Group::View,
                    &[Command::ToggleFootprints],
                    status,
                    &mut actions,
                );
                ui.separator();
                ui.checkbox(&mut self.compare.show_footprints, "Footprints (L)");
                ui.checkbox(&mut self.compare.show_legend, "Legend of change kinds");
                ui.checkbox(&mut self.compare.linked_cursor, "Linked cursor");
            });
            ui.menu_button("Help", |ui| {
                group_buttons(ui, Group::Help, &[], status, &mut actions);
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
                // Wrapped and scrolled in a bounded box: a message quoting a long path or value
                // must not push the buttons below off screen.
                ui.scope(|ui| {
                    ui.set_max_width(ui.available_width().min(640.0));
                    egui::ScrollArea::vertical()
                        .max_height(ui.available_height().min(160.0))
                        .show(ui, |ui| {
                            ui.add(
                                egui::Label::new(
                                    egui::RichText::new(e)
                                        .color(egui::Color32::from_rgb(255, 130, 110)),
                                )
                                .wrap(),
                            );
                        });
                });
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
