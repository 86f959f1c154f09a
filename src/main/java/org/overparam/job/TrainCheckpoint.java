package org.overparam.job;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The latest checkpoint of one width of a training run, in {@code checkpoints/m=<m>/}: {@code weights.bin} (W(k),
 * m x d float64, big-endian) and {@code state.json} (iteration k, whether the width is completed, the partitioning, the
 * initial loss, and the metrics rows of iterations before k). No random state is needed: W(0) and the signs a are
 * re-derived from {@code train.seed}, and gradient descent draws nothing after initialization. Resuming re-evaluates
 * W(k) and continues, retracing the uninterrupted run exactly (partition sums are merged in a fixed order).
 */
public record TrainCheckpoint(int m, int d, int iteration, boolean completed, int partitions, double initialLoss,
                              double[] weights, List<TrainMetrics.Row> rows) {

    static String folder(int m) {
        return "checkpoints/m=" + m + "/";
    }

    public void write(RunDirectory dir) {
        ByteBuffer buf = ByteBuffer.allocate(8 * weights.length);
        buf.asDoubleBuffer().put(weights);
        dir.writeBytes(folder(m) + "weights.bin", buf.array());
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("m", m);
        state.put("d", d);
        state.put("iteration", iteration);
        state.put("completed", completed);
        state.put("partitions", partitions);
        state.put("initial_loss", initialLoss);
        state.put("random_state", "none after initialization: W(0) and a are re-derived from train.seed");
        List<Map<String, Object>> r = new ArrayList<>();
        for (TrainMetrics.Row row : rows) r.add(row.toMap());
        state.put("rows", r);
        dir.writeJson(folder(m) + "state.json", state);
    }

    /** The checkpoint of width m, or null if there is none. */
    @SuppressWarnings("unchecked")
    public static TrainCheckpoint read(RunDirectory dir, int m) {
        if (!dir.exists(folder(m) + "state.json")) return null;
        Map<String, Object> s = dir.readJson(folder(m) + "state.json");
        int d = ((Number) s.get("d")).intValue();
        byte[] bytes = dir.readBytes(folder(m) + "weights.bin");
        if (bytes.length != 8L * m * d) {
            throw new org.overparam.UserError("Checkpoint " + dir.resolve(folder(m) + "weights.bin") + " holds " + bytes.length
                    + " bytes; expected " + (8L * m * d) + " (m = " + m + ", d = " + d + "). It is truncated or from another run.");
        }
        double[] w = new double[m * d];
        ByteBuffer.wrap(bytes).asDoubleBuffer().get(w);
        List<TrainMetrics.Row> rows = new ArrayList<>();
        for (Object o : (List<Object>) s.get("rows")) rows.add(TrainMetrics.Row.fromMap((Map<String, Object>) o));
        return new TrainCheckpoint(m, d, ((Number) s.get("iteration")).intValue(), (Boolean) s.get("completed"),
                ((Number) s.get("partitions")).intValue(), ((Number) s.get("initial_loss")).doubleValue(), w, rows);
    }
}
