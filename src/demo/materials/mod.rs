//! What each surface of the demo site looks like from above: its colour and texture on each date
//! and how much sun its slope catches. Textures are functions of position in the reference frame,
//! so a larger image shows the same site in finer detail.

mod ground;
mod objects;

use super::DemoDate;
use super::noise::{Noise, round};
use super::shapes::Shape;
use ground::{
    asphalt, bank, concrete, field, grass, gravel, parking, rail, road, rubble, slab, soil, water,
};
use objects::{
    chimney, container, flat_roof, hvac, metal_roof, pipe, solar_roof, stack, steel, tank_roof,
    tree, vehicle,
};

pub(crate) type Rgb = [f32; 3];

/// Everything a surface needs besides its position.
pub(crate) struct Ctx {
    pub date: DemoDate,
    /// Reference units per sample: texture finer than about two samples fades to its mean.
    pub fp: f32,
    /// Unit vector towards the sun (x east, y south, z up).
    pub sun: [f32; 3],
    pub noise: Noise,
}

impl Ctx {
    /// Direct light on a surface with normal `n`, relative to flat ground.
    fn slope_light(&self, n: [f32; 3]) -> f32 {
        let len = (n[0] * n[0] + n[1] * n[1] + n[2] * n[2]).sqrt();
        let dot = (n[0] * self.sun[0] + n[1] * self.sun[1] + n[2] * self.sun[2]) / len;
        dot.max(0.0) / self.sun[2]
    }
}

/// A surface's colour under flat, unshadowed light, and the direct sun its slope catches
/// relative to flat ground.
pub(crate) struct Shade {
    pub albedo: Rgb,
    pub sun: f32,
}

impl Shade {
    fn flat(albedo: Rgb) -> Shade {
        Shade { albedo, sun: 1.0 }
    }
}

/// Kinds of vehicle, each with its own top view.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum VehicleKind {
    Car,
    Truck,
    Excavator,
    Wagon,
}

/// A parking lot: rows of stalls back to back, then a driving aisle, repeating down the lot.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct ParkingLot {
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
    pub stall_width: f32,
    pub stall_length: f32,
    pub aisle: f32,
}

impl ParkingLot {
    fn period(&self) -> f32 {
        2.0 * self.stall_length + self.aisle
    }

    /// Every stall as `[x0, y0, x1, y1]`, row by row; cars are parked in some of them.
    pub(crate) fn stalls(&self) -> Vec<[f32; 4]> {
        let mut out = Vec::new();
        let mut row_y = self.y0;
        while row_y + 2.0 * self.stall_length <= self.y1 {
            for half in 0..2 {
                let y = row_y + half as f32 * self.stall_length;
                let mut x = self.x0;
                while x + self.stall_width <= self.x1 {
                    out.push([x, y, x + self.stall_width, y + self.stall_length]);
                    x += self.stall_width;
                }
            }
            row_y += self.period();
        }
        out
    }
}

/// A corrugated metal roof made of one or more parallel gable bays.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct MetalRoof {
    pub colour: Rgb,
    pub ridge_along_x: bool,
    /// Where the first bay starts, across the ridges.
    pub origin: f32,
    /// Bay width across the ridges.
    pub bay: f32,
    pub skylights: bool,
    /// 0 for a new roof, 1 for faded paint with rust streaks.
    pub weathered: f32,
}

/// Every material on the site.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Surface {
    Grass {
        lawn: bool,
    },
    Field,
    Soil {
        tracks: bool,
    },
    Asphalt,
    Concrete,
    Gravel,
    Water,
    Bank,
    Road {
        horizontal: bool,
        centre: f32,
        half_width: f32,
    },
    Parking(ParkingLot),
    Rail {
        centre: f32,
    },
    Rubble,
    Slab,
    Fence,
    MetalRoof(MetalRoof),
    FlatRoof {
        colour: Rgb,
    },
    SolarRoof {
        colour: Rgb,
    },
    TankRoof,
    Chimney,
    Tree {
        conifer: bool,
    },
    Vehicle {
        colour: Rgb,
        kind: VehicleKind,
    },
    Container {
        colour: Rgb,
    },
    Hvac,
    Steel,
    Stack {
        colour: Rgb,
    },
    Pipe,
}

impl Surface {
    /// The look of this surface at `(x, y)`, which lies inside `shape`.
    pub(crate) fn shade(&self, x: f32, y: f32, shape: &Shape, ctx: &Ctx) -> Shade {
        match self {
            Surface::Grass { lawn } => grass(x, y, *lawn, ctx),
            Surface::Field => field(x, y, ctx),
            Surface::Soil { tracks } => soil(x, y, *tracks, ctx),
            Surface::Asphalt => Shade::flat(asphalt(x, y, ctx)),
            Surface::Concrete => Shade::flat(concrete(x, y, ctx)),
            Surface::Gravel => Shade::flat(gravel(x, y, ctx)),
            Surface::Water => water(x, y, ctx),
            Surface::Bank => bank(x, y, shape, ctx),
            Surface::Road {
                horizontal,
                centre,
                half_width,
            } => road(x, y, *horizontal, *centre, *half_width, ctx),
            Surface::Parking(lot) => parking(x, y, lot, ctx),
            Surface::Rail { centre } => rail(x, y, *centre, ctx),
            Surface::Rubble => rubble(x, y, ctx),
            Surface::Slab => slab(x, y, ctx),
            Surface::Fence => Shade::flat([0.52, 0.52, 0.50]),
            Surface::MetalRoof(roof) => metal_roof(x, y, roof, shape, ctx),
            Surface::FlatRoof { colour } => flat_roof(x, y, *colour, shape, ctx),
            Surface::SolarRoof { colour } => solar_roof(x, y, *colour, shape, ctx),
            Surface::TankRoof => tank_roof(x, y, shape, ctx),
            Surface::Chimney => chimney(x, y, shape),
            Surface::Tree { conifer } => tree(x, y, *conifer, shape, ctx),
            Surface::Vehicle { colour, kind } => vehicle(x, y, *colour, *kind, shape, ctx),
            Surface::Container { colour } => container(x, y, *colour, shape, ctx),
            Surface::Hvac => hvac(x, y, shape),
            Surface::Steel => steel(x, y, shape, ctx),
            Surface::Stack { colour } => stack(x, y, *colour, shape, ctx),
            Surface::Pipe => pipe(x, y, shape, ctx),
        }
    }
}

pub(crate) fn scale(c: Rgb, k: f32) -> Rgb {
    [c[0] * k, c[1] * k, c[2] * k]
}

pub(crate) fn mix(a: Rgb, b: Rgb, t: f32) -> Rgb {
    [
        a[0] + (b[0] - a[0]) * t,
        a[1] + (b[1] - a[1]) * t,
        a[2] + (b[2] - a[2]) * t,
    ]
}

/// How much of a sample `fp` wide, centred `d` from the middle of a line `2 * half` wide, the
/// line covers (a box filter: thin lines fade instead of flickering).
fn line(d: f32, half: f32, fp: f32) -> f32 {
    let lo = (d - fp / 2.0).max(-half);
    let hi = (d + fp / 2.0).min(half);
    ((hi - lo) / fp).clamp(0.0, 1.0)
}

/// Coverage of lines `2 * half` wide repeating every `period` along `coord`; when the period
/// nears the sample size the lines blend into their mean coverage.
fn periodic_line(coord: f32, period: f32, half: f32, fp: f32) -> f32 {
    let d = coord - round(coord / period) * period;
    let sharp = line(d, half, fp);
    let mean = (2.0 * half / period).min(1.0);
    let resolved = (period / fp / 2.0 - 1.0).clamp(0.0, 1.0);
    mean + (sharp - mean) * resolved
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_thin_line_covers_its_share_of_a_wide_sample() {
        assert!((line(0.0, 0.25, 1.0) - 0.5).abs() < 1e-6);
        assert_eq!(line(3.0, 0.25, 1.0), 0.0);
        assert_eq!(line(0.0, 2.0, 1.0), 1.0);
    }

    #[test]
    fn unresolvable_periodic_lines_blend_into_their_mean() {
        let a = periodic_line(0.0, 0.8, 0.1, 2.0);
        let b = periodic_line(0.4, 0.8, 0.1, 2.0);
        assert!((a - b).abs() < 1e-6 && (a - 0.25).abs() < 1e-6);
    }

    #[test]
    fn a_parking_lot_lists_whole_stalls_only() {
        let lot = ParkingLot {
            x0: 0.0,
            y0: 0.0,
            x1: 22.0,
            y1: 40.0,
            stall_width: 5.0,
            stall_length: 10.0,
            aisle: 14.0,
        };
        // Four stalls across, two rows back to back; the second block would not fit.
        assert_eq!(lot.stalls().len(), 8);
    }
}
