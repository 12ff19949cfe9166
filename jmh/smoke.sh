#!/usr/bin/env bash
# CI smoke for the benchmark suite: runs every benchmark briefly (1 s warm-up, three 1 s iterations) with -prof gc
# and fails if any Hotpath benchmark allocates (>= 1 B/op in its best iteration), or if the allocation control is
# not seen allocating. B/op does not need long runs; latency figures from CI machines are meaningless.
# The tree benchmarks run on the small and fraud models only: training the large one (2,000 trees of depth 8)
# takes several minutes, and it runs the same evaluator code as the fraud model. The feature-cache benchmark uses
# 10,000 entities instead of 1 M (the same read path, without writing a 1 GB map).
#
#   jmh/smoke.sh [regex]        (needs jmh/target/benchmarks.jar, built by `mvn -B install -DskipTests`)
set -euo pipefail

regex="${1:-.*}"
here="$(cd "$(dirname "$0")" && pwd)"
jar="$here/target/benchmarks.jar"
java="${JAVA:-java}"
out="$here/target/jmh-smoke.json"
out_explain="$here/target/jmh-smoke-explain.json"

if [[ ! -f "$jar" ]]; then
  echo "missing $jar: build it first with 'mvn -B install -DskipTests'" >&2
  exit 2
fi

selection=("$regex" AllocationControlBenchmark -p model=small,fraud -p entities=10000)
# Generates exactly the models the selection needs (with progress) before any fork starts.
"$java" -cp "$jar" dev.hotpath.bench.data.PrepareData "${selection[@]}"
rm -f "$out" "$out_explain"
# -bm avgt for every benchmark: JMH's SampleTime bookkeeping itself allocates about 1 B/op, which would hide the
# code under test. ThreadAllocationProfiler counts only the request (worker) threads, which the gate prefers.
# OwnModelBenchmark runs on its defaults, the repository's sample model and rows: the path `jmh/run.sh model` takes.
# ExplainBenchmark runs on its own, on the small model, with 3 s iterations: JMH's own bookkeeping on the worker
# thread (about 570 B per iteration) is divided by the operations of an iteration, and an explained row of the fraud
# model takes ~1 ms (tens of ms on a loaded box), which put that bookkeeping above the gate's 1 B/op although the
# explainer allocates nothing. The fraud model runs the same explainer code; ExplainAllocationTest proves 0 B on
# 200-feature models exactly (per-thread bytes, no JMH), and `jmh/run.sh` keeps -prof gc on the fraud model.
"$java" -jar "$jar" "${selection[@]}" -e ExplainBenchmark -bm avgt \
  -f 1 -wi 1 -w 1s -i 3 -r 1s -prof gc -prof dev.hotpath.bench.report.ThreadAllocationProfiler \
  -rf json -rff "$out" -foe true
results=("$out")
if "$java" -jar "$jar" -l "$regex" | grep -q 'ExplainBenchmark'; then
  "$java" -jar "$jar" ExplainBenchmark -p model=small -bm avgt \
    -f 1 -wi 1 -w 1s -i 2 -r 3s -prof gc -prof dev.hotpath.bench.report.ThreadAllocationProfiler \
    -rf json -rff "$out_explain" -foe true
  results+=("$out_explain")
fi
for r in "${results[@]}"; do "$java" -cp "$jar" dev.hotpath.bench.report.ResultTable "$r"; done
"$java" -cp "$jar" dev.hotpath.bench.report.AllocationGate "${results[@]}"
