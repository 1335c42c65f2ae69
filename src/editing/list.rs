//! The footprint list's rows: which footprints of a site pass the filter, in which order.
//! Kept apart from the panel that draws them so it can be tested without a window.

use super::warnings::Warning;
use crate::model::{ChangeKind, Footprint, FootprintId, ReviewState, Site};
use std::collections::BTreeMap;

/// What the list shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ListFilter {
    /// Only these kinds (`None`: all).
    pub kind: Option<ChangeKind>,
    /// Only footprints carrying this tag.
    pub tag: Option<String>,
    /// Only this review state.
    pub state: Option<ReviewState>,
    /// Only footprints with warnings.
    pub with_warnings: bool,
    /// Words to find in the id (`F12` or `12`), note, tags or author; case does not matter.
    pub text: String,
}

/// Columns the list sorts by.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SortKey {
    #[default]
    Id,
    Kind,
    Confidence,
    Review,
    Area,
}

impl SortKey {
    pub const ALL: [SortKey; 5] = [
        SortKey::Id,
        SortKey::Kind,
        SortKey::Confidence,
        SortKey::Review,
        SortKey::Area,
    ];

    pub fn label(self) -> &'static str {
        match self {
            SortKey::Id => "Id",
            SortKey::Kind => "Kind",
            SortKey::Confidence => "Conf.",
            SortKey::Review => "Review",
            SortKey::Area => "Area",
        }
    }
}

impl ListFilter {
    pub fn is_active(&self) -> bool {
        *self != ListFilter::default()
    }

    pub fn accepts(&self, fp: &Footprint, warned: bool) -> bool {
        if self.kind.is_some_and(|k| k != fp.kind)
            || self.state.is_some_and(|s| s != fp.review_state())
            || (self.with_warnings && !warned)
        {
            return false;
        }
        if let Some(tag) = &self.tag
            && !fp.tags.iter().any(|t| t == tag)
        {
            return false;
        }
        let text = self.text.trim().to_lowercase();
        if text.is_empty() {
            return true;
        }
        let id = fp.id.to_string().to_lowercase();
        id == text
            || id == format!("f{text}")
            || fp.note.to_lowercase().contains(&text)
            || fp.author.to_lowercase().contains(&text)
            || fp.tags.iter().any(|t| t.to_lowercase().contains(&text))
    }
}

/// The ids of the footprints that pass `filter`, sorted by `key` (ties by id).
pub fn rows(
    site: &Site,
    filter: &ListFilter,
    key: SortKey,
    descending: bool,
    warnings: &BTreeMap<FootprintId, Vec<Warning>>,
) -> Vec<FootprintId> {
    let mut v: Vec<&Footprint> = site
        .footprints
        .iter()
        .filter(|f| filter.accepts(f, warnings.contains_key(&f.id)))
        .collect();
    v.sort_by(|a, b| {
        let ord = match key {
            SortKey::Id => a.id.cmp(&b.id),
            SortKey::Kind => a.kind.cmp(&b.kind),
            SortKey::Confidence => a.confidence.cmp(&b.confidence),
            SortKey::Review => a.review_state().cmp(&b.review_state()),
            SortKey::Area => a.outline.area().total_cmp(&b.outline.area()),
        };
        let ord = if descending { ord.reverse() } else { ord };
        ord.then(a.id.cmp(&b.id))
    });
    v.into_iter().map(|f| f.id).collect()
}

/// Every tag used in the site, sorted, for filter menus and completion.
pub fn site_tags(site: &Site) -> Vec<String> {
    let mut tags: Vec<String> = site
        .footprints
        .iter()
        .flat_map(|f| f.tags.iter().cloned())
        .collect();
    tags.sort();
    tags.dedup();
    tags
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Confidence, ImageId, Point, Polygon, SiteId, Timestamp};

    fn site() -> Site {
        let mut s = Site::new(SiteId(1), "s");
        for (id, kind, size, tag, note) in [
            (1, ChangeKind::New, 10.0, "hall", "big roof"),
            (2, ChangeKind::Demolished, 30.0, "shed", ""),
            (3, ChangeKind::New, 20.0, "shed", "next to the gate"),
        ] {
            let mut f = Footprint::new(
                FootprintId(id),
                kind,
                ImageId(1),
                ImageId(2),
                Polygon::rectangle(Point::new(0.0, 0.0), Point::new(size, size)),
                "ana",
                Timestamp::from_unix(0).unwrap(),
            );
            f.tags = vec![tag.into()];
            f.note = note.into();
            f.confidence = if id == 2 {
                Confidence::High
            } else {
                Confidence::Low
            };
            s.footprints.push(f);
        }
        s
    }

    fn ids(v: Vec<FootprintId>) -> Vec<u32> {
        v.into_iter().map(|i| i.0).collect()
    }

    #[test]
    fn filters_by_kind_tag_text_and_id() {
        let s = site();
        let none = BTreeMap::new();
        let only = |f: ListFilter| ids(rows(&s, &f, SortKey::Id, false, &none));
        assert_eq!(
            only(ListFilter {
                kind: Some(ChangeKind::New),
                ..Default::default()
            }),
            vec![1, 3]
        );
        assert_eq!(
            only(ListFilter {
                tag: Some("shed".into()),
                ..Default::default()
            }),
            vec![2, 3]
        );
        assert_eq!(
            only(ListFilter {
                text: "GATE".into(),
                ..Default::default()
            }),
            vec![3]
        );
        assert_eq!(
            only(ListFilter {
                text: "f2".into(),
                ..Default::default()
            }),
            vec![2]
        );
        assert_eq!(
            only(ListFilter {
                text: "1".into(),
                ..Default::default()
            }),
            vec![1]
        );
    }

    #[test]
    fn sorts_by_area_and_confidence_either_way() {
        let s = site();
        let none = BTreeMap::new();
        let f = ListFilter::default();
        assert_eq!(
            ids(rows(&s, &f, SortKey::Area, false, &none)),
            vec![1, 3, 2]
        );
        assert_eq!(ids(rows(&s, &f, SortKey::Area, true, &none)), vec![2, 3, 1]);
        assert_eq!(
            ids(rows(&s, &f, SortKey::Confidence, true, &none)),
            vec![2, 1, 3]
        );
        assert_eq!(site_tags(&s), vec!["hall", "shed"]);
    }

    #[test]
    fn only_warned_footprints_when_asked() {
        let s = site();
        let mut w = BTreeMap::new();
        w.insert(FootprintId(3), vec![Warning::Overlaps(FootprintId(1))]);
        let f = ListFilter {
            with_warnings: true,
            ..Default::default()
        };
        assert_eq!(ids(rows(&s, &f, SortKey::Id, false, &w)), vec![3]);
    }
}
