//! The footprint list of the current site: id, kind, confidence, review state, area and
//! warnings; sorted by any column, filtered by kind, tag, state and text. Clicking a row selects
//! the footprint and centres the panes on it; Ctrl/Shift+click adds to the selection. Only the
//! rows in view are laid out, so ten thousand footprints scroll smoothly.

use crate::app::actions::Action;
use crate::app::theme::{WARNING_COLOR, kind_color, kind_letter};
use crate::editing::list::{ListFilter, SortKey};
use crate::editing::selection::{Selection, SelectionChange};
use crate::editing::warnings::Warning;
use crate::model::{FootprintId, Site};
use egui::{RichText, Ui};
use std::collections::BTreeMap;

/// How the list is filtered and sorted (transient, per window).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ListState {
    pub filter: ListFilter,
    pub sort: SortKey,
    pub descending: bool,
    /// Scroll the selected row into view on the next frame.
    pub scroll_to_selection: bool,
    /// How far the list was scrolled in the last frame.
    offset: OrderedOffset,
}

/// The list's scroll offset, compared as equal always (it must not make the state differ).
#[derive(Clone, Copy, Debug, Default)]
struct OrderedOffset(f32);

impl PartialEq for OrderedOffset {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

pub struct ListInput<'a> {
    pub site: &'a Site,
    pub selection: &'a Selection,
    pub warnings: &'a BTreeMap<FootprintId, Vec<Warning>>,
    /// The rows, filtered and sorted (computed by the app, which also steps through them).
    pub rows: &'a [FootprintId],
    pub site_tags: &'a [String],
    /// The site on the ground: the Area column in m² when georeferenced.
    pub ground: &'a crate::app::ground::GroundCache,
}

const ROW_HEIGHT: f32 = 18.0;

pub fn footprint_list_ui(ui: &mut Ui, state: &mut ListState, input: &ListInput<'_>) -> Vec<Action> {
    let mut actions = Vec::new();
    filters_ui(ui, state, input.site_tags);
    ui.label(
        RichText::new(format!(
            "{} of {} footprints shown",
            input.rows.len(),
            input.site.footprints.len()
        ))
        .small()
        .weak(),
    );
    // Column headers sort; a second click reverses.
    let widths = [52.0, 96.0, 58.0, 84.0, 80.0];
    ui.horizontal(|ui| {
        for (key, w) in SortKey::ALL.into_iter().zip(widths) {
            let sorted = state.sort == key;
            let r = ui.add_sized(
                [w, ROW_HEIGHT],
                egui::Button::selectable(sorted, format!("{}   ", key.label())),
            );
            if sorted {
                // A small triangle: up for ascending, down for descending.
                let c = egui::pos2(r.rect.right() - 9.0, r.rect.center().y);
                let d = if state.descending { 1.0 } else { -1.0 };
                let tri = vec![
                    c + egui::vec2(-4.0, -2.5 * d),
                    c + egui::vec2(4.0, -2.5 * d),
                    c + egui::vec2(0.0, 3.0 * d),
                ];
                ui.painter().add(egui::Shape::convex_polygon(
                    tri,
                    ui.visuals().strong_text_color(),
                    egui::Stroke::NONE,
                ));
            }
            let tip = if sorted {
                "Sorted by this column; click to reverse"
            } else {
                "Sort by this column"
            };
            if r.on_hover_text(tip).clicked() {
                if state.sort == key {
                    state.descending = !state.descending;
                } else {
                    state.sort = key;
                    state.descending = false;
                }
            }
        }
    });
    let selected_row = input
        .selection
        .ids()
        .first()
        .and_then(|id| input.rows.iter().position(|r| r == id));
    let scroll_to = state.scroll_to_selection.then_some(selected_row).flatten();
    state.scroll_to_selection = false;
    let mut area = egui::ScrollArea::vertical()
        .id_salt("footprint-list")
        .auto_shrink([false, false]);
    if let Some(row) = scroll_to {
        let spacing = ui.spacing().item_spacing.y;
        let y = row as f32 * (ROW_HEIGHT + spacing);
        let current = state.offset.0;
        let visible_rows = (ui.available_height() / (ROW_HEIGHT + spacing)).max(1.0);
        if y < current || y > current + (visible_rows - 2.0) * (ROW_HEIGHT + spacing) {
            area = area.vertical_scroll_offset((y - ROW_HEIGHT * 3.0).max(0.0));
        }
    }
    let shown = area.show_rows(ui, ROW_HEIGHT, input.rows.len(), |ui, range| {
        for i in range {
            let id = input.rows[i];
            let Some(fp) = input.site.footprint(id) else {
                continue;
            };
            let selected = input.selection.contains(id);
            let warnings = input.warnings.get(&id);
            // The selected row gets a background, painted under the row once its size is known.
            let background = ui.painter().add(egui::Shape::Noop);
            let r = ui
                .horizontal(|ui| {
                    ui.set_min_height(ROW_HEIGHT);
                    let cells: [(String, egui::Color32); 5] = [
                        (id.to_string(), ui.visuals().text_color()),
                        (
                            format!("{} {}", kind_letter(fp.kind), fp.kind.label()),
                            kind_color(fp.kind),
                        ),
                        (fp.confidence.label().to_string(), ui.visuals().text_color()),
                        (
                            fp.review_state().label().to_string(),
                            ui.visuals().text_color(),
                        ),
                        (
                            input
                                .ground
                                .area_text(fp)
                                .unwrap_or_else(|| format!("{:.0} px²", fp.outline.area())),
                            ui.visuals().text_color(),
                        ),
                    ];
                    let mut row = None::<egui::Response>;
                    for ((text, color), w) in cells.into_iter().zip(widths) {
                        let r = ui.add_sized(
                            [w, ROW_HEIGHT],
                            egui::Button::selectable(selected, RichText::new(text).color(color))
                                .frame_when_inactive(false),
                        );
                        row = Some(match row {
                            Some(prev) => prev.union(r),
                            None => r,
                        });
                    }
                    if let Some(w) = warnings {
                        let text: Vec<String> = w.iter().map(|x| x.to_string()).collect();
                        ui.label(RichText::new("!").strong().color(WARNING_COLOR))
                            .on_hover_text(text.join("\n"));
                    }
                    row
                })
                .inner;
            if selected && let Some(r) = &r {
                ui.painter().set(
                    background,
                    egui::Shape::rect_filled(
                        r.rect.expand(1.0),
                        3.0,
                        ui.visuals().selection.bg_fill.gamma_multiply(0.6),
                    ),
                );
            }
            if let Some(r) = r
                && r.clicked()
            {
                let add = ui.input(|i| i.modifiers.shift || i.modifiers.command);
                if add {
                    actions.push(Action::Select(SelectionChange::Toggle(id)));
                } else {
                    actions.push(Action::Focus(id));
                }
            }
        }
    });
    state.offset = OrderedOffset(shown.state.clamped_offset().y);
    actions
}

fn filters_ui(ui: &mut Ui, state: &mut ListState, site_tags: &[String]) {
    let f = &mut state.filter;
    ui.horizontal_wrapped(|ui| {
        super::filter_combo(
            ui,
            "Kind",
            "list-kind",
            84.0,
            "all kinds",
            &mut f.kind,
            &super::kind_choices(),
        );
        super::filter_combo(
            ui,
            "Review",
            "list-state",
            84.0,
            "any review",
            &mut f.state,
            &super::state_choices(),
        );
        super::filter_combo(
            ui,
            "Tag",
            "list-tag",
            84.0,
            "any tag",
            &mut f.tag,
            &super::tag_choices(site_tags),
        );
        ui.checkbox(&mut f.with_warnings, "! only")
            .on_hover_text("Only footprints with warnings");
    });
    ui.horizontal(|ui| {
        ui.add(
            egui::TextEdit::singleline(&mut f.text)
                .hint_text("find: id, note, tag, author")
                .desired_width(200.0),
        );
        if ui
            .add_enabled(f.is_active(), egui::Button::new("Clear"))
            .on_hover_text("Show every footprint")
            .clicked()
        {
            *f = ListFilter::default();
        }
    });
}
