package org.overparam.data;

import java.io.Serializable;
import org.overparam.UserError;

/**
 * How labels are assigned ({@code data.labels}).
 * <ul>
 *   <li>{@code true}: two classes give y = +1 for the first listed class and -1 for the other (Arora et al., Du et al.);
 *       synthetic sources keep their generator's label.</li>
 *   <li>{@code random:p}: as {@code true}, then a seeded set of exactly round(p n) samples get a fresh label: unif{-1,+1}
 *       for two classes, uniform over the selected classes when more than two are selected (integer labels), a fresh
 *       draw of the generator's label distribution for synthetic sources (Arora et al. Fig. 2, Ge et al.'s random labels).</li>
 *   <li>{@code integer}: the class value itself (0..9), for regression on the digit (Ge et al.).</li>
 *   <li>{@code planted:p}: {@code y = alpha (beta . x)^p} on the (normalized) inputs, beta a seeded direction of norm
 *       {@code data.planted.beta-norm}, p = 1 or even (Arora et al. Thm 6.1: then
 *       {@code sqrt(y^T Hinf^{-1} y) <= 3 p |alpha| ||beta||^p}).</li>
 * </ul>
 */
public final class LabelScheme implements Serializable {
    private static final long serialVersionUID = 1L;

    public enum Kind {
        TRUE,
        RANDOM,
        INTEGER,
        PLANTED,
        PARITY
    }

    public final Kind kind;
    /** The fraction of randomized labels (RANDOM only; 0 otherwise). */
    public final double fraction;
    /** The power p of planted labels {@code y = alpha (beta . x)^p} (PLANTED only; 0 otherwise). */
    public final int power;

    private LabelScheme(Kind kind, double fraction) {
        this(kind, fraction, 0);
    }

    private LabelScheme(Kind kind, double fraction, int power) {
        this.kind = kind;
        this.fraction = fraction;
        this.power = power;
    }

    public static LabelScheme parse(String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        if (t.equals("true")) return new LabelScheme(Kind.TRUE, 0);
        if (t.equals("integer")) return new LabelScheme(Kind.INTEGER, 0);
        if (t.equals("parity")) return new LabelScheme(Kind.PARITY, 0);
        if (t.equals("random")) return new LabelScheme(Kind.RANDOM, 1.0);
        if (t.startsWith("random:")) {
            double p;
            try {
                p = Double.parseDouble(t.substring("random:".length()));
            } catch (NumberFormatException e) {
                throw new UserError(
                        "data.labels: expected random:<fraction> with a fraction in [0, 1], found '" + text + "'.");
            }
            if (!(p >= 0 && p <= 1)) {
                throw new UserError("data.labels: the fraction of random labels must be in [0, 1], found " + p + ".");
            }
            return new LabelScheme(Kind.RANDOM, p);
        }
        if (t.startsWith("planted:")) {
            int p;
            try {
                p = Integer.parseInt(t.substring("planted:".length()));
            } catch (NumberFormatException e) {
                p = -1;
            }
            if (p != 1 && (p < 2 || p % 2 != 0)) {
                throw new UserError("data.labels: planted:<p> needs p = 1 or an even p (Arora et al. Thm 6.1), found '"
                        + text + "'.");
            }
            return new LabelScheme(Kind.PLANTED, 0, p);
        }
        throw new UserError(
                "data.labels: expected true | random:<fraction> | integer | planted:<p>, found '" + text + "'.");
    }

    @Override
    public String toString() {
        if (kind == Kind.RANDOM) return "random:" + fraction;
        if (kind == Kind.PLANTED) return "planted:" + power;
        if (kind == Kind.PARITY) return "parity";
        return kind.name().toLowerCase(java.util.Locale.ROOT);
    }
}
