//! Native file dialogs (rfd) on their own threads: a native dialog blocks its thread until the
//! user answers, and the window must keep painting meanwhile.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender, channel};

/// Which field a native dialog's answer goes to.
#[derive(Clone, Debug, PartialEq)]
pub enum BrowseTarget {
    Path,
    NewProjectFile,
    NewProjectImages,
    AddImages,
}

/// Native dialogs running on their own threads, and their answers.
pub struct NativeDialogs {
    tx: Sender<(BrowseTarget, Vec<PathBuf>)>,
    rx: Receiver<(BrowseTarget, Vec<PathBuf>)>,
    running: usize,
    started: Option<std::time::Instant>,
    /// The last native dialog came back empty at once: none could open here (no desktop portal
    /// and no zenity), so the user should type the path.
    pub unavailable: bool,
}

impl Default for NativeDialogs {
    fn default() -> Self {
        let (tx, rx) = channel();
        Self {
            tx,
            rx,
            running: 0,
            started: None,
            unavailable: false,
        }
    }
}

/// An answer faster than this cannot have come from a person.
const NO_DIALOG_WITHIN: std::time::Duration = std::time::Duration::from_millis(400);

#[derive(Clone, Copy)]
pub enum BrowseKind {
    PickProject,
    SaveProject,
    PickImage,
    PickImages,
    PickFolder,
    /// Any file to write (exports).
    SaveFile,
    /// Any file to read (imports).
    PickFile,
}

impl NativeDialogs {
    pub fn spawn(
        &mut self,
        ctx: &egui::Context,
        target: BrowseTarget,
        kind: BrowseKind,
        start: Option<PathBuf>,
    ) {
        let tx = self.tx.clone();
        let ctx = ctx.clone();
        self.running += 1;
        self.started = Some(std::time::Instant::now());
        let spawned = std::thread::Builder::new()
            .name("file-dialog".into())
            .spawn(move || {
                let mut d = rfd::FileDialog::new();
                if let Some(dir) = start.as_ref().and_then(|p| {
                    if p.is_dir() {
                        Some(p.clone())
                    } else {
                        p.parent().map(|d| d.to_path_buf())
                    }
                }) && dir.is_dir()
                {
                    d = d.set_directory(dir);
                }
                let images = [
                    "png", "jpg", "jpeg", "tif", "tiff", "webp", "PNG", "JPG", "JPEG", "TIF",
                    "TIFF", "WEBP",
                ];
                let picked: Vec<PathBuf> = match kind {
                    BrowseKind::PickProject => d
                        .add_filter("sitediff project", &["ron"])
                        .pick_file()
                        .into_iter()
                        .collect(),
                    BrowseKind::SaveProject => d
                        .add_filter("sitediff project", &["ron"])
                        .save_file()
                        .into_iter()
                        .collect(),
                    BrowseKind::PickImage => d
                        .add_filter("images", &images)
                        .pick_file()
                        .into_iter()
                        .collect(),
                    BrowseKind::PickImages => d
                        .add_filter("images", &images)
                        .pick_files()
                        .unwrap_or_default(),
                    BrowseKind::PickFolder => d.pick_folder().into_iter().collect(),
                    BrowseKind::SaveFile => d.save_file().into_iter().collect(),
                    BrowseKind::PickFile => d.pick_file().into_iter().collect(),
                };
                // The receiver may be gone if the window closed; nothing to do then.
                let _ = tx.send((target, picked));
                ctx.request_repaint();
            });
        if spawned.is_err() {
            self.running -= 1;
        }
    }

    pub fn poll(&mut self) -> Vec<(BrowseTarget, Vec<PathBuf>)> {
        let v: Vec<_> = self.rx.try_iter().collect();
        self.running = self.running.saturating_sub(v.len());
        if let Some((_, paths)) = v.last() {
            let quick = self.started.is_some_and(|t| t.elapsed() < NO_DIALOG_WITHIN);
            self.unavailable = paths.is_empty() && quick;
        }
        v
    }

    pub fn is_running(&self) -> bool {
        self.running > 0
    }
}

/// The note shown in a dialog once no native file dialog could open: type instead.
pub fn unavailable_note(ui: &mut egui::Ui, what: &str) {
    ui.label(
        egui::RichText::new(format!(
            "No system file dialog can open here (no desktop portal or zenity): type the {what}."
        ))
        .small()
        .color(crate::app::theme::WARNING_COLOR),
    );
}
