package org.overparam.pipeline;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;
import java.util.List;
import org.overparam.run.Manifest;
import org.overparam.run.Provenance;
import org.overparam.run.RunStatus;

/**
 * What a pipeline directory's {@code manifest.json} records: the pipeline and its file, its status, the code, machine
 * and Spark it ran on, and one entry per stage. The stage list is rewritten in place as stages start and end, so the
 * file always says where a pipeline stands.
 *
 * @param command      always {@code pipeline}
 * @param pipeline     the pipeline's name
 * @param file         the pipeline file
 * @param status       running, completed or failed
 * @param runDirectory the pipeline directory's URI
 * @param code         the build
 * @param machine      the driver's machine
 * @param spark        Spark's version and master
 * @param started      ISO-8601 start time
 * @param stages       the stages, in order
 * @param error        why a failed pipeline failed
 * @param ended        ISO-8601 end time
 * @param seconds      wall time
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PipelineManifest(
        String command,
        String pipeline,
        String file,
        RunStatus status,
        String runDirectory,
        Provenance.Code code,
        Provenance.Machine machine,
        Manifest.SparkInfo spark,
        String started,
        List<Stage> stages,
        String error,
        String ended,
        Double seconds) {

    /**
     * One stage's entry: pending, then running, and completed, failed or skipped (a skipped stage carries the times of
     * the completed run it reuses).
     *
     * @param name         the stage's name, also its folder
     * @param command      the stage's command
     * @param status       its status
     * @param runDirectory its run directory
     * @param started      ISO-8601 start time
     * @param error        why it failed
     * @param ended        ISO-8601 end time
     * @param seconds      wall time
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Stage(
            String name,
            String command,
            RunStatus status,
            String runDirectory,
            String started,
            String error,
            String ended,
            Double seconds) {

        static Stage pending(String name, String command, String runDirectory) {
            return new Stage(name, command, RunStatus.PENDING, runDirectory, null, null, null, null);
        }

        Stage running(Instant at) {
            return new Stage(name, command, RunStatus.RUNNING, runDirectory, at.toString(), null, null, null);
        }

        Stage ended(RunStatus finalStatus, String failure, Instant from, Instant to) {
            return new Stage(
                    name,
                    command,
                    finalStatus,
                    runDirectory,
                    started,
                    failure,
                    to.toString(),
                    Manifest.seconds(from, to));
        }

        /** Skipped: the stage's completed run, whose times it keeps. */
        Stage skipped(Manifest done) {
            return new Stage(
                    name, command, RunStatus.SKIPPED, runDirectory, done.started(), null, done.ended(), done.seconds());
        }
    }

    /** The pipeline finished: its status, the error (null unless failed), the end time. */
    PipelineManifest finished(RunStatus finalStatus, String failure, Instant from, Instant to) {
        return new PipelineManifest(
                command,
                pipeline,
                file,
                finalStatus,
                runDirectory,
                code,
                machine,
                spark,
                started,
                stages,
                failure,
                to.toString(),
                Manifest.seconds(from, to));
    }
}
