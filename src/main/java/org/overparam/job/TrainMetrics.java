package org.overparam.job;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One row per (width, iteration) of a training run, and how the rows are written: Parquet ({@code metrics/}) for
 * notebooks and a CSV copy ({@code metrics.csv}). NaN (a metric not computed at that iteration) is null in Parquet and
 * empty in the CSV.
 */
public final class TrainMetrics {
    /** Column names, in order. */
    public static final List<String> COLUMNS = List.of("m", "iteration", "loss", "gradient_norm", "pattern_change_fraction",
            "max_weight_distance", "weight_distance_fro", "seconds", "lambda_min_h", "h_relative_change");

    /**
     * @param loss                  L(W(k)) = sum_i (f(x_i) - y_i)^2 / 2
     * @param patternChangeFraction sum_i sum_r 1{sign(w_r(0).x_i) != sign(w_r(k).x_i)} / (m n)
     * @param maxWeightDistance     max_r ||w_r(k) - w_r(0)||_2
     * @param weightDistanceFro     ||W(k) - W(0)||_F
     * @param lambdaMinH            lambda_min(H(k)), NaN when not computed at k
     * @param hRelativeChange       ||H(k) - H(0)||_F / ||H(0)||_F, NaN when not computed at k
     */
    public record Row(int m, int iteration, double loss, double gradientNorm, double patternChangeFraction,
                      double maxWeightDistance, double weightDistanceFro, double seconds, double lambdaMinH,
                      double hRelativeChange) {
        List<Object> values() {
            return List.of(m, iteration, loss, gradientNorm, patternChangeFraction, maxWeightDistance, weightDistanceFro,
                    seconds, lambdaMinH, hRelativeChange);
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
            return new Row(((Number) map.get("m")).intValue(), ((Number) map.get("iteration")).intValue(),
                    num(map, "loss"), num(map, "gradient_norm"), num(map, "pattern_change_fraction"),
                    num(map, "max_weight_distance"), num(map, "weight_distance_fro"), num(map, "seconds"),
                    num(map, "lambda_min_h"), num(map, "h_relative_change"));
        }

        private static double num(Map<String, Object> map, String key) {
            Object o = map.get(key);
            return o == null ? Double.NaN : ((Number) o).doubleValue();
        }
    }

    private TrainMetrics() {
    }

    public static String csv(List<Row> rows) {
        StringBuilder sb = new StringBuilder(String.join(",", COLUMNS)).append('\n');
        for (Row r : rows) {
            List<Object> v = r.values();
            for (int i = 0; i < v.size(); i++) {
                if (i > 0) sb.append(',');
                Object o = v.get(i);
                if (o instanceof Double d) {
                    if (!d.isNaN()) sb.append(String.format(Locale.ROOT, "%.17g", d));
                } else {
                    sb.append(o);
                }
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** Writes {@code metrics/} (Parquet, one file) and {@code metrics.csv}. */
    public static void write(SparkSession spark, RunDirectory dir, List<Row> rows) {
        dir.writeText("metrics.csv", csv(rows));
        StructType schema = new StructType()
                .add("m", DataTypes.IntegerType, false)
                .add("iteration", DataTypes.IntegerType, false);
        for (String c : COLUMNS.subList(2, COLUMNS.size())) schema = schema.add(c, DataTypes.DoubleType, true);
        List<org.apache.spark.sql.Row> out = new ArrayList<>(rows.size());
        for (Row r : rows) {
            Object[] v = r.values().toArray();
            for (int i = 0; i < v.length; i++) if (v[i] instanceof Double d && d.isNaN()) v[i] = null;
            out.add(RowFactory.create(v));
        }
        spark.createDataFrame(out, schema).coalesce(1).write().mode("overwrite").parquet(dir.resolve("metrics"));
    }
}
