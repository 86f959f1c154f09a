package org.overparam.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real Spark standalone cluster on 127.0.0.1 for integration tests: a Master and {@code workers} Workers, each its own
 * JVM started from the Maven classpath of Spark ({@code target/classpath-provided.txt}), on free ports; and a stand-in
 * Spark installation ({@code SPARK_HOME} with an empty {@code jars/} and a {@code bin/spark-submit} that runs
 * {@code org.apache.spark.deploy.SparkSubmit} from the same classpath) for {@code jobs/submit}. DEVELOPERS.md lists
 * the environment these JVMs need. {@link #close()} stops every JVM it started, executors included.
 */
final class StandaloneCluster implements AutoCloseable {
    private static final Pattern MASTER_URL = Pattern.compile("Starting Spark master at (spark://[0-9.]+:[0-9]+)");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    final Path root;
    final Path project;
    final Path sparkHome;
    final String classpath;
    final List<String> javaOptions;
    final String masterUrl;
    private final List<Process> daemons = new ArrayList<>();

    StandaloneCluster(Path root, Path project, int workers) throws Exception {
        this.root = root;
        this.project = project;
        Path cp = project.resolve("target/classpath-provided.txt");
        if (!Files.isRegularFile(cp))
            throw new IllegalStateException("missing " + cp + ": run mvn package first (mvn verify does)");
        this.classpath = Files.readString(cp).trim();
        this.javaOptions = new ArrayList<>();
        for (String line : Files.readAllLines(project.resolve("conf/java-options"))) {
            if (!line.isBlank() && !line.startsWith("#")) javaOptions.add(line.trim());
        }
        this.sparkHome = standInSparkHome();
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

    /** The environment a Master, Worker or spark-submit needs without a Spark distribution. */
    Map<String, String> environment(Map<String, String> env) {
        env.put("SPARK_HOME", sparkHome.toString());
        env.put("SPARK_SCALA_VERSION", "2.13");
        env.put("SPARK_DIST_CLASSPATH", classpath);
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        return env;
    }

    private Path standInSparkHome() throws IOException {
        Path home = root.resolve("spark-home");
        Files.createDirectories(home.resolve("jars"));
        Path bin = Files.createDirectories(home.resolve("bin"));
        Path submit = bin.resolve("spark-submit");
        Files.writeString(
                submit,
                "#!/usr/bin/env bash\n"
                        + "# Stand-in for a Spark distribution's spark-submit: SparkSubmit from SPARK_DIST_CLASSPATH with Spark's JVM flags.\n"
                        + "exec java " + String.join(" ", javaOptions)
                        + " -Xmx1g -cp \"$SPARK_DIST_CLASSPATH\" org.apache.spark.deploy.SparkSubmit \"$@\"\n");
        Files.setPosixFilePermissions(submit, PosixFilePermissions.fromString("rwxr-xr-x"));
        return home;
    }

    private Process daemon(String name, List<String> mainAndArgs) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(javaOptions);
        cmd.add("-Xmx512m");
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.addAll(mainAndArgs);
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(root.resolve(name + ".log").toFile());
        environment(pb.environment());
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
    private static String commandLine(ProcessHandle h) {
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
        List<String> cmd =
                new ArrayList<>(List.of("bash", project.resolve("jobs/submit").toString()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(project.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        environment(pb.environment());
        Process p = pb.start();
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
