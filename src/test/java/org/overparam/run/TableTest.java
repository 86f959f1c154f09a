package org.overparam.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.overparam.testing.LocalSpark;

/** Tables written without Spark SQL read back through Spark SQL with the same schema, values and nulls. */
class TableTest {
    @TempDir
    Path tmp;

    static Table sample() {
        Table t = new Table(
                "results",
                List.of(
                        Table.Column.of("labels", Table.Type.STRING),
                        Table.Column.of("index", Table.Type.INT),
                        Table.Column.of("k", Table.Type.LONG),
                        Table.Column.of("value", Table.Type.DOUBLE),
                        Table.Column.nullable("maybe", Table.Type.DOUBLE)));
        for (int i = 0; i < 1000; i++) {
            t.add(
                    i % 2 == 0 ? "true" : "random",
                    i + 1,
                    1L << (i % 40),
                    Math.scalb(1.0 + i / 1000.0, i % 200 - 100),
                    i % 3 == 0 ? Double.NaN : -i * 0.1);
        }
        return t;
    }

    @Test
    void sparkReadsTheParquetWithTheDeclaredSchemaAndEveryValue() {
        RunDirectory dir = RunDirectory.create(tmp.resolve("run").toString(), false, new Configuration());
        sample().write(dir);
        Dataset<Row> df = LocalSpark.get().read().parquet(dir.resolve("results"));
        StructType expected = new StructType()
                .add("labels", DataTypes.StringType, true)
                .add("index", DataTypes.IntegerType, true)
                .add("k", DataTypes.LongType, true)
                .add("value", DataTypes.DoubleType, true)
                .add("maybe", DataTypes.DoubleType, true);
        // Spark reports every Parquet column as nullable when it reads; names and types must match.
        assertThat(df.schema().fields())
                .extracting(f -> f.name() + ":" + f.dataType())
                .containsExactlyElementsOf(List.of(expected.fields()).stream()
                        .map(f -> f.name() + ":" + f.dataType())
                        .toList());
        List<Row> rows = df.orderBy("index").collectAsList();
        assertThat(rows).hasSize(1000);
        for (int i = 0; i < 1000; i++) {
            Row r = rows.get(i);
            assertThat(r.getString(0)).isEqualTo(i % 2 == 0 ? "true" : "random");
            assertThat(r.getInt(1)).isEqualTo(i + 1);
            assertThat(r.getLong(2)).isEqualTo(1L << (i % 40));
            assertThat(r.getDouble(3)).as("bit-exact double").isEqualTo(Math.scalb(1.0 + i / 1000.0, i % 200 - 100));
            if (i % 3 == 0)
                assertThat(r.isNullAt(4)).as("NaN in a nullable column is null").isTrue();
            else assertThat(r.getDouble(4)).isEqualTo(-i * 0.1);
        }
    }

    @Test
    void csvCopyHasAHeaderAndOneLinePerRowWithNullsEmpty() throws Exception {
        RunDirectory dir = RunDirectory.create(tmp.resolve("csv").toString(), false, new Configuration());
        sample().write(dir);
        List<String> lines = Files.readAllLines(tmp.resolve("csv").resolve("results.csv"));
        assertThat(lines).hasSize(1001);
        assertThat(lines.get(0)).isEqualTo("labels,index,k,value,maybe");
        assertThat(lines.get(1)).startsWith("true,1,1,").endsWith(",");
        assertThat(Double.parseDouble(lines.get(2).split(",")[4])).isEqualTo(-0.1);
        assertThat(tmp.resolve("csv").resolve("results").resolve("_SUCCESS")).exists();
        try (var files = Files.list(tmp.resolve("csv").resolve("results"))) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .as("no temporary or .crc files")
                    .containsExactlyInAnyOrder("part-00000.parquet", "_SUCCESS");
        }
    }

    @Test
    void rowsOfTheWrongShapeAreRefusedNamingTheColumn() {
        Table t = new Table(
                "t", List.of(Table.Column.of("index", Table.Type.INT), Table.Column.of("value", Table.Type.DOUBLE)));
        assertThatThrownBy(() -> t.add(1)).hasMessageContaining("expected 2 values [index, value], found 1");
        assertThatThrownBy(() -> t.add(1, "x")).hasMessageContaining("column value holds DOUBLE, found String x");
        assertThatThrownBy(() -> t.add(1, null)).hasMessageContaining("column value is not nullable");
        assertThatThrownBy(() -> t.add(1L, 2.0)).hasMessageContaining("column index holds INT, found Long");
        assertThat(t.size()).isZero();
    }
}
