package org.overparam.run;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/** Where a run came from: code version, Java, OS, CPU. Recorded in every manifest. */
public final class Provenance {
    private Provenance() {}

    /** {@code version}, {@code commit}, {@code dirty}, {@code built} from the build's {@code overparam-build.properties}. */
    public static Map<String, Object> code() {
        Map<String, Object> m = new LinkedHashMap<>();
        Properties p = new Properties();
        try (InputStream in = Provenance.class.getResourceAsStream("/overparam-build.properties")) {
            if (in != null) p.load(in);
        } catch (IOException ignored) {
            // reported as unknown below
        }
        m.put("version", p.getProperty("version", "unknown"));
        m.put("commit", p.getProperty("git.commit.id", "unknown"));
        m.put("dirty", Boolean.parseBoolean(p.getProperty("git.dirty", "false")));
        m.put("built", p.getProperty("build.time", "unknown"));
        return m;
    }

    public static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("java", System.getProperty("java.vendor") + " " + System.getProperty("java.runtime.version"));
        m.put(
                "os",
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"));
        m.put("cpu", cpuModel());
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("max_heap_bytes", Runtime.getRuntime().maxMemory());
        m.put(
                "jvm_args",
                ManagementFactory.getRuntimeMXBean().getInputArguments().size());
        try {
            m.put("host", InetAddress.getLocalHost().getHostName());
        } catch (IOException e) {
            m.put("host", "unknown");
        }
        return m;
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
