#!/usr/bin/env bash
# Run every peer at every size, one after another (never in parallel: 2 cores), and collect the
# JSON lines in results.jsonl (overwritten). Logs (stderr) go to _data/logs/.
#
#   ./run_all.sh                 # sizes 1e4 1e5 1e6, 100 steps
#   SIZES="1e4 1e5" ./run_all.sh
#   TIMEOUT=600 ./run_all.sh     # per run, seconds
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$HERE"
SIZES="${SIZES:-1e4 1e5 1e6}"
PEERS="${PEERS:-parcels3 parcels4 opendrift}"
TIMEOUT="${TIMEOUT:-600}"
OUT="${OUT:-$HERE/results.jsonl}"
mkdir -p _data/logs
: > "$OUT"

for n in $SIZES; do
    for peer in $PEERS; do
        log="_data/logs/${peer}_${n}.log"
        echo "[run_all] $peer N=$n" >&2
        /usr/bin/time -v timeout "$TIMEOUT" ".venv-$peer/bin/python" "${peer}_bench.py" "$n" \
            > "_data/logs/${peer}_${n}.json" 2> "$log"
        rc=$?
        if [[ $rc -eq 0 ]]; then
            cat "_data/logs/${peer}_${n}.json" >> "$OUT"
            cat "_data/logs/${peer}_${n}.json" >&2
        else
            echo "[run_all] $peer N=$n failed (rc=$rc; 124 = timeout after ${TIMEOUT}s), see $log" >&2
        fi
    done
done
