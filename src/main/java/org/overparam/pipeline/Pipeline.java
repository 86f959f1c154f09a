package org.overparam.pipeline;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.io.File;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.overparam.UserError;
import org.overparam.config.Command;
import org.overparam.config.JobConfig;

/**
 * A pipeline file ({@code jobs/pipelines/*.conf}, HOCON): a name and an ordered list of stages, each a command with its
 * settings.
 *
 * <pre>
 * name = arora2019-mnist01
 * stages = [
 *   { name = data-summary, command = data,     config = "../data-mnist01.conf" }
 *   { name = spectrum,     command = spectrum, config = "../arora2019-mnist.conf", settings { data.n = 2000 } }
 * ]
 * </pre>
 *
 * {@code config} is a job file relative to the pipeline file; {@code settings} override it like {@code --set}, and the
 * pipeline command's own {@code --set} overrides apply to every stage last. Every stage's settings are resolved and
 * checked when the file is loaded, before any stage runs.
 */
public final class Pipeline {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Set<String> TOP_KEYS = Set.of("name", "stages");
    private static final Set<String> STAGE_KEYS = Set.of("name", "command", "config", "settings");

    /** One stage: its directory name under the pipeline's, its command, and its resolved settings. */
    public record Stage(String name, String command, JobConfig config) {}

    public final String name;
    public final String file;
    public final List<Stage> stages;

    private Pipeline(String name, String file, List<Stage> stages) {
        this.name = name;
        this.file = file;
        this.stages = List.copyOf(stages);
    }

    /**
     * Reads and checks a pipeline file.
     *
     * @param overrides {@code key=value} settings applied to every stage after its own
     * @throws UserError for a missing or malformed file, an unknown key, a bad or repeated stage name, an unknown
     *                   command, or stage settings that do not resolve
     */
    public static Pipeline load(File file, List<String> overrides) {
        if (!file.isFile()) throw new UserError("Pipeline file not found: expected a HOCON file at '" + file + "'.");
        Config c;
        try {
            c = ConfigFactory.parseFile(file, ConfigParseOptions.defaults().setAllowMissing(false))
                    .resolve();
        } catch (ConfigException e) {
            throw new UserError("Pipeline file '" + file + "' is not valid HOCON: " + e.getMessage());
        }
        String where = "pipeline file '" + file + "'";
        unknownKeys(c.root(), TOP_KEYS, where);
        String name = string(c, "name", where);
        if (!NAME.matcher(name).matches()) {
            throw new UserError(where + ": name must be letters, digits, '.', '_' or '-', found '" + name + "'.");
        }
        if (!c.hasPath("stages") || c.getValue("stages").valueType() != ConfigValueType.LIST) {
            throw new UserError(where + ": expected 'stages', a list of { name, command, config, settings }.");
        }
        List<Stage> stages = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        List<? extends ConfigObject> list;
        try {
            list = c.getObjectList("stages");
        } catch (ConfigException e) {
            throw new UserError(
                    where + ": every stage must be an object { name, command, config, settings }: " + e.getMessage());
        }
        if (list.isEmpty()) throw new UserError(where + ": 'stages' is empty; expected at least one stage.");
        for (int i = 0; i < list.size(); i++) {
            ConfigObject o = list.get(i);
            String at = where + ", stage " + (i + 1);
            unknownKeys(o, STAGE_KEYS, at);
            Config s = o.toConfig();
            String stageName = string(s, "name", at);
            if (!NAME.matcher(stageName).matches()) {
                throw new UserError(at + ": name becomes a directory: letters, digits, '.', '_' or '-', found '"
                        + stageName + "'.");
            }
            if (!seen.add(stageName))
                throw new UserError(at + ": stage name '" + stageName + "' is used twice; names must be unique.");
            String command = string(s, "command", at);
            if (!Command.ids().contains(command)) {
                throw new UserError(at + " (" + stageName + "): unknown command '" + command + "'; expected one of "
                        + Command.ids() + ".");
            }
            File jobFile = null;
            if (s.hasPath("config")) {
                jobFile = new File(string(s, "config", at));
                if (!jobFile.isAbsolute())
                    jobFile = new File(file.getAbsoluteFile().getParentFile(), jobFile.getPath());
            }
            List<String> sets = new ArrayList<>();
            if (s.hasPath("settings")) {
                if (s.getValue("settings").valueType() != ConfigValueType.OBJECT) {
                    throw new UserError(
                            at + " (" + stageName + "): 'settings' must be an object such as { data.n = 2000 }.");
                }
                for (Map.Entry<String, ConfigValue> e : s.getConfig("settings").entrySet()) {
                    sets.add(e.getKey() + "=" + e.getValue().render(ConfigRenderOptions.concise()));
                }
            }
            sets.addAll(overrides);
            JobConfig config;
            try {
                config = JobConfig.load(jobFile, sets);
            } catch (UserError e) {
                throw new UserError(at + " (" + stageName + "): " + e.getMessage(), e);
            }
            stages.add(new Stage(stageName, command, config));
        }
        return new Pipeline(name, file.getPath(), stages);
    }

    private static String string(Config c, String key, String where) {
        if (!c.hasPath(key) || c.getValue(key).valueType() != ConfigValueType.STRING) {
            throw new UserError(where + ": expected a string '" + key + "'"
                    + (c.hasPath(key)
                            ? ", found " + c.getValue(key).render(ConfigRenderOptions.concise())
                            : ", found none")
                    + ".");
        }
        return c.getString(key);
    }

    private static void unknownKeys(ConfigObject o, Set<String> known, String where) {
        for (String k : o.keySet()) {
            if (!known.contains(k)) {
                throw new UserError(
                        where + ": unknown key '" + k + "'; expected " + new java.util.TreeSet<>(known) + ".");
            }
        }
    }
}
