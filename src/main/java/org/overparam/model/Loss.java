package org.overparam.model;

import java.util.Locale;

/**
 * Convex, twice differentiable per-sample losses {@code l(f, y)} of Du &amp; Lee (ICML 2018, Sec. 3): the value and
 * the derivative {@code l'(f, y) = dl/df} that every quadratic-activation gradient is built from.
 */
public enum Loss {
    /** {@code l(f, y) = (f - y)^2 / 2}, {@code l' = f - y}. */
    SQUARED("squared") {
        @Override
        public double value(double f, double y) {
            double r = f - y;
            return 0.5 * r * r;
        }

        @Override
        public double derivative(double f, double y) {
            return f - y;
        }
    },
    /**
     * {@code l(f, y) = log(1 + exp(-y f))} for labels {@code y in {-1, +1}}, {@code l' = -y / (1 + exp(y f))}; both
     * evaluated without overflow for large {@code |f|}.
     */
    LOGISTIC("logistic") {
        @Override
        public double value(double f, double y) {
            double z = -y * f;
            return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
        }

        @Override
        public double derivative(double f, double y) {
            double z = y * f;
            return z > 0 ? -y * Math.exp(-z) / (1 + Math.exp(-z)) : -y / (1 + Math.exp(z));
        }
    };

    public final String id;

    Loss(String id) {
        this.id = id;
    }

    public abstract double value(double f, double y);

    public abstract double derivative(double f, double y);

    public static Loss parse(String s) {
        for (Loss l : values()) if (l.id.equals(s.trim().toLowerCase(Locale.ROOT))) return l;
        throw new org.overparam.UserError("train.loss: expected squared | logistic, found '" + s + "'.");
    }
}
