package org.overparam.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real Spark standalone cluster on 127.0.0.1 for integration tests: a Master and {@code workers} Workers, each its own
 * JVM started from the Maven classpath of Spark ({@code target/classpath-provided.txt}), on free ports, with a
 * {@link StandInSpark} installation for {@code jobs/submit}. DEVELOPERS.md lists the environment these JVMs need. {@link #close()} stops every JVM it started, executors included.
 */
final class StandaloneCluster implements AutoCloseable {
    private static final Pattern MASTER_URL = Pattern.compile("Starting Spark master at (spark://[0-9.]+:[0-9]+)");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    final Path root;
    final StandInSpark spark;
    final String masterUrl;
    private final List<Process> daemons = new ArrayList<>();

    StandaloneCluster(Path root, Path project, int workers) throws Exception {
        this.root = root;
        this.spark = new StandInSpark(root, project, List.of());
        Runtime.getRuntime()
                .addShutdownHook(new Thread(this::close, "standalone-cluster-stop")); // also if the test JVM is ended
        try {
            Process master = daemon(
                    "master",
                    List.of(
                            "org.apache.spark.deploy.master.Master",
                            "--host",
                            "127.0.0.1",
                            "--port",
                            "0",
                            "--webui-port",
                            "0"));
            this.masterUrl =
                    await(master, root.resolve("master.log"), MASTER_URL).group(1);
            for (int w = 1; w <= workers; w++) {
                Path work = Files.createDirectories(root.resolve("worker" + w));
                Process worker = daemon(
                        "worker" + w,
                        List.of(
                                "org.apache.spark.deploy.worker.Worker",
                                "--host",
                                "127.0.0.1",
                                "--port",
                                "0",
                                "--webui-port",
                                "0",
                                "--cores",
                                "1",
                                "--memory",
                                "2g",
                                "--work-dir",
                                work.toString(),
                                masterUrl));
                await(
                        worker,
                        root.resolve("worker" + w + ".log"),
                        Pattern.compile("Successfully registered with master"));
            }
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    private Process daemon(String name, List<String> mainAndArgs) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(spark.javaOptions);
        cmd.add("-Xmx512m");
        cmd.add("-cp");
        cmd.add(spark.classpath);
        cmd.addAll(mainAndArgs);
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(root.resolve(name + ".log").toFile());
        spark.environment(pb.environment());
        Process p = pb.start();
        daemons.add(p);
        return p;
    }

    private static Matcher await(Process p, Path log, Pattern pattern) throws Exception {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(log)) {
                Matcher m = pattern.matcher(Files.readString(log));
                if (m.find()) return m;
            }
            if (!p.isAlive())
                throw new IllegalStateException(
                        log.getFileName() + ": the JVM exited (" + p.exitValue() + "):\n" + tail(log));
            Thread.sleep(200);
        }
        throw new IllegalStateException(
                log.getFileName() + ": no '" + pattern + "' within " + START_TIMEOUT + ":\n" + tail(log));
    }

    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** The executor JVMs the Workers launched (CoarseGrainedExecutorBackend), alive now. */
    List<ProcessHandle> executors() {
        List<ProcessHandle> found = new ArrayList<>();
        for (Process d : daemons) {
            d.toHandle()
                    .descendants()
                    .filter(h -> commandLine(h).contains("CoarseGrainedExecutorBackend"))
                    .forEach(found::add);
        }
        return found;
    }

    /** The full command line from /proc (ProcessHandle.Info may leave it out for long command lines). */
    static String commandLine(ProcessHandle h) {
        try {
            return new String(
                    Files.readAllBytes(Path.of("/proc", Long.toString(h.pid()), "cmdline")),
                    java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            return h.info().commandLine().orElse("");
        }
    }

    /** Starts {@code jobs/submit args...} against this cluster; its output goes to {@code log}. */
    Process submit(Path log, List<String> args) throws IOException {
        Process p = spark.submit(log, args, Map.of()).start();
        daemons.add(p);
        return p;
    }

    @Override
    public synchronized void close() {
        List<ProcessHandle> all = new ArrayList<>();
        for (Process d : daemons) {
            d.toHandle().descendants().forEach(all::add);
            all.add(d.toHandle());
        }
        for (ProcessHandle h : all) h.destroy();
        for (ProcessHandle h : all) {
            try {
                h.onExit().get(20, TimeUnit.SECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
            }
        }
    }
}
