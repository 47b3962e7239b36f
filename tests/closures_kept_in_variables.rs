//! Closures kept in a `let` or a struct field before they reach a helper or `DataParallel`:
//! `function`, `vector_function`, `DataParallel::loss` and `DataParallel::penalty` give them
//! the signature the helpers take. That these tests compile is half of what they check.

#[cfg(feature = "nn")]
use tapegrad::Tape;
#[cfg(feature = "nn")]
use tapegrad::nn::{self, Activation, DataParallel, Init, Mlp, Module, Run, loss};
use tapegrad::{
    Value, function, hessian, hessian_vector_product, jacobian, value_and_gradient,
    value_gradient_and_hessian, vector_function,
};

/// A boxed closure, with the signature the helpers take written in its type.
type ScalarFunction = Box<dyn for<'t> Fn(&[Value<'t>]) -> Value<'t>>;

/// A problem that keeps its objective in a field, as an optimiser's state would.
struct Problem<F> {
    objective: F,
}

#[test]
fn a_closure_in_a_let_serves_every_scalar_helper() {
    // f(x, y) = x² y + e^y: gradient (2 x y, x² + e^y), Hessian [[2y, 2x], [2x, e^y]]. The
    // closure owns its coefficients, so it is not `Copy` and is lent to each helper.
    let coefficients = Vec::from([1.0, 1.0]);
    let f = function(move |v| v[0] * v[0] * v[1] * coefficients[0] + v[1].exp() * coefficients[1]);
    let (x, y) = (1.5_f64, 0.5_f64);
    let (value, gradient) = value_and_gradient(&f, &[x, y]);
    assert_eq!(value, x * x * y + y.exp());
    assert_eq!(gradient, [2.0 * x * y, x * x + y.exp()]);
    let expected_hessian = [[2.0 * y, 2.0 * x], [2.0 * x, y.exp()]];
    assert_eq!(hessian(&f, &[x, y]), expected_hessian);
    assert_eq!(
        hessian_vector_product(&f, &[x, y], &[1.0, 0.0]),
        [2.0 * y, 2.0 * x]
    );
    // Passed by value too, once the borrows are done.
    assert_eq!(value_gradient_and_hessian(f, &[x, y]).0, value);
}

#[test]
fn a_closure_in_a_struct_field_serves_the_helpers() {
    // Least squares over data the closure owns: f(a) = sum_i (a t_i - y_i)², f'(a) =
    // 2 sum_i t_i (a t_i - y_i).
    let (t, y) = (vec![1.0, 2.0], vec![2.0, 3.0]);
    let problem = Problem {
        objective: function(move |v: &[Value]| {
            let tape = v[0].tape();
            tape.sum(t.iter().zip(&y).map(|(&t, &y)| (v[0] * t - y).powi(2)))
        }),
    };
    let (value, gradient) = value_and_gradient(&problem.objective, &[1.0]);
    assert_eq!(value, 1.0 + 1.0); // (1 - 2)² + (2 - 3)²
    assert_eq!(gradient, [2.0 * (-1.0 - 2.0)]); // 2 (1 (1 - 2) + 2 (2 - 3))
    assert_eq!(hessian(&problem.objective, &[1.0]), [[2.0 * (1.0 + 4.0)]]);
}

#[test]
fn a_vector_closure_in_a_let_serves_jacobian() {
    let polar = vector_function(|v| vec![v[0] * v[1].cos(), v[0] * v[1].sin()]);
    let (r, theta) = (2.0_f64, 0.25_f64);
    let j = jacobian(polar, &[r, theta]);
    let expected = [
        [theta.cos(), -r * theta.sin()],
        [theta.sin(), r * theta.cos()],
    ];
    assert_eq!(j, expected);
}

#[test]
fn a_boxed_closure_with_the_signature_in_its_type_serves_the_helpers() {
    let f: ScalarFunction = Box::new(|v| v[0].powi(3));
    assert_eq!(hessian(&f, &[2.0]), [[12.0]]); // 6 x
}

#[cfg(feature = "nn")]
#[test]
fn a_kept_loss_and_penalty_give_data_parallel_the_same_result_as_inline_closures() {
    let data = nn::xor();
    let model = Mlp::new(
        2,
        &[(3, Activation::Tanh), (1, Activation::Identity)],
        Init::Xavier,
        7,
    );
    let squared = DataParallel::loss(|out, target| loss::squared_error(out.get(0), target));
    let small_weights = DataParallel::penalty(|params| loss::l2(params) * 1e-3);
    let mut kept = Vec::new();
    let l_kept =
        DataParallel::new(1).loss_and_gradient(&model, &data, squared, small_weights, &mut kept);

    // The same loss recorded by hand on one tape: the mean of (out - t)² plus 1e-3 |w|².
    let tape = Tape::new();
    let params = model.bind(&tape);
    let points: Vec<Value<'_>> = (0..data.len())
        .map(|i| {
            let out = model.forward(params, Run::vars(&tape, data.input(i)));
            (out.get(0) - data.target(i)).powi(2)
        })
        .collect();
    let by_hand =
        tape.sum(points) / data.len() as f64 + tape.sum(params.iter().map(|p| p * p)) * 1e-3;
    by_hand.backward();
    let mut expected = Vec::new();
    params.grads_into(&mut expected);
    assert!(
        (l_kept - by_hand.data()).abs() < 1e-12,
        "{l_kept} against {}",
        by_hand.data()
    );
    assert_eq!(kept.len(), expected.len());
    for (k, e) in kept.iter().zip(&expected) {
        assert!((k - e).abs() < 1e-12, "{k} against {e}");
    }
}
