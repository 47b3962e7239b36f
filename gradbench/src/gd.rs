//! Gradient descent as GradBench's `particle` and `saddle` evals prescribe it (the harness's
//! `gd.hpp`): a step `x - η ∇f` is taken when it lowers `f`, `η` halves when it does not and
//! doubles after ten steps taken in a row, and the search stops once the gradient or the step
//! is shorter than 1e-5.
//!
//! It is written for any [`Scalar`], so that a nested search (the inner maximum of `saddle`)
//! runs on recorded values and its result can be differentiated. The tests and the step
//! rules read the numbers (`Scalar::data`); the steps themselves are computed in `S`.

use tapegrad::Scalar;

/// A function to descend: its value and its gradient at a point.
pub trait Descent<S> {
    fn value(&mut self, x: &[S]) -> S;
    fn gradient(&mut self, x: &[S]) -> Vec<S>;
}

fn norm<S: Scalar>(v: impl Iterator<Item = S>) -> f64 {
    v.map(|x| x.data() * x.data()).sum::<f64>().sqrt()
}

/// The point gradient descent reaches from `start`.
pub fn argmin<S: Scalar>(f: &mut impl Descent<S>, start: &[S]) -> Vec<S> {
    let mut x = start.to_vec();
    let mut fx = f.value(&x);
    let mut gx = f.gradient(&x);
    let (mut steps, mut eta) = (0, 1e-5);
    loop {
        if norm(gx.iter().copied()) <= 1e-5 {
            return x;
        } else if steps == 10 {
            eta *= 2.0;
            steps = 0;
        } else {
            let moved: Vec<S> = x.iter().zip(&gx).map(|(&x, &g)| x - g * eta).collect();
            if norm(x.iter().zip(&moved).map(|(&a, &b)| a - b)) <= 1e-5 {
                return x;
            }
            let f_moved = f.value(&moved);
            if f_moved.data() < fx.data() {
                (x, fx) = (moved, f_moved);
                gx = f.gradient(&x);
                steps += 1;
            } else {
                eta /= 2.0;
                steps = 0;
            }
        }
    }
}

/// `-f`, to climb by descending.
struct Negated<'a, F>(&'a mut F);

impl<S: Scalar, F: Descent<S>> Descent<S> for Negated<'_, F> {
    fn value(&mut self, x: &[S]) -> S {
        -self.0.value(x)
    }
    fn gradient(&mut self, x: &[S]) -> Vec<S> {
        self.0.gradient(x).into_iter().map(|g| -g).collect()
    }
}

/// The point gradient ascent reaches from `start`.
pub fn argmax<S: Scalar>(f: &mut impl Descent<S>, start: &[S]) -> Vec<S> {
    argmin(&mut Negated(f), start)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(x - 3)²` with its gradient written out: the solver alone.
    struct Bowl;
    impl Descent<f64> for Bowl {
        fn value(&mut self, x: &[f64]) -> f64 {
            (x[0] - 3.0) * (x[0] - 3.0)
        }
        fn gradient(&mut self, x: &[f64]) -> Vec<f64> {
            vec![2.0 * (x[0] - 3.0)]
        }
    }

    #[test]
    fn descent_finds_a_parabola_s_minimum_and_ascent_its_negation_s_maximum() {
        assert!((argmin(&mut Bowl, &[0.0])[0] - 3.0).abs() < 1e-4);
        struct Cap;
        impl Descent<f64> for Cap {
            fn value(&mut self, x: &[f64]) -> f64 {
                -Bowl.value(x)
            }
            fn gradient(&mut self, x: &[f64]) -> Vec<f64> {
                vec![-Bowl.gradient(x)[0]]
            }
        }
        assert!((argmax(&mut Cap, &[10.0])[0] - 3.0).abs() < 1e-4);
    }
}
