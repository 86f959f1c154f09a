package org.overparam.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.SparkUserAppException;
import org.overparam.UserError;
import org.overparam.config.JobConfig;
import org.overparam.run.Job;
import org.overparam.run.JobRunner;
import org.overparam.run.Provenance;
import org.overparam.run.RunLog;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code overparam} command line. */
@Command(
        name = "overparam",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {
            "Experiments on over-parameterized two-layer networks, on Apache Spark.",
            "Local: jobs/run <command> [options]; cluster: jobs/submit <command> [options]."
        },
        subcommands = {})
public final class Main implements Runnable {
    /** Exit code for a user's mistake (bad settings, missing or corrupt files). */
    public static final int EXIT_USER_ERROR = 2;
    /** Exit code for an unexpected failure (a bug, a lost cluster). */
    public static final int EXIT_FAILURE = 1;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) throws SparkUserAppException {
        int code = commandLine().execute(args);
        if (inYarnClusterDriver()) {
            // Spark's ApplicationMaster runs main in a thread and reports the application's final status when it
            // returns: System.exit would end the AM before that ("Shutdown hook called before final status was
            // reported"). A non-zero code becomes the application's exit status this way.
            if (code != 0) throw new SparkUserAppException(code, null);
            return;
        }
        System.exit(code);
    }

    /** Whether this JVM is the driver inside a YARN ApplicationMaster (the AM sets the Spark settings as properties). */
    static boolean inYarnClusterDriver() {
        return "cluster".equals(System.getProperty("spark.submit.deployMode"))
                && System.getProperty("spark.master", "").startsWith("yarn");
    }

    /** The configured command line (also used by tests). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        for (org.overparam.config.Command c : org.overparam.config.Command.values()) {
            CommandLine sub = new CommandLine(c.resumable() ? new ResumableCommand(c) : new ExperimentCommand(c));
            sub.getCommandSpec().usageMessage().description(c.description().toArray(new String[0]));
            sub.getCommandSpec().usageMessage().footer(settingsHelp(c.sections()));
            cl.addSubcommand(c.id(), sub);
        }
        cl.addSubcommand("pipeline", new PipelineCommand());
        cl.addSubcommand("help", new CommandLine.HelpCommand());
        cl.setUsageHelpWidth(120);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            UserError user = JobRunner.userError(ex);
            PrintWriter err = commandLine.getErr();
            if (user != null) {
                err.println("error: " + user.getMessage());
                err.flush();
                return EXIT_USER_ERROR;
            }
            err.println("overparam failed unexpectedly; the stack trace follows.");
            ex.printStackTrace(err);
            err.flush();
            return EXIT_FAILURE;
        });
        return cl;
    }

    /** Runs a command's job in the standard frame; returns the exit code. */
    static int execute(String command, RunOptions run, JobConfig config, Job job) throws Exception {
        return execute(command, run, config, job, false);
    }

    static int execute(String command, RunOptions run, JobConfig config, Job job, boolean resume) throws Exception {
        Logging.quiet(run.verbose);
        JobRunner.Launch launch =
                new JobRunner.Launch(command, run.out, run.overwrite, resume, run.master, run.verbose);
        JobRunner.run(launch, config, new RunLog(System.out), job);
        return 0;
    }

    /** "Settings" footer: every key of the sections with its default and its comment from reference.conf. */
    static String[] settingsHelp(List<String> sections) {
        Config ref = JobConfig.reference();
        StringBuilder sb =
                new StringBuilder("%nSettings (--set key=value or a job file; defaults from reference.conf):%n");
        for (String section : sections) {
            TreeMap<String, ConfigValue> entries = new TreeMap<>();
            for (Map.Entry<String, ConfigValue> e : ref.getConfig(section).entrySet())
                entries.put(section + "." + e.getKey(), e.getValue());
            for (Map.Entry<String, ConfigValue> e : entries.entrySet()) {
                String value = e.getValue().render(com.typesafe.config.ConfigRenderOptions.concise());
                if (e.getValue().valueType() == com.typesafe.config.ConfigValueType.STRING) {
                    // Quotes only where they matter: an empty string, or one that reads as a boolean.
                    String raw = (String) e.getValue().unwrapped();
                    value = raw.isEmpty() || raw.equals("true") || raw.equals("false") ? "\"" + raw + "\"" : raw;
                }
                sb.append(String.format("  %-28s = %s%n", e.getKey(), value.replace("%", "%%")));
                for (String c : e.getValue().origin().comments()) {
                    sb.append("      ").append(c.trim().replace("%", "%%")).append("%n");
                }
            }
        }
        return new String[] {sb.toString()};
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            Provenance.Code code = Provenance.code();
            return new String[] {
                "overparam " + code.version() + " (commit " + code.commit() + ")",
                "Spark " + org.apache.spark.package$.MODULE$.SPARK_VERSION() + ", Java "
                        + System.getProperty("java.version")
            };
        }
    }
}
