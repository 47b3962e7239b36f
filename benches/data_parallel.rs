//! Data-parallel training: a batch on one thread and on two, on an idle machine and on a
//! loaded one.
//!
//! - `data_parallel/{one_thread,two_threads}`: the loss and gradient of a 1000-point
//!   two-moons batch for the MLP 2-16-16-1 (target 4; the test
//!   `data_parallel_matches_single_thread` checks that both agree to 1e-12).
//! - `data_parallel_{idle,one_core_busy,all_cores_busy}/{32,2000}_points/{one,two}_threads`:
//!   batches of 32 and 2000 points for the MLP 2-32-32-1, with nothing else running, with
//!   one process spinning on the CPU beside the benchmark, and with one spinning process a
//!   core. The spinning processes are this executable started again with
//!   `TAPEGRAD_BENCH_SPIN` set; each ends when the benchmark closes its standard input, so
//!   none outlives it even when it is killed.
//!
//! The cases use `DataParallel::new` and `loss_and_gradient` alone, so that this file also
//! builds against older revisions (`benches/ab.py --same-benches`).
//!
//! `cargo bench -p tapegrad-benches --bench data_parallel`

use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use criterion::Criterion;
use tapegrad::nn::{self, Activation, DataParallel, Dataset, Init, Mlp, loss};

/// Set in the environment of the spinning processes.
const SPIN: &str = "TAPEGRAD_BENCH_SPIN";

fn main() {
    if std::env::var_os(SPIN).is_some() {
        spin();
    }
    let mut c = Criterion::default().configure_from_args();
    target_four(&mut c);
    loaded(&mut c);
    c.final_summary();
}

/// Target 4: a 1000-point batch, MLP 2-16-16-1.
fn target_four(c: &mut Criterion) {
    let data = nn::moons(1000, 0.1, 4);
    let layers = [
        (16, Activation::Relu),
        (16, Activation::Relu),
        (1, Activation::Identity),
    ];
    let model = Mlp::new(2, &layers, Init::Uniform, 4);
    let mut group = c.benchmark_group("data_parallel");
    for (name, threads) in [("one_thread", 1), ("two_threads", 2)] {
        let mut parallel = DataParallel::new(threads);
        let mut grads = Vec::new();
        group.bench_function(name, |b| {
            b.iter(|| step(&mut parallel, &model, &data, &mut grads))
        });
    }
    group.finish();
}

/// Batches of 32 and 2000 points, MLP 2-32-32-1, with 0, 1 and one-a-core spinning processes
/// beside the benchmark.
fn loaded(c: &mut Criterion) {
    let layers = [
        (32, Activation::Relu),
        (32, Activation::Relu),
        (1, Activation::Identity),
    ];
    let model = Mlp::new(2, &layers, Init::Uniform, 4);
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    for (load, spinners) in [("idle", 0), ("one_core_busy", 1), ("all_cores_busy", cores)] {
        let _busy = Busy::start(spinners);
        let mut group = c.benchmark_group(format!("data_parallel_{load}"));
        group
            .sample_size(30)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(4));
        for points in [32, 2000] {
            let data = nn::moons(points, 0.1, 4);
            for (name, threads) in [("one_thread", 1), ("two_threads", 2)] {
                let mut parallel = DataParallel::new(threads);
                let mut grads = Vec::new();
                group.bench_function(format!("{points}_points/{name}"), |b| {
                    b.iter(|| step(&mut parallel, &model, &data, &mut grads))
                });
            }
        }
        group.finish();
    }
}

/// One batch's loss and gradient: hinge loss and an L2 penalty.
fn step(parallel: &mut DataParallel, model: &Mlp, data: &Dataset, grads: &mut Vec<f64>) -> f64 {
    parallel.loss_and_gradient(
        model,
        data,
        |scores, label| loss::hinge(scores.get(0), label),
        |params| loss::l2(params) * 1e-4,
        grads,
    )
}

/// Processes spinning on the CPU while a group of cases runs; ended when dropped.
struct Busy(Vec<Child>);

impl Busy {
    fn start(processes: usize) -> Self {
        let exe = std::env::current_exe().expect("the benchmark's own path");
        Busy(
            (0..processes)
                .map(|_| {
                    Command::new(&exe)
                        .env(SPIN, "1")
                        .stdin(Stdio::piped())
                        .stdout(Stdio::null())
                        .spawn()
                        .expect("a spinning process")
                })
                .collect(),
        )
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        for child in &mut self.0 {
            // Closing its standard input ends it; killing it is for one that does not notice.
            drop(child.stdin.take());
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A spinning process's life: keep a core busy until standard input closes (the benchmark
/// ended, or was killed).
fn spin() -> ! {
    std::thread::spawn(|| {
        let _ = std::io::stdin().read_to_end(&mut Vec::new());
        std::process::exit(0);
    });
    let mut x = 0u64;
    loop {
        x = std::hint::black_box(x.wrapping_mul(6364136223846793005).wrapping_add(1));
    }
}
