package org.overparam.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.overparam.UserError;
import org.overparam.run.RunDirectory;
import org.overparam.run.RunLog;

/**
 * {@code pipeline.lock} in a pipeline's directory: held while the pipeline runs, so a second run of the same pipeline is
 * refused instead of interleaving its stages with the first. Created atomically (exclusive create: {@code O_EXCL} on a
 * local disk, HDFS's create without overwrite elsewhere) and deleted when the run ends, also on Ctrl-C. A lock left by
 * a process that died on this host is recognized (its pid is gone) and replaced; one held on another host is not, and
 * the message says how to remove it.
 */
public final class PipelineLock implements AutoCloseable {
    public static final String FILE = "pipeline.lock";

    private final FileSystem fs;
    private final Path path;
    private final Thread hook;
    private boolean released;

    private PipelineLock(FileSystem fs, Path path) {
        this.fs = fs;
        this.path = path;
        this.hook = new Thread(this::release, "pipeline-lock-release");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /**
     * Takes the lock of the pipeline directory {@code dir} (created if missing).
     *
     * @throws UserError when another live run holds it
     */
    public static PipelineLock acquire(String dir, Configuration conf, String pipeline, RunLog log) {
        try {
            Path d = new Path(dir);
            FileSystem fs = d.getFileSystem(conf);
            Path p = fs.makeQualified(new Path(d, FILE));
            fs.mkdirs(p.getParent());
            byte[] content = RunDirectory.JSON.writeValueAsBytes(holder(pipeline));
            for (int attempt = 0; attempt < 2; attempt++) {
                if (create(fs, p, content)) return new PipelineLock(fs, p);
                Map<String, Object> held = read(fs, p);
                if (held != null && staleOnThisHost(held)) {
                    log.warn(
                            "removing the lock of pipeline run pid %s (started %s), which is no longer running",
                            held.get("pid"), held.get("started"));
                    fs.delete(p, false);
                    continue;
                }
                throw new UserError("Pipeline '" + pipeline + "' is already running in '" + dir + "'"
                        + (held == null
                                ? ""
                                : " (pid " + held.get("pid") + " on " + held.get("host") + ", started "
                                        + held.get("started") + ")")
                        + ". Two runs of one pipeline would interleave their stages; wait for that run to finish, or, if it is gone, delete "
                        + p + ".");
            }
            throw new UserError(
                    "Could not take the pipeline lock " + p + ": it reappeared after a stale lock was removed.");
        } catch (IOException e) {
            throw new UncheckedIOException("Could not take the pipeline lock in " + dir, e);
        }
    }

    private static Map<String, Object> holder(String pipeline) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pipeline", pipeline);
        m.put("pid", ProcessHandle.current().pid());
        m.put("host", hostName());
        m.put("started", Instant.now().toString());
        return m;
    }

    private static boolean create(FileSystem fs, Path p, byte[] content) throws IOException {
        if ("file".equals(fs.getUri().getScheme())) {
            try {
                Files.write(
                        java.nio.file.Path.of(p.toUri()),
                        content,
                        java.nio.file.StandardOpenOption.CREATE_NEW,
                        java.nio.file.StandardOpenOption.WRITE);
                return true;
            } catch (java.nio.file.FileAlreadyExistsException e) {
                return false;
            }
        }
        try (FSDataOutputStream out = fs.create(p, false)) {
            out.write(content);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            if (fs.exists(p)) return false; // HDFS reports a concurrent create as AlreadyBeingCreatedException
            throw e;
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> read(FileSystem fs, Path p) {
        try (var in = fs.open(p)) {
            return RunDirectory.JSON.readValue(new String(in.readAllBytes(), StandardCharsets.UTF_8), Map.class);
        } catch (IOException | RuntimeException e) {
            return null; // being written, or not ours: treated as held
        }
    }

    private static boolean staleOnThisHost(Map<String, Object> held) {
        if (!hostName().equals(held.get("host")) || !(held.get("pid") instanceof Number pid)) return false;
        return ProcessHandle.of(pid.longValue()).map(h -> !h.isAlive()).orElse(true);
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private synchronized void release() {
        if (released) return;
        released = true;
        try {
            fs.delete(path, false);
        } catch (IOException | RuntimeException ignored) {
            // the file system is closing at shutdown; the lock is then recognized as stale by its dead pid
        }
    }

    @Override
    public void close() {
        release();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException ignored) {
            // already shutting down
        }
    }
}
