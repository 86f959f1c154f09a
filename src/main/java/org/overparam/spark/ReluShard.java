package org.overparam.spark;

import org.overparam.data.SampleBlock;

import java.io.Serializable;

/**
 * A block of training samples with what training keeps beside it: the activation pattern at W(0) as bits (kept once,
 * never recomputed, for the pattern-change metric and H(0)), and a float32 copy of the features when the GEMMs run in
 * float32.
 */
public record ReluShard(SampleBlock block, long[] mask0, float[] x32) implements Serializable {
}
