package org.overparam.experiment.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.overparam.run.RunDirectory;
import org.overparam.run.Table;

/**
 * One row per (width, iteration) of a training run, and how the rows are written: Parquet ({@code metrics/}) for
 * notebooks and a CSV copy ({@code metrics.csv}). NaN (a metric not computed at that iteration) is null in Parquet and
 * empty in the CSV.
 */
public final class TrainMetrics {
    /** Column names, in order. */
    public static final List<String> COLUMNS = List.of(
            "m",
            "iteration",
            "loss",
            "gradient_norm",
            "pattern_change_fraction",
            "max_weight_distance",
            "weight_distance_fro",
            "seconds",
            "lambda_min_h",
            "h_relative_change");

    /**
     * @param loss                  L(W(k)) = sum_i (f(x_i) - y_i)^2 / 2
     * @param patternChangeFraction sum_i sum_r 1{sign(w_r(0).x_i) != sign(w_r(k).x_i)} / (m n)
     * @param maxWeightDistance     max_r ||w_r(k) - w_r(0)||_2
     * @param weightDistanceFro     ||W(k) - W(0)||_F
     * @param lambdaMinH            lambda_min(H(k)), NaN when not computed at k
     * @param hRelativeChange       ||H(k) - H(0)||_F / ||H(0)||_F, NaN when not computed at k
     */
    public record Row(
            int m,
            int iteration,
            double loss,
            double gradientNorm,
            double patternChangeFraction,
            double maxWeightDistance,
            double weightDistanceFro,
            double seconds,
            double lambdaMinH,
            double hRelativeChange) {
        /** This row with the gradient norm, which is known one step after the rest. */
        Row withGradientNorm(double norm) {
            return new Row(
                    m,
                    iteration,
                    loss,
                    norm,
                    patternChangeFraction,
                    maxWeightDistance,
                    weightDistanceFro,
                    seconds,
                    lambdaMinH,
                    hRelativeChange);
        }

        List<Object> values() {
            return List.of(
                    m,
                    iteration,
                    loss,
                    gradientNorm,
                    patternChangeFraction,
                    maxWeightDistance,
                    weightDistanceFro,
                    seconds,
                    lambdaMinH,
                    hRelativeChange);
        }

        Map<String, Object> toMap() {
            Map<String, Object> map = new LinkedHashMap<>();
            List<Object> v = values();
            for (int i = 0; i < COLUMNS.size(); i++) {
                Object o = v.get(i);
                map.put(COLUMNS.get(i), o instanceof Double d && d.isNaN() ? null : o);
            }
            return map;
        }

        @SuppressWarnings("unchecked")
        static Row fromMap(Map<String, Object> map) {
            return new Row(
                    ((Number) map.get("m")).intValue(),
                    ((Number) map.get("iteration")).intValue(),
                    num(map, "loss"),
                    num(map, "gradient_norm"),
                    num(map, "pattern_change_fraction"),
                    num(map, "max_weight_distance"),
                    num(map, "weight_distance_fro"),
                    num(map, "seconds"),
                    num(map, "lambda_min_h"),
                    num(map, "h_relative_change"));
        }

        private static double num(Map<String, Object> map, String key) {
            Object o = map.get(key);
            return o == null ? Double.NaN : ((Number) o).doubleValue();
        }
    }

    private TrainMetrics() {}

    /** Writes {@code metrics/} (Parquet, one file) and {@code metrics.csv}. */
    public static void write(RunDirectory dir, List<Row> rows) {
        List<Table.Column> columns = new ArrayList<>(
                List.of(Table.Column.of("m", Table.Type.INT), Table.Column.of("iteration", Table.Type.INT)));
        for (String c : COLUMNS.subList(2, COLUMNS.size())) columns.add(Table.Column.nullable(c, Table.Type.DOUBLE));
        Table table = new Table("metrics", columns);
        for (Row r : rows) table.add(r.values().toArray());
        table.write(dir);
    }
}
