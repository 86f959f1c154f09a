package org.overparam.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ref.SoftReference;
import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.overparam.UserError;
import org.overparam.data.HadoopFiles;
import org.overparam.model.ReluUnitBlock;

/**
 * The weights of the unit blocks as checkpoint files, written and read by the executors through Hadoop (so the run
 * directory may be on HDFS): {@code <folder>/units-<first>.bin}, the block's {@link ReluUnitBlock#checkpointValues}
 * (W(k), units x d; or A(k) and Q(k), n x units each) as float64, big-endian, nothing else (signs, W(0) and patterns
 * are re-derived from the seed and the samples).
 *
 * <p>An executor that writes a block also leaves it, softly referenced, for the task that continues from the
 * checkpoint: when that task runs in the same JVM (always in local mode) it takes the block instead of reading the file
 * back. A lost executor, a collected reference or a resumed run read the file.
 */
final class UnitCheckpoints {
    private static final ConcurrentHashMap<String, SoftReference<Object>> HANDOFF = new ConcurrentHashMap<>();
    private static final int CHUNK_DOUBLES = 1 << 16;

    private UnitCheckpoints() {}

    static String file(String folder, int first) {
        return folder + "/units-" + first + ".bin";
    }

    /** Writes a block's weights (from an executor) and leaves {@code block} for the continuing task. */
    static void write(HadoopFiles.Conf conf, String folder, int first, double[] w, Object block) {
        String file = file(folder, first);
        try {
            Path path = new Path(file);
            FileSystem fs = path.getFileSystem(conf.get());
            // Hadoop's local file system forks chmod for every file it creates: local folders are written with
            // java.nio.
            java.io.File local = fs instanceof org.apache.hadoop.fs.LocalFileSystem l ? l.pathToFile(path) : null;
            if (local != null)
                java.nio.file.Files.createDirectories(local.toPath().getParent());
            try (java.io.OutputStream out =
                    local != null ? new java.io.FileOutputStream(local) : fs.create(path, true)) {
                byte[] buf = new byte[8 * Math.min(w.length, CHUNK_DOUBLES)];
                ByteBuffer bb = ByteBuffer.wrap(buf);
                for (int off = 0; off < w.length; off += CHUNK_DOUBLES) {
                    int len = Math.min(CHUNK_DOUBLES, w.length - off);
                    bb.clear();
                    bb.asDoubleBuffer().put(w, off, len);
                    out.write(buf, 0, 8 * len);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing the checkpoint " + file, e);
        }
        String width = new Path(folder).getParent().toString() + "/";
        HANDOFF.keySet().removeIf(k -> k.startsWith(width) && !k.startsWith(folder + "/"));
        HANDOFF.put(file, new SoftReference<>(block));
    }

    /** Leaves {@code value} under {@code name} of a checkpoint folder, softly referenced, for a task of this JVM. */
    static void leave(String folder, String name, Object value) {
        HANDOFF.put(folder + "/" + name, new SoftReference<>(value));
    }

    /** What {@link #leave} left under {@code name} of {@code folder}, taken once, or null. */
    static Object take(String folder, String name) {
        SoftReference<Object> ref = HANDOFF.remove(folder + "/" + name);
        return ref == null ? null : ref.get();
    }

    /** The block this JVM wrote for {@code file}, taken once, or null. */
    static Object takeHandoff(String folder, int first) {
        SoftReference<Object> ref = HANDOFF.remove(file(folder, first));
        return ref == null ? null : ref.get();
    }

    /** Reads a block's weights, expecting {@code length} doubles. */
    static double[] read(HadoopFiles.Conf conf, String folder, int first, int length) {
        String file = file(folder, first);
        try {
            Path path = new Path(file);
            FileSystem fs = path.getFileSystem(conf.get());
            double[] w = new double[length];
            try (FSDataInputStream in = fs.open(path)) {
                byte[] buf = new byte[8 * Math.min(length, CHUNK_DOUBLES)];
                ByteBuffer bb = ByteBuffer.wrap(buf);
                for (int off = 0; off < length; off += CHUNK_DOUBLES) {
                    int len = Math.min(CHUNK_DOUBLES, length - off);
                    in.readFully(buf, 0, 8 * len);
                    bb.clear();
                    bb.asDoubleBuffer().get(w, off, len);
                }
            }
            return w;
        } catch (IOException e) {
            throw new UncheckedIOException("reading the checkpoint " + file, e);
        }
    }

    /**
     * Checks on the driver, before any work, that every block's file is there with the bytes its layout implies.
     */
    static void requireComplete(
            org.apache.hadoop.conf.Configuration conf, String folder, UnitLayout layout, int d, int n) {
        requireComplete(
                conf,
                folder,
                layout.cuts(),
                (first, units) -> ReluUnitBlock.checkpointLength(layout.representation(), units, d, n),
                "n = " + n + ", d = " + d + ", " + layout.representation().id());
    }

    /**
     * Checks on the driver, before any work, that the block of units {@code cuts[b] .. cuts[b+1] - 1} has its file in
     * {@code folder} holding {@code 8 doubles.of(first, units)} bytes, for every b; {@code what} names the layout in
     * the error.
     */
    static void requireComplete(
            org.apache.hadoop.conf.Configuration conf, String folder, int[] cuts, BlockLength doubles, String what) {
        for (int b = 0; b + 1 < cuts.length; b++) {
            String file = file(folder, cuts[b]);
            long expected = 8L * doubles.of(cuts[b], cuts[b + 1] - cuts[b]);
            long found;
            try {
                Path path = new Path(file);
                FileSystem fs = path.getFileSystem(conf);
                if (!fs.exists(path)) {
                    throw new UserError(
                            "The checkpoint " + folder + " is incomplete: " + file + " is missing (expected "
                                    + (cuts.length - 1) + " unit-block files). It is corrupt or from another run.");
                }
                FileStatus status = fs.getFileStatus(path);
                found = status.getLen();
            } catch (IOException e) {
                throw new UserError("The checkpoint " + file + " cannot be read: " + e.getMessage());
            }
            if (found != expected) {
                throw new UserError("The checkpoint " + file + " holds " + found + " bytes; expected " + expected
                        + " (units " + cuts[b] + ".." + (cuts[b + 1] - 1) + ", " + what
                        + "). It is truncated or from another run.");
            }
        }
    }

    /** The doubles a block's checkpoint file holds. */
    @FunctionalInterface
    interface BlockLength {
        long of(int first, int units);
    }
}
