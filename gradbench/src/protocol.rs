//! GradBench's protocol: one JSON message a line on standard input, one answer a line on
//! standard output, each answer carrying the message's `id`.
//!
//! - `start` is answered with the tool's name, `define` with whether the tool has the eval,
//!   `evaluate` with the output and one `evaluate` timing per run, and every other kind
//!   (`analysis`, ...) with the id alone; `end` needs no answer.
//! - An evaluation runs at least `min_runs` times and until its runs add up to `min_seconds`;
//!   each timing covers the computation alone, not reading the input or writing the output.

use std::time::Instant;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value as Json, json};

/// How often to repeat an evaluation: the fields every eval's input carries (`hello`'s does
/// not: one run, then).
#[derive(Clone, Copy, Debug, Deserialize)]
pub struct Runs {
    #[serde(default = "one_run")]
    pub min_runs: usize,
    #[serde(default)]
    pub min_seconds: f64,
}

fn one_run() -> usize {
    1
}

/// What an evaluation hands back: its output and the nanoseconds of each run.
pub struct Evaluated {
    pub output: Json,
    pub nanoseconds: Vec<u128>,
}

/// Runs `compute` at least `runs.min_runs` times and until the runs add up to
/// `runs.min_seconds`, timing each run alone, and keeps the last run's result.
///
/// Whatever `compute` needs beyond its input (a tape to reuse, scratch vectors) is made
/// before the first run, as GradBench's C++ tools do in their `prepare` step.
pub fn repeat<T>(runs: Runs, mut compute: impl FnMut() -> T) -> (T, Vec<u128>) {
    let mut nanoseconds = Vec::new();
    let mut seconds = 0.0;
    let mut last = None;
    while nanoseconds.len() < runs.min_runs.max(1) || seconds < runs.min_seconds {
        let start = Instant::now();
        let result = compute();
        let elapsed = start.elapsed();
        // The result is dropped outside the timed span (a tape's output vectors, say).
        last = Some(result);
        nanoseconds.push(elapsed.as_nanos());
        seconds += elapsed.as_secs_f64();
    }
    (last.expect("at least one run"), nanoseconds)
}

/// Repeats `compute` as [`repeat`] does and turns its last result into the answer's output.
pub fn timed<T: serde::Serialize>(
    runs: Runs,
    compute: impl FnMut() -> T,
) -> Result<Evaluated, String> {
    let (output, nanoseconds) = repeat(runs, compute);
    let output = serde_json::to_value(output).map_err(|e| format!("output: {e}"))?;
    Ok(Evaluated {
        output,
        nanoseconds,
    })
}

/// Reads an evaluation's input, and its run counts, from the message's `input` field.
pub fn input<T: DeserializeOwned>(input: &Json) -> Result<(T, Runs), String> {
    let parsed = T::deserialize(input).map_err(|e| format!("input: {e}"))?;
    let runs = Runs::deserialize(input).map_err(|e| format!("input: {e}"))?;
    Ok((parsed, runs))
}

/// One eval: its name and how it evaluates a function of its module on an input.
pub struct Eval {
    pub name: &'static str,
    pub evaluate: fn(function: &str, input: &Json) -> Result<Evaluated, String>,
}

/// The answer to one message, or `None` for `end`.
pub fn answer(message: &Json, evals: &[Eval]) -> Option<Json> {
    let id = message.get("id").cloned().unwrap_or(Json::Null);
    let kind = message.get("kind").and_then(Json::as_str).unwrap_or("");
    let module = message.get("module").and_then(Json::as_str).unwrap_or("");
    let eval = evals.iter().find(|e| e.name == module);
    Some(match kind {
        "end" => return None,
        "start" => json!({"id": id, "tool": "tapegrad"}),
        "define" => match eval {
            Some(_) => json!({"id": id, "success": true}),
            None => {
                json!({"id": id, "success": false, "error": format!("tapegrad has no eval {module:?}")})
            }
        },
        "evaluate" => {
            let function = message.get("function").and_then(Json::as_str).unwrap_or("");
            let input = message.get("input").unwrap_or(&Json::Null);
            let result = match eval {
                Some(eval) => (eval.evaluate)(function, input),
                None => Err(format!("tapegrad has no eval {module:?}")),
            };
            match result {
                Ok(Evaluated {
                    output,
                    nanoseconds,
                }) => {
                    let timings: Vec<Json> = nanoseconds
                        .iter()
                        .map(|&ns| json!({"name": "evaluate", "nanoseconds": ns}))
                        .collect();
                    json!({"id": id, "success": true, "output": output, "timings": timings})
                }
                Err(error) => json!({"id": id, "success": false, "error": error}),
            }
        }
        _ => json!({"id": id}),
    })
}

/// The four nestings of a nested-derivative eval (`particle`, `saddle`), outer mode first,
/// each a function of the eval's input.
pub struct Nestings<I, T> {
    pub ff: fn(I) -> T,
    pub fr: fn(I) -> T,
    pub rf: fn(I) -> T,
    pub rr: fn(I) -> T,
}

/// The answer of a nested-derivative eval to one of its four nestings, on `input`.
pub fn nesting<I: Copy, T: serde::Serialize>(
    module: &str,
    function: &str,
    runs: Runs,
    input: I,
    nestings: Nestings<I, T>,
) -> Result<Evaluated, String> {
    let run = match function {
        "ff" => nestings.ff,
        "fr" => nestings.fr,
        "rf" => nestings.rf,
        "rr" => nestings.rr,
        _ => return Err(no_function(module, function)),
    };
    timed(runs, || run(input))
}

/// The error for a function name the module does not have.
pub fn no_function(module: &str, function: &str) -> String {
    format!("the {module} module has no function {function:?}")
}

/// For the evals' tests: runs `evaluate` once on `input` and checks its output against
/// `expected`, number by number, to `tolerance` relative (absolute below 1).
#[cfg(test)]
pub fn assert_evaluates_to(
    evaluate: fn(&str, &Json) -> Result<Evaluated, String>,
    function: &str,
    input: &str,
    expected: &str,
    tolerance: f64,
) {
    let input: Json = serde_json::from_str(input).expect("the test's input is JSON");
    let expected: Json = serde_json::from_str(expected).expect("the test's expectation is JSON");
    let evaluated = evaluate(function, &input).unwrap_or_else(|e| panic!("{function}: {e}"));
    assert_eq!(
        evaluated.nanoseconds.len(),
        1,
        "one run when the input asks for none"
    );
    assert_close(&evaluated.output, &expected, tolerance, function);
}

#[cfg(test)]
fn assert_close(actual: &Json, expected: &Json, tolerance: f64, path: &str) {
    match (actual, expected) {
        (Json::Number(a), Json::Number(e)) => {
            let (a, e) = (a.as_f64().unwrap(), e.as_f64().unwrap());
            let error = (a - e).abs() / (a.abs() + e.abs()).max(1.0);
            assert!(
                error <= tolerance,
                "{path}: {a} against the reference's {e}"
            );
        }
        (Json::Array(a), Json::Array(e)) => {
            assert_eq!(a.len(), e.len(), "{path}: lengths");
            for (i, (a, e)) in a.iter().zip(e).enumerate() {
                assert_close(a, e, tolerance, &format!("{path}[{i}]"));
            }
        }
        (Json::Object(a), Json::Object(e)) => {
            assert_eq!(a.len(), e.len(), "{path}: keys");
            for (key, e) in e {
                let a = a.get(key).unwrap_or_else(|| panic!("{path}.{key} missing"));
                assert_close(a, e, tolerance, &format!("{path}.{key}"));
            }
        }
        _ => assert_eq!(actual, expected, "{path}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Number {
        x: f64,
    }

    fn twice(function: &str, json: &Json) -> Result<Evaluated, String> {
        let (number, runs) = input::<Number>(json)?;
        match function {
            "twice" => timed(runs, || 2.0 * number.x),
            _ => Err(no_function("demo", function)),
        }
    }

    const EVALS: &[Eval] = &[Eval {
        name: "demo",
        evaluate: twice,
    }];

    fn ask(message: &str) -> Option<Json> {
        answer(&serde_json::from_str(message).unwrap(), EVALS)
    }

    #[test]
    fn each_message_kind_gets_its_answer_with_the_message_s_id() {
        assert_eq!(
            ask(r#"{"id":0,"kind":"start","eval":"demo"}"#).unwrap(),
            json!({"id": 0, "tool": "tapegrad"})
        );
        assert_eq!(
            ask(r#"{"id":1,"kind":"define","module":"demo"}"#).unwrap(),
            json!({"id": 1, "success": true})
        );
        assert_eq!(
            ask(r#"{"id":2,"kind":"define","module":"other"}"#).unwrap()["success"],
            json!(false)
        );
        assert_eq!(
            ask(r#"{"id":5,"kind":"analysis","of":3,"valid":true}"#).unwrap(),
            json!({"id": 5})
        );
        assert_eq!(ask(r#"{"kind":"end"}"#), None);
        let unknown = ask(
            r#"{"id":6,"kind":"evaluate","module":"demo","function":"thrice","input":{"x":1}}"#,
        );
        assert_eq!(unknown.unwrap()["success"], json!(false));
    }

    #[test]
    fn an_evaluation_runs_at_least_min_runs_times_and_times_each_run() {
        let message = r#"{"id":3,"kind":"evaluate","module":"demo","function":"twice","input":{"x":1.5,"min_runs":3,"min_seconds":0}}"#;
        let answer = ask(message).unwrap();
        assert_eq!(
            (answer["id"].clone(), answer["output"].clone()),
            (json!(3), json!(3.0))
        );
        let timings = answer["timings"].as_array().unwrap();
        assert_eq!(timings.len(), 3);
        assert!(
            timings
                .iter()
                .all(|t| t["name"] == "evaluate" && t["nanoseconds"].is_u64())
        );
    }

    #[test]
    fn runs_go_on_until_min_seconds_have_passed() {
        let runs = Runs {
            min_runs: 1,
            min_seconds: 0.02,
        };
        let (_, nanoseconds) = repeat(runs, || {
            std::thread::sleep(std::time::Duration::from_millis(5))
        });
        // It stops at the first run that brings the total to 20 ms.
        let total: u128 = nanoseconds.iter().sum();
        assert!(total - nanoseconds.last().unwrap() < 20_000_000);
        assert!(nanoseconds.iter().sum::<u128>() >= 20_000_000);
    }
}
