package org.overparam.spark;

import java.io.Serializable;
import org.apache.spark.api.java.JavaRDD;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;

/**
 * A function of an RDD's elements as a named class, for jobs submitted every iteration. Spark's closure cleaner
 * reads the bytecode of every lambda handed to {@code map} or {@code collect} (the Java API wraps each Java function in
 * one) from its jar, on every call (docs/performance.md has what that costs a training step); a named function class
 * passed to the Scala {@code RDD.map} or {@code runJob} is shipped as it is. Subclasses hold only what the tasks need.
 */
abstract class RddFunction<T, R> extends AbstractFunction1<T, R> implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * {@code rdd.map(f).collect()}, as one job, in partition order, without the closure cleaner (the Java API's
     * {@code collect} cleans a closure of its own on every call).
     */
    static <T, R> java.util.List<R> collect(JavaRDD<T> rdd, RddFunction<T, R> f) {
        Object[] parts = (Object[]) rdd.context()
                .runJob(rdd.rdd(), new EachPartition<>(f), ClassTag$.MODULE$.apply(java.util.ArrayList.class));
        java.util.List<R> all = new java.util.ArrayList<>();
        for (Object part : parts) {
            @SuppressWarnings("unchecked")
            java.util.List<R> list = (java.util.List<R>) part;
            all.addAll(list);
        }
        return all;
    }

    /** f over one partition, as a list. */
    private static final class EachPartition<T, R>
            extends AbstractFunction1<scala.collection.Iterator<T>, java.util.ArrayList<R>> implements Serializable {
        private static final long serialVersionUID = 1L;
        private final RddFunction<T, R> f;

        EachPartition(RddFunction<T, R> f) {
            this.f = f;
        }

        @Override
        public java.util.ArrayList<R> apply(scala.collection.Iterator<T> it) {
            java.util.ArrayList<R> out = new java.util.ArrayList<>();
            while (it.hasNext()) out.add(f.apply(it.next()));
            return out;
        }
    }

    /**
     * {@code rdd.mapPartitions(f)}, f taking a whole partition's elements as a list and returning the partition's new
     * elements, without the closure cleaner.
     */
    static <T, R> JavaRDD<R> mapPartitions(JavaRDD<T> rdd, RddFunction<java.util.List<T>, java.util.List<R>> f) {
        ClassTag<R> tag = ClassTag$.MODULE$.apply(Object.class);
        return new JavaRDD<>(rdd.rdd().mapPartitions(new WholePartition<>(f), false, tag), tag);
    }

    /** f of one partition's elements, as a list. */
    private static final class WholePartition<T, R>
            extends AbstractFunction1<scala.collection.Iterator<T>, scala.collection.Iterator<R>>
            implements Serializable {
        private static final long serialVersionUID = 1L;
        private final RddFunction<java.util.List<T>, java.util.List<R>> f;

        WholePartition(RddFunction<java.util.List<T>, java.util.List<R>> f) {
            this.f = f;
        }

        @Override
        public scala.collection.Iterator<R> apply(scala.collection.Iterator<T> it) {
            java.util.List<T> all = new java.util.ArrayList<>();
            while (it.hasNext()) all.add(it.next());
            return scala.jdk.javaapi.CollectionConverters.asScala(f.apply(all).iterator());
        }
    }

    /** {@code rdd.map(f)} without the closure cleaner. */
    static <T, R> JavaRDD<R> map(JavaRDD<T> rdd, RddFunction<T, R> f) {
        ClassTag<R> tag = ClassTag$.MODULE$.apply(Object.class);
        return new JavaRDD<>(rdd.rdd().map(f, tag), tag);
    }
}
