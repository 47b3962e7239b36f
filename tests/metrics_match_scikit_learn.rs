//! The confusion matrix, per-class precision, recall and F1, macro F1, regression errors and
//! the standardiser against scikit-learn's numbers for the same inputs, which
//! `tests/reference/metrics.py` computes with scikit-learn.
#![cfg(feature = "nn")]

use tapegrad::nn::{ConfusionMatrix, Dataset, RegressionMetrics, Standardize};

fn close(actual: f64, expected: f64) {
    assert!(
        (actual - expected).abs() <= 1e-14 * expected.abs().max(1.0),
        "{actual} vs {expected}"
    );
}

#[test]
fn classification_metrics_match_scikit_learn() {
    let actual = [0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 2, 0, 1, 2];
    let predicted = [0, 1, 0, 1, 1, 2, 1, 2, 2, 0, 2, 1, 0, 1, 2];
    // Four classes, the last never seen: scikit-learn's macro average leaves it out.
    let matrix = ConfusionMatrix::from_pairs(4, actual.into_iter().zip(predicted));
    let counts: Vec<Vec<usize>> = (0..4)
        .map(|a| (0..4).map(|p| matrix.count(a, p)).collect())
        .collect();
    assert_eq!(
        counts,
        [[3, 1, 0, 0], [0, 4, 1, 0], [1, 1, 4, 0], [0, 0, 0, 0]]
    );
    let precision = [0.75, 0.6666666666666666, 0.8];
    let recall = [0.75, 0.8, 0.6666666666666666];
    let f1 = [0.75, 0.7272727272727273, 0.7272727272727273];
    for class in 0..3 {
        close(matrix.precision(class), precision[class]);
        close(matrix.recall(class), recall[class]);
        close(matrix.f1(class), f1[class]);
    }
    // zero_division=0 for the class that never occurs.
    assert_eq!(
        (matrix.precision(3), matrix.recall(3), matrix.f1(3)),
        (0.0, 0.0, 0.0)
    );
    close(matrix.macro_f1(), 0.7348484848484849);
    close(matrix.accuracy(), 11.0 / 15.0);
}

#[test]
fn regression_metrics_match_scikit_learn_per_output_and_averaged() {
    let targets = [[0.5, 1.0], [-1.0, 1.0], [7.0, -6.0], [2.0, 0.0]];
    let predictions = [[0.0, 2.0], [-1.0, 2.0], [8.0, -5.0], [2.5, 0.5]];
    let pairs = predictions
        .iter()
        .zip(&targets)
        .map(|(p, t)| (&p[..], &t[..]));
    let metrics = RegressionMetrics::from_pairs(2, pairs);
    close(metrics.mse(), 0.59375);
    close(metrics.mse_of(0), 0.375);
    close(metrics.mse_of(1), 0.8125);
    close(metrics.mae(), 0.6875);
    close(metrics.mae_of(0), 0.5);
    close(metrics.mae_of(1), 0.875);
    close(metrics.r2(), 0.9314804937519049);
    close(metrics.r2_of(0), 0.9585492227979274);
    close(metrics.r2_of(1), 0.9044117647058824);
}

#[test]
fn the_standardiser_matches_scikit_learns_standard_scaler() {
    let train = Dataset::new(
        3,
        vec![
            1.0, 200.0, 5.0, 2.0, 180.0, 5.0, 4.0, 260.0, 5.0, 7.0, 210.0, 5.0,
        ],
        vec![0.0; 4],
    );
    let test = Dataset::new(3, vec![3.0, 190.0, 5.0, 10.0, 300.0, 4.0], vec![0.0; 2]);
    let standardize = Standardize::fit(&train);
    for (a, e) in standardize.means().iter().zip([3.5, 212.5, 5.0]) {
        close(*a, e);
    }
    for (a, e) in standardize
        .scales()
        .iter()
        .zip([2.29128784747792, 29.47456530637899, 1.0])
    {
        close(*a, e);
    }
    let standardized = standardize.apply(&test);
    let expected = [
        [-0.2182178902359924, -0.7633700367119738, 0.0],
        [2.836832573067901, 2.968661253879898, -1.0],
    ];
    for (i, row) in expected.iter().enumerate() {
        for (a, e) in standardized.input(i).iter().zip(row) {
            close(*a, *e);
        }
    }
}
