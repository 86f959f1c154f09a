package org.overparam.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import org.overparam.UserError;

/**
 * The commands, in the order a reproduction usually runs them, each with the settings sections it reads and what it
 * does: the one list behind the command line (one generic command each), its help, pipeline stages and the
 * manifest's settings.
 */
public enum Command {
    DATA(
            List.of("data"),
            List.of(
                    "Load and transform a data set as configured and summarize it: n, d, class counts, norm range,",
                    "labels, and the number of parallel or duplicate input pairs. Writes manifest.json, summary.json,",
                    "run.log, and with --set data.write=true the samples as Parquet (samples/).")),
    SPECTRUM(
            List.of("data", "spectrum"),
            List.of(
                    "Spectrum of the limit Gram matrix Hinf (or another kernel) and the projections of label vectors on its",
                    "eigenvectors (Arora et al. 2019): all eigenvalues, projections and their cumulative share, the complexity measure",
                    "sqrt(2 y^T H^-1 y / n), and predicted loss curves. Writes tables (Parquet + CSV), Figure 1 (PNG, SVG), report.html,",
                    "manifest.json and summary.json. Past the dense limit (or with spectrum.method = lanczos) the large-n path runs",
                    "instead: no n x n matrix, the kernel applied from distributed tiles; ARPACK top eigenpairs, LOBPCG lambda_min,",
                    "Lanczos quadrature for the predicted loss, stochastic Lanczos quadrature for the eigenvalue density, and",
                    "preconditioned conjugate gradients for the complexity. --resume DIR continues an interrupted large-n run:",
                    "completed stages are kept, the running one continues from its last checkpoint.")),
    TRAIN(
            List.of("data", "train"),
            List.of(
                    "Full-batch gradient descent of the two-layer ReLU net (Du et al. 2019), distributed over the shards, once per",
                    "width in train.width. Writes metrics (Parquet + CSV), checkpoints, the plots of Du et al.'s Figure 1 (PNG, SVG),",
                    "report.html, manifest.json and summary.json. --resume DIR continues an interrupted run from its checkpoints.",
                    "train.model = quadratic (Du & Lee 2018) | signed-quadratic (Ge et al. 2020) trains the quadratic-activation nets",
                    "instead (GD, perturbed GD or Adam; optional random first layer train.features.k), into the same run directory,",
                    "with Du & Lee's optimality certificate and convex gap, or Ge et al.'s sigma_min(X(x)2), in summary.json.")),
    COMPARE(
            List.of("data", "train", "spectrum", "compare"),
            List.of(
                    "Theory against practice (Arora et al. 2019): for each label vector of spectrum.labels, train the two-layer",
                    "ReLU net (train.*, one width) and set its loss beside Theorem 4.1's prediction from Hinf; ||W(K) - W(0)||_F beside",
                    "sqrt(y^T Hinf^-1 y) (Lemma 5.3); ||H(0) - Hinf||_2 / ||Hinf||_2 for the widths of compare.gram-widths.")),
    NOISE(
            List.of("data", "train", "noise"),
            List.of(
                    "Label noise against generalization (Arora et al. 2019, Fig. 2): for each fraction p of randomized train and",
                    "test labels, the complexity measure on the training set and, after gradient descent, the test l1 loss and",
                    "classification error on the held-out split; their correlation in summary.json.")),
    LANDSCAPE(
            List.of("data", "train", "landscape"),
            List.of(
                    "Du & Lee (2018)'s landscape as an experiment: for each width k in landscape.widths and landscape.seeds random",
                    "initializations, gradient descent on the quadratic net (train.loss, train.weight-decay, train.perturbation,",
                    "train.kappa); the fraction of runs reaching the convex reference optimum against k, with the thresholds k = d and",
                    "k(k+1)/2 > n marked. The runs are spread over the executors; the data are broadcast (small n x d only).")),
    GENERALIZATION(
            List.of("data", "train", "generalization"),
            List.of(
                    "Du & Lee (2018, Sec. 4)'s generalization bound as an experiment: for each training-set size in",
                    "generalization.n, the quadratic net (train.*, one width) is trained on the shards and its train and test loss",
                    "measured; the gap against n on log-log axes, with the fitted slope beside the bound's -1/2."));

    /** Every settings section a command reads, each once, in the order of the commands. */
    public static final List<String> SETTING_SECTIONS = settingSections();

    private final List<String> sections;
    private final List<String> description;

    Command(List<String> sections, List<String> description) {
        this.sections = sections;
        this.description = description;
    }

    /** Whether an interrupted run of the command can be continued ({@code --resume DIR}). */
    public boolean resumable() {
        return this == TRAIN || this == SPECTRUM;
    }

    /** What the command does, as its {@code --help} prints it. */
    public List<String> description() {
        return description;
    }

    /** The name on the command line and in pipeline files. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The settings sections the command reads. */
    public List<String> sections() {
        return sections;
    }

    /** The names of all commands, in order. */
    public static List<String> ids() {
        List<String> ids = new ArrayList<>();
        for (Command c : values()) ids.add(c.id());
        return ids;
    }

    /**
     * The command named {@code id}.
     *
     * @throws UserError naming the commands there are
     */
    public static Command parse(String id) {
        for (Command c : values()) {
            if (c.id().equals(id)) return c;
        }
        throw new UserError("Unknown command '" + id + "': expected one of " + ids() + ".");
    }

    private static List<String> settingSections() {
        LinkedHashSet<String> all = new LinkedHashSet<>();
        for (Command c : values()) all.addAll(c.sections);
        return List.copyOf(all);
    }
}
