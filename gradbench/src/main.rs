//! tapegrad as a GradBench tool: reads the protocol's messages on standard input and answers
//! on standard output (see `protocol.rs`). Each eval is a module: its objective written once
//! for [`tapegrad::Scalar`], its derivatives taken with the crate.

use std::io::{self, BufRead, Write};

mod ba;
mod det;
mod fused;
mod gd;
mod gmm;
mod hello;
mod ht;
mod kmeans;
mod llsq;
mod lse;
mod lstm;
mod ode;
mod particle;
mod protocol;
mod reverse;
mod saddle;

use protocol::Eval;

const EVALS: &[Eval] = &[
    Eval {
        name: "hello",
        evaluate: hello::evaluate,
    },
    Eval {
        name: "gmm",
        evaluate: gmm::evaluate,
    },
    Eval {
        name: "lstm",
        evaluate: lstm::evaluate,
    },
    Eval {
        name: "ba",
        evaluate: ba::evaluate,
    },
    Eval {
        name: "ht",
        evaluate: ht::evaluate,
    },
    Eval {
        name: "ode",
        evaluate: ode::evaluate,
    },
    Eval {
        name: "llsq",
        evaluate: llsq::evaluate,
    },
    Eval {
        name: "lse",
        evaluate: lse::evaluate,
    },
    Eval {
        name: "det",
        evaluate: det::evaluate,
    },
    Eval {
        name: "kmeans",
        evaluate: kmeans::evaluate,
    },
    Eval {
        name: "particle",
        evaluate: particle::evaluate,
    },
    Eval {
        name: "saddle",
        evaluate: saddle::evaluate,
    },
];

fn main() -> io::Result<()> {
    let stdin = io::stdin();
    let mut stdout = io::stdout().lock();
    for line in stdin.lock().lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let message: serde_json::Value = match serde_json::from_str(&line) {
            Ok(message) => message,
            Err(e) => {
                eprintln!("tapegrad-gradbench: a message that is not JSON: {e}");
                std::process::exit(2);
            }
        };
        match protocol::answer(&message, EVALS) {
            Some(answer) => {
                writeln!(stdout, "{answer}")?;
                stdout.flush()?;
            }
            None => break,
        }
    }
    Ok(())
}
