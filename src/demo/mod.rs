//! The deterministic synthetic demo site.
