package org.overparam.data;

import java.util.List;
import org.apache.hadoop.conf.Configuration;

/** A data set loaded without Spark (plan + reader on this JVM), concatenated in row order; for tests. */
final class Loaded {
    final DataPlan plan;
    final int n;
    final int d;
    final double[] x;
    final double[] y;
    final long[] ids;
    final int[] classes;

    Loaded(DataSpec spec, int partitions) {
        plan = DataPlan.build(spec, new Configuration(), partitions);
        List<SampleBlock> blocks = plan.reader.read(plan.blocks, plan.d);
        n = plan.n;
        d = plan.d;
        x = new double[n * d];
        y = new double[n];
        ids = new long[n];
        classes = new int[n];
        for (SampleBlock b : blocks) {
            int r = (int) b.rowStart;
            System.arraycopy(b.x, 0, x, r * d, b.rows * d);
            System.arraycopy(b.y, 0, y, r, b.rows);
            System.arraycopy(b.sourceIds, 0, ids, r, b.rows);
            System.arraycopy(b.classes, 0, classes, r, b.rows);
        }
    }

    static Loaded of(DataSpec spec) {
        return new Loaded(spec, 3);
    }
}
