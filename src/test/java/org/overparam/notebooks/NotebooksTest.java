package org.overparam.notebooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.overparam.cli.Main;
import org.overparam.testing.LocalSpark;
import org.overparam.testing.TestData;
import scala.tools.nsc.Settings;
import scala.tools.nsc.interpreter.IMain;
import scala.tools.nsc.interpreter.Results;
import scala.tools.nsc.interpreter.shell.ReplReporterImpl;

/**
 * Runs every paragraph of every Zeppelin note in {@code notebooks/} against the real outputs of a small run, as
 * Zeppelin's Spark interpreter would: {@code %spark.sql} through Spark SQL (after substituting the note's forms such as
 * {@code $${run}}), {@code %spark} (Scala) through the Scala 2.13 REPL bound to the test's SparkSession as {@code spark}
 * and to {@code z}, a stand-in for ZeppelinContext offering {@code noteTextbox} (Zeppelin itself is not installed
 * here); every SQL paragraph must return rows holding the columns its chart names, every Scala paragraph must compile
 * and run. A new note only needs its small run in {@link #SMALL_RUNS}: the command and settings that produce the
 * tables it reads.
 */
class NotebooksTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Pattern INTERPRETER = Pattern.compile("\\A%([\\w.]+)\\s*\\n?");
    static final Pattern FORM = Pattern.compile("\\$?\\$\\{(\\w+)(?:=([^}]*))?}");

    /** For each note (file name without .zpln): the command line of a small run that writes the tables it reads. */
    static final Map<String, List<String>> SMALL_RUNS = Map.of(
            "du2019-width-sweep",
                    List.of(
                            "train",
                            "--set",
                            "data.source=sphere",
                            "--set",
                            "data.n=60",
                            "--set",
                            "data.d=10",
                            "--set",
                            "train.width=[20,80]",
                            "--set",
                            "train.eta=0.3",
                            "--set",
                            "train.iterations=10",
                            "--set",
                            "train.gram-every=5"),
            "arora2019-spectra",
                    List.of(
                            "spectrum",
                            "--set",
                            "data.source=mnist",
                            "--set",
                            "data.path=" + TestData.mnist(),
                            "--set",
                            "data.classes=[0,1]",
                            "--set",
                            "data.n=150",
                            "--set",
                            "spectrum.labels=[true,random,worst]"),
            "arora2019-label-noise",
                    List.of(
                            "noise",
                            "--set",
                            "data.source=mnist",
                            "--set",
                            "data.path=" + TestData.mnist(),
                            "--set",
                            "data.classes=[0,1]",
                            "--set",
                            "data.n=100",
                            "--set",
                            "noise.test-n=100",
                            "--set",
                            "noise.fractions=[0,0.5,1]",
                            "--set",
                            "train.width=50",
                            "--set",
                            "train.kappa=0.01",
                            "--set",
                            "train.eta=0.05",
                            "--set",
                            "train.iterations=20"),
            "dulee2018-landscape",
                    List.of(
                            "landscape",
                            "--set",
                            "data.source=sphere",
                            "--set",
                            "data.n=30",
                            "--set",
                            "data.d=5",
                            "--set",
                            "data.seed=3",
                            "--set",
                            "train.model=quadratic",
                            "--set",
                            "train.weight-decay=0.01",
                            "--set",
                            "train.kappa=0.3",
                            "--set",
                            "landscape.widths=[1,5]",
                            "--set",
                            "landscape.seeds=2",
                            "--set",
                            "landscape.eta=0.2",
                            "--set",
                            "landscape.iterations=5000",
                            "--set",
                            "landscape.tolerance=1e-4"),
            "ge2020-memorization",
                    List.of(
                            "train",
                            "--set",
                            "data.source=hypercube",
                            "--set",
                            "data.n=40",
                            "--set",
                            "data.d=8",
                            "--set",
                            "train.model=signed-quadratic",
                            "--set",
                            "train.width=20",
                            "--set",
                            "train.kappa=0.1",
                            "--set",
                            "train.eta=0.5",
                            "--set",
                            "train.weight-decay=0",
                            "--set",
                            "train.iterations=60",
                            "--set",
                            "train.record-every=2"));

    @TempDir
    static Path tmp;

    @TestFactory
    Stream<DynamicTest> everyParagraphOfEveryNoteRunsAgainstASmallRun() {
        File[] notes = new File("notebooks").listFiles((d, n) -> n.endsWith(".zpln"));
        assertThat(notes).as("Zeppelin notes in notebooks/").isNotEmpty();
        Arrays.sort(notes);
        return Arrays.stream(notes).map(f -> DynamicTest.dynamicTest(f.getName(), () -> runNote(f)));
    }

    static void runNote(File file) throws Exception {
        JsonNode note = JSON.readTree(file);
        String name = file.getName().replace(".zpln", "");
        assertThat(note.get("name").asText()).as("note name").isEqualTo(name);
        assertThat(note.path("noteForms").path("run").path("type").asText())
                .as("the note parameter 'run' (a note-level TextBox)")
                .isEqualTo("TextBox");
        List<String> run = SMALL_RUNS.get(name);
        if (run == null) {
            fail("notebooks/" + file.getName()
                    + " has no small run in NotebooksTest.SMALL_RUNS: add the command and settings that "
                    + "write the tables the note reads.");
        }
        SparkSession spark = LocalSpark.get();
        Path out = tmp.resolve(name);
        List<String> args = new ArrayList<>(run);
        args.addAll(List.of("--out", out.toString()));
        assertThat(Main.commandLine().execute(args.toArray(new String[0])))
                .as("small run for " + name)
                .isZero();

        Map<String, String> params = new HashMap<>();
        note.path("noteParams")
                .fields()
                .forEachRemaining(e -> params.put(e.getKey(), e.getValue().asText()));
        params.put("run", out.toString());

        IMain repl = null;
        StringWriter replOut = new StringWriter();
        try {
            int i = 0;
            for (JsonNode p : note.get("paragraphs")) {
                i++;
                String text = p.get("text").asText();
                Matcher m = INTERPRETER.matcher(text);
                assertThat(m.find())
                        .as(name + " paragraph " + i + " names its interpreter (%md, %spark, %spark.sql)")
                        .isTrue();
                String body = text.substring(m.end());
                String where = name + " paragraph " + i + " (%" + m.group(1) + ")";
                switch (m.group(1)) {
                    case "md" -> assertThat(body).as(where).isNotBlank();
                    case "spark.sql", "sql" -> {
                        Dataset<Row> result = spark.sql(substituteForms(body, params));
                        List<Row> rows = result.collectAsList();
                        assertThat(rows).as(where + " returns rows:\n" + body).isNotEmpty();
                        List<String> columns = Arrays.asList(result.columns());
                        JsonNode graph =
                                p.path("config").path("results").path("0").path("graph");
                        for (String part : List.of("keys", "groups", "values")) {
                            for (JsonNode c : graph.path(part)) {
                                assertThat(columns)
                                        .as(where + ": its chart's " + part + " column")
                                        .contains(c.get("name").asText());
                            }
                        }
                    }
                    case "spark", "spark.spark" -> {
                        if (repl == null) repl = repl(spark, params, replOut);
                        int before = replOut.getBuffer().length();
                        Results.Result r = repl.interpret(body);
                        String said = replOut.getBuffer().substring(before);
                        assertThat(r)
                                .as(where + " runs; the REPL said:\n" + said)
                                .isInstanceOf(Results.Success$.class);
                    }
                    default -> fail(where + ": the test knows %md, %spark and %spark.sql; add the interpreter here.");
                }
            }
        } finally {
            if (repl != null) repl.close();
        }
    }

    /** A Scala 2.13 REPL as Zeppelin's Spark interpreter sets it up: {@code spark} bound, {@code z} for note forms. */
    static IMain repl(SparkSession spark, Map<String, String> params, StringWriter out) {
        Settings settings = new Settings();
        settings.processArgumentString("-usejavacp");
        IMain repl = new IMain(settings, new ReplReporterImpl(settings, new PrintWriter(out, true)));
        bind(repl, "spark", SparkSession.class.getName(), spark);
        bind(repl, "noteParams", "java.util.Map[String, String]", params);
        interpret(
                repl,
                "object z { def noteTextbox(name: String, defaultValue: String = \"\"): AnyRef = "
                        + "Option(noteParams.get(name)).getOrElse(defaultValue) }",
                out);
        return repl;
    }

    private static void bind(IMain repl, String name, String type, Object value) {
        Results.Result r = repl.bind(name, type, value, scala.collection.immutable.List$.MODULE$.empty());
        assertThat(r).as("binding " + name).isInstanceOf(Results.Success$.class);
    }

    private static void interpret(IMain repl, String code, StringWriter out) {
        assertThat(repl.interpret(code)).as(code + "\n" + out).isInstanceOf(Results.Success$.class);
    }

    /** Zeppelin's simple dynamic forms: {@code ${name=default}} and note-level {@code $${name=default}}. */
    static String substituteForms(String text, Map<String, String> params) {
        Matcher m = FORM.matcher(text);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            String v = params.getOrDefault(m.group(1), m.group(2));
            if (v == null) fail("form ${" + m.group(1) + "} has no value and no default in: " + text);
            m.appendReplacement(b, Matcher.quoteReplacement(v));
        }
        m.appendTail(b);
        return b.toString();
    }
}
