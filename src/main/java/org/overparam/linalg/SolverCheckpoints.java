package org.overparam.linalg;

/**
 * Where an iterative solver ({@link Lobpcg}, {@link Lanczos}, {@link ConjugateGradient}) saves its state between
 * iterations, and finds the state an earlier, interrupted run saved. A solver asks {@link #saved} once at its start
 * and continues from that state with the same arithmetic (so bit for bit); after each iteration it asks {@link #due}
 * and, when due, hands its state to {@link #save}. The state records hold the solver's live arrays: {@code save}
 * writes them before the solver goes on and keeps no reference.
 *
 * @param <S> the solver's state record
 */
public interface SolverCheckpoints<S> {
    /** The state an earlier run saved, or null to start afresh. */
    S saved();

    /** Whether a save is due now (called after every iteration; cheap). */
    boolean due();

    void save(S state);

    /** No checkpoints: start afresh, save nothing. */
    static <S> SolverCheckpoints<S> none() {
        return new SolverCheckpoints<>() {
            @Override
            public S saved() {
                return null;
            }

            @Override
            public boolean due() {
                return false;
            }

            @Override
            public void save(S state) {}
        };
    }
}
