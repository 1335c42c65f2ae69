//! The review queue: progress for the site and the project, filters (site, kind, author, tag,
//! state), the footprints to review (awaiting review first), and the decision buttons with
//! their keys. Clicking an entry shows that footprint on its own before/after pair.

use crate::app::actions::Action;
use crate::app::commands::Command;
use crate::app::review::ReviewSession;
use crate::app::theme::{WARNING_COLOR, kind_color, kind_letter};
use crate::editing::review::{Progress, QueueEntry};
use crate::model::{Project, ReviewState, SiteId};
use egui::{RichText, Ui};

pub struct QueueInput<'a> {
    pub project: &'a Project,
    pub site: Option<SiteId>,
    pub queue: &'a [QueueEntry],
    pub user: &'a str,
    /// The user's coverage of the current site, 0..=1.
    pub coverage: f64,
    pub command_status: &'a dyn Fn(Command) -> Result<(), String>,
}

const ROW_HEIGHT: f32 = 18.0;

/// A state's colour in the queue: what awaits review stands out.
pub fn state_color(state: ReviewState, ui: &Ui) -> egui::Color32 {
    match state {
        ReviewState::Unreviewed => ui.visuals().strong_text_color(),
        ReviewState::ChangedSinceReview => WARNING_COLOR,
        ReviewState::NeedsChanges => egui::Color32::from_rgb(240, 228, 66),
        ReviewState::Rejected => egui::Color32::from_rgb(255, 120, 110),
        ReviewState::Accepted => egui::Color32::from_rgb(120, 200, 140),
    }
}

pub fn review_queue_ui(
    ui: &mut Ui,
    state: &mut ReviewSession,
    input: &QueueInput<'_>,
) -> Vec<Action> {
    let mut actions = Vec::new();
    let project = input.project;
    ui.horizontal(|ui| {
        ui.heading("Review");
        let lock = if state.unlocked {
            RichText::new("geometry unlocked").color(WARNING_COLOR)
        } else {
            RichText::new("geometry locked").weak()
        };
        ui.label(lock)
            .on_hover_text(Command::UnlockGeometry.spec().help);
    });
    let whole = state.progress;
    if let Some(site) = input.site.and_then(|id| project.site(id)) {
        let p = state
            .site_progress
            .get(&site.id)
            .copied()
            .unwrap_or_default();
        progress_ui(ui, &format!("Site {}", site.name), &p);
    }
    progress_ui(ui, "Project", &whole);
    if whole.self_reviewed > 0 {
        ui.label(
            RichText::new(format!(
                "{} decided by their own author (self-review)",
                whole.self_reviewed
            ))
            .color(WARNING_COLOR),
        );
    }

    ui.horizontal(|ui| {
        ui.add(
            egui::ProgressBar::new(input.coverage as f32)
                .desired_width(170.0)
                .desired_height(14.0)
                .text(format!("Coverage (you): {:.0} %", input.coverage * 100.0)),
        )
        .on_hover_text(format!(
            "Grid cells of this site you have looked at: each counts once the view has shown it \
             at {:.0} % zoom or closer for {:.0} s in total (a cell seen a quarter at a time needs \
             four times as long), in any mode; U checks or unchecks the cell under the pointer, \
             Shift+U every cell at least half in view",
            crate::app::review::COVERAGE_MIN_ZOOM * 100.0,
            crate::app::review::COVERAGE_DWELL_SECONDS
        ));
        let mut shade = !state.hide_coverage;
        ui.checkbox(&mut shade, "Shade unchecked")
            .on_hover_text("Shade the grid cells of the site you have not checked yet");
        state.hide_coverage = !shade;
    });
    filters_ui(ui, state, project, input.user);

    // Decision buttons, with their keys.
    ui.horizontal_wrapped(|ui| {
        for cmd in [
            Command::Accept,
            Command::Reject,
            Command::NeedsChanges,
            Command::ReviewComment,
            Command::ToolMarker,
            Command::ReviewPrevious,
            Command::ReviewNext,
        ] {
            super::command_button(ui, cmd, (input.command_status)(cmd), &mut actions);
        }
    });
    ui.horizontal(|ui| {
        ui.label(
            RichText::new(format!("{} in the queue", input.queue.len()))
                .small()
                .weak(),
        );
        if ui
            .small_button("Re-sort")
            .on_hover_text(
                "Put what awaits review first again (decided footprints keep their place until then)",
            )
            .clicked()
        {
            state.resort = true;
        }
    });
    let current = input
        .queue
        .iter()
        .position(|e| Some((e.site, e.id)) == state.current);
    let mut area = egui::ScrollArea::vertical()
        .id_salt("review-queue")
        .max_height(220.0)
        .auto_shrink([false, true]);
    if std::mem::take(&mut state.scroll_to_current)
        && let Some(row) = current
    {
        let spacing = ui.spacing().item_spacing.y;
        area = area.vertical_scroll_offset(((row as f32 - 3.0) * (ROW_HEIGHT + spacing)).max(0.0));
    }
    area.show_rows(ui, ROW_HEIGHT, input.queue.len(), |ui, range| {
        for i in range {
            let e = input.queue[i];
            let Some(fp) = project.site(e.site).and_then(|s| s.footprint(e.id)) else {
                continue;
            };
            let site_name = project.site(e.site).map_or("", |s| s.name.as_str());
            let mut text = egui::text::LayoutJob::default();
            let font = egui::TextStyle::Body.resolve(ui.style());
            let mut add = |s: &str, color: egui::Color32| {
                text.append(
                    s,
                    0.0,
                    egui::TextFormat {
                        font_id: font.clone(),
                        color,
                        ..Default::default()
                    },
                )
            };
            add(
                &format!("{:<5} ", e.id.to_string()),
                ui.visuals().text_color(),
            );
            add(
                &format!("{} {:<10} ", kind_letter(fp.kind), fp.kind.label()),
                kind_color(fp.kind),
            );
            add(e.state.label(), state_color(e.state, ui));
            if e.self_review {
                add("  self-review", WARNING_COLOR);
            }
            if project.sites.len() > 1 {
                add(&format!("  {site_name}"), ui.visuals().weak_text_color());
            }
            // Text on the left, like a list row (a button centres it).
            let r = ui.add(
                egui::Button::selectable(Some(i) == current, text)
                    .right_text("")
                    .min_size(egui::vec2(ui.available_width(), ROW_HEIGHT)),
            );
            let r = r.on_hover_text(format!(
                "by {}",
                if fp.author.is_empty() {
                    "–"
                } else {
                    &fp.author
                }
            ));
            if r.clicked() {
                actions.push(Action::ReviewGoTo(e.site, e.id));
            }
        }
    });
    actions
}

fn progress_ui(ui: &mut Ui, what: &str, p: &Progress) {
    let fraction = if p.total == 0 {
        1.0
    } else {
        p.reviewed as f32 / p.total as f32
    };
    ui.add(
        egui::ProgressBar::new(fraction)
            .desired_height(14.0)
            .text(format!("{what}: {}", p.text())),
    )
    .on_hover_text(format!(
        "{} accepted, {} rejected, {} need changes, {} changed since review",
        p.accepted, p.rejected, p.needs_changes, p.changed_since_review
    ));
}

fn filters_ui(ui: &mut Ui, state: &mut ReviewSession, project: &Project, user: &str) {
    let f = &mut state.filter;
    let mut authors: Vec<&str> = project
        .sites
        .iter()
        .flat_map(|s| s.footprints.iter().map(|f| f.author.as_str()))
        .collect();
    authors.sort();
    authors.dedup();
    let mut tags: Vec<&String> = project
        .sites
        .iter()
        .flat_map(|s| s.footprints.iter().flat_map(|f| f.tags.iter()))
        .collect();
    tags.sort();
    tags.dedup();
    ui.horizontal_wrapped(|ui| {
        let label = ui.label("Site");
        let site_name = |id: Option<SiteId>| {
            id.and_then(|id| project.site(id))
                .map_or("all sites".to_string(), |s| s.name.clone())
        };
        egui::ComboBox::from_id_salt("queue-site")
            .selected_text(site_name(f.site))
            .width(96.0)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut f.site, None, "all sites");
                for s in &project.sites {
                    ui.selectable_value(&mut f.site, Some(s.id), s.name.as_str());
                }
            })
            .response
            .labelled_by(label.id);
        super::filter_combo(
            ui,
            "Kind",
            "queue-kind",
            84.0,
            "all kinds",
            &mut f.kind,
            &super::kind_choices(),
        );
        super::filter_combo(
            ui,
            "State",
            "queue-state",
            110.0,
            "any state",
            &mut f.state,
            &super::state_choices(),
        );
        let label = ui.label("Author");
        egui::ComboBox::from_id_salt("queue-author")
            .selected_text(f.author.clone().unwrap_or_else(|| "anyone".into()))
            .width(96.0)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut f.author, None, "anyone");
                for a in &authors {
                    let text = if *a == user {
                        format!("{a} (you)")
                    } else {
                        a.to_string()
                    };
                    ui.selectable_value(&mut f.author, Some(a.to_string()), text);
                }
            })
            .response
            .labelled_by(label.id);
        super::filter_combo(
            ui,
            "Tag",
            "queue-tag",
            84.0,
            "any tag",
            &mut f.tag,
            &super::tag_choices(tags.iter().copied()),
        );
        if f.is_active() && ui.small_button("Clear filters").clicked() {
            *f = Default::default();
        }
    });
}
