package org.overparam.experiment.quadratic;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.overparam.UserError;
import org.overparam.run.RunDirectory;
import org.overparam.spark.QuadraticOptimizers;

/**
 * The latest checkpoint of one width of a quadratic-net training run, in {@code checkpoints/<model>-<k>/state.json}
 * beside the unit blocks' files ({@code iteration-<t>/}, written by the executors, see
 * {@link org.overparam.spark.UnitShardedQuadratic}): the sizes and the cut of the units into blocks it was written
 * with, the loss at W(0) over all samples, the optimizer loop's state at the start of iteration t
 * ({@link QuadraticOptimizers.ResumePoint}), the recorded metrics rows before t, and for a completed width its summary
 * instead. No random state is kept: W(0), the signs, the mini-batches and perturbed GD's draws are re-derived from
 * {@code train.seed} and t.
 */
public record QuadraticCheckpoint(
        String model,
        int width,
        int n,
        int d,
        String optimizer,
        int[] cuts,
        double initialLoss,
        QuadraticOptimizers.ResumePoint point,
        List<QuadraticOutputs.Row> rows,
        QuadraticSummary.WidthRun summary) {
    static final String FORMAT = "quadratic-unit-blocks";

    static String folder(String model, int width) {
        return "checkpoints/" + model + "-" + width;
    }

    static String stateFile(String model, int width) {
        return folder(model, width) + "/state.json";
    }

    boolean completed() {
        return summary != null;
    }

    void write(RunDirectory dir) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("format", FORMAT);
        s.put("model", model);
        s.put("width", width);
        s.put("n", n);
        s.put("d", d);
        s.put("optimizer", optimizer);
        List<Integer> c = new ArrayList<>();
        for (int v : cuts) c.add(v);
        s.put("unit_block_cuts", c);
        s.put("initial_loss", initialLoss);
        if (point != null) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("iteration", point.iteration());
            p.put("first_pass_loss", point.initialLoss());
            p.put("noise_iteration", point.noiseIteration());
            p.put("noise_loss", point.noiseLoss());
            p.put("perturbations", point.perturbations());
            s.put("resume_point", p);
        }
        List<List<Object>> r = new ArrayList<>();
        for (QuadraticOutputs.Row row : rows) r.add(List.of(row.values()));
        s.put("rows", r);
        s.put(
                "random_state",
                "none: W(0), a, the mini-batches and perturbed GD's draws are re-derived from train.seed");
        s.put("summary", summary);
        dir.writeJson(stateFile(model, width), s);
    }

    /** The checkpoint of this width, or null if there is none; refuses one written for other data or another layout. */
    @SuppressWarnings("unchecked")
    static QuadraticCheckpoint read(RunDirectory dir, String model, int width, int n, int d, String optimizer) {
        String file = stateFile(model, width);
        if (!dir.exists(file)) return null;
        Map<String, Object> s = dir.readJson(file);
        if (!FORMAT.equals(s.get("format"))) {
            throw new UserError("The checkpoint " + dir.resolve(file) + " is not a quadratic-net checkpoint (format "
                    + s.get("format") + ", expected " + FORMAT + "). Start the run again in a new --out.");
        }
        int cn = number(s, "n", file, dir).intValue(),
                cd = number(s, "d", file, dir).intValue();
        if (cn != n || cd != d || !optimizer.equals(s.get("optimizer"))) {
            throw new UserError("The checkpoint " + dir.resolve(file) + " was written for n = " + cn + ", d = " + cd
                    + ", optimizer "
                    + s.get("optimizer") + "; this run has n = " + n + ", d = " + d + ", optimizer " + optimizer
                    + ". Resume with the configuration it was started with.");
        }
        List<Number> c = (List<Number>) s.get("unit_block_cuts");
        int[] cuts = new int[c.size()];
        for (int i = 0; i < cuts.length; i++) cuts[i] = c.get(i).intValue();
        Map<String, Object> p = (Map<String, Object>) s.get("resume_point");
        QuadraticOptimizers.ResumePoint point = p == null
                ? null
                : new QuadraticOptimizers.ResumePoint(
                        ((Number) p.get("iteration")).intValue(),
                        doubleOf(p.get("first_pass_loss")),
                        ((Number) p.get("noise_iteration")).longValue(),
                        doubleOf(p.get("noise_loss")),
                        ((Number) p.get("perturbations")).intValue());
        List<QuadraticOutputs.Row> rows = new ArrayList<>();
        for (Object o : (List<Object>) s.get("rows")) {
            List<Object> v = (List<Object>) o;
            rows.add(new QuadraticOutputs.Row(
                    ((Number) v.get(0)).intValue(),
                    ((Number) v.get(1)).intValue(),
                    doubleOf(v.get(2)),
                    doubleOf(v.get(3)),
                    doubleOf(v.get(4)),
                    doubleOf(v.get(5)),
                    doubleOf(v.get(6))));
        }
        QuadraticSummary.WidthRun summary = s.get("summary") == null
                ? null
                : RunDirectory.JSON.convertValue(s.get("summary"), QuadraticSummary.WidthRun.class);
        if (summary == null && point == null) {
            throw new UserError("The checkpoint " + dir.resolve(file)
                    + " has neither a resume point nor a summary: it is corrupt.");
        }
        return new QuadraticCheckpoint(
                model, width, n, d, optimizer, cuts, doubleOf(s.get("initial_loss")), point, rows, summary);
    }

    private static Number number(Map<String, Object> s, String key, String file, RunDirectory dir) {
        if (!(s.get(key) instanceof Number v))
            throw new UserError("The checkpoint " + dir.resolve(file) + " has no " + key + ": it is corrupt.");
        return v;
    }

    /** A double written by {@link RunDirectory#writeJson}: non-finite values come back as strings or null. */
    private static double doubleOf(Object o) {
        if (o instanceof Number v) return v.doubleValue();
        if (o instanceof String t) return Double.parseDouble(t);
        return Double.NaN;
    }
}
