package org.overparam.cluster;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.YarnApplicationState;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;

/**
 * A real YARN cluster over a real HDFS in this JVM, on 127.0.0.1 and free ports: a MiniDFSCluster (a NameNode, a
 * DataNode) and a MiniYARNCluster (a ResourceManager, one NodeManager that launches every container as its own JVM), as
 * Spark's own YARN tests run them. Clients see it as a user sees a cluster: through {@code HADOOP_CONF_DIR}
 * ({@code core-site.xml} naming the HDFS, {@code yarn-site.xml} the ResourceManager) and a {@link StandInSpark}
 * installation whose {@code spark-defaults.conf} sets {@code spark.yarn.jars} to the Spark jars every node has (here the
 * Maven classpath plus {@code spark-yarn}). {@link #close()} stops the submits, the applications and both clusters.
 */
final class YarnCluster implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    /** What the NodeManager offers: the AM and two 1 GB executors, or a 1 GB driver in the AM and two executors. */
    private static final int NODE_MEMORY_MB = 6144;

    final MiniDFSCluster hdfs;
    final String hdfsUri;
    final MiniYARNCluster yarn;
    /** The clients' {@code HADOOP_CONF_DIR}. */
    final Path conf;

    final StandInSpark spark;
    private final YarnClient client;
    private final List<Process> submits = new ArrayList<>();

    YarnCluster(Path root, Path project) throws Exception {
        MiniDFSCluster dfs = null;
        MiniYARNCluster rm = null;
        YarnClient yc = null;
        try {
            dfs = startHdfs(root.resolve("hdfs"));
            String uri = "hdfs://127.0.0.1:" + dfs.getNameNodePort();
            rm = startYarn(uri);
            yc = YarnClient.createYarnClient();
            yc.init(rm.getConfig());
            yc.start();
            this.hdfs = dfs;
            this.hdfsUri = uri;
            this.yarn = rm;
            this.client = yc;
            this.conf = writeClientConfiguration(root.resolve("hadoop-conf"));
            this.spark = new StandInSpark(root, project, List.of(StandInSpark.testClasspathJar("spark-yarn_")));
            spark.defaults(Map.of("spark.yarn.jars", spark.classpathAsLocalUris()));
        } catch (Exception | Error e) {
            if (yc != null) yc.stop();
            if (rm != null) rm.stop();
            if (dfs != null) dfs.shutdown();
            throw e;
        }
    }

    /** A NameNode and a DataNode in this JVM on 127.0.0.1 and free ports, their storage under {@code dir}. */
    static MiniDFSCluster startHdfs(Path dir) throws IOException {
        Configuration c = new Configuration();
        c.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, dir.toString());
        for (String key : List.of(
                "dfs.datanode.address",
                "dfs.datanode.http.address",
                "dfs.datanode.ipc.address",
                "dfs.namenode.http-address")) {
            c.set(key, "127.0.0.1:0");
        }
        MiniDFSCluster dfs = new MiniDFSCluster.Builder(c).numDataNodes(1).build();
        dfs.waitActive();
        return dfs;
    }

    private static MiniYARNCluster startYarn(String defaultFs) throws Exception {
        YarnConfiguration c = new YarnConfiguration();
        c.set("fs.defaultFS", defaultFs);
        c.set("yarn.resourcemanager.hostname", "127.0.0.1");
        c.setInt("yarn.nodemanager.resource.memory-mb", NODE_MEMORY_MB);
        c.setInt("yarn.nodemanager.resource.cpu-vcores", 4);
        c.setInt("yarn.scheduler.minimum-allocation-mb", 256);
        // The containers find Java through JAVA_HOME, which a NodeManager's environment sets on a real cluster.
        c.set("yarn.nodemanager.admin-env", "JAVA_HOME=" + System.getProperty("java.home"));
        // A JVM reserves far more virtual memory than it uses; real clusters turn this check off for Spark too.
        c.setBoolean("yarn.nodemanager.vmem-check-enabled", false);
        c.set("yarn.nodemanager.disk-health-checker.max-disk-utilization-per-disk-percentage", "100.0");
        // hadoop-client-minicluster has no capacity-scheduler.xml (as in Spark's BaseYarnClusterSuite): one queue.
        c.set("yarn.scheduler.capacity.root.queues", "default");
        c.setInt("yarn.scheduler.capacity.root.default.capacity", 100);
        c.setFloat("yarn.scheduler.capacity.root.default.user-limit-factor", 1);
        c.setInt("yarn.scheduler.capacity.root.default.maximum-capacity", 100);
        c.set("yarn.scheduler.capacity.root.default.state", "RUNNING");
        c.set("yarn.scheduler.capacity.root.default.acl_submit_applications", "*");
        c.set("yarn.scheduler.capacity.root.default.acl_administer_queue", "*");
        c.setInt("yarn.scheduler.capacity.node-locality-delay", -1);
        MiniYARNCluster rm = new MiniYARNCluster(YarnCluster.class.getSimpleName(), 1, 1, 1);
        rm.init(c);
        rm.start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        // start() can return before the ResourceManager has put its bound port into the configuration.
        while (rm.getConfig().get(YarnConfiguration.RM_ADDRESS).endsWith(":0")) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("the ResourceManager did not bind");
            Thread.sleep(100);
        }
        if (!rm.waitForNodeManagersToConnect(START_TIMEOUT.toMillis()))
            throw new IllegalStateException("the NodeManager did not register within " + START_TIMEOUT);
        return rm;
    }

    /** {@code core-site.xml} (the HDFS) and {@code yarn-site.xml} (the ResourceManager's addresses, yarn.* only). */
    private Path writeClientConfiguration(Path dir) throws IOException {
        Files.createDirectories(dir);
        Configuration core = new Configuration(false);
        core.set("fs.defaultFS", hdfsUri);
        write(core, dir.resolve("core-site.xml"));
        Configuration site = new Configuration(false);
        for (Map.Entry<String, String> e : yarn.getConfig()) {
            if (e.getKey().startsWith("yarn.")) site.set(e.getKey(), e.getValue());
        }
        write(site, dir.resolve("yarn-site.xml"));
        return dir;
    }

    private static void write(Configuration c, Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            c.writeXml(out);
        }
    }

    FileSystem fileSystem() throws IOException {
        return hdfs.getFileSystem();
    }

    /** Copies the local files into the HDFS folder {@code dir}. */
    void put(List<File> files, String dir) throws IOException {
        for (File f : files)
            fileSystem()
                    .copyFromLocalFile(
                            new org.apache.hadoop.fs.Path(f.getPath()),
                            new org.apache.hadoop.fs.Path(dir, f.getName()));
    }

    /** Starts {@code jobs/submit args...} with {@code HADOOP_CONF_DIR} set to this cluster's; output to {@code log}. */
    Process submit(Path log, List<String> args) throws IOException {
        Process p = spark.submit(log, args, Map.of("HADOOP_CONF_DIR", conf.toString()))
                .start();
        submits.add(p);
        return p;
    }

    /** The applications the ResourceManager lists as running. */
    List<ApplicationReport> running() throws Exception {
        return client.getApplications(EnumSet.of(YarnApplicationState.RUNNING));
    }

    /** What {@code yarn application -kill} does. */
    void kill(ApplicationReport app) throws Exception {
        client.killApplication(app.getApplicationId());
    }

    /** The application's final report. */
    ApplicationReport report(ApplicationReport app) throws Exception {
        return client.getApplicationReport(app.getApplicationId());
    }

    @Override
    public synchronized void close() {
        for (Process p : submits) {
            p.toHandle().descendants().forEach(ProcessHandle::destroy);
            p.destroy();
            try {
                if (!p.waitFor(20, TimeUnit.SECONDS)) p.destroyForcibly();
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        try {
            for (ApplicationReport app : running()) kill(app);
        } catch (Exception e) {
            // stopping the cluster below ends its containers too
        }
        client.stop();
        yarn.stop();
        hdfs.shutdown();
    }
}
