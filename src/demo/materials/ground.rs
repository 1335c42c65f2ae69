//! Ground surfaces: vegetation, soil, paving, water, rubble and slabs.

use super::{Ctx, ParkingLot, Rgb, Shade, line, mix, periodic_line, scale};
use crate::demo::DemoDate;
use crate::demo::noise::{floor, round, wrap};
use crate::demo::shapes::Shape;

const PAINT: Rgb = [0.84, 0.84, 0.80];

pub(super) fn grass(x: f32, y: f32, lawn: bool, ctx: &Ctx) -> Shade {
    let (base, dry) = match ctx.date {
        DemoDate::January => ([0.44, 0.43, 0.35], [0.52, 0.49, 0.41]),
        DemoDate::April => ([0.39, 0.46, 0.29], [0.48, 0.48, 0.36]),
        DemoDate::July => ([0.34, 0.44, 0.25], [0.52, 0.50, 0.37]),
    };
    let n = ctx.noise.with(10);
    let patches = n.fbm(x, y, 90.0, 3, ctx.fp);
    let clumps = n.with(1).fbm(x, y, 6.0, 3, ctx.fp);
    let dryness = ((patches - 0.05) * 1.5).clamp(0.0, 1.0) * if lawn { 0.25 } else { 0.6 };
    let mut c = scale(
        mix(base, dry, dryness),
        1.0 + 0.10 * clumps + 0.04 * patches,
    );
    if lawn && ctx.date != DemoDate::January {
        // Mowing stripes.
        let stripe = if floor(y / 6.0) as i32 & 1 == 0 {
            1.03
        } else {
            0.97
        };
        c = scale(c, stripe);
    }
    Shade::flat(c)
}

pub(super) fn field(x: f32, y: f32, ctx: &Ctx) -> Shade {
    // Parcels along the road grow different crops, so the patchwork changes through the year.
    let parcel = floor((x + 300.0) / 520.0) as i32 + if y > 300.0 { 7 } else { 0 };
    let winter_crop = parcel.rem_euclid(2) == 0;
    let ploughed = [0.47, 0.40, 0.32];
    let c = match (ctx.date, winter_crop) {
        (DemoDate::January, true) => [0.43, 0.44, 0.34],
        (DemoDate::January, false) => ploughed,
        (DemoDate::April, true) => [0.39, 0.48, 0.28],
        (DemoDate::April, false) => [0.50, 0.46, 0.36],
        (DemoDate::July, true) => [0.66, 0.60, 0.41],
        (DemoDate::July, false) => [0.37, 0.47, 0.27],
    };
    let n = ctx.noise.with(11);
    let mut c = scale(
        c,
        1.0 + 0.07 * n.fbm(x, y, 70.0, 3, ctx.fp) + 0.04 * n.with(1).fbm(x, y, 3.0, 2, ctx.fp),
    );
    // Tramlines of the tractor, every 24 m.
    let tram = periodic_line(x + 7.0 * parcel as f32, 48.0, 0.8, ctx.fp);
    c = scale(c, 1.0 - 0.12 * tram);
    // Furrows, visible only in the sharper renderings.
    let furrow = periodic_line(x, 1.6, 0.4, ctx.fp) - 0.5;
    c = scale(c, 1.0 - 0.10 * furrow);
    Shade::flat(c)
}

pub(super) fn soil(x: f32, y: f32, tracks: bool, ctx: &Ctx) -> Shade {
    let n = ctx.noise.with(12);
    let mut c = scale(
        [0.57, 0.50, 0.40],
        1.0 + 0.08 * n.fbm(x, y, 40.0, 3, ctx.fp) + 0.06 * n.with(1).fbm(x, y, 2.5, 2, ctx.fp),
    );
    if tracks {
        // Wheel ruts wandering across graded ground, in two loose directions, fading in and out.
        let t = y + 40.0 * n.with(2).fbm(x, y, 160.0, 2, ctx.fp);
        let u = x + 40.0 * n.with(4).fbm(x, y, 160.0, 2, ctx.fp);
        let ruts =
            periodic_line(t, 37.0, 0.6, ctx.fp).max(periodic_line(t + 3.6, 37.0, 0.6, ctx.fp));
        let cross =
            periodic_line(u, 53.0, 0.6, ctx.fp).max(periodic_line(u + 3.6, 53.0, 0.6, ctx.fp));
        let fade = (0.5 + n.with(5).fbm(x, y, 50.0, 2, ctx.fp)).clamp(0.0, 1.0);
        let fade2 = (0.3 + n.with(6).fbm(x, y, 50.0, 2, ctx.fp)).clamp(0.0, 1.0);
        c = scale(c, 1.0 - 0.10 * (ruts * fade).max(cross * fade2));
    }
    if ctx.date == DemoDate::July {
        let weeds = n.with(3).fbm(x, y, 5.0, 2, ctx.fp);
        c = mix(
            c,
            [0.40, 0.47, 0.26],
            ((weeds - 0.25) * 3.0).clamp(0.0, 0.7),
        );
    }
    Shade::flat(c)
}

pub(super) fn asphalt(x: f32, y: f32, ctx: &Ctx) -> Rgb {
    let n = ctx.noise.with(13);
    let c = scale(
        [0.31, 0.31, 0.32],
        1.0 + 0.07 * n.fbm(x, y, 25.0, 3, ctx.fp) + 0.05 * n.with(1).fbm(x, y, 1.5, 2, ctx.fp),
    );
    let stains = n.with(2).fbm(x, y, 6.0, 2, ctx.fp);
    scale(c, 1.0 - 0.12 * ((stains - 0.35) * 4.0).clamp(0.0, 1.0))
}

pub(super) fn concrete(x: f32, y: f32, ctx: &Ctx) -> Rgb {
    let n = ctx.noise.with(14);
    let c = scale(
        [0.66, 0.65, 0.61],
        1.0 + 0.05 * n.fbm(x, y, 35.0, 3, ctx.fp) + 0.035 * n.with(1).fbm(x, y, 2.0, 2, ctx.fp),
    );
    let joints = periodic_line(x, 10.0, 0.15, ctx.fp).max(periodic_line(y, 10.0, 0.15, ctx.fp));
    let stains = n.with(2).fbm(x, y, 12.0, 2, ctx.fp);
    scale(
        c,
        (1.0 - 0.25 * joints) * (1.0 - 0.10 * ((stains - 0.3) * 3.0).clamp(0.0, 1.0)),
    )
}

pub(super) fn gravel(x: f32, y: f32, ctx: &Ctx) -> Rgb {
    let n = ctx.noise.with(15);
    scale(
        [0.58, 0.56, 0.51],
        1.0 + 0.07 * n.fbm(x, y, 30.0, 2, ctx.fp) + 0.10 * n.with(1).fbm(x, y, 1.2, 2, ctx.fp),
    )
}

pub(super) fn water(x: f32, y: f32, ctx: &Ctx) -> Shade {
    let c = match ctx.date {
        DemoDate::January => [0.16, 0.22, 0.26],
        DemoDate::April => [0.17, 0.25, 0.27],
        DemoDate::July => [0.17, 0.27, 0.24],
    };
    // Ripples drawn out along the current (east-west).
    let n = ctx.noise.with(16);
    let ripple = n.fbm(x * 0.25, y, 4.0, 3, ctx.fp);
    let slow = n.with(1).fbm(x, y, 120.0, 2, ctx.fp);
    Shade::flat(scale(c, 1.0 + 0.06 * ripple + 0.05 * slow))
}

pub(super) fn bank(x: f32, y: f32, shape: &Shape, ctx: &Ctx) -> Shade {
    let n = ctx.noise.with(17);
    let mud = scale(
        [0.50, 0.46, 0.38],
        1.0 + 0.08 * n.fbm(x, y, 20.0, 3, ctx.fp),
    );
    // The bank grows over towards its outer edge.
    let grassy = grass(x, y, false, ctx).albedo;
    let inward = shape.edge_distance(x, y);
    let t = (0.5 + 0.6 * n.with(1).fbm(x, y, 15.0, 2, ctx.fp) - inward * 0.04).clamp(0.0, 1.0);
    Shade::flat(mix(mud, grassy, t))
}

pub(super) fn road(
    x: f32,
    y: f32,
    horizontal: bool,
    centre: f32,
    half_width: f32,
    ctx: &Ctx,
) -> Shade {
    let (along, across) = if horizontal {
        (x, y - centre)
    } else {
        (y, x - centre)
    };
    let dash = if wrap(along, 18.0) < 9.0 { 1.0 } else { 0.0 };
    let centre_line = line(across, 0.25, ctx.fp) * dash;
    let edge_line = line(across.abs() - (half_width - 1.5), 0.25, ctx.fp);
    let paint = centre_line.max(edge_line);
    Shade::flat(mix(asphalt(x, y, ctx), PAINT, 0.85 * paint))
}

pub(super) fn parking(x: f32, y: f32, lot: &ParkingLot, ctx: &Ctx) -> Shade {
    let base = asphalt(x, y, ctx);
    let ly = wrap(y - lot.y0, lot.period());
    if ly >= 2.0 * lot.stall_length {
        return Shade::flat(base);
    }
    let stall = periodic_line(x - lot.x0, lot.stall_width, 0.2, ctx.fp);
    let back = line(ly - lot.stall_length, 0.2, ctx.fp);
    Shade::flat(mix(base, PAINT, 0.8 * stall.max(back)))
}

pub(super) fn rail(x: f32, y: f32, centre: f32, ctx: &Ctx) -> Shade {
    let d = y - centre;
    let n = ctx.noise.with(18);
    let mut c = scale(
        [0.49, 0.46, 0.42],
        1.0 + 0.06 * n.fbm(x, y, 20.0, 2, ctx.fp) + 0.10 * n.with(1).fbm(x, y, 1.0, 2, ctx.fp),
    );
    if d.abs() < 2.6 {
        let sleeper = periodic_line(x, 1.3, 0.25, ctx.fp);
        c = mix(c, [0.33, 0.29, 0.25], 0.8 * sleeper);
    }
    let rails = line(d.abs() - 1.45, 0.18, ctx.fp);
    Shade::flat(mix(c, [0.60, 0.59, 0.57], rails))
}

pub(super) fn rubble(x: f32, y: f32, ctx: &Ctx) -> Shade {
    const PALETTE: [Rgb; 6] = [
        [0.63, 0.61, 0.57],
        [0.56, 0.37, 0.30],
        [0.40, 0.38, 0.36],
        [0.70, 0.67, 0.61],
        [0.48, 0.45, 0.41],
        [0.52, 0.33, 0.27],
    ];
    const MEAN: Rgb = [0.55, 0.47, 0.43];
    let n = ctx.noise.with(19);
    // Broken pieces: cells of a warped grid, each with one colour.
    let wx = x + 1.2 * n.with(1).fbm(x, y, 3.0, 2, ctx.fp);
    let wy = y + 1.2 * n.with(2).fbm(x, y, 3.0, 2, ctx.fp);
    let cell = n.hash(floor(wx / 1.6) as i32, floor(wy / 1.6) as i32);
    // Each piece lies at its own angle to the sun.
    let tilt = 0.8 + 0.4 * ((cell >> 8) & 0xFF) as f32 / 255.0;
    let piece = scale(PALETTE[(cell % PALETTE.len() as u32) as usize], tilt);
    let resolved = (1.6 / ctx.fp / 2.0 - 0.5).clamp(0.0, 1.0);
    let mut c = mix(MEAN, piece, 0.6 * resolved);
    // Grit between the pieces, seen only in the sharpest renderings.
    let grit = n
        .with(5)
        .hash(floor(wx / 0.45) as i32, floor(wy / 0.45) as i32);
    if grit & 3 == 0 {
        let fine = (0.45 / ctx.fp / 2.0 - 0.5).clamp(0.0, 1.0);
        c = mix(
            c,
            PALETTE[((grit >> 4) % PALETTE.len() as u32) as usize],
            0.7 * fine,
        );
    }
    // Heaps: shade the height field of the piles.
    let heap = |x: f32, y: f32| 7.0 * n.with(3).fbm(x, y, 24.0, 3, 0.5);
    let (hx, hy) = (
        heap(x + 1.0, y) - heap(x - 1.0, y),
        heap(x, y + 1.0) - heap(x, y - 1.0),
    );
    let sun = ctx.slope_light([-hx / 2.0, -hy / 2.0, 1.0]);
    let dust = n.with(4).fbm(x, y, 30.0, 2, ctx.fp);
    Shade {
        albedo: mix(c, [0.64, 0.60, 0.54], (0.3 + 0.3 * dust).clamp(0.0, 1.0)),
        sun,
    }
}

pub(super) fn slab(x: f32, y: f32, ctx: &Ctx) -> Shade {
    let n = ctx.noise.with(20);
    let mut c = scale(
        [0.74, 0.73, 0.70],
        1.0 + 0.04 * n.fbm(x, y, 30.0, 3, ctx.fp),
    );
    // Rebar mats waiting for concrete, laid bay by bay.
    let (bx, by) = (floor(x / 20.0) * 20.0 + 10.0, floor(y / 20.0) * 20.0 + 10.0);
    if n.with(1).value(bx / 150.0, by / 150.0) < 0.22 {
        let mesh = periodic_line(x, 1.0, 0.1, ctx.fp).max(periodic_line(y, 1.0, 0.1, ctx.fp));
        c = mix(c, [0.47, 0.40, 0.34], 0.35 + 0.5 * mesh);
    }
    // Column footings on a 10 m grid.
    let fx = x - round(x / 20.0) * 20.0;
    let fy = y - round(y / 20.0) * 20.0;
    let footing = line(fx, 1.3, ctx.fp) * line(fy, 1.3, ctx.fp);
    Shade::flat(mix(c, [0.30, 0.29, 0.28], footing))
}
