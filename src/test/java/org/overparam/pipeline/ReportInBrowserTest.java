package org.overparam.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.overparam.experiment.Jobs;
import org.overparam.testing.HeadlessChromium;
import org.overparam.testing.LocalSpark;

/**
 * The report.html of real runs (a pipeline of a data summary, a spectrum and a training run, and each stage's own
 * report) opened from disk in headless Chromium, as a reader would open a copied run directory: every image loads,
 * nothing is logged as an error, and the pipeline's links lead to existing files.
 */
class ReportInBrowserTest {
    @TempDir
    static Path tmp;

    static HeadlessChromium chromium;
    static Path out;

    @BeforeAll
    static void runPipeline() throws Exception {
        chromium = new HeadlessChromium();
        Path file = tmp.resolve("small.conf");
        Files.writeString(file, """
                name = small
                stages = [
                  { name = data-summary, command = data, settings { data.source = sphere, data.n = 60, data.d = 8 } }
                  { name = spectrum, command = spectrum, settings { data.source = sphere, data.n = 60, data.d = 8, spectrum.labels = ["true", "random"] } }
                  { name = train, command = train, settings { data.source = sphere, data.n = 60, data.d = 8, train.width = [20, 60], train.iterations = 5, train.eta = 0.3 } }
                ]
                """);
        LocalSpark.get();
        out = tmp.resolve("pipeline");
        PipelineRunner.run(
                Pipeline.load(file.toFile(), List.of()),
                out.toString(),
                null,
                false,
                new PrintStream(new ByteArrayOutputStream()),
                Jobs::of);
    }

    @AfterAll
    static void stop() {
        if (chromium != null) chromium.close();
    }

    @Test
    void thePipelineReportShowsEveryStagePlotAndLinksEveryStage() throws Exception {
        HeadlessChromium.PageCheck page = chromium.open(out.resolve("report.html"));
        assertThat(page.errors()).isEmpty();
        assertThat(page.brokenImages()).isEmpty();
        long pngs;
        try (Stream<Path> files =
                Stream.of("spectrum", "train").flatMap(s -> list(out.resolve(s).resolve("plots")))) {
            pngs = files.filter(p -> p.toString().endsWith(".png")).count();
        }
        assertThat(pngs).isEqualTo(5); // spectrum: 2 figures; train without H(k) tracking: 3
        assertThat(page.images()).isEqualTo((int) pngs);
        String html = Files.readString(out.resolve("report.html"));
        Matcher href = Pattern.compile("href=\"([^\"]+)\"").matcher(html);
        int links = 0;
        while (href.find()) {
            assertThat(out.resolve(href.group(1))).as("link target").exists();
            links++;
        }
        assertThat(links).isEqualTo(6); // three stage reports, three stage manifests
    }

    @Test
    void eachStageReportLoadsItsFiguresWithoutErrorsAndShowsTheManifest() throws Exception {
        for (String stage : List.of("data-summary", "spectrum", "train")) {
            HeadlessChromium.PageCheck page = chromium.open(out.resolve(stage).resolve("report.html"));
            assertThat(page.errors()).as(stage).isEmpty();
            assertThat(page.brokenImages()).as(stage).isEmpty();
            assertThat(page.inlineSvgs())
                    .as(stage + " figures")
                    .isEqualTo(stage.equals("data-summary") ? 0 : stage.equals("spectrum") ? 2 : 3);
            String command = stage.equals("data-summary") ? "data" : stage;
            assertThat(page.title()).startsWith("overparam " + command);
            String html = Files.readString(out.resolve(stage).resolve("report.html"));
            assertThat(html)
                    .contains(
                            "<h2>Manifest</h2>",
                            "<th scope=\"row\">status</th><td>completed</td>",
                            "<th scope=\"row\">command</th><td>" + command + "</td>");
            if (stage.equals("data-summary"))
                assertThat(html).contains("<h2>Summary</h2>", "<th scope=\"row\">n</th><td>60</td>");
        }
    }

    @Test
    void theCheckSeesABrokenImageAndAScriptError() throws Exception {
        Path bad = tmp.resolve("bad.html");
        Files.writeString(
                bad,
                "<!DOCTYPE html><html><head><title>bad</title></head><body><img src=\"plots/missing.png\"/>"
                        + "<script>undefinedFunction();</script></body></html>");
        HeadlessChromium.PageCheck page = chromium.open(bad);
        assertThat(page.brokenImages()).containsExactly("plots/missing.png");
        assertThat(page.errors())
                .anyMatch(e -> e.contains("ERR_FILE_NOT_FOUND"))
                .anyMatch(e -> e.contains("undefinedFunction"));
    }

    private static Stream<Path> list(Path dir) {
        try {
            return Files.list(dir);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
