//! File → Export footprints (GeoJSON, CSV) and File → Import reference buildings, and what
//! the keys do to a selected reference building: D, N or R turn it into a labelled footprint,
//! Delete removes it. The work is [`crate::gis`] and [`crate::editing::references`]; this
//! file only connects them to the window. Exporting 10 000 footprints takes a fraction of a
//! second, so it runs directly rather than as a background job.

use super::SiteDiffApp;
use crate::editing::references::{convert_reference, delete_reference, import_references};
use crate::gis::{ExportFormat, Target, export_site, import_file, site_extent};
use crate::io::project_file::write_atomically;
use crate::model::{ChangeKind, ReferenceId, Timestamp};
use std::path::Path;

impl SiteDiffApp {
    fn show_error(&mut self, title: &str, text: String) {
        self.dialogs.message = Some((title.into(), text));
    }

    pub(super) fn export_gis(&mut self, path: &Path, format: ExportFormat) {
        let Some(site) = self
            .doc
            .as_ref()
            .and_then(|d| self.pair.site.and_then(|id| d.project().site(id)))
        else {
            return self.notify("Choose a site first.");
        };
        let written = export_site(site, format, false)
            .map_err(|e| e.to_string())
            .and_then(|(text, summary)| {
                write_atomically(path, text.as_bytes(), false)
                    .map(|()| summary)
                    .map_err(|e| e.to_string())
            });
        match written {
            Ok(summary) => self.notify(format!(
                "Exported {} footprint(s) to {}",
                summary.footprints,
                path.display()
            )),
            Err(why) => self.show_error("Cannot export", why),
        }
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
