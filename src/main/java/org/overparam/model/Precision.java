package org.overparam.model;

import java.util.Locale;

/**
 * Arithmetic of the GEMMs ({@code train.precision}). Elementwise work, the loss and the gradient's accumulation across
 * blocks are always float64; {@code FLOAT32} only runs the two GEMMs per chunk in single precision (twice the
 * throughput on most CPUs, relative error about 1e-7 per product).
 */
public enum Precision {
    FLOAT64,
    FLOAT32;

    public static Precision parse(String s) {
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "float64", "double" -> FLOAT64;
            case "float32", "float" -> FLOAT32;
            default ->
                throw new org.overparam.UserError("train.precision: expected float64 | float32, found '" + s + "'.");
        };
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
