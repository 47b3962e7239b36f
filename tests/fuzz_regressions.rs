//! Inputs of the fuzz targets in `fuzz/`, replayed with every `cargo test` (on stable, without
//! libFuzzer): each checks what the target checks. A crash a fuzzer finds is minimized
//! (`cargo +nightly fuzz tmin <target> <input>`), saved under `fuzz/regressions/<target>/`
//! and replayed here by a test named for what went wrong.

#[cfg(feature = "nn")]
#[path = "../fuzz/model_files.rs"]
mod model_files;
#[path = "../fuzz/programs.rs"]
mod programs;

#[cfg(feature = "nn")]
#[test]
fn the_loader_fuzzers_seed_loads_and_saves_back_bit_for_bit() {
    model_files::check(include_bytes!("../fuzz/seeds/model_loader/small.txt"));
}

#[test]
fn a_program_through_every_kind_of_op_passes_the_checks() {
    // Every op byte once in three, after the bytes that pick special numbers.
    let program: Vec<u8> = (0u8..=255).step_by(3).chain(0..24).collect();
    programs::run(&program);
}

/// Found by `random_programs` in its first minute: a backward sweep through `powi(i32::MIN)`
/// computes the exponent `n - 1`, which overflows.
#[test]
fn a_program_through_powi_of_i32_min_backpropagates() {
    programs::run(include_bytes!(
        "../fuzz/regressions/random_programs/powi_of_i32_min"
    ));
}
