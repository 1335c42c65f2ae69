//! The buildings listed in the ground truth, drawn as they are on each date: standing, as
//! rubble, as bare ground, as a slab under a crane, re-roofed or extended.

use super::{Builder, excavator};
use crate::demo::DemoDate;
use crate::demo::layout::{
    CHANGES, ChangeSpec, D1, D2, D3, N1, N2, Outline, P2, P3, W1, W1_EXTENSION, rect_bounds,
};
use crate::demo::materials::{MetalRoof, Surface, VehicleKind};
use crate::demo::shapes::Shape;

impl Builder {
    /// The buildings listed in [`CHANGES`], as they are on this date.
    pub(super) fn changing_buildings(&mut self) {
        let date = self.date;
        let changed = |outline: Outline| change_of(outline).is_some_and(|c| date >= c.after);

        // The old buildings in the south-west block.
        let block = [152.0, 1036.0, 548.0, 1468.0];
        if changed(&D1) {
            self.ground(block, Surface::Soil { tracks: true });
        } else {
            self.ground(block, Surface::Asphalt);
        }
        let old = [
            (
                &D1[..],
                14.0,
                Surface::FlatRoof {
                    colour: [0.34, 0.32, 0.31],
                },
            ),
            (
                &D2[..],
                18.0,
                Surface::MetalRoof(MetalRoof {
                    colour: [0.56, 0.36, 0.29],
                    ridge_along_x: false,
                    origin: 410.0,
                    bay: 120.0,
                    skylights: false,
                    weathered: 0.6,
                }),
            ),
            (
                &D3[..],
                12.0,
                Surface::MetalRoof(MetalRoof {
                    colour: [0.55, 0.55, 0.52],
                    ridge_along_x: true,
                    origin: 1220.0,
                    bay: 55.0,
                    skylights: false,
                    weathered: 0.8,
                }),
            ),
        ];
        for (outline, top, roof) in old {
            if !changed(outline) {
                self.building(outline, top, roof);
            } else if change_of(outline).is_some_and(|c| c.after == date) {
                // Rubble on the first date after the demolition, cleared by the next.
                let [x0, y0, x1, y1] = rect_bounds(outline);
                self.ground([x0, y0, x1, y1], Surface::Rubble);
            }
        }
        if date == DemoDate::April {
            self.box_on([300.0, 1193.0, 314.0, 1206.0], 0.0, 7.0, excavator());
            self.box_on([314.0, 1198.0, 328.0, 1201.0], 3.0, 5.0, Surface::Steel);
            let truck = Surface::Vehicle {
                colour: [0.80, 0.48, 0.14],
                kind: VehicleKind::Truck,
            };
            self.box_on([436.0, 1290.0, 440.0, 1305.0], 0.0, 6.0, truck);
        }

        // Production hall 2: new roof.
        let p2_roof = if changed(&P2) {
            MetalRoof {
                colour: [0.30, 0.44, 0.60],
                ridge_along_x: true,
                origin: 450.0,
                bay: 62.0,
                skylights: true,
                weathered: 0.0,
            }
        } else {
            MetalRoof {
                colour: [0.63, 0.60, 0.54],
                ridge_along_x: true,
                origin: 450.0,
                bay: 62.0,
                skylights: false,
                weathered: 1.0,
            }
        };
        self.building(&P2, 22.0, Surface::MetalRoof(p2_roof));

        // Warehouse 1's extension.
        if changed(&W1) {
            self.building(
                &W1_EXTENSION,
                18.0,
                Surface::MetalRoof(MetalRoof {
                    colour: [0.60, 0.68, 0.76],
                    ridge_along_x: true,
                    origin: 250.0,
                    bay: 120.0,
                    skylights: false,
                    weathered: 0.0,
                }),
            );
        }

        // Production hall 3: solar panels.
        let p3_colour = [0.60, 0.60, 0.59];
        let p3_roof = if changed(&P3) {
            Surface::SolarRoof { colour: p3_colour }
        } else {
            Surface::FlatRoof { colour: p3_colour }
        };
        self.building(&P3, 20.0, p3_roof);
        for i in 0..4 {
            let x = 650.0 + i as f32 * 100.0;
            self.box_on([x, 1056.0, x + 20.0, 1068.0], 20.0, 23.0, Surface::Hvac);
        }

        // The new halls: ground, slab and crane while being built, then the hall.
        let new_l = change_of(&N1);
        let new_u = change_of(&N2);
        for (change, block) in [
            (new_l, [1096.0, 436.0, 1548.0, 990.0]),
            (new_u, [1096.0, 1036.0, 1548.0, 1468.0]),
        ] {
            let Some(change) = change else { continue };
            if date >= change.after {
                self.ground(block, Surface::Concrete);
            } else if date == change.before {
                self.ground(block, Surface::Soil { tracks: true });
                self.patch(Shape::poly(change.outline), Surface::Slab);
            } else {
                self.ground(block, Surface::Grass { lawn: false });
            }
        }
        if date >= DemoDate::July {
            self.new_l_hall();
        } else if date == DemoDate::April {
            self.crane([1420.0, 800.0], true);
        }
        if date >= DemoDate::April {
            self.new_u_hall();
        } else {
            self.crane([1325.0, 1380.0], false);
        }
    }

    fn new_l_hall(&mut self) {
        self.building(
            &N1,
            26.0,
            Surface::MetalRoof(MetalRoof {
                colour: [0.79, 0.81, 0.82],
                ridge_along_x: false,
                origin: 1110.0,
                bay: 70.0,
                skylights: true,
                weathered: 0.0,
            }),
        );
    }

    fn new_u_hall(&mut self) {
        self.building(
            &N2,
            22.0,
            Surface::FlatRoof {
                colour: [0.84, 0.85, 0.84],
            },
        );
        for (x, y) in [
            (1150.0, 1090.0),
            (1300.0, 1090.0),
            (1450.0, 1090.0),
            (1150.0, 1250.0),
            (1450.0, 1250.0),
            (1150.0, 1400.0),
            (1450.0, 1400.0),
        ] {
            self.box_on([x, y, x + 22.0, y + 16.0], 22.0, 25.0, Surface::Hvac);
        }
    }

    /// A tower crane: a mast and a jib high above the site, with a long thin shadow.
    fn crane(&mut self, [mx, my]: [f32; 2], jib_along_x: bool) {
        self.box_on(
            [mx - 2.0, my - 2.0, mx + 2.0, my + 2.0],
            0.0,
            70.0,
            Surface::Steel,
        );
        let jib = if jib_along_x {
            [mx - 120.0, my - 1.2, mx + 30.0, my + 1.2]
        } else {
            [mx - 1.2, my - 120.0, mx + 1.2, my + 30.0]
        };
        self.box_on(jib, 66.0, 68.0, Surface::Steel);
        let ballast = if jib_along_x {
            [mx + 22.0, my - 2.5, mx + 30.0, my + 2.5]
        } else {
            [mx - 2.5, my + 22.0, mx + 2.5, my + 30.0]
        };
        self.box_on(ballast, 65.0, 69.0, Surface::Concrete);
    }
}

/// The change whose before-outline this is, compared by value.
fn change_of(outline: Outline) -> Option<&'static ChangeSpec> {
    CHANGES.iter().find(|c| c.outline == outline)
}
