package org.overparam.run;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/** Where a run came from: code version, Java, OS, CPU. Recorded in every manifest. */
public final class Provenance {
    private Provenance() {}

    /**
     * The build a run used, from the build's {@code overparam-build.properties} ({@code unknown} where it is missing).
     *
     * @param version the project version
     * @param commit  the git commit built
     * @param dirty   whether the work tree had uncommitted changes
     * @param built   when the jar was built
     */
    public record Code(String version, String commit, boolean dirty, String built) {}

    /**
     * The machine a driver ran on.
     *
     * @param java         vendor and runtime version
     * @param os           name, version and architecture
     * @param cpu          the CPU model ({@code /proc/cpuinfo}), else the architecture
     * @param cores        processors available to the JVM
     * @param maxHeapBytes the JVM's maximum heap
     * @param jvmArgs      the number of JVM arguments
     * @param host         the host name
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Machine(String java, String os, String cpu, int cores, long maxHeapBytes, int jvmArgs, String host) {}

    public static Code code() {
        Properties p = new Properties();
        try (InputStream in = Provenance.class.getResourceAsStream("/overparam-build.properties")) {
            if (in != null) p.load(in);
        } catch (IOException ignored) {
            // reported as unknown below
        }
        return new Code(
                p.getProperty("version", "unknown"),
                p.getProperty("git.commit.id", "unknown"),
                Boolean.parseBoolean(p.getProperty("git.dirty", "false")),
                p.getProperty("build.time", "unknown"));
    }

    public static Machine machine() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "unknown";
        }
        return new Machine(
                System.getProperty("java.vendor") + " " + System.getProperty("java.runtime.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"),
                cpuModel(),
                Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory(),
                ManagementFactory.getRuntimeMXBean().getInputArguments().size(),
                host);
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name"))
                    return line.substring(line.indexOf(':') + 1).trim();
            }
        } catch (IOException | RuntimeException ignored) {
            // not Linux
        }
        return System.getProperty("os.arch");
    }
}
