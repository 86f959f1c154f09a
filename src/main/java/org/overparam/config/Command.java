package org.overparam.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import org.overparam.UserError;

/**
 * The commands, in the order a reproduction usually runs them, each with the settings sections it reads: the one list
 * behind the command line, its help, pipeline stages and the manifest's settings.
 */
public enum Command {
    DATA("data"),
    SPECTRUM("data", "spectrum"),
    TRAIN("data", "train"),
    COMPARE("data", "train", "spectrum", "compare"),
    NOISE("data", "train", "noise"),
    LANDSCAPE("data", "train", "landscape"),
    GENERALIZATION("data", "train", "generalization");

    /** Every settings section a command reads, each once, in the order of the commands. */
    public static final List<String> SETTING_SECTIONS = settingSections();

    private final List<String> sections;

    Command(String... sections) {
        this.sections = List.of(sections);
    }

    /** The name on the command line and in pipeline files. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The settings sections the command reads. */
    public List<String> sections() {
        return sections;
    }

    /** The names of all commands, in order. */
    public static List<String> ids() {
        List<String> ids = new ArrayList<>();
        for (Command c : values()) ids.add(c.id());
        return ids;
    }

    /**
     * The command named {@code id}.
     *
     * @throws UserError naming the commands there are
     */
    public static Command parse(String id) {
        for (Command c : values()) {
            if (c.id().equals(id)) return c;
        }
        throw new UserError("Unknown command '" + id + "': expected one of " + ids() + ".");
    }

    private static List<String> settingSections() {
        LinkedHashSet<String> all = new LinkedHashSet<>();
        for (Command c : values()) all.addAll(c.sections);
        return List.copyOf(all);
    }
}
