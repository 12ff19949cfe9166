#!/usr/bin/env bash
# Runs the Hotpath benchmark suite, or the tree benchmarks on your own model, and prints a Markdown table; compares
# two runs. The full guide is jmh/README.md.
#
#   jmh/run.sh [quick|full] [regex]                          the suite (default: quick, every benchmark)
#   jmh/run.sh model [--allow-missing-columns] MODEL ROWS.csv [quick|full]
#                                                            your model file and rows, with the peers that apply
#   jmh/run.sh compare A.json B.json [--min-change PCT] [--fail-on-slower]
#                                                            per-benchmark change with a noise verdict
#
#   quick  1 fork, 2 × 1 s warm-up, 3 × 1 s measurement; the tree models small and fraud only unless JMH_OPTS sets
#          -p model=… (the large one trains for minutes and measures the same code)
#   full   2 forks, 5 × 2 s warm-up, 10 × 2 s measurement: the figures for BENCHMARKS.md
#   regex  JMH benchmark filter, default: every benchmark of the suite
#
# Only the models the selected benchmarks need are generated (cached in jmh/target/bench-data), with progress.
# Extra JMH options go in JMH_OPTS, e.g. JMH_OPTS="-p model=fraud" or JMH_OPTS="-prof perfasm".
# Needs jmh/target/benchmarks.jar: `mvn -B install -DskipTests` from the repository root builds it.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
jar="$here/target/benchmarks.jar"
java="${JAVA:-java}"

usage() {
  # the comment block at the top of this file
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
}

if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then
  usage
  exit 0
fi
if [[ ! -f "$jar" ]]; then
  echo "missing $jar: build it first with 'mvn -B install -DskipTests' in $(dirname "$here")" >&2
  exit 2
fi

command="${1:-quick}"
case "$command" in
  compare)
    shift
    exec "$java" -cp "$jar" dev.hotpath.bench.report.CompareRuns "$@"
    ;;
  model)
    shift
    allow_missing=false
    files=()
    mode=quick
    for a in "$@"; do
      case "$a" in
        --allow-missing-columns) allow_missing=true ;;
        quick|full) mode="$a" ;;
        -*) echo "unknown option $a" >&2; usage >&2; exit 2 ;;
        *) files+=("$a") ;;
      esac
    done
    if [[ ${#files[@]} -ne 2 ]]; then
      echo "usage: $0 model [--allow-missing-columns] MODEL ROWS.csv [quick|full]" >&2
      exit 2
    fi
    # Checks both files in this JVM (a bad file fails here, not in a fork) and picks the methods that apply.
    regex="$("$java" -cp "$jar" dev.hotpath.bench.data.OwnModelPlan "${files[0]}" "${files[1]}" "$allow_missing")"
    abs() { (cd "$(dirname "$1")" && printf '%s/%s' "$(pwd)" "$(basename "$1")"); }
    selection=("$regex" -p "modelFile=$(abs "${files[0]}")" -p "rowsFile=$(abs "${files[1]}")"
               -p "allowMissingColumns=$allow_missing")
    ;;
  quick|full)
    mode="$command"
    regex="${2:-.*}"
    selection=("$regex")
    # OwnModelBenchmark measures a model of your choosing (jmh/run.sh model); the suite's runs leave it out.
    if [[ "$regex" != *OwnModel* ]]; then
      selection+=(-e 'OwnModelBenchmark')
    fi
    if [[ "$mode" == quick && " ${JMH_OPTS:-} " != *"model="* ]]; then
      selection+=(-p 'model=small,fraud')
    fi
    ;;
  *)
    usage >&2
    exit 2
    ;;
esac

case "$mode" in
  quick) opts=(-f 1 -wi 2 -w 1s -i 3 -r 1s) ;;
  full)  opts=(-f 2 -wi 5 -w 2s -i 10 -r 2s) ;;
esac

start=$SECONDS
stamp="$(date +%Y%m%d-%H%M%S)"
out="$here/target/jmh-$command-$stamp.json"
profilers=(-prof gc -prof dev.hotpath.bench.report.ThreadAllocationProfiler)
# shellcheck disable=SC2206 # JMH_OPTS is deliberately word-split
extra=(${JMH_OPTS:-})

quote() { printf "'%s' " "$@"; }
echo "# Hotpath JMH $command run ($mode), $stamp"
echo "# JDK: $("$java" -version 2>&1 | head -1)"
echo "# CPU: $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ //') ($(nproc) CPUs)"
echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
echo "# command: java -jar jmh/target/benchmarks.jar $(quote "${selection[@]}")${opts[*]} ${profilers[*]} -rf json ${extra[*]:-}"

# Generates (or finds cached) exactly the models the selected benchmarks need, before any fork starts.
"$java" -cp "$jar" dev.hotpath.bench.data.PrepareData "${selection[@]}" "${extra[@]}"

"$java" -jar "$jar" "${selection[@]}" "${opts[@]}" "${profilers[@]}" -rf json -rff "$out" "${extra[@]}"

elapsed=$((SECONDS - start))
echo
echo "## Results ($command, $mode, $stamp)"
echo
"$java" -cp "$jar" dev.hotpath.bench.report.ResultTable "$out" | tee "${out%.json}.md"
echo
echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown); took $((elapsed / 60)) min $((elapsed % 60)) s."
echo "JSON: $out"
echo "Compare with a baseline: jmh/run.sh compare benchmarks/<baseline>.json $out"
