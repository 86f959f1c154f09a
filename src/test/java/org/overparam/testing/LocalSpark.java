package org.overparam.testing;

import org.apache.spark.sql.SparkSession;
import org.overparam.spark.Sparks;

/** One embedded Spark (local[4]) shared by the tests of this JVM. */
public final class LocalSpark {
    private static SparkSession session;

    private LocalSpark() {}

    public static synchronized SparkSession get() {
        if (session == null) {
            System.setProperty("spark.ui.enabled", "false");
            System.setProperty("spark.sql.shuffle.partitions", "4");
            session = Sparks.session("overparam-tests", "local[4]");
            session.sparkContext().setLogLevel("WARN");
        }
        return session;
    }
}
