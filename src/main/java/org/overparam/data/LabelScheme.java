package org.overparam.data;

import org.overparam.UserError;

import java.io.Serializable;

/**
 * How labels are assigned ({@code data.labels}).
 * <ul>
 *   <li>{@code true}: two classes give y = +1 for the first listed class and -1 for the other (Arora et al., Du et al.);
 *       synthetic sources keep their generator's label.</li>
 *   <li>{@code random:p}: as {@code true}, then a seeded set of exactly round(p n) samples get a fresh label: unif{-1,+1}
 *       for two classes, uniform over the selected classes when more than two are selected (integer labels), a fresh
 *       draw of the generator's label distribution for synthetic sources (Arora et al. Fig. 2, Ge et al.'s random labels).</li>
 *   <li>{@code integer}: the class value itself (0..9), for regression on the digit (Ge et al.).</li>
 * </ul>
 */
public final class LabelScheme implements Serializable {
    private static final long serialVersionUID = 1L;

    public enum Kind { TRUE, RANDOM, INTEGER }

    public final Kind kind;
    /** The fraction of randomized labels (RANDOM only; 0 otherwise). */
    public final double fraction;

    private LabelScheme(Kind kind, double fraction) {
        this.kind = kind;
        this.fraction = fraction;
    }

    public static LabelScheme parse(String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        if (t.equals("true")) return new LabelScheme(Kind.TRUE, 0);
        if (t.equals("integer")) return new LabelScheme(Kind.INTEGER, 0);
        if (t.equals("random")) return new LabelScheme(Kind.RANDOM, 1.0);
        if (t.startsWith("random:")) {
            double p;
            try {
                p = Double.parseDouble(t.substring("random:".length()));
            } catch (NumberFormatException e) {
                throw new UserError("data.labels: expected random:<fraction> with a fraction in [0, 1], found '" + text + "'.");
            }
            if (!(p >= 0 && p <= 1)) {
                throw new UserError("data.labels: the fraction of random labels must be in [0, 1], found " + p + ".");
            }
            return new LabelScheme(Kind.RANDOM, p);
        }
        throw new UserError("data.labels: expected true | random:<fraction> | integer, found '" + text + "'.");
    }

    @Override
    public String toString() {
        return kind == Kind.RANDOM ? "random:" + fraction : kind.name().toLowerCase(java.util.Locale.ROOT);
    }
}
