//! The method's rules, each case named after its rule of method.md, and
//! the week as a whole. One test program, an area per module.

#![allow(clippy::unwrap_used)] // tests fail loudly by design

mod common;

mod cases;
mod week;
