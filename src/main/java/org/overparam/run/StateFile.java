package org.overparam.run;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;
import org.overparam.UserError;

/**
 * A binary checkpoint file of a run directory: a solver's state or a stage's result, written by streaming (a Lanczos
 * basis can pass 2 GB) into a temporary renamed over the target ({@link RunDirectory#writeStream}), so that a kill
 * leaves the previous version whole.
 *
 * <p>Layout: the magic {@value #MAGIC}, the kind of state (a name), the fingerprint of the settings that produced it,
 * the fields in the order the writer put them (ints, longs, doubles, booleans and arrays of them, arrays with their
 * length first), and the CRC-32 of everything before it. A file of another kind or fingerprint, cut short, or whose
 * checksum does not match is refused with a {@link UserError} that names it; nothing of it is used.
 */
public final class StateFile {
    static final String MAGIC = "overparam-state-1";
    private static final int CHUNK_DOUBLES = 1 << 13;

    private StateFile() {}

    /** The fields of one state, written in order. */
    @FunctionalInterface
    public interface Body {
        void write(Out out) throws IOException;
    }

    /** Reads the fields in the order {@link Body} wrote them. */
    @FunctionalInterface
    public interface Parser<T> {
        T read(In in) throws IOException;
    }

    /** Writes {@code name} of {@code dir}: the header, the body's fields, the checksum. */
    public static void write(RunDirectory dir, String name, String kind, String fingerprint, Body body) {
        dir.writeStream(name, raw -> {
            CheckedOutputStream checked = new CheckedOutputStream(new BufferedOutputStream(raw, 1 << 20), new CRC32());
            DataOutputStream data = new DataOutputStream(checked);
            data.writeUTF(MAGIC);
            data.writeUTF(kind);
            data.writeUTF(fingerprint);
            body.write(new Out(data));
            data.flush();
            long crc = checked.getChecksum().getValue();
            data.writeLong(crc);
            data.flush();
        });
    }

    /**
     * Reads {@code name} of {@code dir}, checked: its kind and fingerprint must be these, and its checksum must match.
     *
     * @throws UserError naming the file and what was wrong with it
     */
    public static <T> T read(RunDirectory dir, String name, String kind, String fingerprint, Parser<T> parser) {
        String where = dir.resolve(name);
        try (InputStream raw = dir.openStream(name)) {
            CheckedInputStream checked = new CheckedInputStream(new BufferedInputStream(raw, 1 << 20), new CRC32());
            DataInputStream data = new DataInputStream(checked);
            String magic = data.readUTF();
            if (!MAGIC.equals(magic)) throw corrupt(where, "it does not start as an overparam checkpoint does");
            String foundKind = data.readUTF();
            if (!kind.equals(foundKind)) {
                throw new UserError("The checkpoint " + where + " holds '" + foundKind + "', expected '" + kind
                        + "'. Remove it to redo that stage.");
            }
            String foundPrint = data.readUTF();
            if (!fingerprint.equals(foundPrint)) {
                throw new UserError("The checkpoint " + where + " was written with other settings (" + foundPrint
                        + ") than this run's (" + fingerprint + "): it cannot be continued. Remove the checkpoints "
                        + "folder to start its stages afresh, or resume the run that wrote it.");
            }
            T value = parser.read(new In(data));
            long expected = checked.getChecksum().getValue();
            long found = data.readLong();
            if (found != expected) throw corrupt(where, "its checksum does not match its content");
            if (data.read() != -1) throw corrupt(where, "it goes on past its checksum");
            return value;
        } catch (EOFException e) {
            throw corrupt(where, "it ends before its last field (a write cut short)");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("Could not read " + where, e);
        } catch (RuntimeException e) {
            if (e instanceof UserError) throw e;
            throw corrupt(where, "its fields do not parse (" + e.getMessage() + ")");
        }
    }

    private static UserError corrupt(String where, String why) {
        return new UserError(
                "The checkpoint " + where + " is corrupt: " + why + ". Remove it to redo that stage from its start.");
    }

    /** The fields of a state being written. */
    public static final class Out {
        private final DataOutputStream data;
        private final byte[] buffer = new byte[8 * CHUNK_DOUBLES];

        Out(DataOutputStream data) {
            this.data = data;
        }

        public void writeInt(int v) throws IOException {
            data.writeInt(v);
        }

        public void writeLong(long v) throws IOException {
            data.writeLong(v);
        }

        public void writeDouble(double v) throws IOException {
            data.writeDouble(v);
        }

        public void writeBoolean(boolean v) throws IOException {
            data.writeBoolean(v);
        }

        /** The first {@code length} entries of {@code a}, after the length. */
        public void writeDoubles(double[] a, int length) throws IOException {
            data.writeInt(length);
            ByteBuffer bb = ByteBuffer.wrap(buffer);
            for (int off = 0; off < length; off += CHUNK_DOUBLES) {
                int len = Math.min(CHUNK_DOUBLES, length - off);
                bb.clear();
                bb.asDoubleBuffer().put(a, off, len);
                data.write(buffer, 0, 8 * len);
            }
        }

        public void writeDoubles(double[] a) throws IOException {
            writeDoubles(a, a.length);
        }

        /** Each row, after their count. */
        public void writeRows(double[][] rows) throws IOException {
            data.writeInt(rows.length);
            for (double[] r : rows) writeDoubles(r);
        }

        public void writeInts(int[] a) throws IOException {
            data.writeInt(a.length);
            for (int v : a) data.writeInt(v);
        }

        public void writeBooleans(boolean[] a) throws IOException {
            data.writeInt(a.length);
            for (boolean v : a) data.writeBoolean(v);
        }
    }

    /** The fields of a state being read. */
    public static final class In {
        private final DataInputStream data;
        private final byte[] buffer = new byte[8 * CHUNK_DOUBLES];

        In(DataInputStream data) {
            this.data = data;
        }

        public int readInt() throws IOException {
            return data.readInt();
        }

        public long readLong() throws IOException {
            return data.readLong();
        }

        public double readDouble() throws IOException {
            return data.readDouble();
        }

        public boolean readBoolean() throws IOException {
            return data.readBoolean();
        }

        public double[] readDoubles() throws IOException {
            return readDoubles(-1);
        }

        /** An array written by {@link Out#writeDoubles}, in an array of {@code capacity} (-1: its own length). */
        public double[] readDoubles(int capacity) throws IOException {
            int length = count();
            if (capacity >= 0 && length > capacity)
                throw new IOException("an array of " + length + " entries where at most " + capacity + " fit");
            double[] a = new double[capacity >= 0 ? capacity : length];
            ByteBuffer bb = ByteBuffer.wrap(buffer);
            for (int off = 0; off < length; off += CHUNK_DOUBLES) {
                int len = Math.min(CHUNK_DOUBLES, length - off);
                data.readFully(buffer, 0, 8 * len);
                bb.clear();
                bb.asDoubleBuffer().get(a, off, len);
            }
            return a;
        }

        public double[][] readRows() throws IOException {
            double[][] rows = new double[count()][];
            for (int i = 0; i < rows.length; i++) rows[i] = readDoubles();
            return rows;
        }

        public int[] readInts() throws IOException {
            int[] a = new int[count()];
            for (int i = 0; i < a.length; i++) a[i] = data.readInt();
            return a;
        }

        public boolean[] readBooleans() throws IOException {
            boolean[] a = new boolean[count()];
            for (int i = 0; i < a.length; i++) a[i] = data.readBoolean();
            return a;
        }

        private int count() throws IOException {
            int c = data.readInt();
            if (c < 0) throw new IOException("a negative array length " + c);
            return c;
        }
    }
}
