package org.overparam;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Runs one function over a few items on several cores of this JVM: the items of one Spark task that owns an executor's
 * cores (several unit blocks stepped together), each item in one thread, the results in the items' order. The calling
 * thread works too; the other threads come from one pool of daemon threads per JVM, grown to the most threads asked
 * for. Which thread runs which item changes nothing a caller sees: the items are independent and the results keep their
 * order.
 */
public final class CoreThreads {
    private CoreThreads() {}

    private static final AtomicInteger NAMES = new AtomicInteger();
    private static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "overparam-core-" + NAMES.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    /**
     * {@code f} applied to every item, on up to {@code threads} threads at once (the caller's included), the results in
     * the items' order. The first exception or error thrown by {@code f}, in item order, is thrown again once every
     * started item has finished.
     */
    public static <T, R> List<R> map(List<T> items, int threads, Function<? super T, ? extends R> f) {
        int workers = Math.max(1, Math.min(threads, items.size()));
        Object[] results = new Object[items.size()];
        Throwable[] failures = new Throwable[items.size()];
        AtomicInteger next = new AtomicInteger();
        AtomicBoolean failed = new AtomicBoolean();
        Runnable work = () -> {
            for (int i = next.getAndIncrement(); i < results.length; i = next.getAndIncrement()) {
                if (failed.get()) return;
                try {
                    results[i] = f.apply(items.get(i));
                } catch (Throwable e) {
                    failures[i] = e;
                    failed.set(true);
                }
            }
        };
        List<Future<?>> helpers = new ArrayList<>(workers - 1);
        for (int t = 1; t < workers; t++) helpers.add(POOL.submit(work));
        work.run();
        boolean interrupted = false;
        for (Future<?> h : helpers) {
            while (true) {
                try {
                    h.get();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // a helper may be writing into this call's arrays: wait for it
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IllegalStateException("CoreThreads: a helper thread failed outside f", e.getCause());
                }
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        for (Throwable e : failures) {
            if (e instanceof RuntimeException r) throw r;
            if (e instanceof Error r) throw r;
            if (e != null) throw new IllegalStateException(e);
        }
        @SuppressWarnings("unchecked")
        List<R> list = (List<R>) Arrays.asList(results);
        return list;
    }
}
