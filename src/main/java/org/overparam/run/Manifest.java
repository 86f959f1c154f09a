package org.overparam.run;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What {@code manifest.json} records of one command's run: the command and its status, where it wrote, the resolved and
 * the user's settings, the seeds, the code, machine, Spark and BLAS it ran on, the partition layout it chose, and when
 * it started and ended. Written as {@code running} before any work and rewritten as {@code completed} or
 * {@code failed} (with the reason) at the end; entries not known yet are left out.
 *
 * @param command      the command run ({@code train}, {@code spectrum}, ...)
 * @param status       running, completed or failed
 * @param runDirectory the run directory's URI
 * @param config       the resolved settings of every section, which a resumed run or a pipeline compares
 * @param userSettings the settings the user gave (job file and {@code --set})
 * @param seeds        each section's {@code seed}
 * @param code         the build
 * @param machine      the driver's machine
 * @param spark        Spark's version, master, application and parallelism
 * @param blas         the driver's linear-algebra libraries ({@code LibraryReport}) and the executors'
 * @param started      ISO-8601 start time
 * @param resumedFrom  the earlier attempts this run continues, oldest first (null for a fresh run)
 * @param partitions   the partitions of the samples, when the job records them
 * @param blocks       the sample blocks read, when the job records them
 * @param error        why a failed run failed
 * @param ended        ISO-8601 end time
 * @param seconds      wall time of the run
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Manifest(
        String command,
        RunStatus status,
        String runDirectory,
        Map<String, Object> config,
        Map<String, Object> userSettings,
        Map<String, Long> seeds,
        Provenance.Code code,
        Provenance.Machine machine,
        SparkInfo spark,
        Map<String, Object> blas,
        String started,
        List<Attempt> resumedFrom,
        Integer partitions,
        Integer blocks,
        String error,
        String ended,
        Double seconds) {

    /**
     * The Spark a run used.
     *
     * @param version            Spark's version
     * @param master             the master URL
     * @param appId              the application id (null in a pipeline's manifest)
     * @param defaultParallelism the default number of partitions (null in a pipeline's manifest)
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SparkInfo(String version, String master, String appId, Integer defaultParallelism) {}

    /** An earlier attempt of a resumed run: when it started and ended, and how it ended. */
    public record Attempt(String started, String ended, RunStatus status) {}

    /** The layout a job chose, recorded with the manifest when the run ends. */
    public record Layout(Integer partitions, Integer blocks) {
        public static final Layout NONE = new Layout(null, null);
    }

    /** This manifest as an earlier attempt, for the manifest of the run that resumes it. */
    public Attempt asAttempt() {
        return new Attempt(started, ended, status);
    }

    /** The run finished: its status, the layout the job chose, the error (null unless failed), the end time. */
    public Manifest finished(RunStatus finalStatus, Layout layout, String failure, Instant startedAt, Instant endedAt) {
        return new Manifest(
                command,
                finalStatus,
                runDirectory,
                config,
                userSettings,
                seeds,
                code,
                machine,
                spark,
                blas,
                started,
                resumedFrom,
                layout.partitions(),
                layout.blocks(),
                failure,
                endedAt.toString(),
                seconds(startedAt, endedAt));
    }

    /** Wall seconds between two instants, to the millisecond, as every manifest records them. */
    public static double seconds(Instant from, Instant to) {
        return (to.toEpochMilli() - from.toEpochMilli()) / 1000.0;
    }
}
