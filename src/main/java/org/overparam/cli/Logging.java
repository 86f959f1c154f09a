package org.overparam.cli;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;

/** Keeps Spark's and Hadoop's logging at WARN so the run's own progress lines stay readable. */
final class Logging {
    private Logging() {}

    static void quiet(boolean verbose) {
        boolean configured = System.getProperty("log4j2.configurationFile") != null
                || System.getProperty("log4j.configurationFile") != null;
        if (configured && !verbose) {
            return; // the user's (or conf/log4j2.properties via jobs/run) levels stand
        }
        Level level = verbose ? Level.INFO : Level.WARN;
        Configurator.setRootLevel(level);
        for (String logger :
                new String[] {"org.apache.spark", "org.apache.hadoop", "org.sparkproject", "org.apache.parquet"}) {
            Configurator.setLevel(logger, level);
        }
    }
}
