package org.overparam.data;

import java.io.Serializable;

/**
 * What one {@link SampleBlock} will hold, decided on the driver: its first row, each row's source id and class, and
 * which rows get a random label. Shipped to the executor that builds the block; O(rows) small numbers.
 */
public record BlockSpec(long rowStart, long[] sourceIds, int[] classes, boolean[] randomLabel) implements Serializable {
    public int rows() {
        return sourceIds.length;
    }
}
