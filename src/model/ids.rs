//! Short, stable identifiers. They are plain integers in the file (`id: 7`), handed out by
//! [`NextIds`] and never reused after a delete, so a footprint named in a review comment or a
//! git diff keeps meaning the same building.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $prefix:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub u32);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!($prefix, "{}"), self.0)
            }
        }
    };
}

id_type!(
    /// Identifies a site within its project (`S3` in messages).
    SiteId,
    "S"
);
id_type!(
    /// Identifies a dated image within its project (`I4` in messages).
    ImageId,
    "I"
);
id_type!(
    /// Identifies a footprint within its project (`F12` in messages).
    FootprintId,
    "F"
);

/// The next free id of each kind. Stored in the project file so that ids are never reused, even
/// after the highest one was deleted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NextIds {
    pub site: u32,
    pub image: u32,
    pub footprint: u32,
}

impl Default for NextIds {
    fn default() -> Self {
        Self {
            site: 1,
            image: 1,
            footprint: 1,
        }
    }
}

impl NextIds {
    /// Hands out a fresh site id.
    pub fn new_site(&mut self) -> SiteId {
        let id = SiteId(self.site);
        self.site += 1;
        id
    }

    /// Hands out a fresh image id.
    pub fn new_image(&mut self) -> ImageId {
        let id = ImageId(self.image);
        self.image += 1;
        id
    }

    /// Hands out a fresh footprint id.
    pub fn new_footprint(&mut self) -> FootprintId {
        let id = FootprintId(self.footprint);
        self.footprint += 1;
        id
    }
}
