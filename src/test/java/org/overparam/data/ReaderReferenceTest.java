package org.overparam.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.overparam.testing.Approx;
import org.overparam.testing.Settings;
import org.overparam.testing.TestData;

/**
 * The IDX and CIFAR-10 readers against the real files, compared with numbers computed independently by
 * {@code src/test/resources/reference/readers_reference.py} (numpy), whose output is
 * {@code readers_reference.json} beside it.
 */
class ReaderReferenceTest {
    static JsonNode reference;

    @BeforeAll
    static void readReference() throws Exception {
        try (InputStream in = ReaderReferenceTest.class.getResourceAsStream("/reference/readers_reference.json")) {
            reference = new ObjectMapper().readTree(in);
        }
    }

    static Stream<Arguments> cases() {
        String mnist = TestData.mnist().toUri().toString();
        String cifar = TestData.cifar().toUri().toString();
        String fashion = TestData.fashionMnist().toUri().toString();
        return Stream.of(
                Arguments.of(
                        "mnist_train_01",
                        new String[] {"data.source=mnist", "data.path=" + mnist, "data.classes=[0,1]", "data.n=all"}),
                Arguments.of("mnist_test_all", new String[] {
                    "data.source=mnist", "data.path=" + mnist, "data.split=test", "data.n=all", "data.labels=integer"
                }),
                Arguments.of("mnist_train_7_first500", new String[] {
                    "data.source=mnist", "data.path=" + mnist, "data.classes=[7]", "data.n=500", "data.labels=integer"
                }),
                Arguments.of(
                        "cifar_train_01",
                        new String[] {"data.source=cifar10", "data.path=" + cifar, "data.classes=[0,1]", "data.n=all"}),
                Arguments.of("cifar_test_01", new String[] {
                    "data.source=cifar10", "data.path=" + cifar, "data.split=test", "data.classes=[0,1]", "data.n=all"
                }),
                Arguments.of("fashion_train_all", new String[] {
                    "data.source=fashion-mnist", "data.path=" + fashion, "data.n=all", "data.labels=integer"
                }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decodedArraysMatchTheNumpyReference(String name, String[] sets) {
        JsonNode ref = reference.get(name);
        Loaded raw = Loaded.of(Settings.data(concat(sets, "data.normalize=false")));

        assertEquals(ref.get("n").asInt(), raw.n, "n");
        assertEquals(ref.get("d").asInt(), raw.d, "d");
        Map<String, Integer> expectedCounts = new TreeMap<>();
        ref.get("class_counts")
                .fields()
                .forEachRemaining(
                        e -> expectedCounts.put(e.getKey(), e.getValue().asInt()));
        Map<String, Integer> counts = new TreeMap<>();
        raw.plan.classCounts.forEach((k, v) -> counts.put(Integer.toString(k), v));
        assertEquals(expectedCounts, counts, "class counts");
        long[] firstIds = new long[ref.get("first_ids").size()];
        for (int i = 0; i < firstIds.length; i++)
            firstIds[i] = ref.get("first_ids").get(i).asLong();
        assertArrayEquals(firstIds, java.util.Arrays.copyOf(raw.ids, firstIds.length), "source ids of the first rows");
        for (JsonNode p : ref.get("pixels")) {
            int r = p.get(0).asInt(), c = p.get(1).asInt();
            Approx.assertAbsolute(
                    p.get(2).asDouble(), raw.x[r * raw.d + c], Approx.EXACT_DECIMAL, "pixel (" + r + ", " + c + ")");
        }
        double sum = 0, weighted = 0;
        for (int i = 0; i < raw.n; i++) {
            for (int j = 0; j < raw.d; j++) {
                double v = raw.x[i * raw.d + j];
                sum += v;
                weighted += v * ((31L * i + j) % 101);
            }
        }
        Approx.assertRelative(ref.get("sum").asDouble(), sum, Approx.SUMMATION, "checksum sum");
        Approx.assertRelative(ref.get("weighted").asDouble(), weighted, Approx.SUMMATION, "checksum weighted");

        Loaded unit = Loaded.of(Settings.data(sets));
        double unitSum = 0;
        for (double v : unit.x) unitSum += v;
        Approx.assertRelative(ref.get("unit").asDouble(), unitSum, Approx.SUMMATION, "checksum of unit-norm rows");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void labelsFollowTheScheme(String name, String[] sets) {
        Loaded l = Loaded.of(Settings.data(sets));
        boolean integer = String.join(" ", sets).contains("integer");
        for (int i = 0; i < l.n; i++) {
            if (integer) {
                assertEquals(l.classes[i], l.y[i], "integer label of row " + i);
            } else {
                assertEquals(
                        l.classes[i] == 0 ? 1.0 : -1.0,
                        l.y[i],
                        "label of row " + i + " (+1 for the first class listed)");
            }
        }
    }

    static String[] concat(String[] a, String... b) {
        return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
    }
}
