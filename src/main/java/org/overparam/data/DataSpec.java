package org.overparam.data;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValueType;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.overparam.UserError;

/** The {@code data.*} settings, checked. Every field is documented in {@code reference.conf}. */
public final class DataSpec implements Serializable {
    private static final long serialVersionUID = 1L;

    /** {@code data.n = all}. */
    public static final int ALL = -1;

    public enum Source {
        MNIST("mnist"),
        FASHION_MNIST("fashion-mnist"),
        CIFAR10("cifar10"),
        SPHERE("sphere"),
        HYPERCUBE("hypercube"),
        GAUSSIAN("gaussian");

        public final String id;

        Source(String id) {
            this.id = id;
        }

        public boolean synthetic() {
            return this == SPHERE || this == HYPERCUBE || this == GAUSSIAN;
        }

        static Source parse(String s) {
            for (Source v : values()) if (v.id.equalsIgnoreCase(s.trim())) return v;
            throw new UserError(
                    "data.source: expected one of mnist | fashion-mnist | cifar10 | sphere | hypercube | gaussian, found '"
                            + s + "'.");
        }
    }

    public final Source source;
    public final String path;
    public final boolean test;
    /** data.split = all: the training records, then the test records, numbered on from the last training record. */
    public final boolean bothSplits;

    public final int[] classes;
    public final int n;
    public final boolean randomSample;
    public final int d;
    public final LabelScheme labels;
    public final double noise;
    public final int pca;
    public final boolean normalize;
    public final long seed;
    public final int blockSize;
    public final int partitions;
    public final boolean write;
    public final double parallelTolerance;
    public final int teacherWidth;
    public final double plantedAlpha;
    public final double plantedBetaNorm;

    private DataSpec(Config c) {
        source = Source.parse(c.getString("source"));
        path = c.getString("path").trim();
        String split = c.getString("split").trim().toLowerCase(Locale.ROOT);
        if (!split.equals("train") && !split.equals("test") && !split.equals("all")) {
            throw new UserError("data.split: expected train | test | all, found '" + split + "'.");
        }
        test = split.equals("test");
        bothSplits = split.equals("all");
        classes = c.getIntList("classes").stream().mapToInt(Integer::intValue).toArray();
        for (int k : classes) {
            if (k < 0 || k > 9) throw new UserError("data.classes: expected class values in 0..9, found " + k + ".");
        }
        if (Arrays.stream(classes).distinct().count() != classes.length) {
            throw new UserError("data.classes: a class is listed twice in " + Arrays.toString(classes) + ".");
        }
        n = parseN(c);
        String sample = c.getString("sample").trim().toLowerCase(Locale.ROOT);
        if (!sample.equals("first") && !sample.equals("random")) {
            throw new UserError("data.sample: expected first | random, found '" + sample + "'.");
        }
        randomSample = sample.equals("random");
        d = c.getInt("d");
        labels = LabelScheme.parse(c.getString("labels"));
        noise = c.getDouble("noise");
        if (!(noise >= 0) || Double.isInfinite(noise)) {
            throw new UserError("data.noise: expected a finite standard deviation >= 0, found " + noise + ".");
        }
        pca = c.getInt("pca");
        if (pca < 0)
            throw new UserError("data.pca: expected 0 (off) or a number of dimensions > 0, found " + pca + ".");
        normalize = c.getBoolean("normalize");
        seed = c.getLong("seed");
        blockSize = c.getInt("block-size");
        if (blockSize < 1)
            throw new UserError("data.block-size: expected a positive number of rows, found " + blockSize + ".");
        partitions = c.getInt("partitions");
        if (partitions < 0)
            throw new UserError(
                    "data.partitions: expected 0 (Spark's default) or a positive count, found " + partitions + ".");
        write = c.getBoolean("write");
        parallelTolerance = c.getDouble("parallel-tolerance");
        if (!(parallelTolerance > 0 && parallelTolerance < 1)) {
            throw new UserError(
                    "data.parallel-tolerance: expected a value in (0, 1), found " + parallelTolerance + ".");
        }
        teacherWidth = c.getInt("gaussian.teacher-width");
        plantedAlpha = c.getDouble("planted.alpha");
        plantedBetaNorm = c.getDouble("planted.beta-norm");
        if (!Double.isFinite(plantedAlpha) || !(plantedBetaNorm > 0) || Double.isInfinite(plantedBetaNorm)) {
            throw new UserError("data.planted: expected a finite alpha and a beta-norm > 0, found " + plantedAlpha
                    + " and " + plantedBetaNorm + ".");
        }
        if (source.synthetic()) {
            if (n == ALL) throw new UserError("data.n: a synthetic source needs a sample count, found 'all'.");
            if (d < 1) throw new UserError("data.d: expected a dimension >= 1, found " + d + ".");
            if (classes.length > 0)
                throw new UserError(
                        "data.classes: synthetic sources have no classes, found " + Arrays.toString(classes) + ".");
            if (labels.kind == LabelScheme.Kind.PARITY)
                throw new UserError("data.labels = parity needs a file source with classes; " + source.id
                        + " has real-valued labels.");
            if (labels.kind == LabelScheme.Kind.INTEGER)
                throw new UserError("data.labels = integer needs a file source with classes; " + source.id
                        + " has real-valued labels.");
            if (source == Source.GAUSSIAN && teacherWidth < 1)
                throw new UserError("data.gaussian.teacher-width: expected >= 1, found " + teacherWidth + ".");
        } else if (path.isEmpty()) {
            throw new UserError(
                    "data.path: source " + source.id
                            + " reads files, but no folder was given. Set data.path to the folder holding the official files (file:, hdfs: or s3a: path).");
        }
        if (pca > 0 && !source.synthetic() && pca > 3072) {
            throw new UserError("data.pca: " + pca + " dimensions is more than any supported input has.");
        }
    }

    private DataSpec(DataSpec o, int blockSize, int partitions) {
        this(o, blockSize, partitions, o.test, o.n, o.labels, o.bothSplits);
    }

    private DataSpec(
            DataSpec o, int blockSize, int partitions, boolean test, int n, LabelScheme labels, boolean bothSplits) {
        source = o.source;
        path = o.path;
        this.test = test;
        this.bothSplits = bothSplits;
        classes = o.classes;
        this.n = n;
        randomSample = o.randomSample;
        d = o.d;
        this.labels = labels;
        noise = o.noise;
        pca = o.pca;
        normalize = o.normalize;
        seed = o.seed;
        this.blockSize = blockSize;
        this.partitions = partitions;
        write = o.write;
        parallelTolerance = o.parallelTolerance;
        teacherWidth = o.teacherWidth;
        plantedAlpha = o.plantedAlpha;
        plantedBetaNorm = o.plantedBetaNorm;
    }

    /** The same data with another block size and partition count (the samples do not change, only their layout). */
    public DataSpec withLayout(int blockSize, int partitions) {
        if (blockSize < 1 || partitions < 0) {
            throw new IllegalArgumentException(
                    "expected blockSize >= 1 and partitions >= 0, found " + blockSize + ", " + partitions);
        }
        return new DataSpec(this, blockSize, partitions);
    }

    /** The same source and transforms on one given split (train or test), with another sample count and label scheme. */
    public DataSpec withSplit(boolean test, int n, LabelScheme labels) {
        if (n < 1 && n != ALL) throw new IllegalArgumentException("n must be positive or ALL, found " + n);
        return new DataSpec(this, blockSize, partitions, test, n, labels, false);
    }

    private static int parseN(Config c) {
        if (c.getValue("n").valueType() == ConfigValueType.STRING) {
            String s = c.getString("n").trim();
            if (s.equalsIgnoreCase("all")) return ALL;
            try {
                return checkN(Integer.parseInt(s));
            } catch (NumberFormatException e) {
                throw new UserError("data.n: expected a positive integer or 'all', found '" + s + "'.");
            }
        }
        try {
            return checkN(c.getInt("n"));
        } catch (ConfigException e) {
            throw new UserError("data.n: expected a positive integer or 'all', found "
                    + c.getValue("n").render() + ".");
        }
    }

    private static int checkN(int n) {
        if (n < 1) throw new UserError("data.n: expected a positive integer or 'all', found " + n + ".");
        return n;
    }

    /** Reads the {@code data} section of resolved settings. */
    public static DataSpec from(Config config) {
        try {
            return new DataSpec(config.getConfig("data"));
        } catch (ConfigException e) {
            throw new UserError("A data setting has the wrong type: " + e.getMessage()
                    + ". See 'overparam data --help' for each setting's form.");
        }
    }

    public String split() {
        if (bothSplits) return "all";
        return test ? "test" : "train";
    }

    /** Stream purposes include the split, so train and test draws of one seed are independent. */
    String purpose(String what) {
        return what + "/" + split();
    }

    public List<Integer> classList() {
        return Arrays.stream(classes).boxed().toList();
    }
}
