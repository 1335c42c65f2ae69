//! Projects, sites and dated images.

use super::date::CaptureDate;
use super::footprint::Footprint;
use super::ids::{FootprintId, ImageId, NextIds, SiteId};
use super::marker::{Coverage, Marker};
use super::reference::{ReferenceBuilding, ReferenceId};
use super::transform::Affine;
use serde::{Deserialize, Serialize};

/// The project file format this build writes, and the newest it reads.
pub const FORMAT_VERSION: u32 = 2;

/// Everything an analyst saves: several sites, each with its dated images and footprints.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Project {
    /// Always written first, so that a newer file is recognised before anything else is read.
    pub format_version: u32,
    pub name: String,
    #[serde(default)]
    pub next_ids: NextIds,
    #[serde(default)]
    pub sites: Vec<Site>,
}

/// One place watched over time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Site {
    pub id: SiteId,
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    /// The image whose pixel frame is the site frame. `None` only while the site has no images.
    #[serde(default)]
    pub reference_image: Option<ImageId>,
    #[serde(default)]
    pub images: Vec<DatedImage>,
    #[serde(default)]
    pub footprints: Vec<Footprint>,
    /// Reviewers' "missed change" markers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub markers: Vec<Marker>,
    /// What each reviewer has looked at, one entry per reviewer.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub coverage: Vec<Coverage>,
    /// Imported building outlines drawn under the footprints, by id (not written when none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<ReferenceBuilding>,
}

/// One image of a site, taken on one date.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatedImage {
    pub id: ImageId,
    /// Relative to the project file's folder, with `/` separators (absolute when the image is on
    /// another drive).
    pub path: String,
    pub date: CaptureDate,
    /// Sensor or provider, free text.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
    /// From this image's pixels into the site frame (not written while it is the identity).
    #[serde(default, skip_serializing_if = "Affine::is_identity")]
    pub to_site: Affine,
    /// Where the image lies on the ground, when known (not written otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub georef: Option<super::georef::Georef>,
}

impl Project {
    /// An empty project of the current format.
    pub fn new(name: impl Into<String>) -> Self {
        Project {
            format_version: FORMAT_VERSION,
            name: name.into(),
            next_ids: NextIds::default(),
            sites: Vec::new(),
        }
    }

    /// Puts everything in canonical order (sites, images and footprints by id, tags sorted), so
    /// that the same project always serialises to the same bytes.
    pub fn canonicalize(&mut self) {
        self.sites.sort_by_key(|s| s.id);
        for site in &mut self.sites {
            site.images.sort_by_key(|i| i.id);
            site.footprints.sort_by_key(|f| f.id);
            for f in &mut site.footprints {
                f.canonicalize();
            }
            site.markers.sort_by_key(|m| m.id);
            site.references.sort_by_key(|r| r.id);
            site.coverage.sort_by(|a, b| a.reviewer.cmp(&b.reviewer));
            for c in &mut site.coverage {
                c.canonicalize();
            }
        }
        // Never hand out an id that is already taken, even if the file's counters are stale.
        let max_site = self.sites.iter().map(|s| s.id.0).max().unwrap_or(0);
        let max_image = self.all_images().map(|(_, i)| i.id.0).max().unwrap_or(0);
        let max_fp = self
            .all_footprints()
            .map(|(_, f)| f.id.0)
            .max()
            .unwrap_or(0);
        self.next_ids.site = self.next_ids.site.max(max_site.saturating_add(1));
        self.next_ids.image = self.next_ids.image.max(max_image.saturating_add(1));
        self.next_ids.footprint = self.next_ids.footprint.max(max_fp.saturating_add(1));
        let max_marker = self
            .sites
            .iter()
            .flat_map(|s| s.markers.iter().map(|m| m.id.0))
            .max()
            .unwrap_or(0);
        self.next_ids.marker = self.next_ids.marker.max(max_marker.saturating_add(1));
        let max_reference = self
            .sites
            .iter()
            .flat_map(|s| s.references.iter().map(|r| r.id.0))
            .max()
            .unwrap_or(0);
        self.next_ids.reference = self.next_ids.reference.max(max_reference.saturating_add(1));
    }

    pub fn site(&self, id: SiteId) -> Option<&Site> {
        self.sites.iter().find(|s| s.id == id)
    }

    pub fn site_mut(&mut self, id: SiteId) -> Option<&mut Site> {
        self.sites.iter_mut().find(|s| s.id == id)
    }

    pub fn all_images(&self) -> impl Iterator<Item = (&Site, &DatedImage)> {
        self.sites
            .iter()
            .flat_map(|s| s.images.iter().map(move |i| (s, i)))
    }

    pub fn all_footprints(&self) -> impl Iterator<Item = (&Site, &Footprint)> {
        self.sites
            .iter()
            .flat_map(|s| s.footprints.iter().map(move |f| (s, f)))
    }

    /// The site holding a footprint.
    pub fn site_of_footprint(&self, id: FootprintId) -> Option<&Site> {
        self.sites.iter().find(|s| s.footprint(id).is_some())
    }

    /// The site holding an image.
    pub fn site_of_image(&self, id: ImageId) -> Option<&Site> {
        self.sites.iter().find(|s| s.image(id).is_some())
    }
}

impl Site {
    pub fn new(id: SiteId, name: impl Into<String>) -> Self {
        Site {
            id,
            name: name.into(),
            note: String::new(),
            reference_image: None,
            images: Vec::new(),
            footprints: Vec::new(),
            markers: Vec::new(),
            coverage: Vec::new(),
            references: Vec::new(),
        }
    }

    pub fn image(&self, id: ImageId) -> Option<&DatedImage> {
        self.images.iter().find(|i| i.id == id)
    }

    pub fn image_mut(&mut self, id: ImageId) -> Option<&mut DatedImage> {
        self.images.iter_mut().find(|i| i.id == id)
    }

    /// The footprint with this id. Footprints are kept in id order (loading sorts them, edits
    /// insert in place), so this is a binary search; a site built by hand out of order is
    /// still searched correctly, just slowly.
    pub fn footprint(&self, id: FootprintId) -> Option<&Footprint> {
        self.footprint_position(id).map(|i| &self.footprints[i])
    }

    pub fn footprint_mut(&mut self, id: FootprintId) -> Option<&mut Footprint> {
        self.footprint_position(id).map(|i| &mut self.footprints[i])
    }

    fn footprint_position(&self, id: FootprintId) -> Option<usize> {
        match self.footprints.binary_search_by_key(&id, |f| f.id) {
            Ok(i) => Some(i),
            Err(_) => self.footprints.iter().position(|f| f.id == id),
        }
    }

    /// The reference building with this id (kept in id order, like footprints).
    pub fn reference(&self, id: ReferenceId) -> Option<&ReferenceBuilding> {
        self.references
            .binary_search_by_key(&id, |r| r.id)
            .ok()
            .map(|i| &self.references[i])
    }

    /// Images oldest first, unknown dates last, ties by id: the order of the timeline.
    pub fn images_by_date(&self) -> Vec<&DatedImage> {
        let mut v: Vec<&DatedImage> = self.images.iter().collect();
        v.sort_by(|a, b| a.date.chronological(&b.date).then(a.id.cmp(&b.id)));
        v
    }
}

impl DatedImage {
    pub fn new(id: ImageId, path: impl Into<String>, date: CaptureDate) -> Self {
        DatedImage {
            id,
            path: path.into(),
            date,
            source: String::new(),
            to_site: Affine::IDENTITY,
            georef: None,
        }
    }

    /// The file name part of the path, for headers and lists.
    pub fn file_name(&self) -> &str {
        self.path
            .rsplit(['/', '\\'])
            .next()
            .filter(|s| !s.is_empty())
            .unwrap_or(&self.path)
    }
}
