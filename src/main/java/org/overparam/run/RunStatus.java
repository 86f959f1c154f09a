package org.overparam.run;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The state a manifest records for a run or a pipeline stage. */
public enum RunStatus {
    /** A pipeline stage not started yet. */
    PENDING("pending"),
    RUNNING("running"),
    COMPLETED("completed"),
    FAILED("failed"),
    /** A pipeline stage completed before with the same settings, whose run the pipeline reuses. */
    SKIPPED("skipped");

    private final String id;

    RunStatus(String id) {
        this.id = id;
    }

    /** The word written in {@code manifest.json}. */
    @JsonValue
    public String id() {
        return id;
    }

    @JsonCreator
    public static RunStatus of(String id) {
        for (RunStatus s : values()) if (s.id.equals(id)) return s;
        throw new IllegalArgumentException("unknown run status '" + id + "'");
    }

    @Override
    public String toString() {
        return id;
    }
}
