package org.overparam.experiment.spectrum;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.overparam.linalg.ArpackEigen;
import org.overparam.linalg.ConjugateGradient;
import org.overparam.linalg.Lanczos;
import org.overparam.linalg.LanczosWithSolves;
import org.overparam.linalg.Lobpcg;
import org.overparam.linalg.NystromPreconditioner;
import org.overparam.run.StateFile;

/**
 * The fields of the large-n path's checkpoint files ({@link SpectrumCheckpoints}), one writer and one reader per
 * stage result and solver state, each reading back exactly what its writer wrote (every double bit for bit).
 */
final class SpectrumStates {
    private SpectrumStates() {}

    static void writeTop(ArpackEigen.Result r, StateFile.Out out) throws IOException {
        out.writeDoubles(r.values());
        out.writeRows(r.vectors());
        out.writeDoubles(r.residuals());
        out.writeInt(r.iterations());
        out.writeInt(r.applications());
    }

    static ArpackEigen.Result readTop(StateFile.In in) throws IOException {
        return new ArpackEigen.Result(in.readDoubles(), in.readRows(), in.readDoubles(), in.readInt(), in.readInt());
    }

    static void writePreconditioner(NystromPreconditioner p, StateFile.Out out) throws IOException {
        NystromPreconditioner.Factors f = p.factors();
        out.writeInt(f.n());
        out.writeDoubles(f.u());
        out.writeDoubles(f.lambda());
    }

    static NystromPreconditioner readPreconditioner(StateFile.In in) throws IOException {
        return NystromPreconditioner.of(
                new NystromPreconditioner.Factors(in.readInt(), in.readDoubles(), in.readDoubles()));
    }

    static void writeBottom(Lobpcg.Result r, StateFile.Out out) throws IOException {
        out.writeDouble(r.value());
        out.writeDoubles(r.vector());
        out.writeDouble(r.residual());
        out.writeInt(r.iterations());
        out.writeBoolean(r.converged());
        out.writeDouble(r.valueErrorEstimate());
    }

    static Lobpcg.Result readBottom(StateFile.In in) throws IOException {
        return new Lobpcg.Result(
                in.readDouble(), in.readDoubles(), in.readDouble(), in.readInt(), in.readBoolean(), in.readDouble());
    }

    static void writeRuns(List<Lanczos.Run> runs, StateFile.Out out) throws IOException {
        out.writeInt(runs.size());
        for (Lanczos.Run r : runs) {
            out.writeDoubles(r.alpha());
            out.writeDoubles(r.beta());
            out.writeDouble(r.normSquared());
            out.writeBoolean(r.invariant());
        }
    }

    static List<Lanczos.Run> readRuns(StateFile.In in) throws IOException {
        int count = in.readInt();
        List<Lanczos.Run> runs = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
            runs.add(new Lanczos.Run(in.readDoubles(), in.readDoubles(), in.readDouble(), in.readBoolean()));
        return runs;
    }

    static void writeSolutions(ConjugateGradient.Solution[] solutions, StateFile.Out out) throws IOException {
        out.writeInt(solutions.length);
        for (ConjugateGradient.Solution s : solutions) {
            out.writeDoubles(s.x());
            out.writeInt(s.iterations());
            out.writeDouble(s.relativeResidual());
            out.writeBoolean(s.converged());
            out.writeDouble(s.quadraticForm());
            out.writeDouble(s.residualNormSquared());
        }
    }

    static ConjugateGradient.Solution[] readSolutions(StateFile.In in) throws IOException {
        ConjugateGradient.Solution[] out = new ConjugateGradient.Solution[in.readInt()];
        for (int i = 0; i < out.length; i++) {
            out[i] = new ConjugateGradient.Solution(
                    in.readDoubles(),
                    in.readInt(),
                    in.readDouble(),
                    in.readBoolean(),
                    in.readDouble(),
                    in.readDouble());
        }
        return out;
    }

    static void writeLobpcg(Lobpcg.State s, StateFile.Out out) throws IOException {
        out.writeInt(s.iteration());
        out.writeRows(s.x());
        out.writeRows(s.hx());
        out.writeDoubles(s.theta());
        out.writeRows(s.p());
        out.writeRows(s.hp());
    }

    static Lobpcg.State readLobpcg(StateFile.In in) throws IOException {
        return new Lobpcg.State(
                in.readInt(), in.readRows(), in.readRows(), in.readDoubles(), in.readRows(), in.readRows());
    }

    /** The Lanczos state with each basis cut to the columns set so far (n entries each), and the run's m and n. */
    static StateFile.Body lanczosBody(Lanczos.State s, int n, int m) {
        return out -> {
            out.writeInt(n);
            out.writeInt(m);
            out.writeInt(s.steps());
            out.writeInt(s.q().length);
            int length = s.columns(m) * n;
            for (int c = 0; c < s.q().length; c++) {
                out.writeDoubles(s.q()[c], length);
                out.writeDoubles(s.alpha()[c]);
                out.writeDoubles(s.beta()[c]);
                out.writeDouble(s.normSquared()[c]);
                out.writeInt(s.done()[c]);
                out.writeBoolean(s.invariant()[c]);
            }
        };
    }

    static Lanczos.State readLanczos(StateFile.In in) throws IOException {
        int n = in.readInt(), m = in.readInt(), steps = in.readInt(), b = in.readInt();
        double[][] q = new double[b][], alpha = new double[b][], beta = new double[b][];
        double[] norms = new double[b];
        int[] done = new int[b];
        boolean[] invariant = new boolean[b];
        for (int c = 0; c < b; c++) {
            q[c] = in.readDoubles(Math.multiplyExact(m, n));
            alpha[c] = in.readDoubles();
            beta[c] = in.readDoubles();
            norms[c] = in.readDouble();
            done[c] = in.readInt();
            invariant[c] = in.readBoolean();
        }
        return new Lanczos.State(steps, q, alpha, beta, norms, done, invariant);
    }

    static void writeMeasures(LanczosWithSolves.Result r, StateFile.Out out) throws IOException {
        writeRuns(r.runs(), out);
        writeSolutions(r.solutions(), out);
    }

    static LanczosWithSolves.Result readMeasures(StateFile.In in) throws IOException {
        return new LanczosWithSolves.Result(readRuns(in), readSolutions(in));
    }

    /** Both solvers of the shared passes: the Lanczos state ({@link #lanczosBody}), then CG's. */
    static StateFile.Body sharedBody(LanczosWithSolves.State s, int n, int m) {
        return out -> {
            lanczosBody(s.lanczos(), n, m).write(out);
            writeCg(s.solves(), out);
        };
    }

    static LanczosWithSolves.State readShared(StateFile.In in) throws IOException {
        return new LanczosWithSolves.State(readLanczos(in), readCg(in));
    }

    static void writeCg(ConjugateGradient.State s, StateFile.Out out) throws IOException {
        out.writeInt(s.iteration());
        out.writeDoubles(s.x());
        out.writeDoubles(s.r());
        out.writeDoubles(s.p());
        out.writeDoubles(s.rz());
        out.writeInts(s.iterations());
        out.writeBooleans(s.active());
    }

    static ConjugateGradient.State readCg(StateFile.In in) throws IOException {
        return new ConjugateGradient.State(
                in.readInt(),
                in.readDoubles(),
                in.readDoubles(),
                in.readDoubles(),
                in.readDoubles(),
                in.readInts(),
                in.readBooleans());
    }
}
