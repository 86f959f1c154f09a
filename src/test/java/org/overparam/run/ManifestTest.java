package org.overparam.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ManifestTest {
    static Manifest running(List<Manifest.Attempt> history) {
        return new Manifest(
                "train",
                RunStatus.RUNNING,
                "file:/runs/a",
                Map.of("train", Map.of("eta", 0.5)),
                Map.of(),
                Map.of("train", 0L),
                new Provenance.Code("0.1.0", "abc", false, "now"),
                Provenance.machine(),
                new Manifest.SparkInfo("4.1.0", "local[2]", "app-1", 2),
                Map.of("summary", "bundled OpenBLAS"),
                "2026-12-03T10:00:00Z",
                history,
                null,
                null,
                null,
                null,
                null);
    }

    static List<String> keys(JsonNode node) {
        List<String> k = new ArrayList<>();
        node.fieldNames().forEachRemaining(k::add);
        return k;
    }

    @Test
    void aRunningManifestLeavesOutWhatIsNotKnownYetAndNamesItsEntriesInSnakeCase() throws Exception {
        JsonNode json = RunDirectory.JSON.readTree(RunDirectory.JSON.writeValueAsString(running(null)));
        assertThat(keys(json))
                .containsExactly(
                        "command",
                        "status",
                        "run_directory",
                        "config",
                        "user_settings",
                        "seeds",
                        "code",
                        "machine",
                        "spark",
                        "blas",
                        "started");
        assertThat(json.get("status").asText()).isEqualTo("running");
        assertThat(keys(json.get("spark"))).containsExactly("version", "master", "app_id", "default_parallelism");
        assertThat(json.get("machine").has("max_heap_bytes")).isTrue();
    }

    @Test
    void aFinishedManifestRecordsLayoutErrorAndTimesAndReadsBackEqual() throws Exception {
        Instant start = Instant.parse("2026-12-03T10:00:00Z"), end = Instant.parse("2026-12-03T10:01:02.500Z");
        Manifest failed = running(List.of(new Manifest.Attempt("t0", "t1", RunStatus.FAILED)))
                .finished(RunStatus.FAILED, new Manifest.Layout(4, null), "disk full", start, end);
        String text = RunDirectory.JSON.writeValueAsString(failed);
        JsonNode json = RunDirectory.JSON.readTree(text);
        assertThat(keys(json).subList(11, keys(json).size()))
                .containsExactly("resumed_from", "partitions", "error", "ended", "seconds");
        assertThat(json.get("seconds").asDouble()).isEqualTo(62.5);
        assertThat(json.get("status").asText()).isEqualTo("failed");
        assertThat(json.get("resumed_from").get(0).get("status").asText()).isEqualTo("failed");
        Manifest back = RunDirectory.JSON.readValue(text, Manifest.class);
        assertThat(back).isEqualTo(failed);
        assertThat(back.asAttempt())
                .isEqualTo(new Manifest.Attempt(failed.started(), failed.ended(), RunStatus.FAILED));
    }
}
