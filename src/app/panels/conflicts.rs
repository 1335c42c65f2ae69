//! The footprints a git merge kept in two versions, each settled with one choice (see
//! [`crate::editing::conflicts`]).

use crate::app::actions::Action;
use crate::app::theme::CONFLICT_COLOR;
use crate::editing::conflicts::{Resolution, conflicted};
use crate::model::merge::FootprintConflict;
use crate::model::{Footprint, Site};
use egui::{RichText, Ui};

/// Lists the site's conflicted footprints with what differs, a Show button and one button per
/// choice. Shows nothing when there are none.
pub fn conflicts_ui(ui: &mut Ui, site: &Site) -> Vec<Action> {
    let mut actions = Vec::new();
    let rows: Vec<_> = conflicted(site).collect();
    if rows.is_empty() {
        return actions;
    }
    let title = format!("Merge conflicts ({})", rows.len());
    egui::CollapsingHeader::new(RichText::new(title).strong().color(CONFLICT_COLOR))
        .id_salt("merge-conflicts")
        .default_open(true)
        .show(ui, |ui| {
            ui.label(
                RichText::new(
                    "Changed differently on two branches. Mine is drawn; theirs is dashed.",
                )
                .weak()
                .small(),
            );
            egui::ScrollArea::vertical()
                .id_salt("conflicts-list")
                .max_height(180.0)
                .auto_shrink([false, true])
                .show(ui, |ui| {
                    for fp in rows {
                        let Some(conflict) = &fp.conflict else {
                            continue;
                        };
                        ui.horizontal_wrapped(|ui| {
                            ui.label(RichText::new(fp.id.to_string()).strong());
                            ui.label(conflict.describe(fp));
                        });
                        if let FootprintConflict::Theirs(theirs) = conflict {
                            for line in value_differences(fp, theirs) {
                                ui.label(RichText::new(line).small());
                            }
                        }
                        ui.horizontal(|ui| {
                            if ui.small_button("Show").clicked() {
                                actions.push(Action::Focus(fp.id));
                            }
                            for choice in Resolution::ALL {
                                if !choice.applies_to(conflict) {
                                    continue;
                                }
                                let hint = match choice {
                                    Resolution::KeepMine => "This branch's version stays",
                                    Resolution::KeepTheirs => {
                                        "The other branch's version replaces it"
                                    }
                                    Resolution::KeepBoth => {
                                        "Both stay: theirs becomes a new footprint"
                                    }
                                };
                                if ui
                                    .small_button(choice.label())
                                    .on_hover_text(hint)
                                    .clicked()
                                {
                                    actions.push(Action::ResolveConflict {
                                        site: site.id,
                                        footprint: fp.id,
                                        choice,
                                    });
                                }
                            }
                        });
                    }
                });
        });
    actions
}

/// "kind: mine new, theirs renovated" for the fields whose values read as words; an outline
/// difference is seen on the canvas (theirs dashed).
fn value_differences(mine: &Footprint, theirs: &Footprint) -> Vec<String> {
    let mut out = Vec::new();
    let mut say = |field: &str, a: String, b: String| {
        if a != b {
            out.push(format!("{field}: mine {a}, theirs {b}"));
        }
    };
    say("kind", mine.kind.to_string(), theirs.kind.to_string());
    say(
        "confidence",
        mine.confidence.label().into(),
        theirs.confidence.label().into(),
    );
    say("before", mine.before.to_string(), theirs.before.to_string());
    say("after", mine.after.to_string(), theirs.after.to_string());
    let short = |t: &str| {
        let one: String = t.chars().take(40).collect();
        if t.chars().count() > 40 {
            format!("\"{one}…\"")
        } else {
            format!("\"{one}\"")
        }
    };
    say("note", short(&mine.note), short(&theirs.note));
    out
}
