package org.overparam.cli;

import java.util.concurrent.Callable;
import org.overparam.config.JobConfig;
import org.overparam.config.SpectrumSpec;
import org.overparam.data.DataSpec;
import org.overparam.experiment.spectrum.SpectrumJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
        name = "spectrum",
        sortOptions = false,
        mixinStandardHelpOptions = true,
        description = {
            "Spectrum of the limit Gram matrix Hinf (or another kernel) and the projections of label vectors on its",
            "eigenvectors (Arora et al. 2019): all eigenvalues, projections and their cumulative share, the complexity measure",
            "sqrt(2 y^T H^-1 y / n), and predicted loss curves. Writes tables (Parquet + CSV), Figure 1 (PNG, SVG), report.html,",
            "manifest.json and summary.json. Past the dense limit (or with spectrum.method = lanczos) the large-n path runs",
            "instead: no n x n matrix, the kernel applied from distributed tiles; ARPACK top eigenpairs, LOBPCG lambda_min,",
            "Lanczos quadrature for the predicted loss, stochastic Lanczos quadrature for the eigenvalue density, and",
            "preconditioned conjugate gradients for the complexity."
        })
final class SpectrumCommand implements Callable<Integer> {
    @Mixin
    RunOptions run;

    @Override
    public Integer call() throws Exception {
        JobConfig config = run.load();
        DataSpec data = DataSpec.from(config.config());
        SpectrumSpec spec = SpectrumSpec.from(config.config());
        return Main.execute("spectrum", run, config, new SpectrumJob(data, spec));
    }
}
