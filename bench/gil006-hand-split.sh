#!/usr/bin/env bash
# GIL006 sample, three ways side by side (hyperfine, whole processes, worker start-up included):
#   BEFORE      the legacy codec under its global lock in Parallel.For: one core;
#   hand split  two BEFORE processes at once, each on half the frames: the best a process split can do;
#   AFTER       the code fix: ProcessPool.Shared.Map over worker processes.
# The gap between "hand split" and AFTER is what the process pool costs (one more runtime, worker start-up, the
# frames through pipes, the parent's own work, the tail of the map). hyperfine's User/System figures count the
# parent and its worker processes. Where AFTER's time goes, process by process and thread by thread:
#   python3 bench/GilAnalyzers.Processes.Bench/cpu-timeline.py -- dotnet <after dir>/GIL006.LegacyCodec.dll 288
#   bench/gil006-hand-split.sh [frames (default 288, even)] [rounds (default 5)]
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
frames="${1:-288}"
rounds="${2:-5}"
if ! [[ "$frames" =~ ^[0-9]+$ ]] || (( frames < 2 || frames % 2 != 0 )); then
  echo "error: frames must be an even number >= 2, got '$frames'" >&2
  exit 2
fi
if ! command -v hyperfine >/dev/null; then
  echo "error: hyperfine is not installed (https://github.com/sharkdp/hyperfine; Debian: apt-get install hyperfine)" >&2
  exit 2
fi
sample="$repo/samples/GIL006.LegacyCodec"
log="$(mktemp -t gil006-split-XXXXXX.log)"
kept=()
cleanup() { rm -rf "${kept[@]}" "$log"; }
trap cleanup EXIT
echo "building BEFORE and AFTER with gil-bench (the fix is applied by the code action)..." >&2
dotnet run --project "$repo/src/GilAnalyzers.Harness" -c Release -- "$sample" --keep --rounds 1 --warmup 0 --no-diff \
  -- 2 >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
before_dir="$(ls -dt "$repo"/samples/.gilbench-GIL006.LegacyCodec-*-before 2>/dev/null | head -n1)"
after_dir="${before_dir%-before}-after"
[[ -n "$before_dir" ]] || { echo "error: gil-bench kept no build folders:" >&2; cat "$log" >&2; exit 1; }
kept=("$before_dir" "$after_dir")
before="$before_dir/bin/gil-bench/GIL006.LegacyCodec.dll"
after="$after_dir/bin/gil-bench/GIL006.LegacyCodec.dll"
[[ -f "$before" && -f "$after" ]] || { echo "error: built programs not found in the gil-bench output:" >&2; cat "$log" >&2; exit 1; }
half=$((frames / 2))
hyperfine -N -w 1 -r "$rounds" \
  -n "BEFORE ($frames frames, 1 process)" "dotnet $before $frames" \
  -n "hand split (2 processes x $half frames)" "bash -c 'dotnet $before $half >/dev/null & dotnet $before $half >/dev/null; wait'" \
  -n "AFTER (ProcessPool, $frames frames)" "dotnet $after $frames"
