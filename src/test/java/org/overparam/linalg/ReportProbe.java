package org.overparam.linalg;

import java.util.Map;

/**
 * Test helper run in a child JVM: bootstraps with that JVM's settings and prints
 * {@code NativeLibraries.report().toMap()} one entry per line as {@code key<TAB>value} (nested maps
 * flattened to {@code blas.library} etc.), so that settings read only at the first bootstrap (route,
 * threads, user paths) can be tested in a fresh process.
 */
final class ReportProbe {

    private ReportProbe() {}

    public static void main(String[] args) {
        print("", NativeLibraries.report().toMap());
    }

    private static void print(String prefix, Map<?, ?> map) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (e.getValue() instanceof Map<?, ?> nested) {
                print(prefix + e.getKey() + ".", nested);
            } else {
                System.out.println(prefix + e.getKey() + "\t" + e.getValue());
            }
        }
    }
}
