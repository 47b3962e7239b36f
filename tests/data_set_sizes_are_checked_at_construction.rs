//! A data set whose size cannot be addressed is refused when it is made, in release builds
//! too, not later with an index message.

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
