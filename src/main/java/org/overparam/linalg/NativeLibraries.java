package org.overparam.linalg;

import dev.ludovic.netlib.arpack.ARPACK;
import dev.ludovic.netlib.arpack.NativeARPACK;
import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.blas.NativeBLAS;
import dev.ludovic.netlib.lapack.LAPACK;
import dev.ludovic.netlib.lapack.NativeLAPACK;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The one entry point to BLAS, LAPACK and ARPACK in this project: it decides which native library
 * dev.ludovic.netlib (the library MLlib uses) loads, and reports what actually loaded.
 *
 * <p>netlib picks, once per JVM, a native JNI implementation (JNIBLAS, JNILAPACK, JNIARPACK) that
 * {@code dlopen}s a system library, and falls back to pure Java (VectorBLAS, F2jLAPACK, F2jARPACK) when
 * that fails. Which file it opens is read from system properties at the first
 * {@code getInstance()} call, so {@link #bootstrap()} must run before it; every project class calls
 * {@link #blas()}, {@link #lapack()} and {@link #arpack()} instead of netlib's {@code getInstance()}.
 *
 * <h2>Routes</h2>
 * Chosen by the system property {@value #ROUTE_PROPERTY} or else the environment variable
 * {@value #ROUTE_ENV}: {@code bundled} (default) or {@code system}.
 * <ul>
 *   <li>{@link Route#BUNDLED}: loads the OpenBLAS shipped in the {@code org.bytedeco:openblas} jar
 *       (linux-x86_64 classifier) through JavaCPP, which extracts it once to {@code ~/.javacpp/cache}
 *       (about 125 MB on first use, then under a second per JVM), and points
 *       {@value #BLAS_PATH_PROPERTY} and {@value #LAPACK_PATH_PROPERTY} at the extracted OpenBLAS file
 *       (with LAPACK) that bytedeco's own thread and config functions act on, so that the thread
 *       setting below reaches the OpenBLAS netlib calls (JavaCPP loads two identical copies; see
 *       {@code BundledOpenBlas}). Properties the user already set are left
 *       untouched and the report says so. If the bundled library cannot be loaded (another OS or CPU
 *       architecture, jar missing), the route falls back to {@code system} and the report records why.
 *       This is the default because it needs no root on laptops or executors and gives the same
 *       OpenBLAS version on every machine of a cluster.</li>
 *   <li>{@link Route#SYSTEM}: touches nothing; netlib opens the system {@code libblas.so.3} and
 *       {@code liblapack.so.3} (Debian: {@code apt-get install libopenblas0-pthread}).</li>
 * </ul>
 * ARPACK is not in the bytedeco jars: on both routes it is the system {@code libarpack.so.2}
 * ({@code apt-get install libarpack2}) or the Java fallback. The system ARPACK makes its own BLAS and
 * LAPACK calls through the system libblas.so.3 / liblapack.so.3 it was linked with, which the thread
 * setting below does not govern.
 *
 * <h2>Threads: a cost caveat</h2>
 * OpenBLAS starts as many threads as cores. A Spark executor running several tasks at once, each calling
 * a multi-threaded OpenBLAS, oversubscribes its cores and runs slower than single-threaded BLAS. Set
 * {@value #THREADS_PROPERTY} (or {@value #THREADS_ENV}) to {@code cores / tasks-per-executor}
 * (for example {@code spark.executor.cores / spark.task.cpus} tasks, so usually {@code spark.task.cpus});
 * {@code 0} or absent leaves OpenBLAS's default. It is applied through bytedeco's
 * {@code openblas_set_num_threads} on the bundled route only; on the system route set
 * {@code OPENBLAS_NUM_THREADS} in the executor environment instead.
 *
 * <p>On Spark, pass these as {@code -D} options in {@code spark.driver.extraJavaOptions} and
 * {@code spark.executor.extraJavaOptions}, and call {@link #bootstrap()} before any MLlib linear algebra
 * runs in that JVM: if MLlib initialised netlib first, netlib keeps the system library and
 * {@link #report()} shows it.
 *
 * <p>This package imports no Spark class.
 */
public final class NativeLibraries {

    /** System property choosing the route: {@code bundled} or {@code system}. */
    public static final String ROUTE_PROPERTY = "overparam.blas";
    /** Environment variable read when {@value #ROUTE_PROPERTY} is absent. */
    public static final String ROUTE_ENV = "OVERPARAM_BLAS";
    /** System property: OpenBLAS threads on the bundled route; 0 or absent keeps OpenBLAS's default. */
    public static final String THREADS_PROPERTY = "overparam.blas.threads";
    /** Environment variable read when {@value #THREADS_PROPERTY} is absent. */
    public static final String THREADS_ENV = "OVERPARAM_BLAS_THREADS";
    /** netlib: full path of the BLAS library its JNI shim opens. */
    public static final String BLAS_PATH_PROPERTY = "dev.ludovic.netlib.blas.nativeLibPath";
    /** netlib: full path of the LAPACK library its JNI shim opens. */
    public static final String LAPACK_PATH_PROPERTY = "dev.ludovic.netlib.lapack.nativeLibPath";
    /** netlib: full path of the ARPACK library its JNI shim opens. */
    public static final String ARPACK_PATH_PROPERTY = "dev.ludovic.netlib.arpack.nativeLibPath";

    /** Where the BLAS, LAPACK (and thereby OpenBLAS) libraries come from. */
    public enum Route {
        /** OpenBLAS from the org.bytedeco:openblas jar, loaded by JavaCPP. */
        BUNDLED,
        /** The system's libblas.so.3 / liblapack.so.3, netlib's own default. */
        SYSTEM
    }

    /** What bootstrap decided; written once under the class lock, read without it. */
    private record State(
            Route requested,
            Route route,
            String fallbackReason,
            String bundledPath,
            String userBlasPath,
            String userLapackPath,
            List<String> notes) {}

    private static final System.Logger LOG = System.getLogger(NativeLibraries.class.getName());
    private static volatile State state;

    private NativeLibraries() {}

    /**
     * Chooses the route and sets netlib's library properties; must run before the first netlib
     * {@code getInstance()} in this JVM. Idempotent and thread-safe: the first call does the work
     * (bundled route: under a second, plus a one-time extraction of the jar's libraries), later calls
     * return at the cost of a volatile read.
     *
     * @return the route in force (the requested one, or {@link Route#SYSTEM} after a bundled failure)
     * @throws IllegalArgumentException if {@value #ROUTE_PROPERTY} or {@value #THREADS_PROPERTY}
     *     (or their environment variables) hold an invalid value
     */
    public static Route bootstrap() {
        State s = state;
        if (s == null) {
            synchronized (NativeLibraries.class) {
                s = state;
                if (s == null) {
                    s = initialise();
                    state = s;
                }
            }
        }
        return s.route();
    }

    /**
     * Sets the bundled OpenBLAS's thread count now (for example 1 per Spark task, so concurrent tasks do not
     * oversubscribe the cores). A no-op returning false on the system route, where OpenBLAS reads
     * {@code OPENBLAS_NUM_THREADS} at load time instead.
     */
    public static boolean setThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, found " + threads);
        }
        bootstrap();
        if (state.route() != Route.BUNDLED || state.bundledPath() == null) {
            return false;
        }
        BundledOpenBlas.setThreads(threads);
        return true;
    }

    /** The bundled OpenBLAS's current thread count, or 0 on the system route. */
    public static int threads() {
        bootstrap();
        return state.route() == Route.BUNDLED && state.bundledPath() != null ? BundledOpenBlas.threads() : 0;
    }

    /** Whether the user fixed the thread count ({@value #THREADS_PROPERTY} or {@value #THREADS_ENV}). */
    public static boolean threadsConfigured() {
        return System.getProperty(THREADS_PROPERTY) != null || System.getenv(THREADS_ENV) != null;
    }

    /**
     * Runs {@code work} with all cores given to OpenBLAS, then restores the previous count: for a large LAPACK call on
     * the driver while no Spark task runs (in local mode the executors share the driver's OpenBLAS).
     */
    public static <T> T withAllCores(java.util.function.Supplier<T> work) {
        int before = threads();
        int cores = Runtime.getRuntime().availableProcessors();
        boolean change = before > 0 && before != cores && !threadsConfigured();
        if (change) {
            setThreads(cores);
        }
        try {
            return work.get();
        } finally {
            if (change) {
                setThreads(before);
            }
        }
    }

    /** netlib's BLAS instance, after {@link #bootstrap()}. */
    public static BLAS blas() {
        bootstrap();
        return BLAS.getInstance();
    }

    /** netlib's LAPACK instance, after {@link #bootstrap()}. */
    public static LAPACK lapack() {
        bootstrap();
        return LAPACK.getInstance();
    }

    /** netlib's ARPACK instance, after {@link #bootstrap()}. */
    public static ARPACK arpack() {
        bootstrap();
        return ARPACK.getInstance();
    }

    /**
     * What loaded, for logs and the run manifest. Loads all three netlib instances if not yet loaded and
     * reads {@code /proc/self/maps} (a few hundred lines; empty library paths off Linux), so call it once
     * per run, not per operation.
     */
    public static LibraryReport report() {
        bootstrap();
        State s = state;
        BLAS blas = BLAS.getInstance();
        LAPACK lapack = LAPACK.getInstance();
        ARPACK arpack = ARPACK.getInstance();
        List<String> mapped = MappedLibraries.current();
        String bundled = s.bundledPath();
        LibraryReport.Backend b = backend(
                blas.getClass(),
                blas instanceof NativeBLAS,
                mapped,
                System.getProperty(BLAS_PATH_PROPERTY),
                soname("blas", "libblas.so.3"),
                bundled,
                s.userBlasPath());
        LibraryReport.Backend l = backend(
                lapack.getClass(),
                lapack instanceof NativeLAPACK,
                mapped,
                System.getProperty(LAPACK_PATH_PROPERTY),
                soname("lapack", "liblapack.so.3"),
                bundled,
                s.userLapackPath());
        String userArpack = System.getProperty(ARPACK_PATH_PROPERTY);
        LibraryReport.Backend a = backend(
                arpack.getClass(),
                arpack instanceof NativeARPACK,
                mapped,
                userArpack,
                soname("arpack", "libarpack.so.2"),
                bundled,
                realPath(userArpack));
        List<String> notes = new ArrayList<>(s.notes());
        if (s.route() == Route.BUNDLED
                && b.isNative()
                && !b.source().equals(LibraryReport.SOURCE_BUNDLED)
                && !b.source().equals(LibraryReport.SOURCE_USER)) {
            notes.add("BLAS did not open the bundled OpenBLAS although the bundled route is active: netlib was "
                    + "probably initialised before NativeLibraries.bootstrap() (e.g. by MLlib)");
        }
        if (a.isNative() && s.route() == Route.BUNDLED) {
            notes.add("ARPACK's own BLAS/LAPACK calls go to the libraries " + a.library()
                    + " was linked with, not to the bundled OpenBLAS; " + THREADS_PROPERTY + " does not govern them");
        }
        boolean bundledActive = bundled != null
                && (b.source().equals(LibraryReport.SOURCE_BUNDLED)
                        || l.source().equals(LibraryReport.SOURCE_BUNDLED));
        for (LibraryReport.Backend x : List.of(b, l)) {
            if (x.source().equals(LibraryReport.SOURCE_BUNDLED) && !x.library().equals(realPath(bundled))) {
                String note = x.library() + " is a copy of the bundled OpenBLAS other than " + bundled
                        + ", whose threads and config are reported";
                if (!notes.contains(note)) {
                    notes.add(note);
                }
            }
        }
        String config = bundledActive ? BundledOpenBlas.config() : "";
        int threads = bundledActive ? BundledOpenBlas.threads() : 0;
        return new LibraryReport(s.requested(), s.route(), s.fallbackReason(), b, l, a, config, threads, mapped, notes);
    }

    private static State initialise() {
        Route requested = parseRoute(System.getProperty(ROUTE_PROPERTY), System.getenv(ROUTE_ENV));
        int threads = parseThreads(System.getProperty(THREADS_PROPERTY), System.getenv(THREADS_ENV));
        String userBlas = System.getProperty(BLAS_PATH_PROPERTY);
        String userLapack = System.getProperty(LAPACK_PATH_PROPERTY);
        List<String> notes = new ArrayList<>();
        for (String p : List.of(BLAS_PATH_PROPERTY, LAPACK_PATH_PROPERTY, ARPACK_PATH_PROPERTY)) {
            if (System.getProperty(p) != null) {
                notes.add(p + " was set by the user to " + System.getProperty(p) + "; left unchanged");
            }
        }
        Route route = requested;
        String reason = "";
        String bundledPath = null;
        if (requested == Route.BUNDLED) {
            loadArpackFirst();
            try {
                BundledOpenBlas.Loaded loaded = BundledOpenBlas.load(threads);
                bundledPath = loaded.path();
                if (!loaded.controlled()) {
                    notes.add("could not locate the OpenBLAS copy that bytedeco's thread and config functions act "
                            + "on; netlib was given " + bundledPath + ", which " + THREADS_PROPERTY + " may not reach");
                }
                if (userBlas == null) {
                    System.setProperty(BLAS_PATH_PROPERTY, bundledPath);
                }
                if (userLapack == null) {
                    System.setProperty(LAPACK_PATH_PROPERTY, bundledPath);
                }
            } catch (RuntimeException | LinkageError e) {
                route = Route.SYSTEM;
                reason = "bundled OpenBLAS failed to load (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                        + "); using the system libraries";
                LOG.log(System.Logger.Level.WARNING, reason);
            }
        }
        if (route == Route.SYSTEM && threads > 0) {
            notes.add(THREADS_PROPERTY + "=" + threads + " is not applied on the system route; set "
                    + "OPENBLAS_NUM_THREADS=" + threads + " in the environment instead");
        }
        LOG.log(System.Logger.Level.INFO, "BLAS/LAPACK route: " + route.name().toLowerCase(Locale.ROOT));
        return new State(
                requested, route, reason, bundledPath, realPath(userBlas), realPath(userLapack), List.copyOf(notes));
    }

    /**
     * Opens the system ARPACK (and with it the system {@code libblas.so.3} it links) before the bundled OpenBLAS is
     * loaded. The system BLAS binds its data symbols (OpenBLAS's kernel table) when it is opened: opened after the
     * bundled OpenBLAS, whose symbols JavaCPP makes global, it would bind them to that other OpenBLAS build and crash
     * in its first call (netlib 3.2, Spark 4.2's, opens ARPACK with {@code RTLD_LOCAL}; netlib 3.0 opened it global).
     * Without a system ARPACK, netlib falls back to its Java ARPACK and nothing is opened.
     */
    private static void loadArpackFirst() {
        ARPACK.getInstance();
    }

    /**
     * Parses the route setting: the property wins over the environment variable; absent or blank means
     * {@link Route#BUNDLED}.
     */
    static Route parseRoute(String property, String env) {
        String v = firstNonBlank(property, env);
        if (v == null) {
            return Route.BUNDLED;
        }
        switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "bundled":
                return Route.BUNDLED;
            case "system":
                return Route.SYSTEM;
            default:
                throw new IllegalArgumentException(
                        ROUTE_PROPERTY + " (or " + ROUTE_ENV + ") must be 'bundled' or 'system', got '" + v + "'");
        }
    }

    /**
     * Parses the thread setting: the property wins over the environment variable; absent or blank means
     * 0 (keep OpenBLAS's default).
     */
    static int parseThreads(String property, String env) {
        String v = firstNonBlank(property, env);
        if (v == null) {
            return 0;
        }
        int n;
        try {
            n = Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < 0) {
            throw new IllegalArgumentException(
                    THREADS_PROPERTY + " (or " + THREADS_ENV + ") must be a non-negative integer, got '" + v + "'");
        }
        return n;
    }

    private static LibraryReport.Backend backend(
            Class<?> impl,
            boolean isNative,
            List<String> mapped,
            String configuredPath,
            String soname,
            String bundledPath,
            String userPath) {
        if (!isNative) {
            return new LibraryReport.Backend(impl.getSimpleName(), false, "", LibraryReport.SOURCE_JAVA);
        }
        String library = MappedLibraries.find(mapped, realPath(configuredPath), soname);
        String source;
        if (bundledPath != null
                && !library.isEmpty()
                && Path.of(library)
                        .getParent()
                        .equals(Path.of(realPath(bundledPath)).getParent())) {
            source = LibraryReport.SOURCE_BUNDLED;
        } else if (userPath != null && library.equals(userPath)) {
            source = LibraryReport.SOURCE_USER;
        } else {
            source = LibraryReport.SOURCE_SYSTEM;
        }
        return new LibraryReport.Backend(impl.getSimpleName(), true, library, source);
    }

    /** netlib's {@code dev.ludovic.netlib.X.nativeLib}: the soname opened when no path is set. */
    private static String soname(String component, String netlibDefault) {
        return System.getProperty("dev.ludovic.netlib." + component + ".nativeLib", netlibDefault);
    }

    private static String realPath(String path) {
        if (path == null) {
            return null;
        }
        try {
            return Path.of(path).toRealPath().toString();
        } catch (IOException | RuntimeException e) {
            return path;
        }
    }

    private static String firstNonBlank(String a, String b) {
        if (a != null && !a.isBlank()) {
            return a;
        }
        return b != null && !b.isBlank() ? b : null;
    }
}
