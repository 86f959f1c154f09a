package org.overparam.experiment.spectrum;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import org.overparam.config.JobConfig;
import org.overparam.linalg.SolverCheckpoints;
import org.overparam.run.RunDirectory;
import org.overparam.run.RunLog;
import org.overparam.run.StateFile;

/**
 * The large-n path's checkpoints, in {@value #FOLDER} of the run directory (HDFS on a cluster), written by the driver:
 * each completed stage's result ({@code <stage>.state}: the top eigenpairs, the preconditioner, lambda_min with its
 * vector, the Lanczos coefficients, the CG solutions, each with the stage's time and passes), and the running stage's
 * solver state ({@code <solver>.solver}) every {@code spectrum.checkpoint-minutes}. A resumed run reads a completed
 * stage instead of redoing it and hands a solver its saved state ({@link SolverCheckpoints}); the solver continues
 * with the same arithmetic, so the results equal an uninterrupted run's bit for bit. Every file carries the
 * fingerprint of the {@code data} and {@code spectrum} settings and a checksum ({@link StateFile}): one of other
 * settings, or corrupt, is refused with its name. The folder is removed when the run completes.
 *
 * <p>Cost: a solver checkpoint writes its state whole: LOBPCG {@code 32 n s} bytes (s the block), CG {@code 24 n b},
 * the Lanczos bases {@code 8 n j} per start after j steps (at n = 70,000, 200 steps and 13 starts, 1.5 GB).
 */
final class SpectrumCheckpoints {
    static final String FOLDER = "checkpoints/spectrum";

    private final RunDirectory dir;
    private final RunLog log;
    private final boolean resume;
    private final String fingerprint;
    private final long intervalNanos;
    private long lastSave = System.nanoTime();

    /**
     * @param resume  whether to read what an earlier run of this directory saved
     * @param minutes minutes between solver checkpoints (0: none)
     */
    SpectrumCheckpoints(RunDirectory dir, RunLog log, JobConfig config, boolean resume, double minutes) {
        this.dir = dir;
        this.log = log;
        this.resume = resume;
        this.fingerprint = fingerprint(config);
        this.intervalNanos = minutes > 0 ? (long) (minutes * 60e9) : Long.MAX_VALUE;
    }

    /** What the settings that decide a result hash to: the data and spectrum sections, keys sorted. */
    static String fingerprint(JobConfig config) {
        Map<String, Object> relevant = new java.util.TreeMap<>();
        for (String section : new String[] {"data", "spectrum"}) {
            if (config.config().hasPath(section))
                relevant.put(
                        section,
                        sorted(config.config().getConfig(section).root().unwrapped()));
        }
        if (relevant.get("spectrum") instanceof Map<?, ?> m) {
            m.remove("checkpoint-minutes");
            m.remove("report-peak");
        }
        try {
            byte[] json = new ObjectMapper()
                    .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
                    .writeValueAsBytes(relevant);
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(json);
            return "settings " + HexFormat.of().formatHex(hash, 0, 8);
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("fingerprint of the settings", e);
        }
    }

    private static Object sorted(Object value) {
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new java.util.TreeMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) out.put(String.valueOf(e.getKey()), sorted(e.getValue()));
            return out;
        }
        return value;
    }

    private static String stageFile(String stage) {
        return FOLDER + "/" + stage + ".state";
    }

    private static String solverFile(String solver) {
        return FOLDER + "/" + solver + ".solver";
    }

    /** The result of a stage an earlier run completed, or null (not resuming, or not completed then). */
    <T> T completed(String stage, StateFile.Parser<T> parser) {
        if (!resume || !dir.exists(stageFile(stage))) return null;
        T value = StateFile.read(dir, stageFile(stage), stage, fingerprint, parser);
        log.info("%s: completed by the run resumed, read from %s", stage, stageFile(stage));
        return value;
    }

    /** Saves a completed stage's result, and removes its solver's checkpoint ({@code solver}, or null). */
    void complete(String stage, String solver, StateFile.Body body) {
        StateFile.write(dir, stageFile(stage), stage, fingerprint, body);
        if (solver != null && dir.exists(solverFile(solver))) dir.delete(solverFile(solver));
    }

    /** The checkpoints of one solver: its state saved by the run resumed (if any), and saves when due. */
    <S> SolverCheckpoints<S> solver(String solver, StateFile.Parser<S> parser, Writer<S> writer) {
        return new SolverCheckpoints<>() {
            private boolean read;
            private S saved;

            @Override
            public S saved() {
                if (!read && resume && dir.exists(solverFile(solver))) {
                    saved = StateFile.read(dir, solverFile(solver), solver, fingerprint, parser);
                    log.info("%s: continuing from the checkpoint %s", solver, solverFile(solver));
                }
                read = true;
                return saved;
            }

            @Override
            public boolean due() {
                return System.nanoTime() - lastSave >= intervalNanos;
            }

            @Override
            public void save(S state) {
                long t0 = System.nanoTime();
                StateFile.write(dir, solverFile(solver), solver, fingerprint, out -> writer.write(state, out));
                lastSave = System.nanoTime();
                log.info("%s: checkpoint written (%.1f s)", solver, (lastSave - t0) / 1e9);
            }
        };
    }

    /** Writes one solver state's fields. */
    @FunctionalInterface
    interface Writer<S> {
        void write(S state, StateFile.Out out) throws IOException;
    }

    /** Removes the folder: the run is complete. */
    void clear() {
        if (dir.exists(FOLDER)) dir.delete(FOLDER);
        String parent = FOLDER.substring(0, FOLDER.indexOf('/'));
        if (dir.exists(parent) && dir.list(parent).isEmpty()) dir.delete(parent);
    }
}
