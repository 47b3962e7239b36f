//! A data set whose size cannot be addressed is refused when it is made, in release builds
//! too, not later with an index message.
#![cfg(feature = "nn")]

use tapegrad::nn::Dataset;

#[test]
#[should_panic(
    expected = "2 targets with 9223372036854775808 inputs each need more input numbers than fit in memory"
)]
fn a_data_set_whose_input_count_overflows_is_refused() {
    // dims * len is 2^64, which wraps to 0: the empty inputs would match.
    Dataset::new(1 << 63, Vec::new(), vec![0.0, 1.0]);
}

#[test]
#[should_panic(expected = "a data set needs at least one input per point")]
fn a_data_set_without_inputs_is_refused() {
    Dataset::new(0, Vec::new(), vec![0.0]);
}

// A data set is made in memory at once: asked for more points than can be counted or
// allocated, each constructor panics with what to do, in release builds too, before it
// computes a single point.

#[test]
#[should_panic(
    expected = "moons(18446744073709551615, ..): the points' numbers are more than \
                           a usize can count; ask for fewer points"
)]
fn moons_whose_coordinates_cannot_be_counted_are_refused() {
    tapegrad::nn::moons(usize::MAX, 0.1, 0);
}

#[test]
#[should_panic(
    expected = "moons(288230376151711744, ..): 288230376151711744 points of 2 \
                           inputs and a target need 6917529027641081856 bytes, which the \
                           allocator refused; ask for fewer points"
)]
fn moons_too_many_for_memory_are_refused() {
    // 2^62 bytes of coordinates: below isize::MAX, so the allocator is asked, and beyond
    // any address space, so it refuses.
    tapegrad::nn::moons(1 << 58, 0.1, 0);
}

#[test]
fn spirals_whose_numbers_cannot_be_counted_are_refused() {
    // 3 * 2^62 points fit in a usize, their 6 * 2^62 coordinates do not; 4 * 2^62 points
    // do not either.
    for classes in [3, 4] {
        let refused = std::panic::catch_unwind(|| tapegrad::nn::spiral(1 << 62, classes, 0.2, 0));
        let payload = refused.expect_err("the spiral should have been refused");
        assert_eq!(
            payload.downcast_ref::<String>().map(String::as_str),
            Some(
                format!(
                    "spiral(4611686018427387904, {classes}, ..): the points' numbers are more \
                     than a usize can count; ask for fewer points"
                )
                .as_str()
            )
        );
    }
}

#[test]
#[should_panic(
    expected = "spiral(144115188075855872, 2, ..): 288230376151711744 points of 2 \
                           inputs and a target need 6917529027641081856 bytes, which the \
                           allocator refused; ask for fewer points"
)]
fn a_spiral_too_large_for_memory_is_refused() {
    tapegrad::nn::spiral(1 << 57, 2, 0.2, 0);
}
