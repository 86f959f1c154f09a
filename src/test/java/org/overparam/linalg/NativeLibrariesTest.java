package org.overparam.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ludovic.netlib.arpack.ARPACK;
import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.lapack.LAPACK;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.overparam.linalg.NativeLibraries.Route;

/**
 * NativeLibraries on this machine: the bundled OpenBLAS jar is on the test classpath, so BLAS and LAPACK
 * must be native here; a failure fails the build rather than skipping.
 */
class NativeLibrariesTest {

    private static final Route REQUESTED = NativeLibraries.parseRoute(
            System.getProperty(NativeLibraries.ROUTE_PROPERTY), System.getenv(NativeLibraries.ROUTE_ENV));
    private static final long CHILD_JVM_TIMEOUT_SECONDS = 120;

    @Test
    void bootstrapIsIdempotentAndLeavesTheLibraryPropertiesAlone() {
        Route first = NativeLibraries.bootstrap();
        String blasPath = System.getProperty(NativeLibraries.BLAS_PATH_PROPERTY);
        String lapackPath = System.getProperty(NativeLibraries.LAPACK_PATH_PROPERTY);
        assertEquals(first, NativeLibraries.bootstrap());
        assertEquals(blasPath, System.getProperty(NativeLibraries.BLAS_PATH_PROPERTY));
        assertEquals(lapackPath, System.getProperty(NativeLibraries.LAPACK_PATH_PROPERTY));
        assertEquals(REQUESTED, first, "the requested route must not fall back on this machine");
    }

    @Test
    void concurrentCallersSeeOneRouteAndOneInstance() throws Exception {
        int callers = 8;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            List<Future<Object[]>> results = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                Callable<Object[]> call = () -> {
                    start.await();
                    return new Object[] {NativeLibraries.bootstrap(), NativeLibraries.blas()};
                };
                results.add(pool.submit(call));
            }
            start.countDown();
            Set<Object> routes = new HashSet<>();
            for (Future<Object[]> f : results) {
                Object[] r = f.get(60, TimeUnit.SECONDS);
                routes.add(r[0]);
                assertSame(BLAS.getInstance(), r[1]);
            }
            assertEquals(Set.of(REQUESTED), routes);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void accessorsReturnNetlibsInstances() {
        assertSame(BLAS.getInstance(), NativeLibraries.blas());
        assertSame(LAPACK.getInstance(), NativeLibraries.lapack());
        assertSame(ARPACK.getInstance(), NativeLibraries.arpack());
    }

    @Test
    void blasAndLapackAreNativeHere() {
        LibraryReport r = NativeLibraries.report();
        assertTrue(r.blas().isNative(), r.toString());
        assertTrue(r.lapack().isNative(), r.toString());
        assertEquals("JNIBLAS", r.blas().implementation());
        assertEquals("JNILAPACK", r.lapack().implementation());
        assertEquals(REQUESTED, r.route());
        assertEquals("", r.fallbackReason());
        if (REQUESTED == Route.BUNDLED) {
            assertEquals(LibraryReport.SOURCE_BUNDLED, r.blas().source(), r.toString());
            assertEquals(LibraryReport.SOURCE_BUNDLED, r.lapack().source(), r.toString());
            assertEquals(r.blas().library(), r.lapack().library());
            assertTrue(
                    Files.isRegularFile(Path.of(r.blas().library())), r.blas().library());
            assertTrue(
                    Path.of(r.blas().library()).getFileName().toString().startsWith("libopenblas"),
                    r.blas().library());
            assertTrue(r.openblasConfig().startsWith("OpenBLAS 0.3."), r.openblasConfig());
            assertTrue(r.openblasThreads() >= 1, "threads " + r.openblasThreads());
            assertTrue(r.toString().startsWith("BLAS JNIBLAS (bundled OpenBLAS 0.3."), r.toString());
        }
    }

    @Test
    void warningsMatchTheFallbacksActuallyLoaded() {
        LibraryReport r = NativeLibraries.report();
        int javaBackends = (r.blas().isNative() ? 0 : 1)
                + (r.lapack().isNative() ? 0 : 1)
                + (r.arpack().isNative() ? 0 : 1);
        assertEquals(javaBackends, r.warnings().size(), r.warnings().toString());
        assertEquals(r.allNative(), r.warnings().isEmpty());
        if (r.arpack().isNative()) {
            assertTrue(Files.isRegularFile(Path.of(r.arpack().library())), r.toString());
        } else {
            assertTrue(r.warnings().get(0).contains("Remedy"), r.warnings().toString());
        }
    }

    @Test
    void liveReportMapHasTheDocumentedKeysAndPlainValues() {
        Map<String, Object> m = NativeLibraries.report().toMap();
        assertEquals(LibraryReport.MAP_KEYS, new ArrayList<>(m.keySet()));
        NativeLibrariesReportTest.assertPlain(m);
        assertTrue(((List<?>) m.get("mappedLibraries"))
                .contains(NativeLibraries.report().blas().library()));
    }

    @Test
    void threadSettingReachesTheOpenBlasCopyNetlibUses() throws Exception {
        Map<String, String> child = runChild(
                "-D" + NativeLibraries.ROUTE_PROPERTY + "=bundled", "-D" + NativeLibraries.THREADS_PROPERTY + "=1");
        assertEquals("bundled", child.get("route"), child.toString());
        assertEquals("1", child.get("openblasThreads"), child.toString());
        assertEquals("bundled", child.get("blas.source"), child.toString());
        assertEquals("bundled", child.get("lapack.source"), child.toString());
        assertTrue(!child.get("notes").contains("copy of the bundled OpenBLAS other than"), child.get("notes"));
        assertTrue(!child.get("notes").contains("could not locate"), child.get("notes"));
    }

    @Test
    void systemRouteLeavesNetlibOnTheSystemLibraries() throws Exception {
        Map<String, String> child = runChild(
                "-D" + NativeLibraries.ROUTE_PROPERTY + "=system", "-D" + NativeLibraries.THREADS_PROPERTY + "=1");
        assertEquals("system", child.get("route"), child.toString());
        assertTrue(Set.of("system", "java").contains(child.get("blas.source")), child.toString());
        assertTrue(Set.of("system", "java").contains(child.get("lapack.source")), child.toString());
        assertEquals("", child.get("openblasConfig"));
        assertTrue(child.get("notes").contains("OPENBLAS_NUM_THREADS=1"), child.get("notes"));
    }

    @Test
    void userSetLibraryPathIsRespectedAndNoted(@TempDir Path dir) throws Exception {
        String bundled =
                runChild("-D" + NativeLibraries.ROUTE_PROPERTY + "=bundled").get("blas.library");
        Path copy = Files.copy(Path.of(bundled), dir.resolve("libopenblas.so.0"));
        Map<String, String> child = runChild(
                "-D" + NativeLibraries.ROUTE_PROPERTY + "=bundled",
                "-D" + NativeLibraries.BLAS_PATH_PROPERTY + "=" + copy);
        assertTrue(
                child.get("notes").contains(NativeLibraries.BLAS_PATH_PROPERTY + " was set by the user"),
                child.get("notes"));
        assertEquals("user", child.get("blas.source"), child.toString());
        assertEquals(copy.toRealPath().toString(), child.get("blas.library"), child.toString());
        assertEquals("bundled", child.get("lapack.source"), child.toString());
        assertTrue(
                child.get("summary")
                        .startsWith(
                                "BLAS JNIBLAS (user libopenblas.so.0) | LAPACK JNILAPACK " + "(bundled OpenBLAS 0.3."),
                child.get("summary"));
    }

    @Test
    void bundledFailureFallsBackToSystemAndSaysWhy() throws Exception {
        // JavaCPP then looks for linux-arm64 libraries, which the linux-x86_64 jar does not have.
        Map<String, String> child = runChild(
                "-D" + NativeLibraries.ROUTE_PROPERTY + "=bundled", "-Dorg.bytedeco.javacpp.platform=linux-arm64");
        assertEquals("system", child.get("route"), child.toString());
        assertEquals("bundled", child.get("requestedRoute"), child.toString());
        assertTrue(
                child.get("fallbackReason").startsWith("bundled OpenBLAS failed to load ("),
                child.get("fallbackReason"));
        assertTrue(child.get("summary").endsWith(" | " + child.get("fallbackReason")), child.get("summary"));
        assertTrue(Set.of("system", "java").contains(child.get("blas.source")), child.toString());
    }

    @Test
    void realJavaFallbackIsWarnedWithRemedy(@TempDir Path dir) throws Exception {
        Map<String, String> child =
                runChild("-D" + NativeLibraries.ARPACK_PATH_PROPERTY + "=" + dir.resolve("missing-libarpack.so.2"));
        assertEquals("false", child.get("arpack.native"), child.toString());
        assertEquals("false", child.get("allNative"), child.toString());
        assertTrue(child.get("warnings").contains("ARPACK is the Java fallback (F2jARPACK)"), child.get("warnings"));
        assertTrue(child.get("warnings").contains("Remedy: apt-get install libarpack2"), child.get("warnings"));
    }

    /** Runs {@link ReportProbe} in a fresh JVM with the given options and parses its key/value lines. */
    private static Map<String, String> runChild(String... jvmOptions) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.addAll(List.of(jvmOptions));
        cmd.add(ReportProbe.class.getName());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove(NativeLibraries.ROUTE_ENV);
        pb.environment().remove(NativeLibraries.THREADS_ENV);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(CHILD_JVM_TIMEOUT_SECONDS, TimeUnit.SECONDS), "child JVM timed out");
        assertEquals(0, p.exitValue(), "child JVM failed; output:\n" + out);
        Map<String, String> m = new LinkedHashMap<>();
        Set<String> topKeys = new LinkedHashSet<>();
        for (String line : out.split("\n")) {
            int tab = line.indexOf('\t');
            String key = tab > 0 ? line.substring(0, tab) : "";
            String top = key.contains(".") ? key.substring(0, key.indexOf('.')) : key;
            if (LibraryReport.MAP_KEYS.contains(top)) {
                m.put(key, line.substring(tab + 1));
                topKeys.add(top);
            }
        }
        assertEquals(LibraryReport.MAP_KEYS, new ArrayList<>(topKeys), out);
        return m;
    }
}
