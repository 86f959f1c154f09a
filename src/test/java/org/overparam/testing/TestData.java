package org.overparam.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the real data sets are. The shared MNIST / CIFAR-10 files sit in {@code ../shared/data} beside the clone
 * (set by Surefire as {@code overparam.shared.data}; override with the environment variable
 * {@code OVERPARAM_SHARED_DATA}); Fashion-MNIST comes from Debian's {@code dataset-fashion-mnist} package
 * ({@code OVERPARAM_FASHION_MNIST} overrides). A missing data set fails the test that needs it: it is never skipped.
 */
public final class TestData {
    private TestData() {}

    public static Path shared() {
        String env = System.getenv("OVERPARAM_SHARED_DATA");
        String dir = env != null ? env : System.getProperty("overparam.shared.data", "../shared/data");
        Path p = Path.of(dir).toAbsolutePath().normalize();
        if (!Files.isDirectory(p.resolve("mnist"))) {
            fail("The shared test data is missing: expected MNIST under " + p.resolve("mnist")
                    + " (set OVERPARAM_SHARED_DATA to the folder holding mnist/ and cifar10/)");
        }
        return p;
    }

    public static Path mnist() {
        return shared().resolve("mnist");
    }

    public static Path cifar() {
        return shared().resolve("cifar10");
    }

    public static Path fashionMnist() {
        String env = System.getenv("OVERPARAM_FASHION_MNIST");
        Path p = Path.of(env != null ? env : "/usr/share/datasets/fashion-mnist");
        if (!Files.isRegularFile(p.resolve("train-images-idx3-ubyte.gz"))) {
            fail("Fashion-MNIST is missing: expected " + p + "/train-images-idx3-ubyte.gz "
                    + "(apt-get install dataset-fashion-mnist, or set OVERPARAM_FASHION_MNIST)");
        }
        return p;
    }
}
