package io.storagedriver.bench;

import io.storagedriver.client.DriverClient;
import io.storagedriver.client.DriverOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Reads from the {@code inmemory} driver on 1, 8 or 64 streams at once, one thread per stream.
 * Each operation starts all streams together, lets them read for {@link #WINDOW_MILLIS} and
 * stops them; every stream reads a {@link #FILE_BYTES} file from the start again and again and
 * counts its own bytes.
 *
 * <p>The auxiliary counters, in MiB per second of the iteration: {@code movedMib} is the
 * aggregate throughput and {@code slowestStreamMib} that of the stream that moved the fewest
 * bytes in each operation. The slowest stream's share of its fair share is {@code
 * slowestStreamMib * streams / movedMib}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class ConcurrencyBenchmark {
    static final long WINDOW_MILLIS = 500;
    static final int FILE_BYTES = 16 * 1024 * 1024;
    static final String PATH = "/bench/concurrency/file";
    private static final double MIB = 1024.0 * 1024.0;

    @Param({"1", "8", "64"})
    int streams;

    DriverClient client;
    ExecutorService pool;

    /** Counters that JMH divides by the iteration's time. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Moved {
        public double movedMib;
        public double slowestStreamMib;

        @Setup(Level.Iteration)
        public void reset() {
            movedMib = 0;
            slowestStreamMib = 0;
        }
    }

    @Setup(Level.Trial)
    public void start() {
        client = DriverClient.start(DriverOptions.name("inmemory").build());
        byte[] content = new byte[FILE_BYTES];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) (i * 7);
        }
        client.putContent(PATH, content);
        pool = Executors.newFixedThreadPool(streams);
    }

    @TearDown(Level.Trial)
    public void stop() {
        pool.shutdownNow();
        client.close();
    }

    @Benchmark
    public void readAtOnce(Moved moved) throws InterruptedException, ExecutionException {
        CountDownLatch ready = new CountDownLatch(streams);
        CountDownLatch go = new CountDownLatch(1);
        AtomicBoolean stop = new AtomicBoolean();
        List<Future<Long>> counts = new ArrayList<>(streams);
        for (int i = 0; i < streams; i++) {
            counts.add(pool.submit(() -> readUntilStopped(ready, go, stop)));
        }
        ready.await();
        go.countDown();
        Thread.sleep(WINDOW_MILLIS);
        stop.set(true);
        long total = 0;
        long slowest = Long.MAX_VALUE;
        for (Future<Long> count : counts) {
            long bytes = count.get();
            total += bytes;
            slowest = Math.min(slowest, bytes);
        }
        moved.movedMib += total / MIB;
        moved.slowestStreamMib += slowest / MIB;
    }

    private long readUntilStopped(CountDownLatch ready, CountDownLatch go, AtomicBoolean stop)
            throws InterruptedException {
        byte[] buffer = new byte[64 * 1024];
        long bytes = 0;
        ready.countDown();
        go.await();
        while (!stop.get()) {
            try (InputStream in = client.reader(PATH, 0)) {
                int n;
                while (!stop.get() && (n = in.read(buffer, 0, buffer.length)) >= 0) {
                    bytes += n;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return bytes;
    }
}
