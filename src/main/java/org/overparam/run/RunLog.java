package org.overparam.run;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * What a run tells its user: timestamped lines on standard output, kept to be written as {@code run.log} in the run
 * directory when the run ends (completed or failed).
 */
public final class RunLog {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
    private final PrintStream out;
    private final List<String> lines = new ArrayList<>();
    private final Instant start = Instant.now();

    public RunLog(PrintStream out) {
        this.out = out;
    }

    public synchronized void info(String fmt, Object... args) {
        emit("", String.format(java.util.Locale.ROOT, fmt, args));
    }

    public synchronized void warn(String fmt, Object... args) {
        emit("WARNING: ", String.format(java.util.Locale.ROOT, fmt, args));
    }

    private void emit(String level, String msg) {
        long s = Duration.between(start, Instant.now()).toSeconds();
        String line = TIME.format(Instant.now()) + String.format(java.util.Locale.ROOT, " [%4ds] ", s) + level + msg;
        lines.add(line);
        out.println(line);
        out.flush();
    }

    public synchronized String text() {
        return String.join("\n", lines) + "\n";
    }

    public double elapsedSeconds() {
        return Duration.between(start, Instant.now()).toMillis() / 1000.0;
    }
}
