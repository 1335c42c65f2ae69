//! File → Export footprints (GeoJSON, CSV) and File → Import reference buildings, and what
//! the keys do to a selected reference building: D, N or R turn it into a labelled footprint,
//! Delete removes it. The work is [`crate::gis`] and [`crate::editing::references`]; this
//! file only connects them to the window. Exports run on a thread of their own (about 0.6 s
//! at 10 000 footprints in a release build): the window keeps drawing and says when the file
//! is written.

use super::SiteDiffApp;
use crate::editing::references::{convert_reference, delete_reference, import_references};
use crate::gis::{ExportFormat, Target, export_site, import_file, site_extent};
use crate::io::project_file::write_atomically;
use crate::model::{ChangeKind, ReferenceId, Timestamp};
use std::path::{Path, PathBuf};
use std::thread::JoinHandle;

/// An export being written.
pub struct GisExportJob {
    path: PathBuf,
    handle: JoinHandle<Result<usize, String>>,
}

impl SiteDiffApp {
    fn show_error(&mut self, title: &str, text: String) {
        self.dialogs.message = Some((title.into(), text));
    }

    /// Starts exporting the current site (a copy: editing goes on) into `path`.
    pub(super) fn export_gis(&mut self, ctx: &egui::Context, path: &Path, format: ExportFormat) {
        if self.gis_export.is_some() {
            return self.notify("An export is already being written.");
        }
        let Some(site) = self
            .doc
            .as_ref()
            .and_then(|d| self.pair.site.and_then(|id| d.project().site(id)))
            .cloned()
        else {
            return self.notify("Choose a site first.");
        };
        let out = path.to_path_buf();
        let ctx = ctx.clone();
        let handle = std::thread::Builder::new()
            .name("export".into())
            .spawn(move || {
                let written = export_site(&site, format, false)
                    .map_err(|e| e.to_string())
                    .and_then(|(text, summary)| {
                        write_atomically(&out, text.as_bytes(), false)
                            .map(|()| summary.footprints)
                            .map_err(|e| e.to_string())
                    });
                ctx.request_repaint();
                written
            });
        match handle {
            Ok(handle) => {
                self.gis_export = Some(GisExportJob {
                    path: path.to_path_buf(),
                    handle,
                });
                self.notify(format!("Exporting to {}…", path.display()));
            }
            Err(e) => self.show_error("Cannot export", e.to_string()),
        }
    }

    /// Collects a finished export and says how it went.
    pub(super) fn poll_gis_export(&mut self) {
        if !self
            .gis_export
            .as_ref()
            .is_some_and(|j| j.handle.is_finished())
        {
            return;
        }
        let Some(job) = self.gis_export.take() else {
            return;
        };
        let result = job
            .handle
            .join()
            .unwrap_or_else(|_| Err("the export stopped unexpectedly".into()));
        match result {
            Ok(footprints) => self.notify(format!(
                "Exported {footprints} footprint(s) to {}",
                job.path.display()
            )),
            Err(why) => self.show_error("Cannot export", why),
        }
    }

    /// Whether an export is being written (tests wait for it).
    pub fn exporting(&self) -> bool {
        self.gis_export.is_some()
    }

    pub(super) fn import_references(&mut self, path: &Path) {
        let Some(doc) = self.doc.as_ref() else { return };
        let Some(site) = self.pair.site.and_then(|id| doc.project().site(id)) else {
            return self.notify("Choose a site first.");
        };
        let target = Target {
            site,
            extent: site_extent(&doc.path, site),
        };
        let result = import_file(path, None, &target)
            .map_err(|e| e.to_string())
            .and_then(|layer| {
                import_references(site, &doc.project().next_ids, &layer).map(|op| (op, layer))
            });
        match result {
            Ok((op, layer)) => {
                if self.apply_op(op) {
                    self.notify(format!(
                        "Imported {} reference building(s) from {}; skipped {} non-polygon \
                         feature(s) and {} outside the image. Click one and press D, N or R.",
                        layer.buildings.len(),
                        layer.source,
                        layer.skipped_non_polygons,
                        layer.skipped_outside
                    ));
                }
            }
            Err(why) => self.show_error("Cannot import", why),
        }
    }

    /// D, N or R with a reference building selected: it becomes a footprint of that kind
    /// between the compared images, selected, in one undo step.
    pub(super) fn convert_reference(&mut self, id: ReferenceId, kind: ChangeKind) {
        let author = self.author();
        let now = Timestamp::now();
        let result = self.new_footprint(&author, now).and_then(|mut new| {
            new.kind = kind;
            let site = self
                .doc
                .as_ref()
                .and_then(|d| self.pair.site.and_then(|s| d.project().site(s)))
                .ok_or("Choose a site first.")?;
            convert_reference(site, id, &new)
        });
        match result {
            Ok(op) => {
                self.apply_op(op);
            }
            Err(why) => self.notify(why),
        }
    }

    pub(super) fn delete_reference(&mut self, id: ReferenceId) {
        let result = self
            .doc
            .as_ref()
            .and_then(|d| self.pair.site.and_then(|s| d.project().site(s)))
            .ok_or_else(|| "Choose a site first.".to_string())
            .and_then(|site| delete_reference(site, id));
        match result {
            Ok(op) => {
                self.apply_op(op);
            }
            Err(why) => self.notify(why),
        }
    }
}
