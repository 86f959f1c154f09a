#!/usr/bin/env bash
# Benchmark of the BLAS/LAPACK routes of org.overparam.linalg.NativeLibraries against NumPy.
#
# In one run: DGEMM n x n (GFLOP/s = 2 n^3 / t, best of REPS) and DSYEVD n x n with eigenvectors
# (seconds, best of SYEVD_REPS) through
#   1. netlib, bundled route (OpenBLAS from the org.bytedeco:openblas jar)   -Doverparam.blas=bundled
#      and the same with one thread (-Doverparam.blas.threads=1: one Spark task per core)
#   2. netlib, system route (libblas.so.3 / liblapack.so.3 from apt)         -Doverparam.blas=system
#   3. netlib's pure-Java implementations (reference; JAVA_REPS, JAVA_SYEVD_REPS runs)
#   4. NumPy (bench/blas_numpy.py), the peer the ratios are taken against,
# each in its own process, then prints one table. Ratios are speed relative to NumPy (> 1 is faster).
#
# Settings (environment): N (2000), REPS (3), SYEVD_REPS (2), JAVA_REPS (1), JAVA_SYEVD_REPS (1; 0
# skips the slow Java DSYEVD), OVERPARAM_BLAS_THREADS (bundled route threads; unset = all cores),
# MVN (mvn), MVN_OFFLINE (set to 1 to run Maven with -o), JAVA (java), PYTHON (python3).
# Cost at N=2000 on 2 cores: about 2 minutes, most of it the Java fallback.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here/.."

N="${N:-2000}"
REPS="${REPS:-3}"
SYEVD_REPS="${SYEVD_REPS:-2}"
JAVA_REPS="${JAVA_REPS:-1}"
JAVA_SYEVD_REPS="${JAVA_SYEVD_REPS:-1}"
MVN="${MVN:-mvn}"
JAVA="${JAVA:-java}"
PYTHON="${PYTHON:-python3}"
mvn_flags=(-B -q)
if [ -n "${MVN_OFFLINE:-}" ]; then mvn_flags+=(-o); fi

mkdir -p target
log="target/bench-blas.log"
: > "$log"

echo "building (mvn test-compile) ..." >&2
"$MVN" "${mvn_flags[@]}" test-compile >>"$log" 2>&1 || { cat "$log" >&2; exit 1; }
"$MVN" "${mvn_flags[@]}" dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/bench-classpath.txt >>"$log" 2>&1 || { cat "$log" >&2; exit 1; }
cp="target/test-classes:target/classes:$(cat target/bench-classpath.txt)"
# The incubator module lets netlib's Java fallback be VectorBLAS, as under the project's Spark flags.
jvm=("$JAVA" -Xmx2g --add-modules=jdk.incubator.vector -cp "$cp")

results="target/bench-blas-results.tsv"
: > "$results"
run() {  # run <description> <command...>: append its RESULT line, keep the rest in the log
  echo "running: $1 ..." >&2
  local out
  if out="$("${@:2}" 2>>"$log")"; then
    printf '%s\n' "$out" >>"$log"
    printf '%s\n' "$out" | grep '^RESULT' >>"$results" || true
  else
    printf '%s\n' "$out" >>"$log"
    echo "  failed (see $log)" >&2
  fi
}

run "netlib bundled" "${jvm[@]}" -Doverparam.blas=bundled org.overparam.bench.BlasBench netlib "$N" "$REPS" "$SYEVD_REPS"
run "netlib bundled, 1 thread" "${jvm[@]}" -Doverparam.blas=bundled -Doverparam.blas.threads=1 org.overparam.bench.BlasBench netlib "$N" "$REPS" "$SYEVD_REPS"
run "netlib system" "${jvm[@]}" -Doverparam.blas=system org.overparam.bench.BlasBench netlib "$N" "$REPS" "$SYEVD_REPS"
run "Java fallback" "${jvm[@]}" org.overparam.bench.BlasBench java "$N" "$JAVA_REPS" "$JAVA_SYEVD_REPS"
run "NumPy" "$PYTHON" bench/blas_numpy.py "$N" "$REPS" "$SYEVD_REPS"

echo
echo "n = $N; $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?');" \
  "best of $REPS (DGEMM) / $SYEVD_REPS (DSYEVD) runs, Java fallback $JAVA_REPS / $JAVA_SYEVD_REPS"
awk -F'\t' '
  { label[NR] = $2; gflops[NR] = $4; syevd[NR] = $5; if ($2 ~ /^NumPy/) { ng = $4; ns = $5 } }
  function ratio(x, y) { return (x == "" || y == "" || x == "nan" || y == "nan" || y + 0 == 0) ? "-" : sprintf("%.2f", x / y) }
  END {
    fmt = "%-62s | %13s | %10s | %14s | %14s\n"
    printf fmt, "implementation", "DGEMM GFLOP/s", "DSYEVD s", "DGEMM x NumPy", "DSYEVD x NumPy"
    printf fmt, "--------------------------------------------------------------", "-------------", "----------", "--------------", "--------------"
    for (i = 1; i <= NR; i++)
      printf fmt, label[i], sprintf("%.1f", gflops[i]), (syevd[i] == "nan" ? "-" : sprintf("%.2f", syevd[i])),
        ratio(gflops[i], ng), ratio(ns, syevd[i])
  }' "$results"
