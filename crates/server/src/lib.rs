//! Cinnabar server library.
