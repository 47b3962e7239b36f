//! Any bytes given to the model loader: see `../model_files.rs` for what must hold.

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../model_files.rs"]
mod model_files;

fuzz_target!(|bytes: &[u8]| model_files::check(bytes));
