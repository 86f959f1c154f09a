package org.overparam.linalg;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BulkDoublesTest {
    /** Two fields that may hold one array, as a block of units holds W(k) and W(0). */
    record Pair(BulkDoubles first, BulkDoubles second) implements Serializable {}

    @SuppressWarnings("unchecked")
    static <T> T roundTrip(T value) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (T) in.readObject();
        }
    }

    @Test
    void anArrayLongerThanOneChunkComesBackBitForBitIncludingNaNAndSignedZeros() throws Exception {
        SplittableRandom random = new SplittableRandom(7);
        double[] values = new double[BulkArrays.CHUNK_DOUBLES * 2 + 13];
        for (int i = 0; i < values.length; i++) values[i] = random.nextDouble(-1e300, 1e300);
        values[0] = Double.NaN;
        values[1] = -0.0;
        values[2] = Double.NEGATIVE_INFINITY;
        values[values.length - 1] = Double.MIN_VALUE;
        double[] back = roundTrip(new BulkDoubles(values)).values();
        assertThat(back).hasSize(values.length);
        for (int i = 0; i < values.length; i++) {
            assertThat(Double.doubleToRawLongBits(back[i])).isEqualTo(Double.doubleToRawLongBits(values[i]));
        }
    }

    @Test
    void oneHolderInTwoFieldsIsWrittenOnceAndComesBackAsOneArray() throws Exception {
        BulkDoubles shared = new BulkDoubles(new double[BulkArrays.CHUNK_DOUBLES]);
        Pair same = roundTrip(new Pair(shared, shared));
        assertThat(same.first().values()).isSameAs(same.second().values());
        Pair distinct = roundTrip(new Pair(shared, new BulkDoubles(new double[BulkArrays.CHUNK_DOUBLES])));
        assertThat(distinct.first().values()).isNotSameAs(distinct.second().values());
        long oneArray = 8L * BulkArrays.CHUNK_DOUBLES;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(new Pair(shared, shared));
        }
        // Serialization frames its block data (a few bytes per KB); a second copy would double the size.
        assertThat((long) bytes.size()).isBetween(oneArray, oneArray + oneArray / 50);
    }

    @Test
    void nullHoldersStandForNullArrays() {
        assertThat(BulkDoubles.ofNullable(null)).isNull();
        assertThat(BulkDoubles.valuesOf(null)).isNull();
        double[] a = {1, 2};
        assertThat(BulkDoubles.valuesOf(BulkDoubles.ofNullable(a))).isSameAs(a);
    }
}
