//! Random programs on a tape: see `../programs.rs` for what they do and what must hold.

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../programs.rs"]
mod programs;

fuzz_target!(|bytes: &[u8]| programs::run(bytes));
