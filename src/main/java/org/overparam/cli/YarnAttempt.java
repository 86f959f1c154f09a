package org.overparam.cli;

import org.apache.hadoop.conf.Configuration;
import org.overparam.UserError;
import org.overparam.run.Manifest;
import org.overparam.run.RunDirectory;

/**
 * The YARN ApplicationMaster attempt a cluster-mode driver runs in. When an ApplicationMaster dies (its node lost, its
 * container killed), YARN starts the application again with the same arguments, so the next attempt finds the run
 * directory the earlier one started: a {@code train} or {@code spectrum} run is then continued from its checkpoints (as
 * {@code --resume} would), any other command's run redone, instead of refusing the existing directory.
 */
final class YarnAttempt {
    private YarnAttempt() {}

    /**
     * This driver's attempt number (1, 2, ...), or 0 outside a YARN ApplicationMaster. YARN names the container
     * {@code container_[eEPOCH_]CLUSTERTIME_APP_ATTEMPT_CONTAINER}; the AM sets {@code spark.yarn.app.id}.
     */
    static int number() {
        String container = System.getenv("CONTAINER_ID");
        if (container == null || System.getProperty("spark.yarn.app.id") == null) return 0;
        return attemptOf(container);
    }

    /** The attempt number in a YARN container id, 0 if it is not one. */
    static int attemptOf(String containerId) {
        String[] parts = containerId.split("_");
        if (parts.length < 5 || !parts[0].equals("container")) return 0;
        try {
            return Integer.parseInt(parts[parts.length - 2]);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * Whether {@code out} holds a run that an earlier attempt of this YARN application started (its manifest names
     * this application and does not say completed).
     */
    static boolean earlierAttemptStarted(String out) {
        if (out == null || number() <= 1) return false;
        try {
            Manifest m = RunDirectory.open(out, new Configuration()).readJson("manifest.json", Manifest.class);
            return m.spark() != null
                    && System.getProperty("spark.yarn.app.id").equals(m.spark().appId());
        } catch (UserError e) {
            return false; // no run directory yet: the earlier attempt died before it made one
        }
    }
}
