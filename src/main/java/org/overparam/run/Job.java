package org.overparam.run;

/** The body of one command: runs on a prepared {@link JobContext} and returns its headline figures (summary.json). */
@FunctionalInterface
public interface Job {
    JobSummary run(JobContext ctx) throws Exception;
}
