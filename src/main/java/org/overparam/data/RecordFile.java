package org.overparam.data;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;

/**
 * Reads fixed-size records at given indices from one file: positional reads of contiguous runs for raw files, one
 * sequential pass (skipping between records) for gzip files, which cannot seek.
 */
final class RecordFile {
    private RecordFile() {}

    interface Sink {
        /** Record {@code k} of the request (k-th id) is in {@code buf[off .. off + recordSize)}. */
        void accept(int k, byte[] buf, int off);
    }

    /**
     * @param ids    strictly increasing record indices within this file
     * @param header bytes before record 0
     */
    static void read(Configuration conf, String file, long header, int recordSize, long[] ids, Sink sink) {
        if (ids.length == 0) return;
        try (HadoopFiles.Opened f = HadoopFiles.open(conf, file)) {
            if (!f.gzip()) {
                readRuns(f, file, header, recordSize, ids, sink);
                return;
            }
            byte[] rec = new byte[recordSize];
            HadoopFiles.skipFully(f.in(), header, file, "the first record");
            long next = 0;
            for (int k = 0; k < ids.length; k++) {
                if (ids[k] < next) throw new IllegalArgumentException("record ids must be strictly increasing");
                HadoopFiles.skipFully(f.in(), (ids[k] - next) * recordSize, file, "record " + ids[k]);
                HadoopFiles.readFully(f.in(), rec, 0, recordSize, file, "record " + ids[k]);
                sink.accept(k, rec, 0);
                next = ids[k] + 1;
            }
        } catch (IOException e) {
            throw FileSource.ioError(file, e);
        }
    }

    private static void readRuns(HadoopFiles.Opened f, String file, long header, int recordSize, long[] ids, Sink sink)
            throws IOException {
        final int maxRun = Math.max(1, (1 << 22) / recordSize);
        byte[] buf = new byte[Math.min(ids.length, maxRun) * recordSize];
        int k = 0;
        while (k < ids.length) {
            int end = k + 1;
            while (end < ids.length && end - k < maxRun && ids[end] == ids[end - 1] + 1) end++;
            int run = end - k;
            long pos = header + ids[k] * (long) recordSize;
            if (pos + (long) run * recordSize > f.fileLength()) {
                throw new org.overparam.UserError("File '" + file + "' is truncated: record " + ids[end - 1]
                        + " ends past its length of " + f.fileLength() + " bytes.");
            }
            f.raw().readFully(pos, buf, 0, run * recordSize);
            for (int r = 0; r < run; r++) sink.accept(k + r, buf, r * recordSize);
            k = end;
        }
    }
}
