package org.overparam.linalg;

import java.nio.file.Path;
import java.util.Map;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas_full;

/**
 * The OpenBLAS shipped in the {@code org.bytedeco:openblas} jar, loaded through JavaCPP.
 *
 * <p>{@link #load(int)} loads {@code openblas_full}, the bytedeco class that binds OpenBLAS's own
 * functions ({@code openblas_get_config}, {@code openblas_set_num_threads}, ...) besides BLAS and
 * LAPACK. JavaCPP extracts the jar's libraries to {@code ~/.javacpp/cache} on first use (about 125 MB:
 * libopenblas.so.0, a byte-identical copy named libopenblas_nolapack.so.0, the gfortran/quadmath/gcc_s
 * runtime and the JNI bindings); later loads take well under a second.
 *
 * <p>Two copies, one controlled. JavaCPP loads both OpenBLAS files, and both carry the SONAME
 * libopenblas.so.0. bytedeco's JNI functions are bound lazily, each at its first call, to one of the
 * two copies, and which one can change once another library {@code dlopen}s the other copy (observed
 * with javacpp 1.5.13: before netlib loads, they bind to libopenblas_nolapack.so.0, which despite its
 * name is the full library with LAPACK; after netlib opens libopenblas.so.0, functions not yet called
 * bind to that one). Each copy has its own thread count, so {@link #load(int)} first calls every
 * bytedeco function this class uses, so that all are bound to the same copy before netlib loads, then
 * finds that copy's file from the address of {@code openblas_get_corename()}'s result (a string in its
 * read-only data) in /proc/self/maps, and that file is what netlib is given. netlib then opens the
 * already-loaded object, and one OpenBLAS instance serves both.
 */
final class BundledOpenBlas {

    /** JavaCPP's name for the preloaded OpenBLAS library (see the openblas presets' preload list). */
    private static final String LIBRARY_KEY = "openblas@.0";

    /**
     * The bundled library to hand to netlib.
     *
     * @param path absolute path of the OpenBLAS file
     * @param controlled whether {@code path} was verified to be the copy bytedeco's functions act on
     *     (otherwise it is JavaCPP's libopenblas.so.0 and thread settings may not reach it)
     */
    record Loaded(String path, boolean controlled) {}

    private BundledOpenBlas() {}

    /**
     * Loads the bundled OpenBLAS and, if {@code threads > 0}, sets its thread count.
     *
     * @throws LinkageError (e.g. UnsatisfiedLinkError) if the jar has no library for this platform;
     *     {@link IllegalStateException} if JavaCPP loaded no OpenBLAS file
     */
    static Loaded load(int threads) {
        Loader.load(openblas_full.class);
        // Bind every function used here and in config()/threads() now, before netlib opens any copy.
        if (threads > 0) {
            openblas_full.openblas_set_num_threads(threads);
        }
        threads();
        config();
        long address = openblas_full.openblas_get_corename().address();
        String controlled = MappedLibraries.fileContaining(MappedLibraries.currentLines(), address);
        if (!controlled.isEmpty()
                && Path.of(controlled).getFileName().toString().startsWith("libopenblas")) {
            return new Loaded(controlled, true);
        }
        return new Loaded(libraryPath(Loader.getLoadedLibraries()), false);
    }

    /** {@code openblas_get_config()}, e.g. "OpenBLAS 0.3.31 DYNAMIC_ARCH NO_AFFINITY SkylakeX MAX_THREADS=64". */
    static String config() {
        return openblas_full.openblas_get_config().getString().trim();
    }

    /** {@code openblas_set_num_threads(threads)} on the controlled copy. */
    static void setThreads(int threads) {
        openblas_full.openblas_set_num_threads(threads);
    }

    /** {@code openblas_get_num_threads()}: the threads the controlled copy uses now. */
    static int threads() {
        return openblas_full.openblas_get_num_threads();
    }

    /** Picks the OpenBLAS library from JavaCPP's map of loaded libraries (name to absolute path). */
    static String libraryPath(Map<String, String> loaded) {
        String path = loaded.get(LIBRARY_KEY);
        if (path == null) {
            path = loaded.values().stream()
                    .filter(p -> Path.of(p).getFileName().toString().startsWith("libopenblas.so"))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException(
                            "JavaCPP loaded no libopenblas.so; loaded libraries: " + loaded.keySet()));
        }
        return path;
    }
}
