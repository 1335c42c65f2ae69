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
    /// Missed-change markers (format version 2).
    #[serde(default = "first_id")]
    pub marker: u32,
    /// Reference buildings (imported outlines). Not written while none was ever handed out,
    /// so files without references keep their bytes.
    #[serde(default = "first_id", skip_serializing_if = "is_first_id")]
    pub reference: u32,
}

fn is_first_id(n: &u32) -> bool {
    *n <= 1
}

fn first_id() -> u32 {
    1
}

impl Default for NextIds {
    fn default() -> Self {
        Self {
            site: 1,
            image: 1,
            footprint: 1,
            marker: 1,
            reference: 1,
        }
    }
}

/// Every id of one kind has been handed out: the counter in the file reached the largest id.
/// Only a hand-edited file gets here; wrapping around would reuse ids, so it is an error.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "no {0} ids are left (the project's next {0} id is {1}, the largest there is); renumber the project"
)]
pub struct IdsExhausted(pub &'static str, pub u32);

/// Hands out `*counter` and moves it on, refusing at the top of the range instead of wrapping.
fn take(counter: &mut u32, what: &'static str) -> Result<u32, IdsExhausted> {
    let id = (*counter).max(1);
    if id == u32::MAX {
        return Err(IdsExhausted(what, id));
    }
    *counter = id + 1;
    Ok(id)
}

impl NextIds {
    /// Hands out a fresh site id.
    pub fn new_site(&mut self) -> Result<SiteId, IdsExhausted> {
        take(&mut self.site, "site").map(SiteId)
    }

    /// Hands out a fresh image id.
    pub fn new_image(&mut self) -> Result<ImageId, IdsExhausted> {
        take(&mut self.image, "image").map(ImageId)
    }

    /// Hands out a fresh footprint id.
    pub fn new_footprint(&mut self) -> Result<FootprintId, IdsExhausted> {
        take(&mut self.footprint, "footprint").map(FootprintId)
    }

    /// Hands out a fresh missed-change marker id.
    pub fn new_marker(&mut self) -> Result<super::marker::MarkerId, IdsExhausted> {
        take(&mut self.marker, "marker").map(super::marker::MarkerId)
    }

    /// Hands out a fresh reference building id.
    pub fn new_reference(&mut self) -> Result<super::reference::ReferenceId, IdsExhausted> {
        take(&mut self.reference, "reference building").map(super::reference::ReferenceId)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_handed_out_in_order_and_never_zero() {
        let mut n = NextIds {
            site: 0,
            image: 5,
            footprint: 1,
            marker: 1,
            reference: 1,
        };
        assert_eq!(n.new_site(), Ok(SiteId(1)));
        assert_eq!(n.new_site(), Ok(SiteId(2)));
        assert_eq!(n.new_image(), Ok(ImageId(5)));
        assert_eq!(n.new_footprint(), Ok(FootprintId(1)));
    }

    #[test]
    fn a_counter_at_the_top_of_the_range_is_an_error_not_a_wrap() {
        let mut n = NextIds {
            site: 1,
            image: 1,
            footprint: u32::MAX - 1,
            marker: 1,
            reference: 1,
        };
        assert_eq!(n.new_footprint(), Ok(FootprintId(u32::MAX - 1)));
        let err = n.new_footprint().unwrap_err();
        assert_eq!(err, IdsExhausted("footprint", u32::MAX));
        assert!(err.to_string().contains("no footprint ids are left"));
        // And it stays an error: nothing wrapped to 0 or 1.
        assert!(n.new_footprint().is_err());
        assert_eq!(n.footprint, u32::MAX);
    }
}
