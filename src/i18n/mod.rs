//! User-facing text in Japanese and English.

pub mod findings;

pub use findings::Lang;
