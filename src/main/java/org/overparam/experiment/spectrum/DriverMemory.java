package org.overparam.experiment.spectrum;

import java.util.Locale;
import org.apache.spark.api.java.JavaSparkContext;
import org.overparam.UserError;
import org.overparam.config.SpectrumSpec;
import org.overparam.spark.DeterministicAggregate;
import org.overparam.spark.DistributedGram;
import org.overparam.spark.DistributedKernelOperator;

/**
 * The driver's arrays on the large-n path, planned before any work, in columns of n doubles: the Lanczos bases
 * ({@code min(steps, n)} per label and probe vector), the Nystrom preconditioner (U, and while it is built the test
 * vectors and the sketch: three blocks of its rank, four for the adaptive rank, whose doubling also holds the new
 * columns), and the accumulators of the widest pass (up to {@link DeterministicAggregate#FANOUT} + 2 at once, each at
 * most one pass's {@link DistributedKernelOperator#chunkColumns}).
 *
 * <p>The budget is {@link DistributedGram#HEAP_FRACTION} of the driver's heap. In local mode the driver's JVM is also
 * the executor that caches the tiles, so what the tiles keep in Spark's storage memory comes off the heap first, with
 * {@link #LOCAL_HEADROOM} of the rest left to the driver's arrays.
 */
final class DriverMemory {
    private DriverMemory() {}

    /** The share of the heap that the tiles leave in local mode which the driver's arrays may plan to use. */
    static final double LOCAL_HEADROOM = 0.9;

    /** What Spark reserves of an executor's heap before its memory fractions. */
    static final long SPARK_RESERVED = 300L << 20;

    /**
     * Bytes the driver may plan for: {@code HEAP_FRACTION * maxHeap}, and in local mode at most
     * {@code LOCAL_HEADROOM * (maxHeap - 300 MB - min(tileBytes, storageMemory))}.
     */
    static double budget(long maxHeap, boolean local, double tileBytes, long storageMemory) {
        double have = DistributedGram.HEAP_FRACTION * maxHeap;
        if (local)
            have = Math.min(
                    have, LOCAL_HEADROOM * (maxHeap - SPARK_RESERVED - Math.min(tileBytes, (double) storageMemory)));
        return Math.max(0, have);
    }

    /** {@link #budget} for this driver and its Spark context. */
    static double budget(JavaSparkContext jsc, double tileBytes) {
        return budget(
                Runtime.getRuntime().maxMemory(),
                jsc.sc().isLocal(),
                tileBytes,
                DistributedKernelOperator.storageMemory(jsc));
    }

    /**
     * Refuses, before any work, settings whose driver arrays would not fit {@code budget} bytes (all of them counted
     * at once), and returns the rank up to which the preconditioner may adapt: {@code preconditioner-max-rank},
     * lowered to what the budget holds while the rank doubles ({@code 4 K} columns and the accumulators) and while the
     * Lanczos bases live beside U ({@code K} columns); {@code preconditioner-rank} when the rank is fixed or the budget
     * holds no more.
     */
    static int plan(int n, SpectrumSpec.Lanczos s, int vectors, double budget) {
        double columns = budget / (8.0 * n);
        int rank = s.preconditionerRank;
        boolean adaptive = s.preconditionerMaxRank > rank;
        double bases = (double) Math.min(s.steps, n) * vectors;
        double accumulators = accumulatorColumns(n, s, vectors);
        double need = bases + (adaptive ? 4.0 : 3.0) * rank + accumulators;
        if (need > columns) {
            throw new UserError(String.format(
                    Locale.ROOT,
                    "The large-n path keeps %d Lanczos bases of %,d x %d doubles, the rank-%d preconditioner and the pass "
                            + "accumulators on the driver: %.2f GB, but the driver may plan %.2f GB (at most %.0f%% of its %.2f GB heap; "
                            + "in local mode less the tiles cached in it). "
                            + "Lower spectrum.lanczos.steps, .probes or .preconditioner-rank, or give the driver more memory "
                            + "(OVERPARAM_DRIVER_MEMORY, --driver-memory).",
                    vectors,
                    n,
                    Math.min(s.steps, n),
                    rank,
                    8.0 * n * need / 1e9,
                    budget / 1e9,
                    100 * DistributedGram.HEAP_FRACTION,
                    Runtime.getRuntime().maxMemory() / 1e9));
        }
        if (!adaptive) return rank;
        double held = Math.min((columns - accumulators) / 4, columns - bases - accumulators);
        return (int) Math.max(rank, Math.min(s.preconditionerMaxRank, Math.floor(held)));
    }

    /** Columns of the accumulators of the widest pass. */
    static double accumulatorColumns(int n, SpectrumSpec.Lanczos s, int vectors) {
        int widest = Math.max(Math.max(vectors, s.preconditionerRank), Math.max(s.topEigenpairs, s.minBlock));
        if (s.preconditionerMaxRank > s.preconditionerRank) widest = Math.max(widest, s.preconditionerMaxRank / 2);
        return (DeterministicAggregate.FANOUT + 2.0) * Math.min(widest, DistributedKernelOperator.chunkColumns(n));
    }
}
