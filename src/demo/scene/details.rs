//! The small things the seed places: containers, stacks, vehicles and trees. Some move between
//! dates, as they would on a working site, but never onto a changed building.

use super::{Builder, CONTAINER_COLOURS, PARKING_LOTS, STACK_COLOURS, Structure, car_colour};
use crate::demo::DemoDate;
use crate::demo::materials::{Surface, VehicleKind};
use crate::demo::noise::Noise;
use crate::demo::shapes::{Shape, meander_centre};

impl Builder {
    /// Containers, stacks of material and a construction laydown area.
    pub(super) fn yards(&mut self) {
        // Containers in stacks of up to three; about a third move between dates.
        let mut rng = self.rng(301);
        let mut moved = self.dated_rng(302);
        for bx in 0..3 {
            for by in 0..11 {
                for col in 0..4 {
                    for row in 0..5 {
                        let x = 1612.0 + bx as f32 * 110.0 + col as f32 * 25.4;
                        let y = 456.0 + by as f32 * 48.0 + row as f32 * 5.4;
                        let mut height = [0, 1, 1, 2, 2, 2, 3, 3][rng.below(8)];
                        let mut colour = CONTAINER_COLOURS[rng.below(CONTAINER_COLOURS.len())];
                        if moved.chance(0.3) && self.date != DemoDate::January {
                            height = moved.below(4);
                            colour = CONTAINER_COLOURS[moved.below(CONTAINER_COLOURS.len())];
                        }
                        if height > 0 {
                            let top = 5.2 * height as f32;
                            self.box_on(
                                [x, y, x + 24.4, y + 4.9],
                                0.0,
                                top,
                                Surface::Container { colour },
                            );
                        }
                    }
                }
            }
        }
        // Stacks of material in the yard of hall 2.
        let mut rng = self.rng(303);
        let mut moved = self.dated_rng(304);
        for ix in 0..25 {
            for iy in 0..13 {
                let (x, y) = (622.0 + ix as f32 * 16.0, 792.0 + iy as f32 * 14.0);
                let mut present = rng.chance(0.55);
                let colour = STACK_COLOURS[rng.below(STACK_COLOURS.len())];
                let top = rng.range(2.0, 5.0);
                if moved.chance(0.2) {
                    present = !present;
                }
                if present {
                    self.box_on(
                        [x, y, x + 10.0, y + 8.0],
                        0.0,
                        top,
                        Surface::Stack { colour },
                    );
                }
            }
        }
        // Laydown area beside the crane while the L-shaped hall is built.
        if self.date == DemoDate::April {
            let mut rng = self.rng(305);
            for i in 0..14 {
                let x = 1340.0 + (i % 7) as f32 * 24.0;
                let y = 880.0 + (i / 7) as f32 * 40.0;
                let colour = STACK_COLOURS[rng.below(2)];
                self.box_on(
                    [x, y, x + 16.0, y + 30.0],
                    0.0,
                    rng.range(2.0, 4.0),
                    Surface::Stack { colour },
                );
            }
        }
    }

    /// Parked cars, traffic, trailers at the docks and wagons on the spur; they differ by date.
    pub(super) fn vehicles(&mut self) {
        let occupancy = match self.date {
            DemoDate::January => 0.62,
            DemoDate::April => 0.74,
            DemoDate::July => 0.5,
        };
        let mut rng = self.dated_rng(401);
        for l in PARKING_LOTS {
            for [x0, y0, x1, y1] in l.stalls() {
                if !rng.chance(occupancy) {
                    continue;
                }
                let cx = (x0 + x1) / 2.0 + rng.range(-0.4, 0.4);
                let cy = (y0 + y1) / 2.0 + rng.range(-0.6, 0.6);
                let colour = car_colour(rng.unit());
                self.box_on(
                    [cx - 1.9, cy - 4.3, cx + 1.9, cy + 4.3],
                    0.0,
                    3.0,
                    Surface::Vehicle {
                        colour,
                        kind: VehicleKind::Car,
                    },
                );
            }
        }
        // Traffic on the public roads.
        for i in 0..10 {
            let along = rng.range(0.0, 2048.0);
            let colour = car_colour(rng.unit());
            let car = Surface::Vehicle {
                colour,
                kind: VehicleKind::Car,
            };
            let r = match i % 3 {
                0 => [along, 92.0, along + 8.6, 95.8],
                1 => [along, 84.5, along + 8.6, 88.3],
                _ => [
                    66.0 + (i % 2) as f32 * 7.0,
                    along,
                    69.8 + (i % 2) as f32 * 7.0,
                    along + 8.6,
                ],
            };
            self.box_on(r, 0.0, 3.0, car);
        }
        // Trailers at the docks of hall 3 and along warehouse 1.
        let cab_colours = [[0.75, 0.12, 0.10], [0.85, 0.85, 0.84], [0.20, 0.30, 0.55]];
        for i in 0..30 {
            if !rng.chance(0.55) {
                continue;
            }
            let x = 628.0 + i as f32 * 13.0;
            let cab = cab_colours[rng.below(cab_colours.len())];
            self.box_on(
                [x, 1302.0, x + 5.2, 1336.0],
                0.0,
                8.0,
                Surface::Vehicle {
                    colour: cab,
                    kind: VehicleKind::Truck,
                },
            );
        }
        for i in 0..6 {
            if !rng.chance(0.6) {
                continue;
            }
            let x = 1130.0 + i as f32 * 45.0;
            let cab = cab_colours[rng.below(cab_colours.len())];
            self.box_on(
                [x, 172.0, x + 34.0, 177.2],
                0.0,
                8.0,
                Surface::Vehicle {
                    colour: cab,
                    kind: VehicleKind::Truck,
                },
            );
        }
        // Trailers in the courtyards of the new halls once they are in use.
        let mut docks = Vec::new();
        if self.date >= DemoDate::July {
            docks.extend((0..14).map(|i| [1336.0 + i as f32 * 13.0, 642.0]));
        }
        if self.date >= DemoDate::April {
            docks.extend((0..8).map(|i| [1270.0 + i as f32 * 14.0, 1302.0]));
        }
        for [x, y] in docks {
            if rng.chance(0.6) {
                let cab = cab_colours[rng.below(cab_colours.len())];
                self.box_on(
                    [x, y, x + 5.2, y + 34.0],
                    0.0,
                    8.0,
                    Surface::Vehicle {
                        colour: cab,
                        kind: VehicleKind::Truck,
                    },
                );
            }
        }
        // Wagons on the spur.
        let start = rng.range(200.0, 700.0);
        for i in 0..rng.below(6) + 2 {
            let x = start + i as f32 * 38.0;
            self.box_on(
                [x, 1614.0, x + 36.0, 1620.0],
                0.0,
                8.0,
                Surface::Vehicle {
                    colour: [0.44, 0.31, 0.24],
                    kind: VehicleKind::Wagon,
                },
            );
        }
    }

    /// Trees grow on grass and river banks only, clear of everything built or parked.
    fn room_for_tree(&self, cx: f32, cy: f32, r: f32) -> bool {
        let probes = [
            (cx, cy),
            (cx - 0.7 * r, cy),
            (cx + 0.7 * r, cy),
            (cx, cy - 0.7 * r),
            (cx, cy + 0.7 * r),
        ];
        let hits = |shape: &Shape| probes.iter().any(|&(x, y)| shape.contains(x, y));
        let ground_ok = self
            .patches
            .iter()
            .all(|p| matches!(p.surface, Surface::Grass { .. } | Surface::Bank) || !hits(&p.shape));
        // Crowns may overlap: groves close up.
        ground_ok
            && !self
                .structures
                .iter()
                .any(|s| !matches!(s.surface, Surface::Tree { .. }) && hits(&s.shape))
    }

    /// Avenues, groves and the river banks. Planted before anything that changes between dates,
    /// so the same trees stand on every date.
    pub(super) fn trees(&mut self) {
        let mut rng = self.rng(501);
        let mut planted: Vec<(f32, f32, f32)> = Vec::new();
        // Avenue trees along the roads.
        let mut x = 20.0;
        while x < 2048.0 {
            if !(530.0..610.0).contains(&x) {
                planted.push((
                    x + rng.range(-4.0, 4.0),
                    127.0 + rng.range(-3.0, 3.0),
                    rng.range(7.0, 10.0),
                ));
            }
            x += rng.range(24.0, 34.0);
        }
        let mut y = 170.0;
        while y < 1740.0 {
            planted.push((112.0 + rng.range(-3.0, 3.0), y, rng.range(7.0, 10.0)));
            y += rng.range(26.0, 36.0);
        }
        // Planted areas and how many trees each holds.
        let zones: [([f32; 4], usize); 7] = [
            ([152.0, 330.0, 548.0, 392.0], 9),
            ([152.0, 162.0, 196.0, 392.0], 6),
            ([596.0, 310.0, 1048.0, 392.0], 10),
            ([1600.0, 1040.0, 1944.0, 1290.0], 45),
            ([1600.0, 1300.0, 1750.0, 1468.0], 12),
            ([150.0, 1636.0, 1950.0, 1734.0], 36),
            ([1600.0, 1510.0, 1944.0, 1600.0], 10),
        ];
        // Trees grow in groves: a few around each of several centres.
        for (zone, count) in zones {
            let mut left = count;
            while left > 0 {
                let (gx, gy) = (rng.range(zone[0], zone[2]), rng.range(zone[1], zone[3]));
                let grove = (1 + rng.below(6)).min(left);
                for _ in 0..grove {
                    let r = rng.range(5.0, 11.0);
                    let x = (gx + rng.range(-22.0, 22.0)).clamp(zone[0] + r, zone[2] - r);
                    let y = (gy + rng.range(-22.0, 22.0)).clamp(zone[1] + r, zone[3] - r);
                    planted.push((x, y, r));
                }
                left -= grove;
            }
        }
        // The river banks.
        for _ in 0..140 {
            let x = rng.range(-20.0, 2070.0);
            let north = rng.chance(0.7);
            let centre = meander_centre(1915.0, &[[22.0, 0.0041, 0.3], [9.0, 0.0113, 1.7]], x);
            let r = rng.range(6.0, 11.0);
            let y = if north {
                centre - rng.range(84.0, 112.0)
            } else {
                centre + rng.range(86.0, 125.0)
            };
            planted.push((x, y, r));
        }

        let crown_noise = Noise::new(self.seed, 502);
        for (i, (cx, cy, r)) in planted.into_iter().enumerate() {
            let conifer = rng.chance(0.22);
            let top = r * rng.range(2.3, 3.0);
            if !self.room_for_tree(cx, cy, r) {
                continue;
            }
            let bare = self.date == DemoDate::January && !conifer;
            // The trunk shows only through bare branches, and as a thin line of shadow.
            self.raise(
                Shape::Circle { cx, cy, r: 0.6 },
                0.0,
                top * 0.4,
                Surface::Tree { conifer: false },
            );
            self.structures.push(Structure {
                shape: Shape::Crown {
                    cx,
                    cy,
                    r,
                    density: if bare { 0.45 } else { 1.0 },
                    noise: crown_noise.with(i as u32),
                },
                base: top * 0.3,
                top,
                surface: Surface::Tree { conifer },
                shadow: if bare { 0.3 } else { 0.85 },
            });
        }
    }
}
