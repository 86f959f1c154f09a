package org.overparam.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.Function2;
import scala.Tuple2;

/**
 * {@code treeAggregate} with a fixed summation order: partition results are merged in partition-index order through a
 * tree of fixed shape, never in the order tasks happen to finish. Floating-point sums then come out bit-for-bit the
 * same on every run with the same partitioning, which is what makes a resumed training run retrace the uninterrupted
 * one exactly.
 *
 * <p>Cost: one task per partition, then {@code ceil(log_fanout(P)) - 1} shuffle rounds, each moving one aggregator
 * per group member; the driver merges at most {@code fanout} aggregators. Memory: the driver holds up to
 * {@code fanout} aggregators at once.
 */
public final class DeterministicAggregate {
    /** Aggregators merged per tree node. */
    public static final int FANOUT = 8;

    private DeterministicAggregate() {}

    public interface SeqOp<A, T> extends Serializable {
        A add(A acc, T item) throws Exception;
    }

    public interface Zero<A> extends Serializable, Supplier<A> {}

    /** Aggregates one whole partition (lets the caller keep per-partition workspace). */
    public interface PartitionOp<A, T> extends Serializable {
        A apply(java.util.Iterator<T> items) throws Exception;
    }

    public static <T, A extends Serializable> A aggregate(
            JavaRDD<T> rdd, Zero<A> zero, SeqOp<A, T> seqOp, Function2<A, A, A> combOp) {
        return aggregatePartitions(
                rdd,
                zero,
                it -> {
                    A acc = zero.get();
                    while (it.hasNext()) acc = seqOp.add(acc, it.next());
                    return acc;
                },
                combOp);
    }

    public static <T, A extends Serializable> A aggregatePartitions(
            JavaRDD<T> rdd, Zero<A> zero, PartitionOp<A, T> op, Function2<A, A, A> combOp) {
        JavaRDD<Tuple2<Integer, A>> level = rdd.mapPartitionsWithIndex(
                (idx, it) -> {
                    List<Tuple2<Integer, A>> one = new ArrayList<>(1);
                    one.add(new Tuple2<>(idx, op.apply(it)));
                    return one.iterator();
                },
                true);
        int count = rdd.getNumPartitions();
        while (count > FANOUT) {
            int groups = (count + FANOUT - 1) / FANOUT;
            level = level.mapToPair(t -> new Tuple2<>(t._1() / FANOUT, t))
                    .groupByKey(groups)
                    .map(g -> {
                        List<Tuple2<Integer, A>> members = new ArrayList<>();
                        g._2().forEach(members::add);
                        members.sort(Comparator.comparingInt(Tuple2::_1));
                        A acc = members.get(0)._2();
                        for (int i = 1; i < members.size(); i++)
                            acc = combOp.call(acc, members.get(i)._2());
                        return new Tuple2<>(g._1(), acc);
                    });
            count = groups;
        }
        List<Tuple2<Integer, A>> top = new ArrayList<>(level.collect());
        top.sort(Comparator.comparingInt(Tuple2::_1));
        A acc = top.isEmpty() ? zero.get() : top.get(0)._2();
        for (int i = 1; i < top.size(); i++) {
            try {
                acc = combOp.call(acc, top.get(i)._2());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return acc;
    }
}
