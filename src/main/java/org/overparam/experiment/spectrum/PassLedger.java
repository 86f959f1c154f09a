package org.overparam.experiment.spectrum;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.ArrayList;
import java.util.List;
import org.overparam.spark.DistributedKernelOperator;

/**
 * What each stage of the large-n path spent on passes over the kernel tiles: the operator's counters of passes,
 * their seconds and their flops ({@code 2 n^2 b} for a block of b vectors over cached tiles, plus {@code n^2 d} when
 * the tiles are recomputed) read at each stage's end, the difference to the last reading recorded under the stage's
 * name.
 */
final class PassLedger {
    /**
     * One stage: its wall seconds, the passes it made and their seconds, seconds per pass, the passes' GFLOP/s, and
     * (when the dgemm peak of the driver's JVM was measured) that rate's share of the peak.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Stage(
            String stage,
            double seconds,
            int passes,
            double passSeconds,
            Double secondsPerPass,
            Double gflopsPerSecond,
            Double shareOfPeak) {
        Stage withPeak(double peak) {
            return new Stage(
                    stage,
                    seconds,
                    passes,
                    passSeconds,
                    secondsPerPass,
                    gflopsPerSecond,
                    gflopsPerSecond == null ? null : gflopsPerSecond / peak);
        }
    }

    private final DistributedKernelOperator op;
    private final List<Stage> stages = new ArrayList<>();
    private int passes;
    private double passSeconds, flops;
    private long since = System.nanoTime();

    PassLedger(DistributedKernelOperator op) {
        this.op = op;
    }

    /** Ends the stage {@code name}: what the operator did since the last call (or since this ledger was made). */
    void end(String name) {
        long now = System.nanoTime();
        int p = op.passes() - passes;
        double s = op.seconds() - passSeconds, f = op.flops() - flops;
        stages.add(new Stage(
                name, (now - since) / 1e9, p, s, p > 0 ? s / p : null, p > 0 && s > 0 ? f / s / 1e9 : null, null));
        passes = op.passes();
        passSeconds = op.seconds();
        flops = op.flops();
        since = now;
    }

    /** The stages so far, in order, each with its share of {@code peak} GFLOP/s (NaN: not measured). */
    List<Stage> stages(double peak) {
        return Double.isNaN(peak)
                ? List.copyOf(stages)
                : stages.stream().map(s -> s.withPeak(peak)).toList();
    }
}
