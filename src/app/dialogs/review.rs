//! The reviewer's dialog: a decision's reason and comment, or a comment alone. Built for the
//! keyboard: W, then 1-6 for the reason, Enter; Tab reaches the comment field.

use crate::app::actions::Action;
use crate::model::{Decision, FootprintId, Reason};
use egui::RichText;

/// Reject / needs changes (with a reason) or a comment alone, on the footprints it names.
pub struct DecisionDialog {
    /// `None`: a comment alone.
    pub decision: Option<Decision>,
    pub ids: Vec<FootprintId>,
    pub reason: Option<Reason>,
    pub comment: String,
    /// What went wrong with the last OK.
    pub error: Option<String>,
    focused: bool,
}

const REASON_KEYS: [egui::Key; 6] = [
    egui::Key::Num1,
    egui::Key::Num2,
    egui::Key::Num3,
    egui::Key::Num4,
    egui::Key::Num5,
    egui::Key::Num6,
];

impl DecisionDialog {
    pub fn new(decision: Decision, ids: Vec<FootprintId>) -> Self {
        Self {
            decision: Some(decision),
            ids,
            reason: None,
            comment: String::new(),
            error: None,
            focused: false,
        }
    }

    pub fn comment(id: FootprintId) -> Self {
        Self {
            decision: None,
            ids: vec![id],
            reason: None,
            comment: String::new(),
            error: None,
            focused: false,
        }
    }

    fn title(&self) -> String {
        let what = crate::editing::ops::names(&self.ids);
        match self.decision {
            Some(Decision::Rejected) => format!("Reject {what}"),
            Some(Decision::NeedsChanges) => format!("{what} needs changes"),
            Some(Decision::Accepted) => format!("Accept {what}"),
            None => format!("Comment on {what}"),
        }
    }

    /// The dialog for one frame: the action chosen, and whether it closes.
    pub fn ui(&mut self, ctx: &egui::Context) -> (Option<Action>, bool) {
        let (mut submit, mut cancelled) = (false, false);
        let comment_id = egui::Id::unique("review-comment");
        let typing = ctx.memory(|m| m.has_focus(comment_id));
        // Tab goes to the comment, not through the reason buttons (where a typed space would
        // pick a reason).
        let to_comment =
            !typing && ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Tab));
        let modal = egui::Modal::new(egui::Id::unique("review-decision")).show(ctx, |ui| {
            ui.set_min_width(420.0);
            ui.heading(self.title());
            if self.decision.is_some() {
                ui.label("Why? (keys 1-6)");
                for (i, reason) in Reason::ALL.into_iter().enumerate() {
                    let pressed = !typing
                        && ui.input_mut(|inp| {
                            inp.consume_key(egui::Modifiers::NONE, REASON_KEYS[i])
                        });
                    let r = ui.radio(
                        self.reason == Some(reason),
                        format!("{}  {}", i + 1, reason.label()),
                    );
                    if r.clicked() || pressed {
                        self.reason = Some(reason);
                        self.error = None;
                    }
                }
                ui.add_space(4.0);
            }
            let label = if self.decision.is_some() {
                ui.label("Comment (optional; Tab to type)")
            } else {
                ui.label("Comment: it joins the footprint's review thread, with your name.")
            };
            let r = ui
                .add(
                    egui::TextEdit::singleline(&mut self.comment)
                        .id(comment_id)
                        .desired_width(f32::INFINITY)
                        .hint_text("What the analyst should know"),
                )
                .labelled_by(label.id);
            if to_comment {
                r.request_focus();
            }
            // A comment alone is typed at once; a decision starts with the reason keys.
            if !self.focused {
                if self.decision.is_none() {
                    r.request_focus();
                }
                self.focused = true;
            }
            let enter = ui.input(|i| i.key_pressed(egui::Key::Enter));
            if enter && (r.lost_focus() || !typing) {
                submit = true;
            }
            if let Some(e) = &self.error {
                ui.label(RichText::new(e).color(crate::app::theme::WARNING_COLOR));
            }
            ui.horizontal(|ui| {
                let ok = match self.decision {
                    Some(Decision::Rejected) => "Reject",
                    Some(_) => "Send back",
                    None => "Comment",
                };
                if ui.button(format!("{ok} (Enter)")).clicked() {
                    submit = true;
                }
                if ui.button("Cancel (Esc)").clicked() {
                    cancelled = true;
                }
            });
        });
        if submit {
            match self.decision {
                Some(decision) => {
                    if self.reason.is_none() && decision != Decision::Accepted {
                        self.error = Some("Choose a reason first (1-6).".into());
                        return (None, false);
                    }
                    return (
                        Some(Action::Decide {
                            decision,
                            reason: self.reason,
                            comment: self.comment.trim().to_string(),
                        }),
                        true,
                    );
                }
                None => {
                    if self.comment.trim().is_empty() {
                        self.error = Some("Write a comment first.".into());
                        self.focused = false;
                        return (None, false);
                    }
                    return (Some(Action::Comment(self.comment.trim().to_string())), true);
                }
            }
        }
        (None, cancelled || modal.should_close())
    }
}

/// A missed-change marker's note (just placed), or why a marker is dismissed.
pub struct MarkerDialog {
    pub purpose: MarkerPurpose,
    pub text: String,
    pub error: Option<String>,
    focused: bool,
}

pub enum MarkerPurpose {
    Note(crate::model::MarkerShape),
    Dismiss(crate::model::MarkerId),
}

impl MarkerDialog {
    pub fn note(shape: crate::model::MarkerShape) -> Self {
        Self {
            purpose: MarkerPurpose::Note(shape),
            text: String::new(),
            error: None,
            focused: false,
        }
    }

    pub fn dismiss(id: crate::model::MarkerId) -> Self {
        Self {
            purpose: MarkerPurpose::Dismiss(id),
            text: String::new(),
            error: None,
            focused: false,
        }
    }

    pub fn ui(&mut self, ctx: &egui::Context) -> (Option<Action>, bool) {
        let (mut submit, mut cancelled) = (false, false);
        let (title, explain, ok) = match &self.purpose {
            MarkerPurpose::Note(_) => (
                "Missed change".to_string(),
                "Note: what did the analyst miss? (optional)",
                "Add marker",
            ),
            MarkerPurpose::Dismiss(id) => (
                format!("Dismiss marker {id}"),
                "Reason: why is there nothing to draw?",
                "Dismiss",
            ),
        };
        let modal = egui::Modal::new(egui::Id::unique("marker-dialog")).show(ctx, |ui| {
            ui.set_min_width(420.0);
            ui.heading(title);
            let label = ui.label(explain);
            let r = ui
                .add(egui::TextEdit::singleline(&mut self.text).desired_width(f32::INFINITY))
                .labelled_by(label.id);
            if !self.focused {
                r.request_focus();
                self.focused = true;
            }
            if r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                submit = true;
            }
            if let Some(e) = &self.error {
                ui.label(RichText::new(e).color(crate::app::theme::WARNING_COLOR));
            }
            ui.horizontal(|ui| {
                if ui.button(format!("{ok} (Enter)")).clicked() {
                    submit = true;
                }
                if ui.button("Cancel (Esc)").clicked() {
                    cancelled = true;
                }
            });
        });
        if submit {
            let text = self.text.trim().to_string();
            match &self.purpose {
                MarkerPurpose::Note(shape) => {
                    return (
                        Some(Action::AddMarker {
                            shape: shape.clone(),
                            note: text,
                        }),
                        true,
                    );
                }
                MarkerPurpose::Dismiss(id) => {
                    if text.is_empty() {
                        self.error = Some("Say why first.".into());
                        // Back to the field, ready for the reason.
                        self.focused = false;
                        return (None, false);
                    }
                    return (
                        Some(Action::DismissMarker {
                            id: *id,
                            reason: text,
                        }),
                        true,
                    );
                }
            }
        }
        (None, cancelled || modal.should_close())
    }
}
