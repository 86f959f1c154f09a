package org.overparam.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.overparam.UserError;

/**
 * Checkpoint files: every field read back bit for bit; another kind, other settings, a cut or a flipped byte refused.
 */
class StateFileTest {
    @TempDir
    Path tmp;

    record Sample(int steps, double[] prefix, double[][] rows, int[] counts, boolean[] flags, long seed) {}

    static final double[] VALUES = {0.1, -0.0, Double.MIN_VALUE, Double.NaN, 1e308, -7.25, Math.PI, 3, 4, 5};

    RunDirectory dir() {
        return RunDirectory.openOrCreate(tmp.resolve("run").toString(), new Configuration());
    }

    void write(RunDirectory d) {
        StateFile.write(d, "checkpoints/x.state", "lanczos", "settings 1", out -> {
            out.writeInt(7);
            out.writeDoubles(VALUES, 4);
            out.writeRows(new double[][] {VALUES, {}, {2.5}});
            out.writeInts(new int[] {3, -1});
            out.writeBooleans(new boolean[] {true, false});
            out.writeLong(Long.MIN_VALUE);
        });
    }

    Sample read(RunDirectory d, String kind, String fingerprint) {
        return StateFile.read(
                d,
                "checkpoints/x.state",
                kind,
                fingerprint,
                in -> new Sample(
                        in.readInt(),
                        in.readDoubles(10),
                        in.readRows(),
                        in.readInts(),
                        in.readBooleans(),
                        in.readLong()));
    }

    @Test
    void everyFieldReadsBackBitForBit() {
        RunDirectory d = dir();
        write(d);
        Sample s = read(d, "lanczos", "settings 1");
        assertThat(s.steps()).isEqualTo(7);
        assertArrayEquals(Arrays.copyOf(Arrays.copyOf(VALUES, 4), 10), s.prefix(), 0.0);
        assertThat(Double.doubleToRawLongBits(s.rows()[0][1])).isEqualTo(Double.doubleToRawLongBits(-0.0));
        assertThat(Double.isNaN(s.rows()[0][3])).isTrue();
        assertArrayEquals(VALUES, s.rows()[0], 0.0);
        assertThat(s.rows()[1]).isEmpty();
        assertThat(s.counts()).containsExactly(3, -1);
        assertThat(s.flags()).containsExactly(true, false);
        assertThat(s.seed()).isEqualTo(Long.MIN_VALUE);
        assertThat(tmp.resolve("run/checkpoints/.x.state.tmp")).doesNotExist();
    }

    @Test
    void anotherKindOtherSettingsACutOrAFlippedByteAreRefusedByName() throws Exception {
        RunDirectory d = dir();
        write(d);
        assertThat(assertThrows(UserError.class, () -> read(d, "lobpcg", "settings 1"))
                        .getMessage())
                .contains("x.state")
                .contains("holds 'lanczos', expected 'lobpcg'");
        assertThat(assertThrows(UserError.class, () -> read(d, "lanczos", "settings 2"))
                        .getMessage())
                .contains("written with other settings");
        Path file = tmp.resolve("run/checkpoints/x.state");
        byte[] whole = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(whole, whole.length - 20));
        assertThat(assertThrows(UserError.class, () -> read(d, "lanczos", "settings 1"))
                        .getMessage())
                .contains("is corrupt")
                .contains("cut short");
        byte[] flipped = whole.clone();
        flipped[whole.length / 2] ^= 0x10;
        Files.write(file, flipped);
        assertThat(assertThrows(UserError.class, () -> read(d, "lanczos", "settings 1"))
                        .getMessage())
                .contains("is corrupt")
                .contains("checksum");
        Files.write(file, "not a checkpoint at all".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(assertThrows(UserError.class, () -> read(d, "lanczos", "settings 1"))
                        .getMessage())
                .contains("is corrupt");
    }
}
