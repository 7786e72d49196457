#!/usr/bin/env bash
# Regenerates the figures and charts of docs/PERFORMANCE.md:
#   bash benches/perf-report.sh
# It builds the release binary, runs `reformsim bench --json` for each city size on 1 and 2
# threads (each REPEATS times; the charts take the fastest repeat, the table lists them all),
# runs the Python peers if a Python with mesa and numpy is at $PEERS_PYTHON (default
# benches/peers/.venv/bin/python; see benches/peers/README.md), then draws the charts.
# Outputs: docs/perf/{bench.jsonl,peers.json,load.txt,figures.md,*.svg}.
# Sizes and days can be changed: SIZES="10000 100000" DAYS=100 bash benches/perf-report.sh
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=${SIZES:-"10000 100000 1000000 4000000"}
DAYS=${DAYS:-365}
THREADS=${THREADS:-"1 2"}
REPEATS=${REPEATS:-2}
PEERS_PYTHON=${PEERS_PYTHON:-benches/peers/.venv/bin/python}
out=docs/perf
mkdir -p "$out"

cargo build --release --bin reformsim --example perf_charts
bin=target/release/reformsim

: > "$out/bench.jsonl"
{ echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"; } > "$out/load.txt"
for firms in $SIZES; do
  for threads in $THREADS; do
    for _ in $(seq "$REPEATS"); do
      echo "bench: $firms firms x $DAYS days on $threads thread(s); $(uptime)" | tee -a "$out/load.txt"
      "$bin" bench --firms "$firms" --days "$DAYS" --threads "$threads" --json | tail -n 1 >> "$out/bench.jsonl"
    done
  done
done

if [ -x "$PEERS_PYTHON" ]; then
  echo "peers: $(uptime)" | tee -a "$out/load.txt"
  "$PEERS_PYTHON" benches/peers/peers.py --json | tail -n 1 > "$out/peers.json"
else
  echo "no Python with mesa and numpy at $PEERS_PYTHON: keeping $out/peers.json as it is" >&2
fi

target/release/examples/perf_charts "$out"
echo "wrote $out/figures.md and the charts in $out"
