//! Where the buildings of the Riverside plant stand, in the 2048-unit reference frame (one unit
//! is half a metre, the whole image about a kilometre across).
//!
//! The buildings that change between dates are listed once, in [`CHANGES`]: the renderer draws
//! them from these outlines and the ground truth project copies the same outlines, so the truth
//! matches the pixels exactly at any image size.

use super::DemoDate;
use crate::model::ChangeKind;

/// An outline as `(x, y)` corners in reference units.
pub(crate) type Outline = &'static [(f32, f32)];

/// The reference frame's width and height; images of `size` pixels scale it by `size / 2048`.
pub(crate) const REFERENCE_SIZE: f32 = 2048.0;

/// Corners of an axis-aligned rectangle.
pub(crate) const fn rect(x0: f32, y0: f32, x1: f32, y1: f32) -> [(f32, f32); 4] {
    [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
}

/// `[x0, y0, x1, y1]` of an axis-aligned rectangle outline.
pub(crate) fn rect_bounds(outline: &[(f32, f32)]) -> [f32; 4] {
    let mut b = [f32::MAX, f32::MAX, f32::MIN, f32::MIN];
    for &(x, y) in outline {
        b = [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)];
    }
    b
}

/// Old workshop with a tar roof, demolished between January and April.
pub(crate) const D1: [(f32, f32); 4] = rect(200.0, 1060.0, 380.0, 1180.0);
/// Old store with a red tile roof, demolished between January and April.
pub(crate) const D2: [(f32, f32); 4] = rect(410.0, 1060.0, 530.0, 1260.0);
/// Old shed with a faded metal roof, demolished between January and April.
pub(crate) const D3: [(f32, f32); 4] = rect(200.0, 1220.0, 370.0, 1440.0);

/// New L-shaped production hall: a slab in April, finished by July.
pub(crate) const N1: [(f32, f32); 6] = [
    (1110.0, 450.0),
    (1530.0, 450.0),
    (1530.0, 640.0),
    (1320.0, 640.0),
    (1320.0, 970.0),
    (1110.0, 970.0),
];
/// New U-shaped production hall: a slab in January, finished by April.
pub(crate) const N2: [(f32, f32); 8] = [
    (1110.0, 1050.0),
    (1530.0, 1050.0),
    (1530.0, 1460.0),
    (1390.0, 1460.0),
    (1390.0, 1300.0),
    (1260.0, 1300.0),
    (1260.0, 1460.0),
    (1110.0, 1460.0),
];

/// Production hall 2, re-roofed (faded beige to blue) between January and April.
pub(crate) const P2: [(f32, f32); 4] = rect(610.0, 450.0, 900.0, 760.0);
/// Warehouse 1, extended to the east between April and July.
pub(crate) const W1: [(f32, f32); 4] = rect(1110.0, 190.0, 1440.0, 370.0);
/// The extension added to warehouse 1.
pub(crate) const W1_EXTENSION: [(f32, f32); 4] = rect(1440.0, 250.0, 1530.0, 370.0);
/// Warehouse 1 with its extension: an L.
pub(crate) const W1_EXTENDED: [(f32, f32); 6] = [
    (1110.0, 190.0),
    (1440.0, 190.0),
    (1440.0, 250.0),
    (1530.0, 250.0),
    (1530.0, 370.0),
    (1110.0, 370.0),
];
/// Production hall 3, which gets solar panels between April and July.
pub(crate) const P3: [(f32, f32); 4] = rect(610.0, 1050.0, 1030.0, 1300.0);

/// One change between two dates, as the ground truth records it.
pub(crate) struct ChangeSpec {
    pub kind: ChangeKind,
    /// The last date before the change.
    pub before: DemoDate,
    /// The first date after it.
    pub after: DemoDate,
    pub outline: Outline,
    pub after_outline: Option<Outline>,
    pub note: &'static str,
}

/// Every change on the site, in the order the ground truth lists them.
pub(crate) const CHANGES: [ChangeSpec; 8] = [
    ChangeSpec {
        kind: ChangeKind::Demolished,
        before: DemoDate::January,
        after: DemoDate::April,
        outline: &D1,
        after_outline: None,
        note: "Old workshop (tar roof) demolished; rubble in April, bare ground in July.",
    },
    ChangeSpec {
        kind: ChangeKind::Demolished,
        before: DemoDate::January,
        after: DemoDate::April,
        outline: &D2,
        after_outline: None,
        note: "Old store (red roof) demolished; rubble in April, bare ground in July.",
    },
    ChangeSpec {
        kind: ChangeKind::Demolished,
        before: DemoDate::January,
        after: DemoDate::April,
        outline: &D3,
        after_outline: None,
        note: "Old shed (faded metal roof) demolished; rubble in April, bare ground in July.",
    },
    ChangeSpec {
        kind: ChangeKind::New,
        before: DemoDate::January,
        after: DemoDate::April,
        outline: &N2,
        after_outline: None,
        note: "New U-shaped production hall; only its slab was poured in January.",
    },
    ChangeSpec {
        kind: ChangeKind::New,
        before: DemoDate::April,
        after: DemoDate::July,
        outline: &N1,
        after_outline: None,
        note: "New L-shaped production hall; a slab and a crane in April.",
    },
    ChangeSpec {
        kind: ChangeKind::Renovated,
        before: DemoDate::January,
        after: DemoDate::April,
        outline: &P2,
        after_outline: None,
        note: "Production hall 2 re-roofed: faded beige metal replaced by blue.",
    },
    ChangeSpec {
        kind: ChangeKind::Renovated,
        before: DemoDate::April,
        after: DemoDate::July,
        outline: &W1,
        after_outline: Some(&W1_EXTENDED),
        note: "Warehouse 1 extended to the east (new blue-grey roof on the extension).",
    },
    ChangeSpec {
        kind: ChangeKind::Renovated,
        before: DemoDate::April,
        after: DemoDate::July,
        outline: &P3,
        after_outline: None,
        note: "Production hall 3: solar panels installed on the roof.",
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::shapes::Shape;

    fn area(outline: Outline) -> f32 {
        let n = outline.len();
        (0..n)
            .map(|i| {
                let (a, b) = (outline[i], outline[(i + 1) % n]);
                a.0 * b.1 - b.0 * a.1
            })
            .sum::<f32>()
            .abs()
            / 2.0
    }

    #[test]
    fn the_extended_warehouse_is_the_old_one_plus_its_extension() {
        assert_eq!(area(&W1_EXTENDED), area(&W1) + area(&W1_EXTENSION));
        let l = Shape::poly(&W1_EXTENDED);
        assert!(l.contains(1500.0, 300.0) && !l.contains(1500.0, 220.0));
    }

    #[test]
    fn every_change_happens_forwards_in_time() {
        assert!(CHANGES.iter().all(|c| c.before < c.after));
    }
}
