//! The inspector: everything about the selected footprint(s), editable. Each change is one
//! operation (one undo step); the note is committed when the field loses focus, not per key.

use crate::app::actions::Action;
use crate::app::commands::Command;
use crate::app::theme::{WARNING_COLOR, kind_color, kind_letter};
use crate::editing::ops;
use crate::editing::selection::Selection;
use crate::editing::warnings::Warning;
use crate::model::{ChangeKind, Confidence, FootprintId, Site, Timestamp};
use egui::{RichText, Ui};
use std::collections::BTreeMap;

/// What the inspector keeps between frames: text being typed.
#[derive(Default)]
pub struct InspectorState {
    /// The note being edited, and for which footprint.
    note: Option<(FootprintId, String)>,
    /// A tag being typed.
    pub tag_input: String,
}

/// What the inspector reads.
pub struct InspectorInput<'a> {
    pub site: &'a Site,
    pub selection: &'a Selection,
    pub warnings: &'a BTreeMap<FootprintId, Vec<Warning>>,
    /// Every tag of the site, for completion.
    pub site_tags: &'a [String],
    pub now: Timestamp,
    /// Whether a command can run now.
    pub command_status: &'a dyn Fn(Command) -> Result<(), String>,
    /// The site on the ground: areas in m² and lengths in m when georeferenced.
    pub ground: &'a crate::app::ground::GroundCache,
}

fn apply(result: ops::OpResult, actions: &mut Vec<Action>) {
    match result {
        Ok(op) => actions.push(Action::Apply(op)),
        Err(why) => actions.push(Action::Notify(why)),
    }
}

pub fn inspector_ui(
    ui: &mut Ui,
    state: &mut InspectorState,
    input: &InspectorInput<'_>,
) -> Vec<Action> {
    let mut actions = Vec::new();
    let site = input.site;
    let ids = input.selection.to_vec();
    // A note being typed for a footprint no longer selected is committed first.
    if let Some((id, text)) = &state.note
        && input.selection.single() != Some(*id)
    {
        if site.footprint(*id).is_some_and(|f| f.note != *text) {
            apply(ops::set_note(site, *id, text, input.now), &mut actions);
        }
        state.note = None;
    }
    if ids.is_empty() {
        ui.label(
            RichText::new(
                "No footprint selected.\nDraw one with the building (B) or polygon (A) tool, or click one.",
            )
            .weak(),
        );
        return actions;
    }
    let fps: Vec<_> = ids.iter().filter_map(|id| site.footprint(*id)).collect();
    let Some(first) = fps.first() else {
        return actions;
    };
    let single = fps.len() == 1;
    // Title.
    ui.horizontal(|ui| {
        if single {
            ui.label(
                RichText::new(format!("{}  {}", first.id, kind_letter(first.kind)))
                    .size(18.0)
                    .strong()
                    .color(kind_color(first.kind)),
            );
        } else {
            ui.label(
                RichText::new(format!("{} footprints", fps.len()))
                    .size(18.0)
                    .strong(),
            );
        }
    });
    // Warnings.
    for fp in &fps {
        for w in input.warnings.get(&fp.id).into_iter().flatten() {
            let text = if single {
                format!("! {w}")
            } else {
                format!("! {}: {w}", fp.id)
            };
            ui.label(RichText::new(text).color(WARNING_COLOR));
        }
    }
    egui::Grid::new("inspector-grid")
        .num_columns(2)
        .spacing([8.0, 6.0])
        .show(ui, |ui| {
            ui.label("Change");
            ui.horizontal(|ui| {
                for kind in ChangeKind::ALL {
                    let all = fps.iter().all(|f| f.kind == kind);
                    let cmd = Command::for_kind(kind);
                    let r = ui
                        .selectable_label(all, RichText::new(kind.label()).color(kind_color(kind)))
                        .on_hover_text(format!("{} ({})", cmd.spec().help, cmd.shortcut_text()));
                    if r.clicked() && !all {
                        actions.push(Action::Label(kind));
                    }
                }
            });
            ui.end_row();

            ui.label("Confidence");
            ui.horizontal(|ui| {
                for c in Confidence::ALL {
                    let all = fps.iter().all(|f| f.confidence == c);
                    if ui.selectable_label(all, c.label()).clicked() && !all {
                        apply(ops::set_confidence(site, &ids, c, input.now), &mut actions);
                    }
                }
            });
            ui.end_row();

            let tags_label = ui.label("Tags");
            ui.vertical(|ui| {
                let mut tags: Vec<&String> = fps.iter().flat_map(|f| f.tags.iter()).collect();
                tags.sort();
                tags.dedup();
                ui.horizontal_wrapped(|ui| {
                    for tag in tags {
                        let on_all = fps.iter().all(|f| f.tags.contains(tag));
                        let text = if on_all {
                            format!("{tag} ×")
                        } else {
                            format!("({tag}) ×")
                        };
                        if ui
                            .small_button(text)
                            .on_hover_text("Remove this tag")
                            .clicked()
                        {
                            apply(ops::remove_tag(site, &ids, tag, input.now), &mut actions);
                        }
                    }
                });
                tag_input_ui(ui, state, input, &ids, tags_label.id, &mut actions);
            });
            ui.end_row();

            if single {
                ui.label("Note");
                let fp = first;
                let note_id = ui.make_persistent_id(("note", fp.id));
                let focused = ui.memory(|m| m.has_focus(note_id));
                // While the field is not being typed in, it shows the project (undo included).
                let stale = !matches!(&state.note, Some((id, _)) if *id == fp.id);
                if stale || !focused {
                    state.note = Some((fp.id, fp.note.clone()));
                }
                if let Some((_, text)) = &mut state.note {
                    let r = ui.add(
                        egui::TextEdit::multiline(text)
                            .id(note_id)
                            .desired_rows(3)
                            .desired_width(f32::INFINITY)
                            .hint_text("What changed, what you saw"),
                    );
                    if r.lost_focus() && *text != fp.note {
                        apply(ops::set_note(site, fp.id, text, input.now), &mut actions);
                    }
                }
                ui.end_row();

                ui.label("Author");
                ui.label(if fp.author.is_empty() {
                    "–"
                } else {
                    &fp.author
                });
                ui.end_row();
                ui.label("Created");
                ui.label(fp.created.to_string());
                ui.end_row();
                ui.label("Modified");
                ui.label(fp.modified.to_string());
                ui.end_row();

                super::inspector_ground::measures_ui(ui, fp, input.ground);

                ui.label("Observed");
                pair_ui(ui, site, fp, input.now, &mut actions);
                ui.end_row();
            }
        });
    ui.add_space(4.0);
    ui.horizontal_wrapped(|ui| {
        for cmd in [
            Command::Square,
            Command::CopyOutlineToAfter,
            Command::RemoveAfterOutline,
            Command::ZoomToSelection,
            Command::Delete,
        ] {
            crate::app::panels::command_button(ui, cmd, (input.command_status)(cmd), &mut actions);
        }
    });
    if single {
        thread_ui(ui, first, input, &mut actions);
    }
    actions
}

/// The footprint's review: its state, and the thread of decisions and comments with a button
/// to add to it (a reviewer's question, the analyst's answer).
fn thread_ui(
    ui: &mut Ui,
    fp: &crate::model::Footprint,
    input: &InspectorInput<'_>,
    actions: &mut Vec<Action>,
) {
    use crate::app::panels::review_queue::state_color;
    ui.add_space(6.0);
    let state = fp.review_state();
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new("Review:").strong());
        ui.label(RichText::new(state.label()).color(state_color(state, ui)));
        if fp.is_self_reviewed() && !state.awaits_review() {
            ui.label(RichText::new("self-review").color(WARNING_COLOR))
                .on_hover_text("The latest decision was made by the footprint's own author");
        }
    });
    if fp.reviews.is_empty() {
        ui.label(RichText::new("No review yet.").weak());
    }
    egui::ScrollArea::vertical()
        .id_salt("review-thread")
        .max_height(160.0)
        .auto_shrink([false, true])
        .show(ui, |ui| {
            for e in &fp.reviews {
                let mut head = format!("{} · {}", e.by, e.at);
                if let Some(d) = e.decision {
                    head.push_str(&format!(" · {}", d.label()));
                }
                if let Some(r) = e.reason {
                    head.push_str(&format!(" ({})", r.label()));
                }
                ui.label(RichText::new(head).strong());
                if !e.comment.is_empty() {
                    ui.label(e.comment.as_str());
                }
            }
        });
    let cmd = Command::ReviewComment;
    crate::app::panels::command_button(ui, cmd, (input.command_status)(cmd), actions);
}

/// A field to add a tag, completing from the site's tags.
fn tag_input_ui(
    ui: &mut Ui,
    state: &mut InspectorState,
    input: &InspectorInput<'_>,
    ids: &[FootprintId],
    label: egui::Id,
    actions: &mut Vec<Action>,
) {
    let r = ui
        .add(
            egui::TextEdit::singleline(&mut state.tag_input)
                .hint_text("add a tag…")
                .desired_width(160.0),
        )
        .labelled_by(label);
    let typed = state.tag_input.trim().to_lowercase();
    let matches: Vec<&String> = input
        .site_tags
        .iter()
        .filter(|t| {
            !typed.is_empty() && t.to_lowercase().starts_with(&typed) && t.to_lowercase() != typed
        })
        .take(6)
        .collect();
    if r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) && !typed.is_empty() {
        apply(
            ops::add_tag(input.site, ids, &state.tag_input, input.now),
            actions,
        );
        state.tag_input.clear();
    }
    if !matches.is_empty() {
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new("complete:").small().weak());
            for m in matches {
                if ui.small_button(m.as_str()).clicked() {
                    apply(ops::add_tag(input.site, ids, m, input.now), actions);
                    state.tag_input.clear();
                }
            }
        });
    }
}

/// The images the change was observed between, changeable.
fn pair_ui(
    ui: &mut Ui,
    site: &Site,
    fp: &crate::model::Footprint,
    now: Timestamp,
    actions: &mut Vec<Action>,
) {
    let name = |id| {
        site.image(id)
            .map(|i| format!("{} ({})", i.date, i.file_name()))
            .unwrap_or_else(|| format!("{id} (missing)"))
    };
    ui.vertical(|ui| {
        for (label, current, is_before) in [("before", fp.before, true), ("after", fp.after, false)]
        {
            egui::ComboBox::new(("pair", label), label)
                .selected_text(name(current))
                .width(230.0)
                .show_ui(ui, |ui| {
                    for img in site.images_by_date() {
                        if ui
                            .selectable_label(img.id == current, name(img.id))
                            .clicked()
                            && img.id != current
                        {
                            let (b, a) = if is_before {
                                (img.id, fp.after)
                            } else {
                                (fp.before, img.id)
                            };
                            apply(ops::set_pair(site, &[fp.id], b, a, now), actions);
                        }
                    }
                });
        }
    });
}
