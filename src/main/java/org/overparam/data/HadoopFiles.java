package org.overparam.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.overparam.UserError;

/**
 * File access through the Hadoop FileSystem API, so every source reads {@code file:}, {@code hdfs:} and {@code s3a:}
 * paths alike. Compression is detected from the gzip magic bytes, not the file name.
 */
public final class HadoopFiles {
    private HadoopFiles() {}

    /** A Hadoop {@link Configuration} that travels to executors inside a task. */
    public static final class Conf implements Serializable {
        private static final long serialVersionUID = 1L;
        private transient Configuration conf;

        public Conf(Configuration conf) {
            this.conf = conf;
        }

        public Configuration get() {
            return conf;
        }

        private void writeObject(ObjectOutputStream out) throws IOException {
            out.defaultWriteObject();
            conf.write(out);
        }

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            conf = new Configuration(false);
            conf.readFields(in);
        }
    }

    /** An open file: the decoded byte stream, and whether it was gzip-compressed. */
    public record Opened(InputStream in, boolean gzip, long fileLength, FSDataInputStream raw)
            implements AutoCloseable {
        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    public static Opened open(Configuration conf, String file) throws IOException {
        Path p = new Path(file);
        FileSystem fs = p.getFileSystem(conf);
        long len = fs.getFileStatus(p).getLen();
        FSDataInputStream raw = fs.open(p);
        BufferedInputStream buffered = new BufferedInputStream(raw, 1 << 16);
        buffered.mark(2);
        int b0 = buffered.read();
        int b1 = buffered.read();
        buffered.reset();
        boolean gzip = b0 == 0x1f && b1 == 0x8b;
        InputStream in = gzip ? new BufferedInputStream(new GZIPInputStream(buffered, 1 << 16), 1 << 16) : buffered;
        return new Opened(in, gzip, len, raw);
    }

    /** Path exists? (false on any I/O problem is wrong: those propagate). */
    public static boolean exists(Configuration conf, String file) throws IOException {
        Path p = new Path(file);
        return p.getFileSystem(conf).exists(p);
    }

    /**
     * The files directly inside {@code dir} whose names match {@code pattern}, sorted by name; {@code dir} itself if it
     * is a file.
     */
    public static List<String> list(Configuration conf, String dir, Pattern pattern) throws IOException {
        Path p = new Path(dir);
        FileSystem fs = p.getFileSystem(conf);
        if (!fs.exists(p)) {
            throw new UserError("data.path: '" + dir
                    + "' does not exist. Expected a folder (or file) holding the data set's official files.");
        }
        FileStatus st = fs.getFileStatus(p);
        if (st.isFile()) return List.of(st.getPath().toString());
        FileStatus[] children = fs.listStatus(p);
        Arrays.sort(
                children, (a, b) -> a.getPath().getName().compareTo(b.getPath().getName()));
        List<String> out = new ArrayList<>();
        for (FileStatus c : children) {
            if (c.isFile() && pattern.matcher(c.getPath().getName()).matches())
                out.add(c.getPath().toString());
        }
        return out;
    }

    /** Reads exactly {@code buf.length} bytes or fails with a message naming the file and what was missing. */
    public static void readFully(InputStream in, byte[] buf, int off, int len, String file, String what)
            throws IOException {
        int done = 0;
        while (done < len) {
            int r;
            try {
                r = in.read(buf, off + done, len - done);
            } catch (EOFException e) {
                r = -1;
            }
            if (r < 0) {
                throw new UserError("File '" + file + "' is truncated: it ended while reading " + what + " (" + done
                        + " of " + len + " bytes read).");
            }
            done += r;
        }
    }

    /** Skips exactly {@code n} decoded bytes, or fails naming the file. */
    public static void skipFully(InputStream in, long n, String file, String what) throws IOException {
        long left = n;
        byte[] scratch = null;
        while (left > 0) {
            long s = in.skip(left);
            if (s <= 0) {
                if (scratch == null) scratch = new byte[1 << 16];
                int r = in.read(scratch, 0, (int) Math.min(scratch.length, left));
                if (r < 0) {
                    throw new UserError("File '" + file + "' is truncated: it ended while skipping to " + what + ".");
                }
                s = r;
            }
            left -= s;
        }
    }

    /** Counts the remaining decoded bytes of a stream (validates a gzip stream to its end, CRC included). */
    public static long drain(InputStream in, String file) throws IOException {
        byte[] buf = new byte[1 << 16];
        long total = 0;
        try {
            int r;
            while ((r = in.read(buf)) >= 0) total += r;
        } catch (EOFException e) {
            throw new UserError("File '" + file + "' is truncated or corrupt: its gzip stream ends early ("
                    + e.getMessage() + ").");
        } catch (java.util.zip.ZipException e) {
            throw new UserError("File '" + file + "' is corrupt: " + e.getMessage() + ".");
        }
        return total;
    }
}
