package org.overparam.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.overparam.UserError;
import org.overparam.config.JobConfig;
import org.overparam.testing.Settings;

/** Every kind of bad input gets a UserError that names what was expected and what was found. */
class BadInputTest {
    @TempDir
    Path dir;

    static byte[] idxImages(int magic, int count, int rows, int cols, int actualImages) {
        ByteBuffer b = ByteBuffer.allocate(16 + actualImages * rows * cols);
        b.putInt(magic).putInt(count).putInt(rows).putInt(cols);
        for (int i = 0; i < actualImages * rows * cols; i++) b.put((byte) (1 + (i * 7) % 250));
        return b.array();
    }

    static byte[] idxLabels(int magic, byte... labels) {
        ByteBuffer b = ByteBuffer.allocate(8 + labels.length);
        b.putInt(magic).putInt(labels.length).put(labels);
        return b.array();
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(raw);
        }
        return out.toByteArray();
    }

    void writeMnist(byte[] images, byte[] labels, boolean gz) throws IOException {
        Files.write(dir.resolve("train-images-idx3-ubyte" + (gz ? ".gz" : "")), gz ? gzip(images) : images);
        Files.write(dir.resolve("train-labels-idx1-ubyte" + (gz ? ".gz" : "")), gz ? gzip(labels) : labels);
    }

    UserError load(String... sets) {
        return assertThrows(UserError.class, () -> Loaded.of(Settings.data(sets)));
    }

    String[] mnist(String... more) {
        String[] base = {"data.source=mnist", "data.path=" + dir.toUri(), "data.classes=[0,1]", "data.n=all"};
        String[] all = Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    @Test
    void aValidSmallFileLoads() throws IOException {
        writeMnist(idxImages(0x803, 4, 2, 3, 4), idxLabels(0x801, (byte) 0, (byte) 1, (byte) 1, (byte) 0), true);
        Loaded l = Loaded.of(Settings.data(mnist("data.normalize=false")));
        assertThat(l.n).isEqualTo(4);
        assertThat(l.d).isEqualTo(6);
        assertThat(l.x[0]).isEqualTo(1 / 255.0);
        assertThat(l.y).containsExactly(1, -1, -1, 1);
    }

    @Test
    void missingPath() {
        assertThat(load(
                                "data.source=mnist",
                                "data.path=" + dir.resolve("nowhere").toUri())
                        .getMessage())
                .contains("does not exist")
                .contains("nowhere");
    }

    @Test
    void folderWithoutTheOfficialFiles() {
        assertThat(load(mnist()).getMessage()).contains("holds no train-images-idx3-ubyte");
    }

    @Test
    void wrongMagic() throws IOException {
        writeMnist(idxImages(0x804, 2, 2, 2, 2), idxLabels(0x801, (byte) 0, (byte) 1), false);
        assertThat(load(mnist()).getMessage()).contains("expected magic 0x00000803, found 0x00000804");
    }

    @Test
    void headerCountDisagreesWithFileLength() throws IOException {
        writeMnist(idxImages(0x803, 3, 2, 2, 2), idxLabels(0x801, (byte) 0, (byte) 1, (byte) 0), false);
        assertThat(load(mnist()).getMessage()).contains("announces 3 images").contains("truncated");
    }

    @Test
    void truncatedGzip() throws IOException {
        byte[] images = gzip(idxImages(0x803, 50, 10, 10, 50));
        Files.write(dir.resolve("train-images-idx3-ubyte.gz"), Arrays.copyOf(images, images.length / 2));
        Files.write(dir.resolve("train-labels-idx1-ubyte.gz"), gzip(idxLabels(0x801, new byte[50])));
        assertThat(load(mnist()).getMessage())
                .contains("train-images-idx3-ubyte.gz")
                .containsIgnoringCase("truncated");
    }

    @Test
    void imageAndLabelCountsDiffer() throws IOException {
        writeMnist(idxImages(0x803, 3, 2, 2, 3), idxLabels(0x801, (byte) 0, (byte) 1), true);
        assertThat(load(mnist()).getMessage()).contains("holds 3 images").contains("holds 2 labels");
    }

    @Test
    void labelOutOfRange() throws IOException {
        writeMnist(idxImages(0x803, 2, 2, 2, 2), idxLabels(0x801, (byte) 0, (byte) 12), true);
        assertThat(load(mnist()).getMessage()).contains("label 1 is 12, expected 0..9");
    }

    @Test
    void cifarLengthNotAMultipleOfTheRecord() throws IOException {
        byte[] recs = new byte[2 * CifarSource.RECORD + 100];
        Files.write(dir.resolve("data_batch_1.bin"), recs);
        assertThat(load("data.source=cifar10", "data.path=" + dir.toUri(), "data.classes=[0,1]")
                        .getMessage())
                .contains("not a multiple of 3073");
    }

    @Test
    void cifarLabelOutOfRange() throws IOException {
        byte[] recs = new byte[2 * CifarSource.RECORD];
        recs[CifarSource.RECORD] = 11;
        Files.write(dir.resolve("data_batch_1.bin.gz"), gzip(recs));
        assertThat(load("data.source=cifar10", "data.path=" + dir.toUri(), "data.classes=[0,1]")
                        .getMessage())
                .contains("record 1 has label 11");
    }

    @Test
    void aClassThatDoesNotOccur() throws IOException {
        writeMnist(idxImages(0x803, 2, 2, 2, 2), idxLabels(0x801, (byte) 0, (byte) 1), true);
        assertThat(load(mnist("data.classes=[0,5]")).getMessage())
                .contains("class 5 does not occur")
                .contains("[0, 1]");
    }

    @Test
    void nLargerThanTheSelection() throws IOException {
        writeMnist(idxImages(0x803, 3, 2, 2, 3), idxLabels(0x801, (byte) 0, (byte) 1, (byte) 2), true);
        assertThat(load(mnist("data.n=5")).getMessage()).contains("data.n = 5").contains("holds only 2 samples");
    }

    @Test
    void twoClassLabelsNeedTwoClasses() throws IOException {
        writeMnist(idxImages(0x803, 3, 2, 2, 3), idxLabels(0x801, (byte) 0, (byte) 1, (byte) 2), true);
        assertThat(load(mnist("data.classes=[0,1,2]")).getMessage())
                .contains("exactly two classes")
                .contains("integer");
    }

    @Test
    void zeroImageCannotBeNormalized() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(16 + 2 * 4);
        b.putInt(0x803).putInt(2).putInt(2).putInt(2).put(new byte[] {1, 2, 3, 4, 0, 0, 0, 0});
        writeMnist(b.array(), idxLabels(0x801, (byte) 0, (byte) 1), true);
        assertThat(load(mnist()).getMessage()).contains("Sample 1").contains("cannot be scaled to unit norm");
    }

    @Test
    void nanInDataIsRefused() {
        double[] x = {0.5, Double.NaN, 0.1, 0.2};
        SampleBlock b = new SampleBlock(10, 2, 2, x, new double[] {1, -1}, new long[] {3, 4}, new int[] {0, 1});
        UserError e = assertThrows(UserError.class, () -> Transforms.requireFinite(b, "loading"));
        assertThat(e.getMessage()).contains("Sample 10").contains("feature 1 = NaN");
        SampleBlock yNan = new SampleBlock(
                0, 1, 1, new double[] {1}, new double[] {Double.POSITIVE_INFINITY}, new long[] {0}, new int[] {-1});
        assertThat(assertThrows(UserError.class, () -> Transforms.requireFinite(yNan, "loading"))
                        .getMessage())
                .contains("label Infinity");
    }

    @Test
    void badSettingValues() {
        assertThat(assertThrows(UserError.class, () -> Settings.data("data.noise=NaN"))
                        .getMessage())
                .contains("data.noise");
        assertThat(assertThrows(UserError.class, () -> Settings.data("data.n=0"))
                        .getMessage())
                .contains("data.n");
        assertThat(assertThrows(UserError.class, () -> Settings.data("data.source=imagenet"))
                        .getMessage())
                .contains("mnist | fashion-mnist | cifar10 | sphere | hypercube | gaussian")
                .contains("imagenet");
        assertThat(assertThrows(UserError.class, () -> Settings.data("data.labels=random:1.5"))
                        .getMessage())
                .contains("[0, 1]");
        assertThat(assertThrows(UserError.class, () -> Settings.data("data.source=mnist"))
                        .getMessage())
                .contains("data.path");
        assertThat(assertThrows(UserError.class, () -> Settings.data("data.n=all"))
                        .getMessage())
                .contains("synthetic");
    }

    @Test
    void unknownKeysAreRefusedWithASuggestion() {
        UserError e = assertThrows(UserError.class, () -> JobConfig.load(null, List.of("data.clases=[0,1]")));
        assertThat(e.getMessage()).contains("'data.clases'").contains("did you mean 'data.classes'");
        UserError typed = assertThrows(UserError.class, () -> Settings.data("data.normalize=maybe"));
        assertThat(typed.getMessage()).contains("data.normalize");
    }
}
