package org.overparam.theory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleFunction;
import org.overparam.Seeds;
import org.overparam.UserError;

/**
 * One label vector of a spectrum analysis (Arora et al. Sec. 5 and Fig. 1-2): the true labels, a seeded fraction of
 * them redrawn from unif{-1,+1} ({@code random} is {@code random:1}), or the worst case {@code ||y|| v_min}.
 * {@code id} is the setting as written (lower case), which keys the outputs and seeds the random draws.
 */
public record LabelVector(Kind kind, double fraction, String id) {
    public enum Kind {
        TRUE,
        RANDOM,
        WORST
    }

    /** The true labels. */
    public static final LabelVector TRUE = new LabelVector(Kind.TRUE, 0, "true");

    /** {@code true}, {@code random}, {@code random:<p in [0,1]>} or {@code worst}; {@code key} names the setting in errors. */
    public static LabelVector parse(String text, String key) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("true")) return TRUE;
        if (t.equals("worst")) return new LabelVector(Kind.WORST, 0, t);
        if (t.equals("random")) return new LabelVector(Kind.RANDOM, 1.0, t);
        if (t.matches("random:(0(\\.\\d+)?|1(\\.0+)?)")) {
            return new LabelVector(Kind.RANDOM, Double.parseDouble(t.substring("random:".length())), t);
        }
        throw new UserError(key + ": expected true | random | random:<p in [0,1]> | worst, found '" + text + "'.");
    }

    /**
     * The vectors of {@code labels}, in order, keyed by their ids: the true labels, seeded random flips of them, and
     * the worst case {@code worst.apply(||y_true||)} from whichever eigensolver found v_min.
     */
    public static Map<String, double[]> build(
            List<LabelVector> labels, double[] yTrue, long seed, DoubleFunction<double[]> worst) {
        Map<String, double[]> out = new LinkedHashMap<>();
        double norm = 0;
        for (double v : yTrue) norm += v * v;
        norm = Math.sqrt(norm);
        for (LabelVector v : labels) out.put(v.id(), v.kind() == Kind.WORST ? worst.apply(norm) : v.known(yTrue, seed));
        return out;
    }

    /** This vector when it is not the worst case: the true labels, or their seeded random flips. */
    public double[] known(double[] yTrue, long seed) {
        if (kind == Kind.WORST) throw new IllegalStateException("LabelVector: the worst case needs v_min");
        return kind == Kind.TRUE ? yTrue : randomized(yTrue, fraction, seed, id);
    }

    /**
     * The true labels with exactly round(p n) of them, chosen by a seeded permutation, replaced by unif{-1,+1}
     * (Arora et al. Fig. 2); p = 1 gives the fully random labels of Fig. 1.
     */
    public static double[] randomized(double[] y, double p, long seed, String scheme) {
        int n = y.length, k = (int) Math.round(p * n);
        double[] r = y.clone();
        for (int row : Seeds.choose(Seeds.stream(seed, "spectrum/" + scheme + "/rows"), n, k)) {
            r[row] = Seeds.stream(seed, "spectrum/" + scheme + "/label", row).nextBoolean() ? 1.0 : -1.0;
        }
        return r;
    }
}
