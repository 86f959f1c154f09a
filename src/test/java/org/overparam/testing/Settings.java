package org.overparam.testing;

import com.typesafe.config.Config;
import java.util.Arrays;
import org.overparam.config.JobConfig;
import org.overparam.data.DataSpec;

/** Builds resolved settings from {@code key=value} strings, exactly as {@code --set} does. */
public final class Settings {
    private Settings() {}

    public static Config of(String... sets) {
        return JobConfig.load(null, Arrays.asList(sets)).config();
    }

    public static DataSpec data(String... sets) {
        return DataSpec.from(of(sets));
    }
}
