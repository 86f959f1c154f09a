package org.overparam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class CoreThreadsTest {
    @Test
    void resultsComeInTheItemsOrderWhateverThreadRanThem() {
        List<Integer> items = IntStream.range(0, 37).boxed().toList();
        Set<String> threads = ConcurrentHashMap.newKeySet();
        List<Integer> squares = CoreThreads.map(items, 3, i -> {
            threads.add(Thread.currentThread().getName());
            return i * i;
        });
        List<Integer> expected = new ArrayList<>();
        for (int i : items) expected.add(i * i);
        assertThat(squares).isEqualTo(expected);
        assertThat(threads).hasSizeBetween(1, 3);
    }

    @Test
    void twoItemsOnTwoThreadsRunAtOnce() {
        CountDownLatch both = new CountDownLatch(2);
        List<Boolean> met = CoreThreads.map(List.of(0, 1), 2, i -> {
            both.countDown();
            try {
                return both.await(30, TimeUnit.SECONDS); // only true if the other item runs meanwhile
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(met).containsExactly(true, true);
    }

    @Test
    void oneThreadRunsEveryItemInTheCallersThread() {
        String caller = Thread.currentThread().getName();
        assertThat(CoreThreads.map(
                        List.of(1, 2, 3), 1, i -> Thread.currentThread().getName()))
                .containsOnly(caller);
    }

    @Test
    void theFirstFailureInItemOrderIsThrownAsItIs() {
        assertThatThrownBy(() -> CoreThreads.map(List.of(0, 1, 2, 3), 2, i -> {
                    if (i >= 1) throw new IllegalArgumentException("item " + i);
                    return i;
                }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("item ");
        assertThatThrownBy(() -> CoreThreads.map(List.of(0), 2, i -> {
                    throw new OutOfMemoryError("simulated");
                }))
                .isInstanceOf(OutOfMemoryError.class);
    }

    @Test
    void noItemsGiveNoResults() {
        assertThat(CoreThreads.map(List.<Integer>of(), 4, i -> i)).isEmpty();
    }
}
