package org.overparam.experiment.train;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.overparam.UserError;
import org.overparam.run.RunDirectory;

/**
 * The latest checkpoint of one width of a training run, in {@code checkpoints/m=<m>/}: {@code state.json} (iteration
 * k, whether the width is completed, the cut of the units into blocks and their representation, the initial loss, the metrics rows before k and
 * row k so far) and {@code iteration-<k>/}: the blocks' W(k), written by the executors that hold them
 * ({@code units-<first>.bin}), and the predictions f(x_i) at W(k) ({@code predictions.bin}, n float64, big-endian).
 * No random state is needed: W(0) and the signs a are re-derived from {@code train.seed}, and gradient descent draws
 * nothing after initialization. Resuming restores the blocks with the same cut and continues from f(W(k)), retracing
 * the uninterrupted run bit for bit.
 */
public record TrainCheckpoint(
        int m,
        int n,
        int d,
        int iteration,
        boolean completed,
        int[] cuts,
        org.overparam.model.UnitRepresentation representation,
        double initialLoss,
        List<TrainMetrics.Row> rows,
        TrainMetrics.Row pending,
        double[] predictions) {
    static final String FORMAT = "unit-blocks";

    static String folder(int m) {
        return "checkpoints/m=" + m + "/";
    }

    /** Where the blocks of iteration k are written. */
    static String unitsFolder(int m, int k) {
        return folder(m) + "iteration-" + k;
    }

    /** Writes state.json (and the predictions), then removes the folders of earlier checkpoints of this width. */
    public void write(RunDirectory dir) {
        String units = unitsFolder(m, iteration);
        if (predictions != null) {
            ByteBuffer buf = ByteBuffer.allocate(8 * predictions.length);
            buf.asDoubleBuffer().put(predictions);
            dir.writeBytes(units + "/predictions.bin", buf.array());
        }
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("format", FORMAT);
        state.put("m", m);
        state.put("n", n);
        state.put("d", d);
        state.put("iteration", iteration);
        state.put("completed", completed);
        List<Integer> c = new ArrayList<>();
        for (int v : cuts) c.add(v);
        state.put("unit_block_cuts", c);
        state.put("representation", representation.id());
        state.put("initial_loss", initialLoss);
        state.put("random_state", "none after initialization: W(0) and a are re-derived from train.seed");
        List<Map<String, Object>> r = new ArrayList<>();
        for (TrainMetrics.Row row : rows) r.add(row.toMap());
        state.put("rows", r);
        state.put("pending", pending == null ? null : pending.toMap());
        dir.writeJson(folder(m) + "state.json", state);
        String keep = "iteration-" + iteration;
        for (String name : dir.list(folder(m))) {
            if (name.startsWith("iteration-") && !name.equals(keep)) dir.delete(folder(m) + name);
        }
    }

    /** The checkpoint of width m, or null if there is none. */
    @SuppressWarnings("unchecked")
    public static TrainCheckpoint read(RunDirectory dir, int m) {
        String stateFile = folder(m) + "state.json";
        if (!dir.exists(stateFile)) return null;
        Map<String, Object> s = dir.readJson(stateFile);
        if (!FORMAT.equals(s.get("format"))) {
            throw new UserError(
                    "The checkpoint " + dir.resolve(stateFile) + " was written by an earlier version of the training "
                            + "engine (one weights file, not unit blocks); it cannot be resumed by this one. Start the run again.");
        }
        int n = ((Number) s.get("n")).intValue(), d = ((Number) s.get("d")).intValue();
        int iteration = ((Number) s.get("iteration")).intValue();
        List<Number> c = (List<Number>) s.get("unit_block_cuts");
        int[] cuts = new int[c.size()];
        for (int i = 0; i < cuts.length; i++) cuts[i] = c.get(i).intValue();
        List<TrainMetrics.Row> rows = new ArrayList<>();
        for (Object o : (List<Object>) s.get("rows")) rows.add(TrainMetrics.Row.fromMap((Map<String, Object>) o));
        Object p = s.get("pending");
        TrainMetrics.Row pending = p == null ? null : TrainMetrics.Row.fromMap((Map<String, Object>) p);
        boolean completed = (Boolean) s.get("completed");
        double[] predictions = null;
        String file = unitsFolder(m, iteration) + "/predictions.bin";
        if (!completed) {
            if (!dir.exists(file)) {
                throw new UserError(
                        "The checkpoint of width " + m + " is incomplete: " + dir.resolve(file) + " is missing.");
            }
            byte[] bytes = dir.readBytes(file);
            if (bytes.length != 8L * n) {
                throw new UserError("Checkpoint " + dir.resolve(file) + " holds " + bytes.length + " bytes; expected "
                        + (8L * n) + " (n = " + n + "). It is truncated or from another run.");
            }
            predictions = new double[n];
            ByteBuffer.wrap(bytes).asDoubleBuffer().get(predictions);
        }
        org.overparam.model.UnitRepresentation representation =
                org.overparam.model.UnitRepresentation.parse(String.valueOf(s.get("representation")));
        if (representation == null)
            throw new UserError("The checkpoint " + dir.resolve(stateFile) + " names no representation.");
        return new TrainCheckpoint(
                m,
                n,
                d,
                iteration,
                completed,
                cuts,
                representation,
                ((Number) s.get("initial_loss")).doubleValue(),
                rows,
                pending,
                predictions);
    }
}
