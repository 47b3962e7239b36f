//! micrograd's two-moons training run, for the benchmarks that time its steps on tapegrad
//! (`micrograd_step.rs`) and on the reference tape (`reference_tape.rs`): one definition, so
//! that both time the same steps.

/// micrograd's demo network: 2 inputs, two hidden layers of 16 neurons, 1 output.
pub const SIZES: [usize; 4] = [2, 16, 16, 1];

/// micrograd's demo: 100 SGD steps from the same initial weights, with learning rate
/// 1 - 0.9 k/100 at step k. Every benchmark iteration is one step of such a run; after the
/// 100th the run starts again, so that the steps measured are those of real training (not of
/// a network diverging under endless restarts of the schedule).
pub struct TrainingRun {
    initial: Vec<f64>,
    params: Vec<f64>,
    grads: Vec<f64>,
    step: usize,
}

impl TrainingRun {
    pub fn new() -> Self {
        let count: usize = (0..3).map(|l| (SIZES[l] + 1) * SIZES[l + 1]).sum();
        // Deterministic weights in (-1, 1), as micrograd's uniform initialisation.
        let initial: Vec<f64> = (0..count)
            .map(|i| ((i * 7919 % 2001) as f64 / 1000.0) - 1.0)
            .collect();
        TrainingRun {
            params: initial.clone(),
            initial,
            grads: vec![0.0; count],
            step: 0,
        }
    }

    /// One step: `loss_and_gradient(params, grads)` returns the loss at `params` and writes
    /// its gradient into `grads`; the step returns the loss.
    pub fn step(&mut self, loss_and_gradient: impl FnOnce(&[f64], &mut [f64]) -> f64) -> f64 {
        if self.step % 100 == 0 {
            self.params.copy_from_slice(&self.initial);
        }
        let loss = loss_and_gradient(&self.params, &mut self.grads);
        let lr = 1.0 - 0.9 * (self.step % 100) as f64 / 100.0;
        for (w, g) in self.params.iter_mut().zip(&self.grads) {
            *w -= lr * g;
        }
        self.step += 1;
        loss
    }
}
