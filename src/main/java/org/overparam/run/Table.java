package org.overparam.run;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type.Repetition;
import org.apache.parquet.schema.Types;

/**
 * A small result table (metrics, eigenvalues, projections: up to some 10^5 rows), written into a run directory as
 * Parquet ({@code name/part-00000.parquet} and {@code name/_SUCCESS}, a folder Spark, Zeppelin and pandas read as one
 * table) and as a CSV copy ({@code name.csv}, doubles to 17 significant digits, nulls empty).
 *
 * <p>Written with parquet-hadoop directly rather than through a Spark SQL DataFrame: the first DataFrame write of a JVM
 * costs seconds (analyzer, code generation, output committer) for a table the driver already holds, which is most of
 * a small run's output time. The file is built in memory and handed to {@link RunDirectory#writeBytes}, so it appears
 * whole or not at all, on any Hadoop file system.
 */
public final class Table {
    public enum Type {
        STRING(String.class),
        INT(Integer.class),
        LONG(Long.class),
        DOUBLE(Double.class),
        BOOLEAN(Boolean.class);

        private final Class<?> javaClass;

        Type(Class<?> javaClass) {
            this.javaClass = javaClass;
        }

        Class<?> javaClass() {
            return javaClass;
        }
    }

    /** A column; a nullable DOUBLE column stores NaN as null. */
    public record Column(String name, Type type, boolean nullable) {
        public static Column of(String name, Type type) {
            return new Column(name, type, false);
        }

        public static Column nullable(String name, Type type) {
            return new Column(name, type, true);
        }
    }

    private final String name;
    private final List<Column> columns;
    private final List<Object[]> rows = new ArrayList<>();

    public Table(String name, List<Column> columns) {
        if (columns.isEmpty()) throw new IllegalArgumentException("Table " + name + ": no columns");
        this.name = name;
        this.columns = List.copyOf(columns);
    }

    /** Appends a row: one value per column, of the column's type (Integer, Long, Double, String, Boolean). */
    public Table add(Object... values) {
        if (values.length != columns.size()) {
            throw new IllegalArgumentException("Table " + name + ": expected " + columns.size() + " values " + names()
                    + ", found " + values.length);
        }
        for (int i = 0; i < values.length; i++) {
            Column c = columns.get(i);
            Object v = values[i];
            boolean missing = v == null || (v instanceof Double d && d.isNaN() && c.nullable());
            if (missing && !c.nullable()) {
                throw new IllegalArgumentException(
                        "Table " + name + ": column " + c.name() + " is not nullable, found null");
            }
            if (!missing && !c.type().javaClass().isInstance(v)) {
                throw new IllegalArgumentException("Table " + name + ": column " + c.name() + " holds " + c.type()
                        + ", found " + v.getClass().getSimpleName() + " " + v);
            }
            if (missing) values[i] = null;
        }
        rows.add(values.clone());
        return this;
    }

    int size() {
        return rows.size();
    }

    /** Writes {@code name/} (Parquet) and {@code name.csv}. */
    public void write(RunDirectory dir) {
        dir.writeText(name + ".csv", csv());
        dir.writeBytes(name + "/part-00000.parquet", parquet());
        dir.writeBytes(name + "/_SUCCESS", new byte[0]);
    }

    String csv() {
        StringBuilder sb = new StringBuilder(String.join(",", names())).append('\n');
        for (Object[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                if (i > 0) sb.append(',');
                Object v = r[i];
                if (v instanceof Double d) sb.append(d.doubleValue()); // Double.toString: reads back as the same double
                else if (v != null) sb.append(v);
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    MessageType schema() {
        Types.MessageTypeBuilder b = Types.buildMessage();
        for (Column c : columns) {
            Repetition rep = c.nullable() ? Repetition.OPTIONAL : Repetition.REQUIRED;
            switch (c.type()) {
                case STRING ->
                    b.primitive(PrimitiveTypeName.BINARY, rep)
                            .as(LogicalTypeAnnotation.stringType())
                            .named(c.name());
                case INT -> b.primitive(PrimitiveTypeName.INT32, rep).named(c.name());
                case LONG -> b.primitive(PrimitiveTypeName.INT64, rep).named(c.name());
                case DOUBLE -> b.primitive(PrimitiveTypeName.DOUBLE, rep).named(c.name());
                case BOOLEAN -> b.primitive(PrimitiveTypeName.BOOLEAN, rep).named(c.name());
            }
        }
        return b.named("spark_schema");
    }

    byte[] parquet() {
        MessageType schema = schema();
        InMemoryFile file = new InMemoryFile();
        try (ParquetWriter<Group> w = ExampleParquetWriter.builder(file)
                .withType(schema)
                .withCompressionCodec(CompressionCodecName.SNAPPY)
                .build()) {
            SimpleGroupFactory groups = new SimpleGroupFactory(schema);
            for (Object[] r : rows) {
                Group g = groups.newGroup();
                for (int i = 0; i < r.length; i++) {
                    Object v = r[i];
                    String col = columns.get(i).name();
                    if (v == null) continue;
                    switch (columns.get(i).type()) {
                        case STRING -> g.append(col, (String) v);
                        case INT -> g.append(col, (Integer) v);
                        case LONG -> g.append(col, (Long) v);
                        case DOUBLE -> g.append(col, (Double) v);
                        case BOOLEAN -> g.append(col, (Boolean) v);
                    }
                }
                w.write(g);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not encode the table " + name + " as Parquet", e);
        }
        return file.bytes.toByteArray();
    }

    private List<String> names() {
        return columns.stream().map(Column::name).toList();
    }

    /** A Parquet output file in memory. */
    private static final class InMemoryFile implements OutputFile {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        @Override
        public PositionOutputStream create(long blockSizeHint) {
            return new PositionOutputStream() {
                @Override
                public long getPos() {
                    return bytes.size();
                }

                @Override
                public void write(int b) {
                    bytes.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    bytes.write(b, off, len);
                }
            };
        }

        @Override
        public PositionOutputStream createOrOverwrite(long blockSizeHint) {
            bytes.reset();
            return create(blockSizeHint);
        }

        @Override
        public boolean supportsBlockSize() {
            return false;
        }

        @Override
        public long defaultBlockSize() {
            return 0;
        }
    }
}
