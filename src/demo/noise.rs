//! Deterministic randomness for the demo site: a SplitMix64 stream for placing things (trees,
//! cars, containers) and hash-based value noise for textures.
//!
//! Both are written out here, a few lines each, instead of taken from `rand`: the committed demo
//! images must come out byte for byte the same after any dependency update, and `rand` does not
//! promise stable streams between versions. Noise is a pure function of position, so bands of an
//! image can be rendered on any thread in any order.

/// The SplitMix64 generator (Steele, Lea and Flood 2014): tiny, fast and good enough for
/// scattering objects.
pub(crate) struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    pub(crate) fn new(seed: u64) -> Self {
        SplitMix64 { state: seed }
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`.
    pub(crate) fn unit(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 * (1.0 / 16_777_216.0)
    }

    /// Uniform in `[lo, hi)`.
    pub(crate) fn range(&mut self, lo: f32, hi: f32) -> f32 {
        lo + (hi - lo) * self.unit()
    }

    pub(crate) fn chance(&mut self, p: f32) -> bool {
        self.unit() < p
    }

    /// Uniform index in `0..n` (`n > 0`).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

/// Chris Wellons' `lowbias32` integer hash: cheap and well mixed.
pub(crate) fn hash32(mut x: u32) -> u32 {
    x ^= x >> 16;
    x = x.wrapping_mul(0x7FEB_352D);
    x ^= x >> 15;
    x = x.wrapping_mul(0x846C_A68B);
    x ^ (x >> 16)
}

/// One independent noise field, chosen by a seed and a salt naming its purpose.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Noise {
    seed: u32,
}

impl Noise {
    pub(crate) fn new(seed: u64, salt: u32) -> Self {
        let folded = (seed ^ (seed >> 32)) as u32;
        Noise {
            seed: hash32(folded ^ hash32(salt.wrapping_add(0x5EED))),
        }
    }

    /// A field derived from this one, for a sub-purpose.
    pub(crate) fn with(self, salt: u32) -> Self {
        Noise {
            seed: hash32(self.seed ^ hash32(salt)),
        }
    }

    /// A well-mixed hash of a lattice point.
    pub(crate) fn hash(self, x: i32, y: i32) -> u32 {
        hash32(hash32(self.seed ^ x as u32).wrapping_add(y as u32))
    }

    /// Smooth value noise in `[0, 1]` with features about one unit across.
    pub(crate) fn value(self, x: f32, y: f32) -> f32 {
        let (fx, fy) = (floor(x), floor(y));
        let (ix, iy) = (fx as i32, fy as i32);
        let (tx, ty) = (smooth(x - fx), smooth(y - fy));
        // The corners hashed as `hash` does, sharing the two column hashes.
        let (hx0, hx1) = (
            hash32(self.seed ^ ix as u32),
            hash32(self.seed ^ ix.wrapping_add(1) as u32),
        );
        let corner = |hx: u32, y: i32| {
            (hash32(hx.wrapping_add(y as u32)) >> 8) as f32 * (1.0 / 16_777_216.0)
        };
        let a = corner(hx0, iy);
        let b = corner(hx1, iy);
        let c = corner(hx0, iy.wrapping_add(1));
        let d = corner(hx1, iy.wrapping_add(1));
        lerp(lerp(a, b, tx), lerp(c, d, tx), ty)
    }

    /// Fractal value noise, centred on 0 and within `[-1, 1]`: `octaves` layers from features
    /// `scale` units across down to half that per layer.
    ///
    /// Layers finer than the sample footprint `fp` (units per sample) fade out instead of
    /// aliasing: the same texture seen at 2048 px is smooth, at 16384 px it gains detail, and the
    /// JPEG never has to encode moiré.
    pub(crate) fn fbm(self, x: f32, y: f32, scale: f32, octaves: u32, fp: f32) -> f32 {
        let mut sum = 0.0;
        let mut norm = 0.0;
        let mut amp = 1.0;
        let mut wavelength = scale;
        for octave in 0..octaves {
            let weight = (wavelength / fp - 2.0).clamp(0.0, 1.0);
            if weight > 0.0 {
                let shift = octave as f32 * 17.31;
                let v = self.value(x / wavelength + shift, y / wavelength - shift);
                sum += amp * weight * (2.0 * v - 1.0);
            }
            norm += amp;
            amp *= 0.5;
            wavelength *= 0.5;
        }
        sum / norm
    }
}

/// `x.floor()` without a call into libm, which the baseline x86-64 target makes for every
/// `floor`, `round` and `%` on floats (a third of the render time); exact for |x| < 2^31.
#[inline]
pub(crate) fn floor(x: f32) -> f32 {
    let t = x as i32 as f32;
    if t > x { t - 1.0 } else { t }
}

/// The nearest whole number, halves rounded up.
#[inline]
pub(crate) fn round(x: f32) -> f32 {
    floor(x + 0.5)
}

/// The Euclidean remainder `x mod m`, in `[0, m]` (`m > 0`).
#[inline]
pub(crate) fn wrap(x: f32, m: f32) -> f32 {
    x - floor(x / m) * m
}

fn smooth(t: f32) -> f32 {
    t * t * (3.0 - 2.0 * t)
}

pub(crate) fn lerp(a: f32, b: f32, t: f32) -> f32 {
    a + (b - a) * t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix_gives_the_published_first_outputs() {
        // Reference values of SplitMix64 seeded with 0.
        let mut r = SplitMix64::new(0);
        assert_eq!(r.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(r.next_u64(), 0x6E78_9E6A_A1B9_65F4);
    }

    #[test]
    fn value_noise_stays_in_range_and_is_continuous() {
        let n = Noise::new(7, 1);
        let mut prev = n.value(0.0, 0.3);
        for i in 1..2000 {
            let v = n.value(i as f32 * 0.01, 0.3);
            assert!((0.0..=1.0).contains(&v));
            assert!((v - prev).abs() < 0.05, "jump at step {i}");
            prev = v;
        }
    }

    #[test]
    fn fbm_fades_out_layers_finer_than_a_sample() {
        let n = Noise::new(3, 2);
        // With samples far larger than the texture every layer is dropped.
        assert_eq!(n.fbm(12.3, 4.5, 2.0, 3, 10.0), 0.0);
        assert!(n.fbm(12.3, 4.5, 50.0, 3, 0.5).abs() <= 1.0);
    }
}
