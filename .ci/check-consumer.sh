#!/usr/bin/env bash
# Builds .ci/consumer (a user's project importing hotpath-bom and declaring only hotpath-model-formats) against the
# artifacts in the local repository, and checks that such an XGBoost-only consumer:
#   - resolves without ONNX Runtime on its class path (onnxruntime is optional in model-formats),
#   - compiles and scores the sample model,
#   - gets the clear "ONNX Runtime is not on the class path" error for an ONNX file.
# Run after `mvn install` (.ci/run does). Maven finds the repository's .mvn/ from the consumer's directory, so the
# consumer build uses the same settings and local repository as the main build.
set -euo pipefail
cd "$(dirname "$0")/.."
version="$(sed -n 's:^  <version>\(.*\)</version>:\1:p' pom.xml | head -1)"
consumer=.ci/consumer
out="$consumer/target"
mvn_args=(-B -q -f "$consumer/pom.xml" -Dhotpath.version="$version")

mvn "${mvn_args[@]}" package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt \
  dependency:list -DoutputFile=target/dependencies.txt -DexcludeTransitive=false

if grep -qi 'onnxruntime' "$out/dependencies.txt"; then
  echo "consumer check: FAILED — an XGBoost-only consumer receives ONNX Runtime:" >&2
  grep -i onnxruntime "$out/dependencies.txt" >&2
  exit 1
fi
grep -q 'dev.hotpath:hotpath-model-formats:jar' "$out/dependencies.txt" \
  || { echo "consumer check: FAILED — hotpath-model-formats missing from the resolved dependencies" >&2; exit 1; }

java -cp "$out/classes:$(cat "$out/classpath.txt")" example.ScoreOneRow \
  examples/sample/fraud-sample.json examples/sample/transactions.csv \
  model-formats/src/test/resources/onnx/logreg.onnx
echo "consumer check: OK (hotpath-bom $version; no ONNX Runtime on an XGBoost-only class path)"
