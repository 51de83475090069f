package io.storagedriver.junit.suite;

import io.storagedriver.junit.StorageDriverConfiguration;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Measures common operations and publishes the figures as report entries; checks nothing but
 * that the calls succeed.
 *
 * <p>Off by default: set the configuration parameter or system property {@value
 * StorageDriverConfiguration#BENCHMARKS} to {@code true}. To run only these, also select the tag
 * {@code benchmark}, for example {@code mvn test -Dstoragedriver.benchmarks=true
 * -Dgroups=benchmark} or {@code --include-tag benchmark} with the console launcher.
 *
 * <p>Each figure is the median of a fixed number of runs after one warm-up run, measured with
 * {@link System#nanoTime()} in the test JVM, so it includes the client and the transport.
 */
@Tag("benchmark")
@ExtendWith(BenchmarksEnabled.class)
public class BenchmarkChecks extends CheckSupport {
    private static final int MIB = 1024 * 1024;

    @Test
    @CheckId("benchmark.put-get")
    public void putAndGetBySize(TestReporter reporter) {
        for (int size : new int[] {0, 1024, MIB}) {
            byte[] content = Patterns.bytes(seed("put" + size), size);
            String file = path("put-" + size);
            int runs = size >= MIB ? 10 : 50;
            double put = medianMillis(runs, () -> driver.putContent(file, content));
            double get = medianMillis(runs, () -> driver.getContent(file));
            publish(reporter, "putContent " + size + " B", size, runs, put);
            publish(reporter, "getContent " + size + " B", size, runs, get);
        }
    }

    @Test
    @CheckId("benchmark.stream-throughput")
    public void streamThroughput(TestReporter reporter) {
        long size = 64L * MIB;
        String file = path("stream");
        long seed = seed("stream");
        int runs = 3;
        double write = medianMillis(runs, () -> {
            driver.writeStream(file, 0, Patterns.stream(seed, 0, size));
        });
        double read = medianMillis(runs, () -> {
            try (var in = driver.reader(file, 0)) {
                in.transferTo(OutputStream.nullOutputStream());
            }
        });
        publish(reporter, "writeStream " + size + " B", size, runs, write);
        publish(reporter, "reader " + size + " B", size, runs, read);
    }

    @Test
    @CheckId("benchmark.list-delete")
    public void listAndDeleteDirectories(TestReporter reporter) {
        for (int count : new int[] {5, 50}) {
            int runs = 10;
            double[] list = new double[runs];
            double[] delete = new double[runs];
            for (int run = -1; run < runs; run++) {
                String dir = path("dir-" + count + "-" + (run + 1));
                for (int i = 0; i < count; i++) {
                    driver.putContent(dir + "/f" + i, new byte[16]);
                }
                long start = System.nanoTime();
                driver.list(dir);
                long listed = System.nanoTime();
                driver.delete(dir);
                long deleted = System.nanoTime();
                if (run >= 0) {
                    list[run] = (listed - start) / 1e6;
                    delete[run] = (deleted - listed) / 1e6;
                }
            }
            publish(reporter, "list of " + count + " files", 0, runs, median(list));
            publish(reporter, "delete of " + count + " files", 0, runs, median(delete));
        }
    }

    /** A timed action. */
    @FunctionalInterface
    private interface Action {
        void run() throws Exception;
    }

    private static double medianMillis(int runs, Action action) {
        double[] times = new double[runs];
        try {
            action.run();
            for (int i = 0; i < runs; i++) {
                long start = System.nanoTime();
                action.run();
                times[i] = (System.nanoTime() - start) / 1e6;
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return median(times);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static void publish(
            TestReporter reporter, String label, long bytes, int runs, double millis) {
        Map<String, String> entry = new LinkedHashMap<>();
        entry.put("benchmark", label);
        entry.put("runs", Integer.toString(runs));
        entry.put("median ms", String.format("%.3f", millis));
        if (bytes > 0 && millis > 0) {
            entry.put("MiB/s", String.format("%.1f", bytes / (double) MIB / (millis / 1000)));
        }
        reporter.publishEntry(entry);
    }
}
