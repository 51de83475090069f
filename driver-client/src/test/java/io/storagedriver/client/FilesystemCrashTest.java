package io.storagedriver.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import io.storagedriver.DriverExitedException;
import io.storagedriver.FileWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launched filesystem driver, killed with SIGKILL while it receives or writes a file, never
 * leaves part of the new content visible under the file's name: the file contains the old content
 * or all of the new one, read from disk and through a restarted driver. Each test kills the
 * driver {@value #KILLS} times, at delays spread from the start of the call to past its end.
 */
@Timeout(300)
class FilesystemCrashTest {
    private static final int KILLS = 8;
    private static final String PATH = "/crash/file";
    private static final byte[] OLD = PatternContent.bytes(1, 1024 * 1024 + 7);
    private static final byte[] NEW = PatternContent.bytes(2, 24 * 1024 * 1024);

    @TempDir
    Path directory;

    private static DriverClient start(Path root) {
        return DriverClient.start(TestDriverOptions.filesystem(root)
                .jvmOptions(TestDriverOptions.QUICK_START)
                .build());
    }

    /** A write of {@link #NEW} to {@link #PATH} through one kind of call. */
    @FunctionalInterface
    private interface Write {
        void run(DriverClient client);
    }

    @Test
    void killDuringPutKeepsFileWhole() throws Exception {
        killDuringWrites(client -> client.putContent(PATH, NEW));
    }

    @Test
    void killDuringWriterKeepsFileWhole() throws Exception {
        killDuringWrites(client -> {
            FileWriter writer = client.writer(PATH, false);
            for (int offset = 0; offset < NEW.length; offset += 1024 * 1024) {
                writer.write(NEW, offset, Math.min(1024 * 1024, NEW.length - offset));
            }
            writer.commit();
        });
    }

    /**
     * Kills the driver {@link #KILLS} times during {@code write}, each time after storing the old
     * content, and checks the file after each kill, on disk and through the next driver, which
     * then takes the next write.
     */
    private void killDuringWrites(Write write) throws Exception {
        Path root = directory.resolve("root");
        long writeMillis = timeOneWrite(root, write);
        SplittableRandom random = new SplittableRandom(Long.getLong("crash.seed", 20_241_204L));
        List<String> outcomes = new ArrayList<>();
        DriverClient client = start(root);
        try {
            for (int kill = 0; kill < KILLS; kill++) {
                client.putContent(PATH, OLD);
                long spacing = writeMillis * 3 / 2 / KILLS;
                long delay = kill * spacing + random.nextLong(1 + spacing);
                outcomes.add(writeAndKill(client, write, delay));
                client.close();
                byte[] onDisk = Files.readAllBytes(root.resolve(PATH.substring(1)));
                assertOldOrNew(onDisk, "on disk after a kill " + delay + " ms into the write");

                client = start(root);
                assertOldOrNew(client.getContent(PATH), "through a restarted driver after a "
                        + "kill " + delay + " ms into the write");
                assertEquals(List.of("/crash"), client.list("/"), "listing of the root");
                assertEquals(List.of(PATH), client.list("/crash"), "listing of /crash");
            }
        } finally {
            client.close();
        }
        System.out.println("kills during writes of " + writeMillis + " ms: " + outcomes);
    }

    /**
     * Writes twice without a kill and returns how long the second call took, in milliseconds;
     * the first one warms up this JVM.
     */
    private static long timeOneWrite(Path root, Write write) {
        try (DriverClient client = start(root)) {
            write.run(client);
            long started = System.nanoTime();
            write.run(client);
            return Math.max(1, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        }
    }

    /** Starts the write, kills the driver after {@code delayMillis} and describes the outcome. */
    private static String writeAndKill(DriverClient client, Write write, long delayMillis)
            throws InterruptedException {
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            try {
                write.run(client);
            } catch (RuntimeException e) {
                failure.set(e);
            }
        }, "crash-writer");
        writer.start();
        Thread.sleep(delayMillis);
        ProcessHandle.of(client.pid()).orElseThrow().destroyForcibly();
        writer.join(60_000);
        assertFalse(writer.isAlive(), "the write ended after the kill");
        if (failure.get() != null && !(failure.get() instanceof DriverExitedException)) {
            fail("the write failed with " + failure.get() + " instead of DriverExitedException");
        }
        return delayMillis + " ms: " + (failure.get() == null ? "done" : "failed");
    }

    private static void assertOldOrNew(byte[] content, String where) {
        if (!Arrays.equals(OLD, content) && !Arrays.equals(NEW, content)) {
            fail("content " + where + " is neither the old " + OLD.length + " bytes nor the new "
                    + NEW.length + " bytes, but " + content.length + " other bytes");
        }
    }
}
