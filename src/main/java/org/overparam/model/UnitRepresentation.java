package org.overparam.model;

import java.util.Locale;
import org.overparam.UserError;

/**
 * How a block of hidden units holds its first-layer weights during full-batch gradient descent.
 *
 * <ul>
 *   <li>{@link #WEIGHTS}: W(k) itself (units x d). A step: the gradient {@code G = B^T X} and the new pre-activations
 *       {@code X W(k+1)^T}, {@code 4 n u d} flops for u units.</li>
 *   <li>{@link #SAMPLE_SPAN}: every gradient {@code B^T X} lies in the span of the samples, so
 *       {@code W(k) = W(0) + A(k)^T X} with A (n x units), and the pre-activations are
 *       {@code X W(k)^T = P(0) + Q(k)}, {@code Q = K A}, {@code K = X X^T}. A step is one GEMM, {@code K B}
 *       ({@code 2 n^2 u} flops), which gives the new Q ({@code Q - eta K B}), the gradient's norm
 *       ({@code ||G_r||^2 = b_r . (K b)_r}) and the distance from W(0) ({@code ||w_r - w_r(0)||^2 = a_r . q_r}); W is
 *       never formed. Each executor holds K ({@code 8 n^2} bytes).</li>
 * </ul>
 * The sample span costs fewer flops when {@code n < 2 d} ({@link #cheaper}); the two agree to rounding.
 */
public enum UnitRepresentation {
    WEIGHTS,
    SAMPLE_SPAN;

    /** {@code train.representation}: {@code weights | sample-span}, or {@code auto} (returns null: the cost model chooses). */
    public static UnitRepresentation parse(String s) {
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "auto" -> null;
            case "weights" -> WEIGHTS;
            case "sample-span" -> SAMPLE_SPAN;
            default ->
                throw new UserError("train.representation: expected auto | weights | sample-span, found '" + s + "'.");
        };
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Flops of one step of u units: {@code 4 n u d} for weights, {@code 2 n^2 u} for the sample span. */
    public double stepFlops(long n, long d, long units) {
        return this == WEIGHTS ? 4.0 * n * units * d : 2.0 * n * n * units;
    }

    /** The representation whose step costs fewer flops at n samples of dimension d. */
    public static UnitRepresentation cheaper(long n, long d) {
        return SAMPLE_SPAN.stepFlops(n, d, 1) < WEIGHTS.stepFlops(n, d, 1) ? SAMPLE_SPAN : WEIGHTS;
    }
}
