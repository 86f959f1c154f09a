package org.overparam.experiment.spectrum;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.overparam.run.StateFile;
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
            Double shareOfPeak,
            @JsonIgnore double flops) {
        static Stage of(String name, double seconds, int passes, double passSeconds, double flops) {
            return new Stage(
                    name,
                    seconds,
                    passes,
                    passSeconds,
                    passes > 0 ? passSeconds / passes : null,
                    passes > 0 && passSeconds > 0 ? flops / passSeconds / 1e9 : null,
                    null,
                    flops);
        }

        Stage withPeak(double peak) {
            return new Stage(
                    stage,
                    seconds,
                    passes,
                    passSeconds,
                    secondsPerPass,
                    gflopsPerSecond,
                    gflopsPerSecond == null ? null : gflopsPerSecond / peak,
                    flops);
        }

        void write(StateFile.Out out) throws IOException {
            out.writeDouble(seconds);
            out.writeInt(passes);
            out.writeDouble(passSeconds);
            out.writeDouble(flops);
        }

        static Stage read(String name, StateFile.In in) throws IOException {
            return of(name, in.readDouble(), in.readInt(), in.readDouble(), in.readDouble());
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
    Stage end(String name) {
        long now = System.nanoTime();
        Stage stage = Stage.of(
                name, (now - since) / 1e9, op.passes() - passes, op.seconds() - passSeconds, op.flops() - flops);
        stages.add(stage);
        passes = op.passes();
        passSeconds = op.seconds();
        flops = op.flops();
        since = now;
        return stage;
    }

    /** A stage an earlier run completed, as it recorded it; the next stage's time starts now. */
    void restored(Stage stage) {
        stages.add(stage);
        since = System.nanoTime();
    }

    /** Passes of all stages, restored ones included. */
    int totalPasses() {
        return stages.stream().mapToInt(Stage::passes).sum();
    }

    /** Seconds of the passes of all stages. */
    double totalPassSeconds() {
        return stages.stream().mapToDouble(Stage::passSeconds).sum();
    }

    /** Flops of the passes of all stages. */
    double totalFlops() {
        return stages.stream().mapToDouble(Stage::flops).sum();
    }

    /** The stages so far, in order, each with its share of {@code peak} GFLOP/s (NaN: not measured). */
    List<Stage> stages(double peak) {
        return Double.isNaN(peak)
                ? List.copyOf(stages)
                : stages.stream().map(s -> s.withPeak(peak)).toList();
    }
}
