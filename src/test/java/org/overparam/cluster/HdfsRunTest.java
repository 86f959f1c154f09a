package org.overparam.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.overparam.UserError;
import org.overparam.pipeline.PipelineLock;
import org.overparam.run.RunDirectory;
import org.overparam.run.RunLog;
import org.overparam.testing.Approx;
import org.overparam.testing.LocalSpark;
import org.overparam.testing.TestData;

/**
 * A real HDFS (MiniDFSCluster: a NameNode and a DataNode in this JVM, on 127.0.0.1 and free ports) holding the MNIST
 * files; a training run reads them from {@code hdfs://} and writes its run directory to {@code hdfs://}, and the outputs
 * read back from HDFS equal those of the same run on the local files. The pipeline lock is exclusive there too.
 */
class HdfsRunTest {
    @TempDir
    static java.nio.file.Path tmp;

    static MiniDFSCluster hdfs;
    static String uri;

    @BeforeAll
    static void startHdfs() throws Exception {
        hdfs = YarnCluster.startHdfs(tmp.resolve("hdfs"));
        uri = "hdfs://127.0.0.1:" + hdfs.getNameNodePort();
        FileSystem fs = hdfs.getFileSystem();
        for (File f : TestData.mnist().toFile().listFiles((d, n) -> n.startsWith("train-"))) {
            fs.copyFromLocalFile(new Path(f.getPath()), new Path("/datasets/mnist/" + f.getName()));
        }
    }

    @AfterAll
    static void stopHdfs() {
        if (hdfs != null) hdfs.shutdown();
    }

    @Test
    void thePipelineLockIsExclusiveOnHdfs() throws Exception {
        Configuration conf = LocalSpark.get().sparkContext().hadoopConfiguration();
        String dir = uri + "/runs/locked-pipeline";
        RunLog log = new RunLog(new PrintStream(new ByteArrayOutputStream()));
        try (PipelineLock held = PipelineLock.acquire(dir, conf, "p", log)) {
            assertThat(hdfs.getFileSystem().exists(new Path("/runs/locked-pipeline/" + PipelineLock.FILE)))
                    .isTrue();
            assertThatThrownBy(() -> PipelineLock.acquire(dir, conf, "p", log))
                    .isInstanceOf(UserError.class)
                    .hasMessageContaining("already running");
        }
        assertThat(hdfs.getFileSystem().exists(new Path("/runs/locked-pipeline/" + PipelineLock.FILE)))
                .isFalse();
        PipelineLock.acquire(dir, conf, "p", log).close(); // free again
    }

    static String[] args(String path, String out) {
        return new String[] {
            "train",
            "--set",
            "data.source=mnist",
            "--set",
            "data.path=" + path,
            "--set",
            "data.classes=[0,1]",
            "--set",
            "data.n=200",
            "--set",
            "data.partitions=2",
            "--set",
            "train.width=64",
            "--set",
            "train.kappa=1",
            "--set",
            "train.eta=0.05",
            "--set",
            "train.iterations=6",
            "--set",
            "train.checkpoint-every=3",
            "--out",
            out
        };
    }

    @Test
    void aTrainingRunReadsAndWritesHdfsAndMatchesTheSameRunOnLocalFiles() throws Exception {
        LocalSpark.get();
        String hdfsOut = uri + "/runs/mnist01-train";
        assertThat(org.overparam.cli.Main.commandLine().execute(args(uri + "/datasets/mnist", hdfsOut)))
                .isZero();
        String localOut = tmp.resolve("local").toString();
        assertThat(org.overparam.cli.Main.commandLine()
                        .execute(args(TestData.mnist().toString(), localOut)))
                .isZero();

        Configuration conf = LocalSpark.get().sparkContext().hadoopConfiguration();
        RunDirectory remote = RunDirectory.open(hdfsOut, conf);
        assertThat(remote.uri()).startsWith(uri + "/runs/");
        Map<String, Object> manifest = remote.readJson("manifest.json");
        assertThat(manifest.get("status")).isEqualTo("completed");
        assertThat(((Map<?, ?>) ((Map<?, ?>) manifest.get("config")).get("data")).get("path"))
                .isEqualTo(uri + "/datasets/mnist");
        for (String name : List.of(
                "summary.json",
                "metrics.csv",
                "report.html",
                "run.log",
                "plots/loss.png",
                "checkpoints/m=64/state.json")) {
            assertThat(remote.exists(name)).as(name).isTrue();
        }
        assertThat(hdfs.getFileSystem().exists(new Path("/runs/mnist01-train/metrics")))
                .isTrue();

        // The Parquet metrics as a notebook reads them, from HDFS, against the local run's CSV.
        List<Row> rows = LocalSpark.get()
                .read()
                .parquet(hdfsOut + "/metrics")
                .orderBy("iteration")
                .collectAsList();
        List<String> local = Files.readAllLines(java.nio.file.Path.of(localOut, "metrics.csv"));
        assertThat(rows).hasSize(local.size() - 1).hasSize(7);
        int lossColumn = List.of(local.get(0).split(",")).indexOf("loss");
        for (int i = 0; i < rows.size(); i++) {
            double expected = Double.parseDouble(local.get(i + 1).split(",")[lossColumn]);
            Approx.assertRelative(
                    expected,
                    rows.get(i).getDouble(rows.get(i).fieldIndex("loss")),
                    Approx.SUMMATION,
                    "loss at iteration " + i);
        }
        assertThat(rows.get(6).getDouble(rows.get(6).fieldIndex("loss")))
                .isLessThan(rows.get(0).getDouble(rows.get(0).fieldIndex("loss")));
        String log = new String(remote.readBytes("run.log"), StandardCharsets.UTF_8);
        assertThat(log)
                .contains(
                        "training data: 200 samples",
                        "IDX images " + uri + "/datasets/mnist/train-images-idx3-ubyte.gz");
    }
}
