//! The panels around the canvas. Each reads state and returns the actions the user asked for.

pub mod adjustments;
pub mod conflicts;
pub mod footprint_list;
pub mod inspector;
mod inspector_ground;
pub mod markers;
pub mod registration;
pub mod review_queue;
pub mod sites;
pub mod status;
pub mod toolbar;

use crate::app::actions::Action;
use crate::app::commands::Command;
use crate::model::{ChangeKind, ReviewState};

/// A button for a command, labelled with its key, disabled with the reason on hover when it
/// cannot run now; pushes the command's action when clicked.
pub fn command_button(
    ui: &mut egui::Ui,
    cmd: Command,
    status: Result<(), String>,
    actions: &mut Vec<Action>,
) {
    let text = match cmd.shortcut_text() {
        keys if keys.is_empty() => cmd.spec().label.to_string(),
        keys => format!("{} ({keys})", cmd.spec().label),
    };
    let r = ui.add_enabled(status.is_ok(), egui::Button::new(text));
    let r = match &status {
        Err(why) => r.on_disabled_hover_text(why),
        Ok(()) => r.on_hover_text(cmd.spec().help),
    };
    if r.clicked() {
        actions.push(cmd.action());
    }
}

/// A labelled filter: one value of `choices` or none (`any`).
pub fn filter_combo<T: Clone + PartialEq>(
    ui: &mut egui::Ui,
    label: &str,
    id: &str,
    width: f32,
    any: &str,
    value: &mut Option<T>,
    choices: &[(T, String)],
) {
    let label = ui.label(label);
    let shown = value
        .as_ref()
        .and_then(|v| choices.iter().find(|(c, _)| c == v))
        .map_or(any.to_string(), |(_, text)| text.clone());
    egui::ComboBox::from_id_salt(id)
        .selected_text(shown)
        .width(width)
        .show_ui(ui, |ui| {
            ui.selectable_value(value, None, any);
            for (c, text) in choices {
                ui.selectable_value(value, Some(c.clone()), text.as_str());
            }
        })
        .response
        .labelled_by(label.id);
}

/// The change kinds as filter choices.
pub fn kind_choices() -> Vec<(ChangeKind, String)> {
    ChangeKind::ALL
        .iter()
        .map(|k| (*k, k.label().to_string()))
        .collect()
}

/// The review states as filter choices.
pub fn state_choices() -> Vec<(ReviewState, String)> {
    ReviewState::ALL
        .iter()
        .map(|s| (*s, s.label().to_string()))
        .collect()
}

/// Tags as filter choices.
pub fn tag_choices<'a>(tags: impl IntoIterator<Item = &'a String>) -> Vec<(String, String)> {
    tags.into_iter().map(|t| (t.clone(), t.clone())).collect()
}
