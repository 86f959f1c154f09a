package org.overparam.spark;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkContext;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Bytes Spark moved for the jobs run while attached, as its task metrics report them: the serialized task results
 * sent back to the driver, and shuffle bytes written and read. Listener events arrive asynchronously;
 * {@link #resultBytes} and {@link #shuffleBytes} wait for the events posted so far.
 */
public final class TaskTraffic extends SparkListener implements AutoCloseable {
    private final transient SparkContext sc;
    private final AtomicLong results = new AtomicLong();
    private final AtomicLong shuffle = new AtomicLong();
    private final AtomicLong tasks = new AtomicLong();
    private final AtomicLong runMillis = new AtomicLong();
    private final AtomicLong deserializeMillis = new AtomicLong();
    private final AtomicLong gcMillis = new AtomicLong();

    private TaskTraffic(SparkContext sc) {
        this.sc = sc;
    }

    public static TaskTraffic attach(SparkContext sc) {
        TaskTraffic t = new TaskTraffic(sc);
        sc.addSparkListener(t);
        return t;
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
        TaskMetrics m = end.taskMetrics();
        if (m == null) return;
        tasks.incrementAndGet();
        results.addAndGet(m.resultSize());
        runMillis.addAndGet(m.executorRunTime());
        deserializeMillis.addAndGet(m.executorDeserializeTime());
        gcMillis.addAndGet(m.jvmGCTime());
        shuffle.addAndGet(m.shuffleReadMetrics().totalBytesRead()
                + m.shuffleWriteMetrics().bytesWritten());
    }

    private void drain() {
        try {
            sc.listenerBus().waitUntilEmpty();
        } catch (Exception e) {
            // A bus that does not drain in Spark's timeout: report what has arrived.
        }
    }

    public long resultBytes() {
        drain();
        return results.get();
    }

    public long shuffleBytes() {
        drain();
        return shuffle.get();
    }

    public long tasks() {
        drain();
        return tasks.get();
    }

    /** Task time as Spark measured it, summed over tasks (ms): running, deserializing the task, and in GC. */
    public String taskTimes() {
        drain();
        return "run " + runMillis.get() + " ms, deserialize " + deserializeMillis.get() + " ms, GC " + gcMillis.get()
                + " ms";
    }

    @Override
    public void close() {
        sc.removeSparkListener(this);
    }
}
