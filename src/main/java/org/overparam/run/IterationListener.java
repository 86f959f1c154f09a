package org.overparam.run;

/**
 * Sees each iteration of each width of a training run once its metrics row is recorded and any checkpoint of it is
 * written: what an embedding program (or a test that stops a run as a kill would) hooks into.
 */
@FunctionalInterface
public interface IterationListener {
    IterationListener NONE = (width, iteration) -> {};

    void afterIteration(int width, int iteration) throws Exception;
}
