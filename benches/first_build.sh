#!/usr/bin/env bash
# First-build cost of the library under each set of optional features: a clean target
# directory, `cargo build --lib` (debug, as `cargo run --example` and `cargo test` build it),
# timed by GNU time. Prints wall time, CPU time (user + system: what the build costs however
# loaded the machine is) and the crates compiled. Crates come from Cargo.lock, already fetched.
#
#     bash benches/first_build.sh            # engine, default, csv, serde, csv+serde
#     bash benches/first_build.sh engine ""  # just these
#
# `engine` is the engine alone (`--no-default-features`: no nn, no teach, no rayon); every
# other name is a list of features on top of the default ones.
set -euo pipefail
cd "$(dirname "$0")/.."
configs=("$@")
[ ${#configs[@]} -gt 0 ] || configs=("engine" "" "csv" "serde" "csv,serde")
printf '%-12s %8s %8s %7s\n' features wall_s cpu_s crates
for features in "${configs[@]}"; do
    target=$(mktemp -d)
    log=$(mktemp)
    if [ "$features" = engine ]; then flags=(--no-default-features); else flags=(${features:+--features "$features"}); fi
    CARGO_TARGET_DIR=$target /usr/bin/time -v cargo build --lib --offline --quiet \
        "${flags[@]}" 2>"$log"
    wall=$(grep 'Elapsed (wall clock)' "$log" | awk '{print $NF}' \
        | awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')
    user=$(grep 'User time' "$log" | awk '{print $NF}')
    sys=$(grep 'System time' "$log" | awk '{print $NF}')
    crates=$(find "$target/debug/deps" -name '*.rlib' -o -name '*.so' | sed 's/.*\/lib//; s/-[0-9a-f]*\..*//' | sort -u | wc -l)
    printf '%-12s %8.1f %8.1f %7s\n' "${features:-default}" "$wall" "$(echo "$user + $sys" | bc)" "$crates"
    rm -rf "$target" "$log"
done
