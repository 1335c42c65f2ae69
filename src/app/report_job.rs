//! The review report written from the window: on a thread of its own (each image is decoded
//! once, which takes seconds for large ones), with its progress in the status bar.

use super::SiteDiffApp;
use crate::report::{ReportSummary, write_report};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::thread::JoinHandle;

/// A report being written.
pub struct ReportJob {
    /// The share done, 0..=1, as f32 bits.
    progress: Arc<AtomicU32>,
    handle: Option<JoinHandle<Result<ReportSummary, String>>>,
}

impl ReportJob {
    pub fn progress(&self) -> f32 {
        f32::from_bits(self.progress.load(Ordering::Relaxed))
    }

    pub fn is_finished(&self) -> bool {
        self.handle.as_ref().is_none_or(|h| h.is_finished())
    }

    /// Waits for the thread (tests; the window polls [`ReportJob::is_finished`] instead).
    pub fn wait(mut self) -> Result<ReportSummary, String> {
        match self.handle.take() {
            Some(h) => h
                .join()
                .unwrap_or_else(|_| Err("the report stopped unexpectedly".into())),
            None => Err("the report was already collected".into()),
        }
    }
}

impl SiteDiffApp {
    /// Starts writing the report of the project as it is now (a copy: editing goes on).
    pub(super) fn start_report(&mut self, ctx: &egui::Context, out_dir: PathBuf) {
        if self.report.is_some() {
            self.notify("A report is already being written.");
            return;
        }
        let Some(doc) = &self.doc else { return };
        let project = doc.project().clone();
        let file = doc.path.clone();
        let progress = Arc::new(AtomicU32::new(0));
        let shared = progress.clone();
        let ctx = ctx.clone();
        let handle = std::thread::Builder::new()
            .name("report".into())
            .spawn(move || {
                let result = write_report(&project, &file, &out_dir, |f| {
                    shared.store(f.to_bits(), Ordering::Relaxed);
                    ctx.request_repaint();
                })
                .map_err(|e| e.to_string());
                ctx.request_repaint();
                result
            });
        match handle {
            Ok(h) => {
                self.report = Some(ReportJob {
                    progress,
                    handle: Some(h),
                });
                self.notify("Writing the review report…");
            }
            Err(e) => self.notify(format!("Cannot start the report: {e}")),
        }
    }

    /// Collects a finished report and says how it went.
    pub(super) fn poll_report(&mut self) {
        if !self.report.as_ref().is_some_and(ReportJob::is_finished) {
            return;
        }
        let Some(job) = self.report.take() else {
            return;
        };
        match job.wait() {
            Ok(s) => {
                let mut text = format!(
                    "Report written: {} ({} footprints, {} pictures)",
                    s.index.display(),
                    s.footprints,
                    s.pictures
                );
                if !s.unreadable_images.is_empty() {
                    text.push_str(&format!(
                        "; {} image(s) could not be read and are named in the page instead",
                        s.unreadable_images.len()
                    ));
                }
                self.last_report = Some(s);
                self.notify(text);
            }
            Err(e) => {
                self.dialogs.message = Some(("Cannot write the report".into(), e));
            }
        }
    }
}
