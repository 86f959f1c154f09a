package org.overparam.config;

import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.overparam.UserError;

/**
 * The settings of one section ({@code train}, {@code spectrum.lanczos}, ...) read with their checks: each reader
 * refuses a value outside its range with the key's full name, what was expected and what was found.
 */
public final class Settings {
    private final Config config;
    private final String section;

    /** The settings under {@code section} (a path such as {@code spectrum.lanczos}) of {@code config}'s section. */
    public Settings(Config config, String section) {
        this.config = config;
        this.section = section;
    }

    public Config config() {
        return config;
    }

    /** A finite number > 0. */
    public double positive(String key) {
        double v = config.getDouble(key);
        if (!(v > 0) || Double.isInfinite(v)) throw refused(key, "a finite number > 0", v);
        return v;
    }

    /** A finite number >= 0. */
    public double nonNegative(String key) {
        double v = config.getDouble(key);
        if (!(v >= 0) || Double.isInfinite(v)) throw refused(key, "a finite number >= 0", v);
        return v;
    }

    /** A number in [0, 1). */
    public double unitInterval(String key) {
        double v = config.getDouble(key);
        if (!(v >= 0 && v < 1)) throw refused(key, "a number in [0, 1)", v);
        return v;
    }

    /** A number in (0, 1). */
    public double openFraction(String key) {
        double v = config.getDouble(key);
        if (!(v > 0 && v < 1)) throw refused(key, "a number in (0, 1)", v);
        return v;
    }

    /** An integer >= 1. */
    public int positiveInt(String key) {
        int v = config.getInt(key);
        if (v < 1) throw refused(key, "an integer >= 1", v);
        return v;
    }

    /** An integer >= 0. */
    public int nonNegativeInt(String key) {
        int v = config.getInt(key);
        if (v < 0) throw refused(key, ">= 0", v);
        return v;
    }

    /**
     * One of an enum's constants, written as its {@link #id} ({@code PERTURBED_GD} as {@code perturbed-gd}); the error
     * lists them with {@code meanings}, when given, after each.
     */
    public <E extends Enum<E>> E choice(String key, Class<E> type, String... meanings) {
        String found = config.getString(key).trim().toLowerCase(Locale.ROOT);
        E[] values = type.getEnumConstants();
        for (E e : values) {
            if (id(e).equals(found)) return e;
        }
        List<String> options = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            options.add(id(values[i]) + (i < meanings.length ? " (" + meanings[i] + ")" : ""));
        }
        throw new UserError(name(key) + ": expected " + String.join(" | ", options) + ", found '" + found + "'.");
    }

    /** How a constant is written in settings and outputs: lower case, '-' for '_'. */
    public static String id(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private String name(String key) {
        return section + "." + key;
    }

    private UserError refused(String key, String expected, Object found) {
        return new UserError(name(key) + ": expected " + expected + ", found " + found + ".");
    }
}
