package org.overparam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.overparam.testing.LocalSpark;
import org.overparam.testing.TestData;
import picocli.CommandLine;

/** The command line end to end, in this JVM, on the shared embedded Spark. */
class CommandLineTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    record Result(int code, String out, String err) {}

    static Result run(String... args) {
        LocalSpark.get();
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void topLevelHelpListsTheCommands() {
        Result r = run("--help");
        assertThat(r.code).isZero();
        assertThat(r.out).contains("Usage: overparam").contains("data").contains("jobs/run");
    }

    @Test
    void commandHelpShowsOptionsAndSettingsWithDefaults() {
        Result r = run("data", "--help");
        assertThat(r.code).isZero();
        assertThat(r.out)
                .contains("--config=FILE")
                .contains("--set=KEY=VALUE")
                .contains("--out=DIR")
                .contains("--overwrite")
                .contains("--master=URL")
                .contains("Default: local[*]");
        assertThat(r.out)
                .containsPattern("data\\.source\\s+= sphere")
                .containsPattern("data\\.block-size\\s+= 4096")
                .contains("mnist | fashion-mnist | cifar10 | sphere | hypercube | gaussian");
    }

    @Test
    void dataRunOnMnistWritesAValidManifestAndSummary() throws Exception {
        Path out = tmp.resolve("run");
        Result r = run(
                "data",
                "--set",
                "data.source=mnist",
                "--set",
                "data.path=" + TestData.mnist().toUri(),
                "--set",
                "data.classes=[0,1]",
                "--set",
                "data.n=all",
                "--out",
                out.toString());
        assertThat(r.code).as(r.err).isZero();
        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        assertThat(summary.get("n").asInt()).isEqualTo(12665);
        assertThat(summary.get("d").asInt()).isEqualTo(784);
        assertThat(summary.get("class_counts").get("0").asInt()).isEqualTo(5923);
        assertThat(summary.get("class_counts").get("1").asInt()).isEqualTo(6742);
        assertThat(summary.get("parallel_pairs").asLong()).isZero();
        assertThat(summary.get("norm").get("min").asDouble()).isBetween(1 - 1e-12, 1 + 1e-12);

        JsonNode manifest = JSON.readTree(out.resolve("manifest.json").toFile());
        assertThat(manifest.get("status").asText()).isEqualTo("completed");
        assertThat(manifest.get("command").asText()).isEqualTo("data");
        assertThat(manifest.get("config").get("data").get("classes").toString()).isEqualTo("[0,1]");
        assertThat(manifest.get("config").get("data").get("block-size").asInt()).isEqualTo(4096);
        assertThat(manifest.get("seeds").get("data").asLong()).isZero();
        assertThat(manifest.get("spark").get("version").asText()).isEqualTo(builtAgainstSpark());
        assertThat(manifest.get("spark").get("master").asText()).startsWith("local");
        assertThat(manifest.get("code").get("commit").asText()).isNotBlank();
        assertThat(manifest.get("machine").get("java").asText()).contains("17");
        assertThat(manifest.get("blas").toString()).contains("blas");
        assertThat(manifest.get("partitions").asInt()).isPositive();
        assertThat(manifest.has("started") && manifest.has("ended")).isTrue();
        assertThat(Files.readString(out.resolve("run.log"))).contains("parallel or duplicate pairs: 0");
    }

    @Test
    void samplesCanBeWrittenAsParquet() {
        Path out = tmp.resolve("written");
        Result r = run(
                "data",
                "--set",
                "data.source=hypercube",
                "--set",
                "data.n=300",
                "--set",
                "data.d=6",
                "--set",
                "data.write=true",
                "--out",
                out.toString());
        assertThat(r.code).as(r.err).isZero();
        var df = LocalSpark.get().read().parquet(out.resolve("samples").toString());
        assertThat(df.count()).isEqualTo(300);
        assertThat(df.selectExpr("max(size(features))").first().getInt(0)).isEqualTo(6);
        assertThat(df.selectExpr("max(row)").first().getLong(0)).isEqualTo(299);
    }

    @Test
    void aMisspeltKeyIsRefusedBeforeAnythingIsWritten() {
        Path out = tmp.resolve("never");
        Result r = run("data", "--set", "data.clases=[0,1]", "--out", out.toString());
        assertThat(r.code).isEqualTo(Main.EXIT_USER_ERROR);
        assertThat(r.err)
                .contains("error: Unknown setting")
                .contains("did you mean 'data.classes'")
                .doesNotContain("Exception");
        assertThat(out).doesNotExist();
    }

    @Test
    void aFailedRunLeavesAManifestThatSaysSo() throws Exception {
        Path out = tmp.resolve("failed");
        Result r = run(
                "data",
                "--set",
                "data.source=mnist",
                "--set",
                "data.path=" + TestData.mnist().toUri(),
                "--set",
                "data.classes=[0,1]",
                "--set",
                "data.n=20000",
                "--out",
                out.toString());
        assertThat(r.code).isEqualTo(Main.EXIT_USER_ERROR);
        assertThat(r.err).contains("holds only 12665 samples");
        JsonNode manifest = JSON.readTree(out.resolve("manifest.json").toFile());
        assertThat(manifest.get("status").asText()).isEqualTo("failed");
        assertThat(manifest.get("error").asText()).contains("holds only 12665 samples");
        assertThat(out.resolve("summary.json")).doesNotExist();
    }

    @Test
    void anExistingRunDirectoryIsNotOverwrittenUnlessAsked() throws Exception {
        Path out = tmp.resolve("existing");
        Files.createDirectories(out);
        Files.writeString(out.resolve("precious.txt"), "keep me");
        Result r = run("data", "--set", "data.n=10", "--set", "data.d=3", "--out", out.toString());
        assertThat(r.code).isEqualTo(Main.EXIT_USER_ERROR);
        assertThat(r.err).contains("--overwrite");
        assertThat(Files.readString(out.resolve("precious.txt"))).isEqualTo("keep me");
        Result again = run("data", "--set", "data.n=10", "--set", "data.d=3", "--out", out.toString(), "--overwrite");
        assertThat(again.code).as(again.err).isZero();
        assertThat(out.resolve("precious.txt")).doesNotExist();
        assertThat(out.resolve("summary.json")).exists();
    }

    /** The Spark version in the pom, as the build wrote it into {@code overparam-build.properties}. */
    static String builtAgainstSpark() throws java.io.IOException {
        java.util.Properties build = new java.util.Properties();
        try (var in = CommandLineTest.class.getResourceAsStream("/overparam-build.properties")) {
            build.load(in);
        }
        return build.getProperty("spark.version");
    }
}
