package org.overparam.run;

import java.util.Map;

/** The body of one command: runs on a prepared {@link JobContext} and returns its headline figures (summary.json). */
@FunctionalInterface
public interface Job {
    Map<String, Object> run(JobContext ctx) throws Exception;
}
