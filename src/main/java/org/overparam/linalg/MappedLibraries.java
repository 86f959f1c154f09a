package org.overparam.linalg;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The linear-algebra libraries mapped into this process, read from Linux's {@code /proc/self/maps}:
 * the ground truth of which file a {@code dlopen} actually found, whatever was asked for.
 */
final class MappedLibraries {

    private static final Path MAPS = Path.of("/proc/self/maps");
    private static final Pattern NAME = Pattern.compile(".*(openblas|blas|lapack|arpack).*");

    private MappedLibraries() {}

    /**
     * Mapped files whose name matches openblas|blas|lapack|arpack, in order of first appearance; empty
     * where /proc/self/maps does not exist (macOS, Windows) or cannot be read. Cost: one read of a file
     * of a few hundred lines.
     */
    static List<String> current() {
        return parse(currentLines());
    }

    /** The lines of /proc/self/maps; empty where it does not exist or cannot be read. */
    static List<String> currentLines() {
        if (!Files.isReadable(MAPS)) {
            return List.of();
        }
        try {
            return Files.readAllLines(MAPS);
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * The file whose mapping contains {@code address}, from lines in /proc/pid/maps format; empty if the
     * address lies in no file-backed mapping.
     */
    static String fileContaining(List<String> mapsLines, long address) {
        for (String line : mapsLines) {
            String[] fields = line.trim().split("\\s+", 6);
            int dash = fields[0].indexOf('-');
            if (fields.length < 6 || dash < 0 || !fields[5].startsWith("/")) {
                continue;
            }
            long low = Long.parseUnsignedLong(fields[0].substring(0, dash), 16);
            long high = Long.parseUnsignedLong(fields[0].substring(dash + 1), 16);
            if (Long.compareUnsigned(address, low) >= 0 && Long.compareUnsigned(address, high) < 0) {
                return fields[5];
            }
        }
        return "";
    }

    /**
     * Extracts the distinct matching file paths from lines in /proc/pid/maps format:
     * {@code address perms offset dev inode [path]}.
     */
    static List<String> parse(List<String> mapsLines) {
        Set<String> paths = new LinkedHashSet<>();
        for (String line : mapsLines) {
            String[] fields = line.trim().split("\\s+", 6);
            if (fields.length < 6 || !fields[5].startsWith("/")) {
                continue;
            }
            String path = fields[5];
            String name = path.substring(path.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
            if (NAME.matcher(name).matches()) {
                paths.add(path);
            }
        }
        return List.copyOf(paths);
    }

    /**
     * The mapped file a netlib backend opened: {@code configuredPath} (already resolved to its real path)
     * if it is mapped, otherwise the first mapped file whose name starts with {@code soname} (the
     * loader maps the real file, e.g. libarpack.so.2.1.0 for libarpack.so.2); empty if none.
     */
    static String find(List<String> mapped, String configuredPath, String soname) {
        if (configuredPath != null) {
            return mapped.contains(configuredPath) ? configuredPath : "";
        }
        for (String path : mapped) {
            if (Path.of(path).getFileName().toString().startsWith(soname)) {
                return path;
            }
        }
        return "";
    }
}
