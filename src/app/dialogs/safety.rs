//! The questions about the project file: another window holds it, unsaved work was found, the
//! file changed on disk before a save.

use crate::app::actions::{Action, PathPurpose};
use crate::app::safety::{RecoveryChoice, SafetyDialog};

/// Shows the question; returns the action chosen and whether the dialog closes.
pub fn safety_dialog_ui(ctx: &egui::Context, dialog: &SafetyDialog) -> (Option<Action>, bool) {
    let mut action = None;
    let mut close = false;
    let modal = egui::Modal::new(egui::Id::unique("safety-dialog")).show(ctx, |ui| {
        ui.set_max_width(560.0);
        match dialog {
            SafetyDialog::Locked { path, owner } => {
                ui.heading("Open in another window");
                ui.label(format!(
                    "{} is open in another window: {}.",
                    path.display(),
                    owner.describe()
                ));
                ui.label(
                    "Two windows saving one project would overwrite each other's work. Open it \
                     read-only to look at it, or take it over if that window is gone (a crash \
                     on another machine).",
                );
                ui.add_space(8.0);
                ui.horizontal(|ui| {
                    if ui
                        .button("Open read-only")
                        .on_hover_text("Look without editing; Save As makes a copy you can edit")
                        .clicked()
                    {
                        action = Some(Action::OpenReadOnly(path.clone()));
                        close = true;
                    }
                    if ui
                        .button("Take over")
                        .on_hover_text(
                            "Only if the other window is gone: its next save would overwrite yours",
                        )
                        .clicked()
                    {
                        action = Some(Action::OpenTakingOver(path.clone()));
                        close = true;
                    }
                    if ui.button("Cancel").clicked() {
                        close = true;
                    }
                });
            }
            SafetyDialog::Recover {
                path,
                summary,
                written,
            } => {
                ui.heading("Unsaved work found");
                ui.label(format!(
                    "{} was not saved when sitediff last closed. Work kept at {written} is \
                     there to recover: {summary}.",
                    path.display()
                ));
                ui.add_space(8.0);
                ui.horizontal(|ui| {
                    let choices = [
                        (
                            RecoveryChoice::Recover,
                            "Recover",
                            "Bring the work back as unsaved changes",
                        ),
                        (
                            RecoveryChoice::KeepBoth,
                            "Keep both",
                            "Save the recovered work as a copy beside the project and open it; \
                             the project stays as saved",
                        ),
                        (
                            RecoveryChoice::Discard,
                            "Discard",
                            "Delete the unsaved work; the project stays as saved",
                        ),
                    ];
                    for (choice, label, tip) in choices {
                        if ui.button(label).on_hover_text(tip).clicked() {
                            action = Some(Action::Recovery(choice));
                            close = true;
                        }
                    }
                });
                ui.label(egui::RichText::new("Enter recovers.").weak());
                if ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                    action = Some(Action::Recovery(RecoveryChoice::Recover));
                    close = true;
                }
            }
            SafetyDialog::ChangedOnSave { path } => {
                ui.heading("Changed on disk");
                ui.label(format!(
                    "{} changed on disk since you opened or last saved it (another window, a \
                     git pull, a colleague?). Saving now would overwrite that version.",
                    path.display()
                ));
                ui.add_space(8.0);
                ui.horizontal(|ui| {
                    if ui
                        .button("Reload")
                        .on_hover_text("Open the version on disk; your unsaved changes are lost")
                        .clicked()
                    {
                        action = Some(Action::ReloadFromDisk);
                        close = true;
                    }
                    if ui
                        .button("Save anyway")
                        .on_hover_text("Overwrite it; the version on disk is kept as .bak")
                        .clicked()
                    {
                        action = Some(Action::SaveAnyway);
                        close = true;
                    }
                    if ui
                        .button("Save as…")
                        .on_hover_text("Keep your version under another name")
                        .clicked()
                    {
                        action = Some(Action::ShowPathDialog(PathPurpose::SaveProjectAs));
                        close = true;
                    }
                    if ui.button("Cancel").clicked() {
                        close = true;
                    }
                });
            }
        }
    });
    // Esc or a click outside: the safe answer (nothing happens). Not for found work: until
    // the user chooses, autosaving would overwrite it.
    let must_choose = matches!(dialog, SafetyDialog::Recover { .. });
    if modal.should_close() && action.is_none() && !must_choose {
        close = true;
    }
    (action, close)
}
