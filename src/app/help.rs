//! The keyboard shortcut sheet (F1 or ?).

use egui::Ui;

/// Every shortcut, grouped; the single source for the help window and the README.
pub const SHORTCUTS: &[(&str, &[(&str, &str)])] = &[
    (
        "Files",
        &[
            ("Ctrl+N", "New project from images…"),
            ("Ctrl+O", "Open project…"),
            ("Ctrl+S", "Save"),
            ("Ctrl+Shift+S", "Save as…"),
            ("Ctrl+Z / Ctrl+Shift+Z, Ctrl+Y", "Undo / redo"),
            ("Ctrl+Q", "Quit"),
        ],
    ),
    (
        "Compare",
        &[
            ("1 2 3 4", "Side by side / swipe / blink / overlay"),
            ("[  ]  or  PgUp PgDn", "After image: earlier / later date"),
            (
                "{  }  or  Shift+PgUp PgDn",
                "Before image: earlier / later date",
            ),
            ("X", "Swap before and after"),
            ("B", "Blink: show the other date now"),
            ("P", "Blink: start / stop flipping on the timer"),
            (
                "Shift+Left / Right",
                "Move the swipe divider / overlay opacity",
            ),
            ("L", "Show / hide footprints"),
        ],
    ),
    (
        "View",
        &[
            ("Wheel", "Zoom at the cursor (both panes follow)"),
            ("+  −", "Zoom in / out"),
            ("F", "Fit the image to the view"),
            ("0", "100 % (one image pixel per screen pixel)"),
            ("Middle or right drag", "Pan"),
            ("Space + left drag", "Pan"),
            ("Arrow keys", "Pan"),
        ],
    ),
    ("Help", &[("F1 or ?", "This sheet")]),
];

pub fn shortcuts_ui(ui: &mut Ui) {
    for (group, keys) in SHORTCUTS {
        ui.strong(*group);
        egui::Grid::new(*group)
            .num_columns(2)
            .striped(true)
            .show(ui, |ui| {
                for (key, what) in *keys {
                    ui.monospace(*key);
                    ui.label(*what);
                    ui.end_row();
                }
            });
        ui.add_space(6.0);
    }
}
