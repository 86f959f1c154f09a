package org.overparam.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.overparam.UserError;

/**
 * One run's output folder, on any Hadoop file system ({@code file:}, {@code hdfs:}, {@code s3a:}). Files are written
 * whole, to a temporary name first and then renamed, so a reader never sees half a {@code manifest.json}.
 */
public final class RunDirectory {
    public static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final FileSystem fs;
    private final Path root;

    private RunDirectory(FileSystem fs, Path root) {
        this.fs = fs;
        this.root = root;
    }

    /**
     * Creates the directory. An existing non-empty directory is refused unless {@code overwrite}, which deletes its
     * contents first.
     */
    public static RunDirectory create(String out, boolean overwrite, Configuration conf) {
        try {
            Path p = new Path(out);
            FileSystem fs = p.getFileSystem(conf);
            fs.setWriteChecksum(false); // no .crc side files next to the outputs on a local file system
            Path q = fs.makeQualified(p);
            if (fs.exists(q)) {
                FileStatus st = fs.getFileStatus(q);
                if (!st.isDirectory()) {
                    throw new UserError("--out '" + out + "' is an existing file; expected a directory path.");
                }
                FileStatus[] children = fs.listStatus(q);
                if (children.length > 0) {
                    if (!overwrite) {
                        throw new UserError(
                                "--out '" + out + "' already holds " + children.length
                                        + " entries (an earlier run?). Choose another directory, or add --overwrite to replace it.");
                    }
                    for (FileStatus c : children) fs.delete(c.getPath(), true);
                }
            }
            RunDirectory dir = new RunDirectory(fs, q);
            java.io.File local = dir.localFile(q);
            if (local != null) java.nio.file.Files.createDirectories(local.toPath());
            else fs.mkdirs(q);
            return dir;
        } catch (IOException e) {
            throw new UserError("Could not create the run directory '" + out + "': " + e.getMessage(), e);
        }
    }

    /** Opens an existing run directory (to read its outputs or continue it); it must hold a manifest.json. */
    public static RunDirectory open(String dir, Configuration conf) {
        try {
            Path p = new Path(dir);
            FileSystem fs = p.getFileSystem(conf);
            fs.setWriteChecksum(false);
            RunDirectory d = new RunDirectory(fs, fs.makeQualified(p));
            if (!d.exists("manifest.json")) {
                throw new UserError("'" + dir + "' is not a run directory: it holds no manifest.json.");
            }
            return d;
        } catch (IOException e) {
            throw new UserError("Could not open the run directory '" + dir + "': " + e.getMessage(), e);
        }
    }

    /** Opens a directory that a pipeline keeps across runs (its stages' run directories inside), created if missing. */
    public static RunDirectory openOrCreate(String dir, Configuration conf) {
        try {
            Path p = new Path(dir);
            FileSystem fs = p.getFileSystem(conf);
            fs.setWriteChecksum(false);
            Path q = fs.makeQualified(p);
            if (fs.exists(q) && !fs.getFileStatus(q).isDirectory()) {
                throw new UserError("--out '" + dir + "' is an existing file; expected a directory path.");
            }
            fs.mkdirs(q);
            return new RunDirectory(fs, q);
        } catch (IOException e) {
            throw new UserError("Could not create the directory '" + dir + "': " + e.getMessage(), e);
        }
    }

    /** The directory's fully qualified URI, e.g. {@code file:/...} or {@code hdfs://nn:8020/...}. */
    public String uri() {
        return root.toString();
    }

    /** A path inside the directory, as a string Spark and Hadoop accept. */
    public String resolve(String name) {
        return new Path(root, name).toString();
    }

    public void writeJson(String name, Object value) {
        try {
            writeBytes(name, JSON.writeValueAsBytes(value));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write " + resolve(name), e);
        }
    }

    public void writeText(String name, String text) {
        writeBytes(name, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Writes the file whole: into a hidden temporary beside it, then renamed over the target, so a reader never sees a
     * half-written file and a failure leaves the previous version.
     */
    public void writeBytes(String name, byte[] bytes) {
        writeStream(name, out -> out.write(bytes));
    }

    /** What writes a file's content into a stream. */
    @FunctionalInterface
    public interface StreamWriter {
        void write(java.io.OutputStream out) throws IOException;
    }

    /**
     * Writes a file by streaming it (for files too large for one array): into a hidden temporary beside it, then
     * renamed over the target, so a reader never sees a half-written file and a failure leaves the previous version.
     */
    public void writeStream(String name, StreamWriter body) {
        Path target = new Path(root, name);
        Path tmp = new Path(target.getParent(), "." + target.getName() + ".tmp");
        try {
            java.io.File local = localFile(target);
            if (local != null) {
                java.nio.file.Path t = local.toPath();
                java.nio.file.Files.createDirectories(t.getParent());
                java.nio.file.Path lt = t.resolveSibling("." + t.getFileName() + ".tmp");
                try (java.io.OutputStream out = java.nio.file.Files.newOutputStream(lt)) {
                    body.write(out);
                }
                java.nio.file.Files.move(
                        lt,
                        t,
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                return;
            }
            fs.mkdirs(target.getParent());
            try (FSDataOutputStream out = fs.create(tmp, true)) {
                body.write(out);
            }
            if (fs.exists(target)) fs.delete(target, false);
            if (!fs.rename(tmp, target)) throw new IOException("rename " + tmp + " -> " + target + " failed");
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write " + target, e);
        }
    }

    /** A file of the directory opened for reading. */
    public java.io.InputStream openStream(String name) throws IOException {
        return fs.open(new Path(root, name));
    }

    /**
     * The file behind a path of the local file system, else null. Local run directories are written with java.nio:
     * Hadoop's local file system sets the permission of every file and directory it creates by forking {@code chmod}
     * (its native library is not loaded here), a process start per output.
     */
    private java.io.File localFile(Path p) {
        if (fs instanceof org.apache.hadoop.fs.LocalFileSystem l) return l.pathToFile(p);
        if (fs instanceof org.apache.hadoop.fs.RawLocalFileSystem r) return r.pathToFile(p);
        return null;
    }

    public boolean exists(String name) {
        try {
            return fs.exists(new Path(root, name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String readText(String name) {
        return new String(readBytes(name), StandardCharsets.UTF_8);
    }

    public byte[] readBytes(String name) {
        try (var in = fs.open(new Path(root, name))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + resolve(name), e);
        }
    }

    @SuppressWarnings("unchecked")
    public java.util.Map<String, Object> readJson(String name) {
        try {
            return JSON.readValue(readText(name), java.util.Map.class);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not parse " + resolve(name), e);
        }
    }

    /** A JSON file of the directory read as {@code type} (a record such as {@link Manifest}). */
    public <T> T readJson(String name, Class<T> type) {
        try {
            return JSON.readValue(readText(name), type);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not parse " + resolve(name), e);
        }
    }

    /** The names of the entries of a folder of the directory (empty if it does not exist). */
    public java.util.List<String> list(String folder) {
        try {
            Path dir = new Path(root, folder);
            java.util.List<String> names = new java.util.ArrayList<>();
            if (!fs.exists(dir)) return names;
            for (org.apache.hadoop.fs.FileStatus st : fs.listStatus(dir))
                names.add(st.getPath().getName());
            java.util.Collections.sort(names);
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not list " + resolve(folder), e);
        }
    }

    /** Deletes a file or folder of the directory, with its contents. */
    public void delete(String name) {
        try {
            fs.delete(new Path(root, name), true);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not delete " + resolve(name), e);
        }
    }
}
