package org.overparam.data;

import java.io.IOException;
import java.io.Serializable;
import java.util.zip.ZipException;
import org.apache.hadoop.conf.Configuration;
import org.overparam.UserError;

/**
 * A data set stored in files (MNIST, Fashion-MNIST, CIFAR-10). The driver {@link #scan scans} it once, which
 * validates every file to its end (magic numbers, header sizes against the file length, label ranges, gzip CRCs) and
 * returns the class of every record; executors then {@link #read read} only the records of their own blocks.
 *
 * <p>Records are numbered 0, 1, ... in file order across all files of the source (the "source id").
 * Pixels are returned as {@code byte / 255}, in [0, 1].
 */
public abstract class FileSource implements Serializable {
    private static final long serialVersionUID = 1L;

    /** What the driver learns from a scan. */
    public record Scan(int d, byte[] classes) {
        public int records() {
            return classes.length;
        }
    }

    /** Validates the files and returns every record's class. */
    public abstract Scan scan(Configuration conf);

    /**
     * Reads the records at the given source ids (strictly increasing) into {@code out}, row-major
     * ({@code ids.length x d}), as pixel / 255.
     */
    public abstract void read(Configuration conf, long[] ids, double[] out);

    /** A short description for logs and the manifest. */
    public abstract String describe();

    /** Locates the files of {@code spec.source} under {@code spec.path}. */
    public static FileSource locate(DataSpec spec, Configuration conf) {
        if (spec.bothSplits) {
            return new ConcatenatedSource(
                    locate(spec.withSplit(false, spec.n, spec.labels), conf),
                    locate(spec.withSplit(true, spec.n, spec.labels), conf));
        }
        try {
            return switch (spec.source) {
                case MNIST, FASHION_MNIST -> IdxSource.find(spec, conf);
                case CIFAR10 -> CifarSource.find(spec, conf);
                default -> throw new IllegalArgumentException(spec.source + " is not a file source");
            };
        } catch (IOException e) {
            throw new UserError("Could not list data.path '" + spec.path + "': " + e.getMessage(), e);
        }
    }

    /** Turns an I/O failure while reading {@code file} into a user-facing error that names the file. */
    static UserError ioError(String file, IOException e) {
        if (e instanceof ZipException || e instanceof java.io.EOFException) {
            return new UserError("File '" + file + "' is truncated or corrupt: " + e.getMessage() + ".", e);
        }
        return new UserError("Could not read '" + file + "': " + e, e);
    }
}
