//! Cinnabar server library.
pub mod config;
