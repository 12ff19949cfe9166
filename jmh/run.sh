#!/usr/bin/env bash
# Runs the Hotpath benchmark suite and prints a Markdown table (score ± error, B/op, ratio to Hotpath).
#
#   jmh/run.sh [quick|full] [regex]
#
#   quick  1 fork, 2 × 1 s warm-up, 3 × 1 s measurement: a few minutes on 2 cores (plus model generation the
#          first time, cached in jmh/target/bench-data)
#   full   2 forks, 5 × 2 s warm-up, 10 × 2 s measurement: the figures for BENCHMARKS.md
#   regex  JMH benchmark filter, default: everything
#
# Needs jmh/target/benchmarks.jar: `mvn -B install -DskipTests` from the repository root builds it.
# Extra JMH options can be passed in JMH_OPTS (e.g. JMH_OPTS="-p model=fraud").
set -euo pipefail

mode="${1:-quick}"
regex="${2:-.*}"
here="$(cd "$(dirname "$0")" && pwd)"
jar="$here/target/benchmarks.jar"
java="${JAVA:-java}"

case "$mode" in
  quick) opts=(-f 1 -wi 2 -w 1s -i 3 -r 1s) ;;
  full)  opts=(-f 2 -wi 5 -w 2s -i 10 -r 2s) ;;
  *) echo "usage: $0 [quick|full] [regex]" >&2; exit 2 ;;
esac

if [[ ! -f "$jar" ]]; then
  echo "missing $jar: build it first with 'mvn -B install -DskipTests' in $(dirname "$here")" >&2
  exit 2
fi

stamp="$(date +%Y%m%d-%H%M%S)"
out="$here/target/jmh-$mode-$stamp.json"

echo "# Hotpath JMH $mode run, $stamp"
echo "# JDK: $("$java" -version 2>&1 | head -1)"
echo "# CPU: $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ //') ($(nproc) CPUs)"
echo "# command: java -jar jmh/target/benchmarks.jar '$regex' ${opts[*]} -prof gc -prof dev.hotpath.bench.report.ThreadAllocationProfiler -rf json ${JMH_OPTS:-}"

# Generate (or find cached) models first, so the first fork does not spend its time training.
"$java" -cp "$jar" dev.hotpath.bench.data.BenchData

# shellcheck disable=SC2086 # JMH_OPTS is deliberately word-split
"$java" -jar "$jar" "$regex" "${opts[@]}" -prof gc -prof dev.hotpath.bench.report.ThreadAllocationProfiler \
  -rf json -rff "$out" ${JMH_OPTS:-}

echo
echo "## Results ($mode, $stamp)"
echo
"$java" -cp "$jar" dev.hotpath.bench.report.ResultTable "$out" | tee "${out%.json}.md"
echo
echo "JSON: $out"
