//! Per-image display adjustments (brightness, contrast, gamma, automatic stretch), applied
//! through a lookup table when tiles are uploaded. They change what the analyst sees, never the
//! project.

/// How one dated image is displayed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Adjustments {
    /// Added after contrast, in units of the full range: -1..=1.
    pub brightness: f32,
    /// Multiplies the distance from mid-grey: 0.1..=4.
    pub contrast: f32,
    /// Output = input^(1/gamma): values above 1 brighten the shadows.
    pub gamma: f32,
    /// Stretch the 2 %..98 % luminance range to the full range first.
    pub auto_stretch: bool,
}

impl Default for Adjustments {
    fn default() -> Self {
        Self {
            brightness: 0.0,
            contrast: 1.0,
            gamma: 1.0,
            auto_stretch: false,
        }
    }
}

/// A per-channel lookup table from stored 8-bit values to displayed ones.
pub type Lut = [[u8; 256]; 3];

impl Adjustments {
    pub fn is_default(&self) -> bool {
        *self == Self::default()
    }

    /// The table for these settings. `stretch` is the image's 2 % and 98 % luminance
    /// percentiles, used when `auto_stretch` is on.
    pub fn lut(&self, stretch: Option<(u8, u8)>) -> Lut {
        let (lo, hi) = match (self.auto_stretch, stretch) {
            (true, Some((lo, hi))) if hi > lo => (lo as f32, hi as f32),
            _ => (0.0, 255.0),
        };
        let gamma = self.gamma.clamp(0.05, 20.0);
        let contrast = self.contrast.clamp(0.0, 10.0);
        let mut one = [0u8; 256];
        for (v, out) in one.iter_mut().enumerate() {
            let mut x = ((v as f32 - lo) / (hi - lo)).clamp(0.0, 1.0);
            x = x.powf(1.0 / gamma);
            x = (x - 0.5) * contrast + 0.5 + self.brightness;
            *out = (x.clamp(0.0, 1.0) * 255.0).round() as u8;
        }
        [one; 3]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_adjustments_change_nothing() {
        let lut = Adjustments::default().lut(Some((40, 90)));
        for v in 0..=255u8 {
            assert_eq!(lut[0][v as usize], v);
        }
    }

    #[test]
    fn auto_stretch_maps_the_percentiles_to_black_and_white() {
        let a = Adjustments {
            auto_stretch: true,
            ..Default::default()
        };
        let lut = a.lut(Some((40, 90)));
        assert_eq!(lut[1][40], 0);
        assert_eq!(lut[1][90], 255);
        assert_eq!(lut[1][20], 0);
        assert!(lut[1][65] > 120 && lut[1][65] < 135);
    }

    #[test]
    fn brightness_contrast_and_gamma_move_values_the_expected_way() {
        let v = 100usize;
        let brighter = Adjustments {
            brightness: 0.2,
            ..Default::default()
        };
        assert!(brighter.lut(None)[0][v] > 100);
        let gamma = Adjustments {
            gamma: 2.0,
            ..Default::default()
        };
        assert!(gamma.lut(None)[0][v] > 100, "gamma above 1 lifts mid-tones");
        let contrast = Adjustments {
            contrast: 2.0,
            ..Default::default()
        };
        assert!(contrast.lut(None)[0][v] < 100, "below mid-grey moves down");
        assert!(contrast.lut(None)[0][200] > 200, "above mid-grey moves up");
    }
}
