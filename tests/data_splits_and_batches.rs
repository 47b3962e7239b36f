//! Cutting a data set: a split and the mini-batches share out exactly the original points,
//! in sizes worked out by hand, in an order fixed by the seed; whole-number targets read as class indices.
#![cfg(feature = "nn")]

use tapegrad::Value;
use tapegrad::nn::{self, Activation, DataError, DataParallel, Dataset, Init, Mlp, Run, loss};

/// Ten points whose inputs say which point they are: point `i` is `(i, -i)` with target
/// `i mod 3`.
fn numbered(n: usize) -> Dataset {
    let inputs = (0..n).flat_map(|i| [i as f64, -(i as f64)]).collect();
    let targets = (0..n).map(|i| (i % 3) as f64).collect();
    Dataset::new(2, inputs, targets)
}

/// Which original points a part holds, read from their inputs, in the part's order.
fn which(part: &Dataset) -> Vec<usize> {
    part.iter()
        .map(|(x, t)| {
            let i = x[0] as usize;
            assert_eq!(
                (x[1], t),
                (-(i as f64), (i % 3) as f64),
                "point {i} kept whole"
            );
            i
        })
        .collect()
}

fn sorted(mut v: Vec<usize>) -> Vec<usize> {
    v.sort_unstable();
    v
}

#[test]
fn subset_takes_the_points_at_the_indices_in_their_order() {
    let data = numbered(10);
    assert_eq!(which(&data.subset(&[7, 2, 2, 0])), [7, 2, 2, 0]);
    assert!(data.subset(&[]).is_empty());
}

#[test]
#[should_panic(expected = "point 10 is out of range: the data set has 10 points")]
fn subset_with_an_index_out_of_range_panics() {
    numbered(10).subset(&[3, 10]);
}

#[test]
fn split_shares_out_every_point_once() {
    let data = numbered(10);
    let (train, test) = data.split(0.8, 42);
    assert_eq!((train.len(), test.len()), (8, 2));
    let mut all = which(&train);
    all.extend(which(&test));
    assert_eq!(sorted(all), (0..10).collect::<Vec<_>>());
}

#[test]
fn split_rounds_to_the_nearest_point() {
    let data = numbered(10);
    for (fraction, first) in [
        (0.0, 0),
        (0.04, 0),
        (0.06, 1),
        (0.25, 3),
        (0.74, 7),
        (1.0, 10),
    ] {
        let (a, b) = data.split(fraction, 0);
        assert_eq!(
            (a.len(), b.len()),
            (first, 10 - first),
            "fraction {fraction}"
        );
    }
}

#[test]
fn split_is_shuffled_and_fixed_by_the_seed() {
    let data = numbered(40);
    let (a, _) = data.split(0.5, 1);
    assert_eq!(data.split(0.5, 1).0, a);
    assert_ne!(
        which(&a),
        (0..20).collect::<Vec<_>>(),
        "shuffled, not the first half"
    );
    assert_ne!(data.split(0.5, 2).0, a, "another seed, another split");
}

#[test]
#[should_panic(expected = "split takes the fraction of points for the first part, in [0, 1]")]
fn split_with_a_fraction_above_one_panics() {
    numbered(10).split(1.5, 0);
}

#[test]
#[should_panic(expected = "in [0, 1]; got NaN")]
fn split_with_a_nan_fraction_panics() {
    numbered(10).split(f64::NAN, 0);
}

#[test]
fn batches_cover_every_point_once_with_a_short_last_batch() {
    let data = numbered(10);
    let batches: Vec<Dataset> = data.batches(4, 9).collect();
    let sizes: Vec<usize> = batches.iter().map(Dataset::len).collect();
    assert_eq!(sizes, [4, 4, 2]);
    let all: Vec<usize> = batches.iter().flat_map(which).collect();
    assert_eq!(sorted(all.clone()), (0..10).collect::<Vec<_>>());
    assert_ne!(all, (0..10).collect::<Vec<_>>(), "shuffled");
    assert_eq!(data.batches(5, 0).len(), 2);
    assert_eq!(
        data.batches(20, 0).map(|b| b.len()).collect::<Vec<_>>(),
        [10]
    );
    assert_eq!(numbered(0).batches(4, 0).count(), 0);
}

#[test]
fn batches_repeat_with_the_seed_and_change_with_it() {
    let data = numbered(30);
    let order = |seed| {
        data.batches(8, seed)
            .flat_map(|b| which(&b))
            .collect::<Vec<_>>()
    };
    assert_eq!(order(3), order(3));
    assert_ne!(order(3), order(4));
}

#[test]
fn batches_report_how_many_are_left() {
    let data = numbered(10);
    let mut batches = data.batches(3, 0);
    assert_eq!(batches.len(), 4);
    batches.next();
    assert_eq!(batches.size_hint(), (3, Some(3)));
}

#[test]
#[should_panic(expected = "a mini-batch needs at least one point")]
fn batches_of_zero_points_panic() {
    numbered(10).batches(0, 0);
}

fn hinge<'t>(scores: Run<'t>, label: f64) -> Value<'t> {
    loss::hinge(scores.get(0), label)
}

fn l2(params: Run<'_>) -> Value<'_> {
    loss::l2(params) * 1e-3
}

#[test]
fn the_batches_gradients_average_to_the_whole_sets() {
    // The mean loss over equal batches is the mean of the batches' mean losses, and so is
    // its gradient (with the penalty added to each): each batch is a data set DataParallel
    // takes like any other.
    let data = nn::moons(40, 0.1, 0);
    let model = Mlp::new(
        2,
        &[(4, Activation::Tanh), (1, Activation::Identity)],
        Init::Xavier,
        0,
    );
    let mut parallel = DataParallel::new(2);
    let (mut whole, mut part) = (Vec::new(), Vec::new());
    let whole_loss = parallel.loss_and_gradient(&model, &data, hinge, l2, &mut whole);
    let mut mean = vec![0.0; whole.len()];
    let mut mean_loss = 0.0;
    for batch in data.batches(10, 5) {
        mean_loss += parallel.loss_and_gradient(&model, &batch, hinge, l2, &mut part) / 4.0;
        mean.iter_mut().zip(&part).for_each(|(m, g)| *m += g / 4.0);
    }
    assert!((mean_loss - whole_loss).abs() < 1e-12);
    assert!(mean.iter().zip(&whole).all(|(m, w)| (m - w).abs() < 1e-12));
}

#[test]
fn whole_number_targets_become_class_indices() {
    let data = numbered(7).into_classes().unwrap();
    assert_eq!(data.targets(), [0, 1, 2, 0, 1, 2, 0]);
    assert_eq!(data.target(5), 2);
    assert_eq!(data.class_count(), 3);
    assert_eq!(data.input(5), numbered(7).input(5));
    assert_eq!(numbered(0).into_classes().unwrap().class_count(), 0);
    assert_eq!(nn::spiral(5, 4, 0.1, 0).class_count(), 4);
}

#[test]
fn targets_that_are_not_class_indices_are_a_typed_error_naming_the_point() {
    let minus_one = nn::moons(4, 0.0, 0).into_classes().unwrap_err();
    assert_eq!(
        minus_one,
        DataError::NotAClass {
            point: 0,
            target: -1.0
        }
    );
    assert_eq!(
        minus_one.to_string(),
        "point 0's target -1 is not a class index (a whole number from 0 up)"
    );
    let data = Dataset::new(1, vec![0.0, 1.0, 2.0], vec![1.0, 0.5, f64::NAN]);
    assert_eq!(
        data.into_classes().unwrap_err(),
        DataError::NotAClass {
            point: 1,
            target: 0.5
        }
    );
}

#[test]
fn try_new_refuses_sizes_that_do_not_fit_with_a_typed_error() {
    assert_eq!(
        Dataset::try_new(0, vec![], vec![1.0]),
        Err(DataError::NoInputs)
    );
    assert_eq!(
        Dataset::try_new(3, vec![0.0; 5], vec![1_usize, 2]),
        Err(DataError::InputCount {
            dims: 3,
            targets: 2,
            inputs: 5
        })
    );
    // A product that would wrap around usize is no match for any input length.
    let huge = Dataset::try_new(usize::MAX / 2 + 1, vec![], vec![0.0; 2]).unwrap_err();
    assert!(
        huge.to_string()
            .ends_with("more input numbers than fit in memory"),
        "{huge}"
    );
    let ok = Dataset::try_new(2, vec![1.0, 2.0, 3.0, 4.0], vec![0_usize, 1]).unwrap();
    assert_eq!(ok, Dataset::new(2, vec![1.0, 2.0, 3.0, 4.0], vec![0, 1]));
}
