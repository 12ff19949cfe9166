#!/usr/bin/env bash
# Reproducible builds (#17): rebuilds the project from clean and checks that every jar (main, test, sources,
# javadoc) is byte-identical to the one the previous build left in */target. Run right after `mvn -B verify`;
# the rebuild is `clean install -DskipTests`, so it also installs the artifacts for .ci/check-consumer.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

before="$(mktemp -d)"
trap 'rm -rf "$before"' EXIT

shopt -s nullglob
jars=()
for jar in */target/*.jar; do
  # The JMH uber jar is never published; its entry order follows how the reactor resolved the modules (a
  # directory in one build shape, an installed jar in another), so it is left out.
  [ "$jar" = jmh/target/benchmarks.jar ] || jars+=("$jar")
done
shopt -u nullglob
[ ${#jars[@]} -gt 0 ] || { echo "reproducibility check: no jars under */target; run mvn -B verify first" >&2; exit 1; }
for jar in "${jars[@]}"; do
  mkdir -p "$before/$(dirname "$jar")"
  cp "$jar" "$before/$jar"
done

mvn -B -q clean install -DskipTests

different=()
for jar in "${jars[@]}"; do
  if [ ! -f "$jar" ]; then
    different+=("$jar (not rebuilt)")
  elif ! cmp -s "$jar" "$before/$jar"; then
    different+=("$jar")
  fi
done
if [ ${#different[@]} -gt 0 ]; then
  echo "reproducibility check: FAILED — these jars differ between two clean builds of the same sources:" >&2
  printf '  %s\n' "${different[@]}" >&2
  echo "(compare with: diff <(unzip -lv A) <(unzip -lv B); a timestamp or an unordered entry is the usual cause)" >&2
  exit 1
fi
echo "reproducibility check: OK (${#jars[@]} jars byte-identical across two clean builds)"
