package org.overparam.run;

/**
 * A job's headline figures: a record, one per command, that {@link JobRunner} writes as {@code summary.json} (Jackson;
 * records name their entries in snake case and leave out what does not apply to the run). The notebooks and the
 * pipelines read those files; the per-iteration and per-eigenvalue numbers are in the run's tables.
 */
public interface JobSummary {}
