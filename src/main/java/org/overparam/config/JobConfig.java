package org.overparam.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import java.io.File;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.overparam.UserError;

/**
 * The resolved settings of one run: {@code reference.conf} defaults, then the job file ({@code --config}), then the
 * {@code --set key=value} overrides, last one winning.
 *
 * <p>Every key a user writes must exist in {@code reference.conf}; a misspelt key is an error that names the closest
 * known key, never a silently ignored setting. Values of string settings given with {@code --set} are taken literally
 * (so {@code --set data.path=hdfs://nn:8020/mnist} needs no quoting); other values are parsed as HOCON
 * ({@code --set data.classes=[0,1]}).
 */
public final class JobConfig {
    /** Settings of more than one form, checked by their own spec instead: a count or "all"; a width or a list. */
    static final List<String> FLEXIBLE = List.of("data.n", "train.width", "noise.test-n");

    private final Config resolved;
    private final Config user;

    private JobConfig(Config resolved, Config user) {
        this.resolved = resolved;
        this.user = user;
    }

    /** The defaults alone. */
    public static Config reference() {
        return ConfigFactory.parseResources(
                JobConfig.class.getClassLoader(),
                "reference.conf",
                ConfigParseOptions.defaults().setAllowMissing(false));
    }

    /**
     * Loads and validates the settings.
     *
     * @param jobFile   a HOCON job file, or null
     * @param overrides {@code key=value} strings, applied in order
     * @throws UserError for a missing or malformed job file, a malformed override, an unknown key or a wrong type
     */
    public static JobConfig load(File jobFile, List<String> overrides) {
        Config reference = reference();
        Config user = ConfigFactory.empty();
        if (jobFile != null) {
            if (!jobFile.isFile()) {
                throw new UserError("Job file not found: expected a HOCON file at '" + jobFile + "'.");
            }
            try {
                user = ConfigFactory.parseFile(
                        jobFile, ConfigParseOptions.defaults().setAllowMissing(false));
            } catch (ConfigException e) {
                throw new UserError("Job file '" + jobFile + "' is not valid HOCON: " + e.getMessage());
            }
        }
        for (String override : overrides) {
            user = parseOverride(override, reference).withFallback(user);
        }
        Config resolved;
        try {
            user = user.resolve();
            resolved = user.withFallback(reference).resolve();
        } catch (ConfigException e) {
            throw new UserError("Settings could not be resolved: " + e.getMessage());
        }
        checkKnownKeys(user, reference);
        try {
            Config typed = resolved, ref = reference;
            for (String key : FLEXIBLE) {
                typed = typed.withoutPath(key);
                ref = ref.withoutPath(key);
            }
            typed.checkValid(ref);
        } catch (ConfigException.ValidationFailed e) {
            throw new UserError("Settings have the wrong type: " + e.getMessage());
        }
        return new JobConfig(resolved, user);
    }

    /**
     * The settings a finished or interrupted run recorded in its manifest ({@code config}, as resolved), checked
     * against today's reference like any job file.
     */
    public static JobConfig fromRecorded(String configJson) {
        Config user;
        try {
            user = ConfigFactory.parseString(
                    configJson, ConfigParseOptions.defaults().setOriginDescription("manifest.json"));
        } catch (ConfigException e) {
            throw new UserError("The recorded settings could not be read: " + e.getMessage());
        }
        Config reference = reference();
        checkKnownKeys(user, reference);
        return new JobConfig(user.withFallback(reference).resolve(), user);
    }

    static Config parseOverride(String override, Config reference) {
        int eq = override.indexOf('=');
        if (eq <= 0) {
            throw new UserError("--set expects key=value (for example --set data.n=2000), found '" + override + "'.");
        }
        String key = override.substring(0, eq).trim();
        String value = override.substring(eq + 1).trim();
        try {
            ConfigValueType type = reference.hasPathOrNull(key) && !reference.getIsNull(key)
                    ? reference.getValue(key).valueType()
                    : null;
            if (type == ConfigValueType.STRING) {
                String literal = value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                        ? value.substring(1, value.length() - 1)
                        : value;
                return ConfigFactory.empty().withValue(key, ConfigValueFactory.fromAnyRef(literal, "--set " + key));
            }
            return ConfigFactory.parseString(
                    key + " = " + value, ConfigParseOptions.defaults().setOriginDescription("--set " + key));
        } catch (ConfigException e) {
            throw new UserError("--set '" + override + "' could not be parsed: " + e.getMessage());
        }
    }

    private static void checkKnownKeys(Config user, Config reference) {
        List<String> unknown = new ArrayList<>();
        for (Map.Entry<String, ConfigValue> e : user.entrySet()) {
            String key = e.getKey();
            if (!reference.hasPathOrNull(key) && !underFreeForm(key, reference)) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            unknown.sort(Comparator.naturalOrder());
            StringBuilder msg = new StringBuilder("Unknown setting");
            msg.append(unknown.size() > 1 ? "s: " : ": ");
            for (int i = 0; i < unknown.size(); i++) {
                String key = unknown.get(i);
                if (i > 0) msg.append("; ");
                msg.append('\'').append(key).append('\'');
                String near = closestKey(key, reference);
                if (near != null) msg.append(" (did you mean '").append(near).append("'?)");
            }
            msg.append(". Every setting must be one of those in reference.conf; see 'overparam <command> --help'.");
            throw new UserError(msg.toString());
        }
    }

    /** Keys under a reference object declared empty ({@code {}}) are free-form (e.g. extra Spark settings). */
    private static boolean underFreeForm(String key, Config reference) {
        String prefix = key;
        int dot;
        while ((dot = prefix.lastIndexOf('.')) > 0) {
            prefix = prefix.substring(0, dot);
            if (reference.hasPath(prefix)
                    && reference.getValue(prefix).valueType() == ConfigValueType.OBJECT
                    && reference.getObject(prefix).isEmpty()) {
                return true;
            }
        }
        return false;
    }

    static String closestKey(String key, Config reference) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (Map.Entry<String, ConfigValue> e : reference.entrySet()) {
            int dist = levenshtein(key, e.getKey());
            if (dist < bestDistance) {
                bestDistance = dist;
                best = e.getKey();
            }
        }
        return bestDistance <= Math.max(3, key.length() / 3) ? best : null;
    }

    private static int levenshtein(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** All settings, defaults included. */
    public Config config() {
        return resolved;
    }

    /** Only what the job file and overrides set. */
    public Config userSettings() {
        return user;
    }

    /** The resolved settings of the given top-level sections, as JSON text (for the manifest). */
    public String toJson(String... sections) {
        Config c = ConfigFactory.empty();
        for (String s : sections) {
            if (resolved.hasPath(s)) c = c.withValue(s, resolved.getValue(s));
        }
        return c.root().render(ConfigRenderOptions.concise());
    }
}
