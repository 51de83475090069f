package io.storagedriver.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.storagedriver.FileInfo;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * 32 calls at once on one client of the in-memory driver. One of them reads a 256 MiB file and
 * stops midway without closing its stream. Flow control is per stream, so the other 31 calls
 * complete while that stream's window stays full.
 */
class ConcurrentCallsTest {
    private static final long BIG_SIZE = 256L * 1024 * 1024;
    private static final long MIDWAY = BIG_SIZE / 2;
    private static final int SMALL_FILES = 8;
    private static final int SMALL_SIZE = 512 * 1024;
    private static final int OTHER_CALLS = 31;

    /** A guard against calls blocked behind the stalled stream, not a measure of speed. */
    private static final Duration HANG_GUARD = Duration.ofSeconds(90);

    private static String smallFile(int index) {
        return "/small/file" + index;
    }

    @Test
    void stalledReaderDoesNotBlockOtherCalls() {
        assertTimeoutPreemptively(HANG_GUARD, () -> {
            ExecutorService threads = Executors.newFixedThreadPool(OTHER_CALLS + 1);
            try (DriverClient client = DriverClient.start(TestDriverOptions.inMemory().build())) {
                long written = client.writeStream("/big", 0, PatternContent.stream(31, 0,
                        BIG_SIZE));
                assertEquals(BIG_SIZE, written, "bytes written to /big");
                for (int i = 0; i < SMALL_FILES; i++) {
                    client.putContent(smallFile(i), PatternContent.bytes(100 + i, SMALL_SIZE));
                }
                runCalls(client, threads);
                assertEquals(BIG_SIZE, client.currentSize("/big"),
                        "currentSize of /big after the stalled reader closed");
            } finally {
                threads.shutdownNow();
                assertTrue(threads.awaitTermination(30, TimeUnit.SECONDS),
                        "the call threads ended");
            }
        });
    }

    private static void runCalls(DriverClient client, ExecutorService threads)
            throws Exception {
        CountDownLatch midway = new CountDownLatch(1);
        CountDownLatch othersDone = new CountDownLatch(1);
        Future<Long> bigReader = threads.submit(() -> readHalfAndStall(client, midway,
                othersDone));
        List<Future<?>> others = new ArrayList<>();
        for (Callable<?> call : otherCalls(client)) {
            others.add(threads.submit(() -> {
                midway.await();
                return call.call();
            }));
        }
        for (int i = 0; i < others.size(); i++) {
            others.get(i).get();
        }
        assertFalse(bigReader.isDone(),
                "the big reader still holds its stream when the others complete");
        othersDone.countDown();
        assertEquals(MIDWAY, bigReader.get(), "bytes read from /big before stopping");

        for (int i = 0; i < 5; i++) {
            PatternContent.assertMatches(200 + i, 0, SMALL_SIZE,
                    client.getContent("/put/file" + i), "content of /put/file" + i);
        }
    }

    /** Reads and checks the first half of /big, then holds the stream open until released. */
    private static long readHalfAndStall(DriverClient client, CountDownLatch midway,
            CountDownLatch othersDone) throws IOException, InterruptedException {
        long position = 0;
        try (InputStream in = client.reader("/big", 0)) {
            byte[] buffer = new byte[64 * 1024];
            while (position < MIDWAY) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, MIDWAY - position));
                if (n < 0) {
                    break;
                }
                for (int i = 0; i < n; i++) {
                    byte expected = PatternContent.byteAt(31, position + i);
                    if (buffer[i] != expected) {
                        throw new AssertionError("/big byte " + (position + i) + ": expected "
                                + expected + ", actual " + buffer[i]);
                    }
                }
                position += n;
            }
            midway.countDown();
            othersDone.await();
        }
        return position;
    }

    /** Returns the 31 calls that run while the big reader stalls, each checking its result. */
    private static List<Callable<?>> otherCalls(DriverClient client) {
        List<Callable<?>> calls = new ArrayList<>();
        for (int i = 0; i < SMALL_FILES; i++) {
            int index = i;
            calls.add(() -> {
                PatternContent.assertMatches(100 + index, 0, SMALL_SIZE,
                        client.getContent(smallFile(index)), "getContent " + smallFile(index));
                return null;
            });
            calls.add(() -> {
                long offset = 1000L * index;
                try (InputStream in = client.reader(smallFile(index), offset)) {
                    PatternContent.assertMatches(100 + index, offset, SMALL_SIZE - offset,
                            in.readAllBytes(), "reader " + smallFile(index) + " at " + offset);
                }
                return null;
            });
        }
        for (int i = 0; i < 5; i++) {
            int index = i;
            calls.add(() -> {
                client.putContent("/put/file" + index, PatternContent.bytes(200 + index,
                        SMALL_SIZE));
                return null;
            });
            calls.add(() -> {
                FileInfo info = client.stat(smallFile(index));
                assertEquals(SMALL_SIZE, info.size(), "stat size of " + smallFile(index));
                return null;
            });
        }
        for (int i = 0; i < 5; i++) {
            calls.add(() -> {
                Set<String> expected = new HashSet<>();
                for (int j = 0; j < SMALL_FILES; j++) {
                    expected.add(smallFile(j));
                }
                assertEquals(expected, new HashSet<>(client.list("/small")), "list /small");
                return null;
            });
        }
        assertEquals(OTHER_CALLS, calls.size(), "number of other calls");
        return calls;
    }
}
