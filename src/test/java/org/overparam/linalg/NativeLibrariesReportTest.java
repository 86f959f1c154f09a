package org.overparam.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.overparam.linalg.LibraryReport.Backend;
import org.overparam.linalg.NativeLibraries.Route;

/** The report's logic on hand-built reports: warnings, map, one-line summary, settings parsing. */
class NativeLibrariesReportTest {

    private static final String BUNDLED_LIB = "/opt/u/.javacpp/cache/openblas/libopenblas.so.0";
    private static final String CONFIG = "OpenBLAS 0.3.31 DYNAMIC_ARCH NO_AFFINITY SkylakeX MAX_THREADS=64";
    private static final Backend BUNDLED_BLAS = new Backend("JNIBLAS", true, BUNDLED_LIB, "bundled");
    private static final Backend BUNDLED_LAPACK = new Backend("JNILAPACK", true, BUNDLED_LIB, "bundled");
    private static final Backend SYSTEM_ARPACK =
            new Backend("JNIARPACK", true, "/usr/lib/x86_64-linux-gnu/libarpack.so.2.1.0", "system");
    private static final Backend JAVA_ARPACK = new Backend("F2jARPACK", false, "", "java");

    private static LibraryReport report(Route route, String reason, Backend blas, Backend lapack, Backend arpack) {
        return new LibraryReport(
                Route.BUNDLED, route, reason, blas, lapack, arpack, CONFIG, 2, List.of(BUNDLED_LIB), List.of());
    }

    @Test
    void allNativeReportHasNoWarningsAndTheDocumentedSummary() {
        LibraryReport r = report(Route.BUNDLED, "", BUNDLED_BLAS, BUNDLED_LAPACK, SYSTEM_ARPACK);
        assertTrue(r.allNative());
        assertEquals(List.of(), r.warnings());
        assertEquals(
                "BLAS JNIBLAS (bundled OpenBLAS 0.3.31, 2 threads) | LAPACK JNILAPACK (bundled)"
                        + " | ARPACK JNIARPACK (system libarpack.so.2.1.0)",
                r.toString());
    }

    @Test
    void arpackFallbackGivesOneWarningNamingImplementationAndRemedy() {
        LibraryReport r = report(Route.BUNDLED, "", BUNDLED_BLAS, BUNDLED_LAPACK, JAVA_ARPACK);
        assertFalse(r.allNative());
        List<String> w = r.warnings();
        assertEquals(1, w.size(), w.toString());
        assertTrue(w.get(0).startsWith("ARPACK is the Java fallback (F2jARPACK)"), w.get(0));
        assertTrue(w.get(0).contains("Remedy: apt-get install libarpack2"), w.get(0));
        assertTrue(r.toString().endsWith("ARPACK F2jARPACK (Java fallback)"), r.toString());
    }

    @Test
    void blasAndLapackFallbackAfterBundledFailureWarnTwiceAndShowTheReason() {
        String reason = "bundled OpenBLAS failed to load (UnsatisfiedLinkError: no jniopenblas_full)";
        LibraryReport r = report(
                Route.SYSTEM,
                reason,
                new Backend("VectorBLAS", false, "", "java"),
                new Backend("F2jLAPACK", false, "", "java"),
                SYSTEM_ARPACK);
        List<String> w = r.warnings();
        assertEquals(2, w.size(), w.toString());
        assertTrue(w.get(0).startsWith("BLAS is the Java fallback (VectorBLAS)"), w.get(0));
        assertTrue(w.get(1).startsWith("LAPACK is the Java fallback (F2jLAPACK)"), w.get(1));
        for (String s : w) {
            assertTrue(s.contains("Remedy:") && s.contains("libopenblas0-pthread"), s);
        }
        assertTrue(
                r.toString().startsWith("BLAS VectorBLAS (Java fallback) | LAPACK F2jLAPACK (Java fallback)"),
                r.toString());
        assertTrue(r.toString().endsWith(" | " + reason), r.toString());
    }

    @Test
    void lapackShowsOpenBlasDetailsWhenBlasIsNotBundled() {
        Backend userBlas = new Backend("JNIBLAS", true, "/opt/mkl/libmkl_rt.so", "user");
        LibraryReport r = report(Route.BUNDLED, "", userBlas, BUNDLED_LAPACK, SYSTEM_ARPACK);
        assertTrue(
                r.toString()
                        .startsWith("BLAS JNIBLAS (user libmkl_rt.so) | LAPACK JNILAPACK (bundled "
                                + "OpenBLAS 0.3.31, 2 threads)"),
                r.toString());
    }

    @Test
    void toMapHasTheDocumentedKeysInOrderAndOnlyPlainValues() {
        LibraryReport r = report(Route.BUNDLED, "", BUNDLED_BLAS, BUNDLED_LAPACK, JAVA_ARPACK);
        Map<String, Object> m = r.toMap();
        assertEquals(LibraryReport.MAP_KEYS, new ArrayList<>(m.keySet()));
        assertPlain(m);
        assertEquals("bundled", m.get("route"));
        assertEquals(false, m.get("allNative"));
        assertEquals(r.warnings(), m.get("warnings"));
        assertEquals(r.toString(), m.get("summary"));
        assertEquals(
                Map.of("implementation", "F2jARPACK", "native", false, "library", "", "source", "java"),
                m.get("arpack"));
    }

    @Test
    void reportSurvivesJavaSerialization() throws Exception {
        LibraryReport r = report(Route.BUNDLED, "", BUNDLED_BLAS, BUNDLED_LAPACK, JAVA_ARPACK);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(r);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertEquals(r, in.readObject());
        }
    }

    @Test
    void backendRejectsNativeJavaSourceAndViceVersa() {
        assertThrows(IllegalArgumentException.class, () -> new Backend("JNIBLAS", true, "", "java"));
        assertThrows(IllegalArgumentException.class, () -> new Backend("F2jBLAS", false, "", "system"));
    }

    @Test
    void routeSettingPropertyWinsOverEnvironmentAndDefaultsToBundled() {
        assertEquals(Route.BUNDLED, NativeLibraries.parseRoute(null, null));
        assertEquals(Route.BUNDLED, NativeLibraries.parseRoute(" ", ""));
        assertEquals(Route.SYSTEM, NativeLibraries.parseRoute(null, "system"));
        assertEquals(Route.BUNDLED, NativeLibraries.parseRoute(" Bundled ", "system"));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> NativeLibraries.parseRoute("mkl", null));
        assertTrue(e.getMessage().contains("got 'mkl'"), e.getMessage());
    }

    @Test
    void threadSettingIsANonNegativeInteger() {
        assertEquals(0, NativeLibraries.parseThreads(null, null));
        assertEquals(4, NativeLibraries.parseThreads("4", "1"));
        assertEquals(1, NativeLibraries.parseThreads("", "1"));
        assertThrows(IllegalArgumentException.class, () -> NativeLibraries.parseThreads("-1", null));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> NativeLibraries.parseThreads(null, "two"));
        assertTrue(e.getMessage().contains("got 'two'"), e.getMessage());
    }

    @Test
    void mappedLibrariesKeepsDistinctMatchingFilesInOrder() {
        List<String> lines = List.of(
                "7f0000000000-7f0000001000 r--p 00000000 08:01 11 /usr/lib/x86_64-linux-gnu/libarpack.so.2.1.0",
                "7f0000001000-7f0000002000 r-xp 00001000 08:01 11 /usr/lib/x86_64-linux-gnu/libarpack.so.2.1.0",
                "7f0000003000-7f0000004000 rw-p 00000000 00:00 0 ",
                "7f0000004000-7f0000005000 rw-p 00000000 00:00 0                          [heap]",
                "7f0000005000-7f0000006000 r-xp 00000000 08:01 12 /usr/lib/x86_64-linux-gnu/libc.so.6",
                "7f0000006000-7f0000007000 r-xp 00000000 08:01 13 /opt/a b/.javacpp/cache/libopenblas.so.0",
                "7f0000007000-7f0000008000 r-xp 00000000 08:01 14 /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3");
        List<String> mapped = MappedLibraries.parse(lines);
        assertEquals(
                List.of(
                        "/usr/lib/x86_64-linux-gnu/libarpack.so.2.1.0",
                        "/opt/a b/.javacpp/cache/libopenblas.so.0",
                        "/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3"),
                mapped);
        assertEquals(
                "/opt/a b/.javacpp/cache/libopenblas.so.0",
                MappedLibraries.find(mapped, "/opt/a b/.javacpp/cache/libopenblas.so.0", "libblas.so.3"));
        assertEquals("", MappedLibraries.find(mapped, "/opt/other/libblas.so", "libblas.so.3"));
        assertEquals(
                "/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3",
                MappedLibraries.find(mapped, null, "libblas.so.3"));
        assertEquals(
                "/usr/lib/x86_64-linux-gnu/libarpack.so.2.1.0", MappedLibraries.find(mapped, null, "libarpack.so.2"));
        assertEquals("", MappedLibraries.find(mapped, null, "liblapack.so.3"));
    }

    @Test
    void fileContainingFindsTheFileMappedAtAnAddress() {
        List<String> lines = List.of(
                "7f57ca773000-7f57ca9c6000 r--p 02153000 fe:00 16039955   /c/libopenblas_nolapack.so.0",
                "7f57ca9ee000-7f57ca9fe000 rw-p 00000000 00:00 0 ",
                "ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0  [vsyscall]");
        assertEquals("/c/libopenblas_nolapack.so.0", MappedLibraries.fileContaining(lines, 0x7f57ca773000L));
        assertEquals("/c/libopenblas_nolapack.so.0", MappedLibraries.fileContaining(lines, 0x7f57ca9c5fffL));
        assertEquals("", MappedLibraries.fileContaining(lines, 0x7f57ca9c6000L));
        assertEquals("", MappedLibraries.fileContaining(lines, 0x7f57ca9ee010L));
        assertEquals("", MappedLibraries.fileContaining(lines, 0xffffffffff600010L));
    }

    @Test
    void bundledLibraryPathIsPickedFromJavaCppsLoadedLibraries() {
        assertEquals(
                "/c/libopenblas.so.0",
                BundledOpenBlas.libraryPath(Map.of(
                        "openblas@.0", "/c/libopenblas.so.0", "openblas_nolapack@.0", "/c/libopenblas_nolapack.so.0")));
        assertEquals(
                "/c/libopenblas.so.0",
                BundledOpenBlas.libraryPath(
                        Map.of("openblas_nolapack@.0", "/c/libopenblas_nolapack.so.0", "x", "/c/libopenblas.so.0")));
        assertThrows(
                IllegalStateException.class,
                () -> BundledOpenBlas.libraryPath(Map.of("openblas_nolapack@.0", "/c/libopenblas_nolapack.so.0")));
    }

    /** Asserts that a value tree holds only Strings, Booleans, Numbers, Lists and String-keyed Maps. */
    static void assertPlain(Object value) {
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                assertTrue(e.getKey() instanceof String, "key " + e.getKey());
                assertPlain(e.getValue());
            }
        } else if (value instanceof List<?> list) {
            list.forEach(NativeLibrariesReportTest::assertPlain);
        } else {
            assertTrue(
                    value instanceof String || value instanceof Boolean || value instanceof Number,
                    "not a plain JSON value: " + (value == null ? "null" : value.getClass()));
        }
    }
}
