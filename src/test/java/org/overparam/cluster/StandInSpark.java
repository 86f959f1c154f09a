package org.overparam.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A stand-in Spark installation for integration tests, built from the Maven classpath instead of a Spark distribution:
 * {@code SPARK_HOME} with an empty {@code jars/}, a {@code conf/spark-defaults.conf} of the cluster's own settings, and a
 * {@code bin/spark-submit} that, like a distribution's, has Spark's launcher ({@code org.apache.spark.launcher.Main})
 * build the driver's command line: the classpath ({@code $SPARK_HOME/conf}, {@code $HADOOP_CONF_DIR},
 * {@code $YARN_CONF_DIR}, then {@code $SPARK_DIST_CLASSPATH}: Spark and its dependencies from
 * {@code target/classpath-provided.txt}, plus {@code extraJars}), the driver's memory and Java options, and Spark's JVM
 * flags. DEVELOPERS.md explains each piece.
 */
final class StandInSpark {
    final Path home;
    final Path project;
    /** Spark and its dependencies, as a classpath. */
    final String classpath;
    /** Spark's {@code --add-opens} flags ({@code conf/java-options}). */
    final List<String> javaOptions;

    StandInSpark(Path root, Path project, List<Path> extraJars) throws IOException {
        this.project = project;
        Path cp = project.resolve("target/classpath-provided.txt");
        if (!Files.isRegularFile(cp))
            throw new IllegalStateException("missing " + cp + ": run mvn package first (mvn verify does)");
        List<String> entries =
                new ArrayList<>(List.of(Files.readString(cp).trim().split(":")));
        for (Path jar : extraJars) entries.add(jar.toString());
        this.classpath = String.join(":", entries);
        this.javaOptions = new ArrayList<>();
        for (String line : Files.readAllLines(project.resolve("conf/java-options"))) {
            if (!line.isBlank() && !line.startsWith("#")) javaOptions.add(line.trim());
        }
        this.home = root.resolve("spark-home");
        Files.createDirectories(home.resolve("jars"));
        Files.createDirectories(home.resolve("conf"));
        Path bin = Files.createDirectories(home.resolve("bin"));
        Path submit = bin.resolve("spark-submit");
        Files.writeString(
                submit,
                "#!/usr/bin/env bash\n"
                        + "# Stand-in for a Spark distribution's spark-submit, run as its bin/spark-class runs it: Spark's"
                        + " launcher prints its messages, a NUL and a newline, then the java command line (NUL-separated),"
                        + " which is executed.\n"
                        + "cmd=()\n"
                        + "first=1\n"
                        + "while IFS= read -d '' -r arg; do\n"
                        + "  if [[ $first == 1 ]]; then [[ -n \"$arg\" ]] && echo \"$arg\" >&2; first=0; continue; fi\n"
                        + "  [[ ${#cmd[@]} -eq 0 ]] && arg=\"${arg#$'\\n'}\"\n"
                        + "  cmd+=(\"$arg\")\n"
                        + "done < <(java -Xmx128m -cp \"$SPARK_DIST_CLASSPATH\" org.apache.spark.launcher.Main"
                        + " org.apache.spark.deploy.SparkSubmit \"$@\")\n"
                        + "exec \"${cmd[@]}\"\n");
        Files.setPosixFilePermissions(submit, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** The jar on this JVM's classpath whose file name starts with {@code prefix} (a test-scope dependency). */
    static Path testClasspathJar(String prefix) {
        for (String e : System.getProperty("java.class.path").split(":")) {
            Path p = Path.of(e);
            if (p.getFileName().toString().startsWith(prefix) && e.endsWith(".jar")) return p;
        }
        throw new IllegalStateException("no " + prefix + "*.jar on the test classpath");
    }

    /** The classpath as {@code local:} URIs, for {@code spark.yarn.jars}: every node has these files. */
    String classpathAsLocalUris() {
        return List.of(classpath.split(":")).stream().map(e -> "local:" + e).collect(Collectors.joining(","));
    }

    /** Writes the installation's {@code conf/spark-defaults.conf}. */
    void defaults(Map<String, String> properties) throws IOException {
        StringBuilder b = new StringBuilder("# The cluster's own Spark settings (a stand-in installation's).\n");
        properties.forEach((k, v) -> b.append(k).append(' ').append(v).append('\n'));
        Files.writeString(home.resolve("conf/spark-defaults.conf"), b.toString());
    }

    /** The environment a Master, Worker or spark-submit needs without a Spark distribution. */
    Map<String, String> environment(Map<String, String> env) {
        env.put("SPARK_HOME", home.toString());
        env.put("SPARK_SCALA_VERSION", "2.13");
        env.put("SPARK_DIST_CLASSPATH", classpath);
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        return env;
    }

    /** {@code jobs/submit args...} with this installation and {@code env}; its output goes to {@code log}. */
    ProcessBuilder submit(Path log, List<String> args, Map<String, String> env) {
        List<String> cmd =
                new ArrayList<>(List.of("bash", project.resolve("jobs/submit").toString()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(project.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        environment(pb.environment()).putAll(env);
        return pb;
    }
}
