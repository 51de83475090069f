package io.storagedriver.junit.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.storagedriver.PathNotFoundException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Checks that the driver serves concurrent calls correctly. Every check is bounded in time. */
@Tag("concurrency")
public class ConcurrencyChecks extends CheckSupport {
    private static final int THREADS = 8;
    private static final long TIMEOUT_SECONDS = 120;

    @Test
    @CheckId("concurrency.parallel-readers")
    public void parallelReadersOfOneFile() throws Exception {
        String file = path("shared");
        long seed = seed("shared");
        int size = 3 * 1024 * 1024 + 17;
        driver.putContent(file, Patterns.bytes(seed, size));
        List<Callable<Void>> readers = new ArrayList<>();
        for (int i = 0; i < THREADS * 4; i++) {
            long offset = (long) i * (size / (THREADS * 4));
            readers.add(() -> {
                Patterns.assertStream("reader(" + file + ", " + offset + ") among "
                        + THREADS * 4 + " concurrent readers", driver.reader(file, offset), seed,
                        offset, size - offset);
                return null;
            });
        }
        runAll("parallel readers of " + file, readers);
    }

    @Test
    @CheckId("concurrency.parallel-writers")
    public void parallelWritersOfDistinctFiles() throws Exception {
        int files = THREADS * 4;
        List<Callable<Void>> writers = new ArrayList<>();
        for (int i = 0; i < files; i++) {
            String file = path("dir" + (i % 4) + "/file" + i);
            long seed = seed("file" + i);
            int size = 100_000 + i * 1000;
            writers.add(() -> {
                if (size % 2 == 0) {
                    driver.putContent(file, Patterns.bytes(seed, size));
                } else {
                    driver.writeStream(file, 0, Patterns.stream(seed, 0, size));
                }
                return null;
            });
        }
        runAll("parallel writers", writers);
        for (int i = 0; i < files; i++) {
            String file = path("dir" + (i % 4) + "/file" + i);
            Patterns.assertBytes("getContent(" + file + ") written concurrently with "
                    + (files - 1) + " other files", Patterns.bytes(seed("file" + i),
                    100_000 + i * 1000), driver.getContent(file));
        }
    }

    @Test
    @CheckId("concurrency.many-small-files")
    public void manySmallFiles() throws Exception {
        int count = 500;
        List<Callable<Void>> writers = new ArrayList<>();
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < count; i++) {
            String file = path("many/f" + i);
            expected.add(file);
            byte[] content = ("file " + i).getBytes(StandardCharsets.UTF_8);
            writers.add(() -> {
                driver.putContent(file, content);
                return null;
            });
        }
        runAll("writing " + count + " small files", writers);

        List<String> listed = driver.list(path("many"));
        Expect.sameEntries("list(" + path("many") + ") after writing " + count + " files",
                expected, listed);
        List<Callable<Void>> readers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String file = path("many/f" + i);
            String text = "file " + i;
            readers.add(() -> {
                assertEquals(text, new String(driver.getContent(file),
                        StandardCharsets.UTF_8), "getContent(" + file + ")");
                return null;
            });
        }
        runAll("reading " + count + " small files", readers);

        driver.delete(path("many"));
        Expect.raises(PathNotFoundException.class, "list(" + path("many")
                + ") after deleting it", () -> driver.list(path("many")));
    }

    /** Runs the tasks on a pool and fails with the first failure, or when they take too long. */
    private static void runAll(String description, List<Callable<Void>> tasks) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<Void>> futures = pool.invokeAll(tasks, TIMEOUT_SECONDS, TimeUnit.SECONDS);
            for (Future<Void> future : futures) {
                try {
                    future.get();
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof Error error) {
                        throw error;
                    }
                    throw (Exception) e.getCause();
                } catch (CancellationException e) {
                    fail(description + " did not finish within " + TIMEOUT_SECONDS + " seconds");
                }
            }
        } finally {
            pool.shutdownNow();
            if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
                throw new TimeoutException(
                        description + ": worker threads still running after cancel");
            }
        }
    }
}
