package org.overparam.theory;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Ge, Wang, Wang et al. (2020), Thm 4's condition for the signed quadratic net to memorize n samples: the lifted data
 * matrix {@code X(x)2 = [x_1 (x) x_1, ..., x_n (x) x_n]} (d^2 x n) has full column rank with smallest singular value
 * {@code sigma_min}, and {@code r >= 2d + 2} units suffice. The singular value comes from the squared-inner kernel:
 * {@code (X(x)2)^T X(x)2 = G o G} with {@code G = X X^T}, so {@code sigma_min = sqrt(lambda_min(G o G))} (a tiny
 * negative lambda_min from rounding counts as 0). Full column rank is only possible when {@code n <= d(d+1)/2}, the
 * dimension of the symmetric d x d matrices that every {@code x (x) x} lies in.
 */
public record MemorizationCondition(double sigmaMin, int r, int d, long n) {
    public static MemorizationCondition fromSquaredInnerKernel(double lambdaMin, int r, int d, long n) {
        return new MemorizationCondition(Math.sqrt(Math.max(lambdaMin, 0.0)), r, d, n);
    }

    public long widthThreshold() {
        return 2L * d + 2;
    }

    public long rankLimit() {
        return (long) d * (d + 1) / 2;
    }

    public boolean widthSuffices() {
        return r >= widthThreshold();
    }

    public boolean fullRankPossible() {
        return n <= rankLimit();
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sigma_min_x2", sigmaMin);
        m.put("r", r);
        m.put("r_threshold_2d_plus_2", widthThreshold());
        m.put("r_suffices", widthSuffices());
        m.put("n", n);
        m.put("n_limit_d_d_plus_1_over_2", rankLimit());
        m.put("full_rank_possible", fullRankPossible());
        return m;
    }
}
