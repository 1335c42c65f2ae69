//! The Riverside plant on one date: ground patches, raised objects with heights (for shadows)
//! and the light of that day.
//!
//! The layout is fixed; the seed only moves the small things (trees, cars, containers, stacks)
//! and the textures, so every seed shows the same changes at the same places.

mod changes;
mod details;
mod site;

use super::DemoDate;
use super::layout::rect_bounds;
use super::materials::{ParkingLot, Rgb, Surface, VehicleKind};
use super::noise::{SplitMix64, hash32};
use super::shapes::Shape;

/// Sun and camera response of one date: a small illumination and colour difference between the
/// images, as between real acquisitions.
pub(crate) struct Light {
    /// Unit vector towards the sun (x east, y south, z up).
    pub sun: [f32; 3],
    /// Plan-view unit vector towards the sun.
    pub towards_sun: [f32; 2],
    /// Shadow length per unit of height: 1 / tan(elevation).
    pub shadow_per_height: f32,
    /// Sky light, which also lights the shadows (bluish).
    pub ambient: Rgb,
    /// Sunlight on flat ground; ambient + direct is white.
    pub direct: Rgb,
    /// Exposure of the camera.
    pub gain: f32,
    /// Colour balance of the camera.
    pub tint: Rgb,
    /// Light scattered by the air, added to every pixel.
    pub haze: Rgb,
}

impl Light {
    fn for_date(date: DemoDate) -> Light {
        // Elevation and azimuth of a mid-morning pass at about 50 degrees north.
        let (elevation, azimuth, gain, tint, haze): (f32, f32, f32, Rgb, Rgb) = match date {
            DemoDate::January => (24.0, 158.0, 0.95, [0.97, 0.99, 1.04], [0.015, 0.018, 0.026]),
            DemoDate::April => (47.0, 150.0, 1.0, [1.0, 1.0, 1.0], [0.006, 0.007, 0.009]),
            DemoDate::July => (60.0, 145.0, 1.02, [1.03, 1.01, 0.96], [0.010, 0.010, 0.008]),
        };
        let (e, a) = (elevation.to_radians(), azimuth.to_radians());
        let sun = [a.sin() * e.cos(), -a.cos() * e.cos(), e.sin()];
        let plan = (sun[0] * sun[0] + sun[1] * sun[1]).sqrt();
        Light {
            sun,
            towards_sun: [sun[0] / plan, sun[1] / plan],
            shadow_per_height: e.cos() / e.sin(),
            ambient: [0.40, 0.44, 0.53],
            direct: [0.60, 0.56, 0.47],
            gain,
            tint,
            haze,
        }
    }
}

/// Something standing above the ground, from `base` to `top` (reference units, like x and y).
pub(crate) struct Structure {
    pub shape: Shape,
    pub base: f32,
    pub top: f32,
    pub surface: Surface,
    /// How much direct sun its shadow blocks: 1 for solid objects, less for bare trees.
    pub shadow: f32,
}

/// A piece of ground cover; later patches lie on top of earlier ones.
pub(crate) struct Patch {
    pub shape: Shape,
    pub surface: Surface,
}

/// Everything the renderer needs for one date.
pub(crate) struct Scene {
    pub date: DemoDate,
    pub seed: u64,
    pub light: Light,
    /// The ground where no patch lies.
    pub background: Patch,
    pub patches: Vec<Patch>,
    pub structures: Vec<Structure>,
}

impl Scene {
    pub(crate) fn build(date: DemoDate, seed: u64) -> Scene {
        let mut b = Builder {
            date,
            seed,
            patches: Vec::new(),
            structures: Vec::new(),
        };
        b.surroundings();
        b.compound_ground();
        b.buildings();
        b.trees();
        b.changing_buildings();
        b.yards();
        b.vehicles();
        Scene {
            date,
            seed,
            light: Light::for_date(date),
            background: Patch {
                shape: Shape::rect(-1e4, -1e4, 1e4, 1e4),
                surface: Surface::Grass { lawn: false },
            },
            patches: b.patches,
            structures: b.structures,
        }
    }
}

/// Collects the patches and structures of one date, in drawing order.
struct Builder {
    date: DemoDate,
    seed: u64,
    patches: Vec<Patch>,
    structures: Vec<Structure>,
}

/// Car paint and how common it is.
const CAR_COLOURS: [(f32, Rgb); 7] = [
    (0.25, [0.86, 0.86, 0.85]),
    (0.20, [0.67, 0.68, 0.70]),
    (0.18, [0.12, 0.12, 0.13]),
    (0.15, [0.42, 0.43, 0.44]),
    (0.08, [0.16, 0.22, 0.38]),
    (0.07, [0.62, 0.14, 0.12]),
    (0.07, [0.25, 0.38, 0.62]),
];

const CONTAINER_COLOURS: [Rgb; 7] = [
    [0.55, 0.24, 0.18],
    [0.30, 0.50, 0.66],
    [0.22, 0.40, 0.28],
    [0.55, 0.56, 0.57],
    [0.78, 0.45, 0.16],
    [0.80, 0.80, 0.78],
    [0.17, 0.22, 0.40],
];

/// Pallets, steel, blue tarpaulin and crates.
const STACK_COLOURS: [Rgb; 4] = [
    [0.60, 0.48, 0.34],
    [0.55, 0.56, 0.58],
    [0.26, 0.40, 0.62],
    [0.50, 0.42, 0.32],
];

impl Builder {
    /// A random stream for one purpose, the same on every date.
    fn rng(&self, salt: u32) -> SplitMix64 {
        SplitMix64::new(self.seed ^ (u64::from(hash32(salt)) << 32 | u64::from(hash32(!salt))))
    }

    /// A random stream for one purpose that differs between dates (parked cars come and go).
    fn dated_rng(&self, salt: u32) -> SplitMix64 {
        self.rng(salt.wrapping_add(0x1000 * (self.date.index() as u32 + 1)))
    }

    fn patch(&mut self, shape: Shape, surface: Surface) {
        self.patches.push(Patch { shape, surface });
    }

    fn ground(&mut self, [x0, y0, x1, y1]: [f32; 4], surface: Surface) {
        self.patch(Shape::rect(x0, y0, x1, y1), surface);
    }

    fn raise(&mut self, shape: Shape, base: f32, top: f32, surface: Surface) {
        self.structures.push(Structure {
            shape,
            base,
            top,
            surface,
            shadow: 1.0,
        });
    }

    fn building(&mut self, outline: &[(f32, f32)], top: f32, surface: Surface) {
        let shape = if outline.len() == 4 {
            let [x0, y0, x1, y1] = rect_bounds(outline);
            Shape::rect(x0, y0, x1, y1)
        } else {
            Shape::poly(outline)
        };
        self.raise(shape, 0.0, top, surface);
    }

    /// A box from `base` to `top`: plant on a roof, a vehicle, a container stack.
    fn box_on(&mut self, [x0, y0, x1, y1]: [f32; 4], base: f32, top: f32, surface: Surface) {
        self.raise(Shape::rect(x0, y0, x1, y1), base, top, surface);
    }

    fn road(&mut self, [x0, y0, x1, y1]: [f32; 4]) {
        let horizontal = x1 - x0 > y1 - y0;
        let (centre, half_width) = if horizontal {
            ((y0 + y1) / 2.0, (y1 - y0) / 2.0)
        } else {
            ((x0 + x1) / 2.0, (x1 - x0) / 2.0)
        };
        self.ground(
            [x0, y0, x1, y1],
            Surface::Road {
                horizontal,
                centre,
                half_width,
            },
        );
    }
}

/// The staff car park and the visitors' car park by the offices.
const PARKING_LOTS: [ParkingLot; 2] = [
    lot(600.0, 168.0, 1044.0, 306.0),
    lot(440.0, 170.0, 548.0, 300.0),
];

/// A lot of 2.5 m x 5 m stalls with 7 m aisles.
const fn lot(x0: f32, y0: f32, x1: f32, y1: f32) -> ParkingLot {
    ParkingLot {
        x0,
        y0,
        x1,
        y1,
        stall_width: 5.0,
        stall_length: 10.0,
        aisle: 14.0,
    }
}

fn excavator() -> Surface {
    Surface::Vehicle {
        colour: [0.86, 0.66, 0.12],
        kind: VehicleKind::Excavator,
    }
}

fn car_colour(u: f32) -> Rgb {
    let mut acc = 0.0;
    for (weight, colour) in CAR_COLOURS {
        acc += weight;
        if u < acc {
            return colour;
        }
    }
    CAR_COLOURS[0].1
}
