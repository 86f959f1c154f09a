package org.overparam.linalg;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What loaded: the route, and for each of BLAS, LAPACK and ARPACK the netlib implementation, whether
 * it is native and which library file is mapped into the process. Immutable and serializable, so it
 * can travel from executors to the driver. Built by {@link NativeLibraries#report()}; the constructor
 * is public only because records require it (tests build reports with simulated fallbacks).
 *
 * @param requested the route asked for by {@value NativeLibraries#ROUTE_PROPERTY} or {@value NativeLibraries#ROUTE_ENV}
 * @param route the route in force ({@link NativeLibraries.Route#SYSTEM} after a bundled failure)
 * @param fallbackReason why the bundled route was abandoned; empty if it was not
 * @param blas the BLAS backend
 * @param lapack the LAPACK backend
 * @param arpack the ARPACK backend
 * @param openblasConfig {@code openblas_get_config()} of the bundled OpenBLAS; empty if unused
 * @param openblasThreads {@code openblas_get_num_threads()} of the bundled OpenBLAS; 0 if unknown
 * @param mappedLibraries every file mapped into the process whose name matches
 *     openblas|blas|lapack|arpack (from /proc/self/maps; empty off Linux)
 * @param notes facts worth recording that are not Java fallbacks (user-set paths, ignored settings)
 */
public record LibraryReport(
        NativeLibraries.Route requested,
        NativeLibraries.Route route,
        String fallbackReason,
        Backend blas,
        Backend lapack,
        Backend arpack,
        String openblasConfig,
        int openblasThreads,
        List<String> mappedLibraries,
        List<String> notes)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /** {@link Backend#source()}: the OpenBLAS from the bytedeco jar. */
    public static final String SOURCE_BUNDLED = "bundled";
    /** {@link Backend#source()}: a library found by the system loader (apt packages). */
    public static final String SOURCE_SYSTEM = "system";
    /** {@link Backend#source()}: the file named by a netlib nativeLibPath property the user set. */
    public static final String SOURCE_USER = "user";
    /** {@link Backend#source()}: netlib's pure-Java implementation. */
    public static final String SOURCE_JAVA = "java";

    /**
     * Keys of {@link #toMap()}, in order. {@code blas}, {@code lapack} and {@code arpack} map to
     * {@code {implementation, native, library, source}}.
     */
    public static final List<String> MAP_KEYS = List.of(
            "summary",
            "route",
            "requestedRoute",
            "fallbackReason",
            "allNative",
            "blas",
            "lapack",
            "arpack",
            "openblasConfig",
            "openblasThreads",
            "mappedLibraries",
            "notes",
            "warnings");

    private static final String NATIVE_REMEDY = "Remedy: keep org.bytedeco:openblas with its "
            + "linux-x86_64 classifier on the classpath and " + NativeLibraries.ROUTE_PROPERTY
            + "=bundled (the default), or "
            + "apt-get install libopenblas0-pthread and run with -D" + NativeLibraries.ROUTE_PROPERTY
            + "=system; in both "
            + "cases call NativeLibraries.bootstrap() before any other netlib use.";

    /**
     * One netlib implementation.
     *
     * @param implementation netlib class simple name, e.g. JNIBLAS, VectorBLAS, F2jARPACK
     * @param isNative whether it calls a native library
     * @param library the real path of the native library file mapped into the process; empty if
     *     Java or not found
     * @param source one of {@link #SOURCE_BUNDLED}, {@link #SOURCE_SYSTEM}, {@link #SOURCE_USER},
     *     {@link #SOURCE_JAVA}
     */
    public record Backend(String implementation, boolean isNative, String library, String source)
            implements Serializable {

        private static final long serialVersionUID = 1L;

        /** Checks that no field is null and that a Java backend says so in its source. */
        public Backend {
            Objects.requireNonNull(implementation, "implementation");
            Objects.requireNonNull(library, "library");
            Objects.requireNonNull(source, "source");
            if (isNative == source.equals(SOURCE_JAVA)) {
                throw new IllegalArgumentException("source must be '" + SOURCE_JAVA + "' exactly when not "
                        + "native; got isNative=" + isNative + ", source='" + source + "'");
            }
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("implementation", implementation);
            m.put("native", isNative);
            m.put("library", library);
            m.put("source", source);
            return Collections.unmodifiableMap(m);
        }
    }

    /** Checks for nulls and copies the lists. */
    public LibraryReport {
        Objects.requireNonNull(requested, "requested");
        Objects.requireNonNull(route, "route");
        Objects.requireNonNull(fallbackReason, "fallbackReason");
        Objects.requireNonNull(blas, "blas");
        Objects.requireNonNull(lapack, "lapack");
        Objects.requireNonNull(arpack, "arpack");
        Objects.requireNonNull(openblasConfig, "openblasConfig");
        mappedLibraries = List.copyOf(mappedLibraries);
        notes = List.copyOf(notes);
    }

    /** True if BLAS, LAPACK and ARPACK all call native libraries. */
    public boolean allNative() {
        return blas.isNative() && lapack.isNative() && arpack.isNative();
    }

    /**
     * One warning per Java fallback, each naming the implementation, the cost and the remedy; empty
     * when {@link #allNative()}. Log these before starting heavy work.
     */
    public List<String> warnings() {
        List<String> w = new ArrayList<>();
        if (!blas.isNative()) {
            w.add("BLAS is the Java fallback (" + blas.implementation() + "): matrix products run roughly "
                    + "20x slower than native OpenBLAS. " + NATIVE_REMEDY);
        }
        if (!lapack.isNative()) {
            w.add("LAPACK is the Java fallback (" + lapack.implementation() + "): eigendecompositions and "
                    + "factorizations will be slow. " + NATIVE_REMEDY);
        }
        if (!arpack.isNative()) {
            w.add("ARPACK is the Java fallback (" + arpack.implementation() + "): ARPACK calls will be "
                    + "slow. Remedy: apt-get install libarpack2 (provides libarpack.so.2), or set -D"
                    + NativeLibraries.ARPACK_PATH_PROPERTY + "=/path/to/libarpack.so.2.");
        }
        return List.copyOf(w);
    }

    /**
     * The report as plain JSON-ready values (Strings, Booleans, Integers, Lists, Maps), keys in the
     * order of {@link #MAP_KEYS}.
     */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("summary", toString());
        m.put("route", route.name().toLowerCase(Locale.ROOT));
        m.put("requestedRoute", requested.name().toLowerCase(Locale.ROOT));
        m.put("fallbackReason", fallbackReason);
        m.put("allNative", allNative());
        m.put("blas", blas.toMap());
        m.put("lapack", lapack.toMap());
        m.put("arpack", arpack.toMap());
        m.put("openblasConfig", openblasConfig);
        m.put("openblasThreads", openblasThreads);
        m.put("mappedLibraries", mappedLibraries);
        m.put("notes", notes);
        m.put("warnings", warnings());
        return Collections.unmodifiableMap(m);
    }

    /**
     * One line, e.g. {@code BLAS JNIBLAS (bundled OpenBLAS 0.3.31, 2 threads) | LAPACK JNILAPACK
     * (bundled) | ARPACK JNIARPACK (system libarpack.so.2.1.0)}, followed by the fallback reason if any.
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append("BLAS ")
                .append(blas.implementation())
                .append(" (")
                .append(describe(blas, true))
                .append(") | LAPACK ")
                .append(lapack.implementation())
                .append(" (")
                .append(describe(lapack, !blas.source().equals(SOURCE_BUNDLED)))
                .append(") | ARPACK ")
                .append(arpack.implementation())
                .append(" (")
                .append(describe(arpack, false))
                .append(')');
        if (!fallbackReason.isEmpty()) {
            sb.append(" | ").append(fallbackReason);
        }
        return sb.toString();
    }

    private String describe(Backend b, boolean withOpenBlasDetails) {
        switch (b.source()) {
            case SOURCE_JAVA:
                return "Java fallback";
            case SOURCE_BUNDLED:
                if (!withOpenBlasDetails || openblasConfig.isEmpty()) {
                    return "bundled";
                }
                String[] words = openblasConfig.split("\\s+");
                String version = words.length >= 2 ? words[0] + " " + words[1] : openblasConfig;
                return "bundled " + version + (openblasThreads > 0 ? ", " + openblasThreads + " threads" : "");
            default:
                String file =
                        b.library().isEmpty() ? "" : " " + Path.of(b.library()).getFileName();
                return b.source() + file;
        }
    }
}
