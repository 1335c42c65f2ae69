//! Image decoding with explicit limits.
