package io.storagedriver.internal.yamux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.storagedriver.FuzzInputs;
import io.storagedriver.QuietStandardError;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fuzzes sessions, client and server side, with {@value #SCRIPTS} frame sequences from a
 * scripted peer, seeded as {@link FuzzInputs} describes. Each session runs without threads (see
 * {@link YamuxSession#inline}), so a million of them fit in the build. The script arrives in
 * pieces of random size. Before each piece the application makes random calls, as a call
 * thread would between two reads of the session. It opens, writes, reads, half-closes, closes
 * and resets streams, accepts the peer's streams, sends GoAway or closes the session.
 *
 * <p>Every script must end the session cleanly, or with a {@link YamuxException} of kind
 * PROTOCOL_ERROR, or of kind SESSION_CLOSED without a cause. Application calls may fail only
 * with an {@link IOException}. Once the session has ended, every stream's reads must end and its
 * writes fail at once. Anything else fails the test with the seed and the script, and so does a
 * session that does not end.
 */
@ExtendWith(QuietStandardError.class)
class InlineSessionFuzzTest {
    private static final int SCRIPTS = 1_000_000;

    /** A guard against a session that never ends, not a measure of how fast scripts run. */
    private static final long GUARD_MINUTES = 8;

    /** Bytes the application writes to one stream at most, below the initial send window. */
    private static final int MAX_WRITTEN_PER_STREAM = 192 * 1024;

    @Test
    void scriptedPeersEndSessionsCleanly() throws Exception {
        long seed = FuzzInputs.seed() + 2;
        int workers = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        AtomicLong[] current = new AtomicLong[workers];
        List<Future<Map<String, Integer>>> results = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(workers, task -> {
            Thread thread = new Thread(task, "inline-fuzz");
            thread.setDaemon(true);
            return thread;
        });
        long started = System.nanoTime();
        try {
            for (int worker = 0; worker < workers; worker++) {
                int first = worker;
                AtomicLong position = current[worker] = new AtomicLong(first);
                results.add(pool.submit(() -> {
                    Map<String, Integer> endings = new HashMap<>();
                    for (int index = first; index < SCRIPTS; index += workers) {
                        position.set(index);
                        endings.merge(runScript(seed, index), 1, Integer::sum);
                    }
                    return endings;
                }));
            }
            Map<String, Integer> endings = new TreeMap<>();
            long deadline = started + TimeUnit.MINUTES.toNanos(GUARD_MINUTES);
            for (int worker = 0; worker < workers; worker++) {
                try {
                    results.get(worker).get(Math.max(0, deadline - System.nanoTime()),
                            TimeUnit.NANOSECONDS)
                            .forEach((ending, count) -> endings.merge(ending, count,
                                    Integer::sum));
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof Error error) {
                        throw error;
                    }
                    throw e;
                } catch (TimeoutException e) {
                    long index = current[worker].get();
                    fail("input " + index + " of seed " + seed + " (rerun with -D"
                            + FuzzInputs.SEED_PROPERTY + "=" + seed + ") did not end within "
                            + GUARD_MINUTES + " minutes of the run's start");
                }
            }
            assertEquals(SCRIPTS, endings.values().stream().mapToInt(Integer::intValue).sum());
            System.out.printf("inline sessions: %s in %d s on %d threads (seed %d)%n", endings,
                    TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started), workers, seed);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Runs input {@code index} of {@code seed} and returns how its session ended. */
    private static String runScript(long seed, int index) {
        SplittableRandom random = FuzzInputs.random(seed, index);
        boolean client = random.nextBoolean();
        byte[] script = FuzzFrames.sessionInput(random, 24, 8192, client);
        YamuxConfig config = YamuxConfig.defaults().withName("inline-fuzz")
                .withAcceptBacklog(random.nextInt(4) == 0 ? random.nextInt(2) : 256)
                .withAckDelay(random.nextBoolean()
                        ? Duration.ZERO : YamuxConfig.DEFAULT_ACK_DELAY);
        Application application = new Application(random.split());
        ScriptChannel channel = new ScriptChannel(script, random.split(), application);
        YamuxSession session = YamuxSession.inline(channel, config, client,
                FrameHeader.SIZE + random.nextInt(500));
        application.session = session;
        String where = FuzzInputs.describe(seed, index, script) + " on the "
                + (client ? "client" : "server") + " side";
        try {
            application.openFirstStreams();
            session.runInline();
            if (!session.closeFuture().isDone()) {
                fail("the read loop returned before the session of " + where + " ended");
            }
            if (application.failure != null) {
                throw new AssertionError("an application call during the session of " + where
                        + " threw " + application.failure, application.failure);
            }
            String ending = ending(session, where);
            application.checkStreamsEnded(where);
            return ending;
        } finally {
            session.close();
        }
    }

    private static String ending(YamuxSession session, String where) {
        try {
            session.closeFuture().getNow(null);
            return "clean end";
        } catch (CompletionException e) {
            Throwable end = e.getCause();
            if (!(end instanceof YamuxException yamux) || yamux.getCause() != null
                    || yamux.kind() == YamuxException.Kind.STREAM_RESET) {
                throw new AssertionError("the session of " + where + " ended with " + end, end);
            }
            return yamux.kind().name();
        }
    }

    /**
     * The application side of a session: random calls on its streams, made before each channel
     * read. Calls may fail with an {@link IOException}; any other exception is kept in
     * {@link #failure}.
     */
    private static final class Application {
        private final SplittableRandom random;
        private final List<YamuxStream> streams = new ArrayList<>();
        private final Map<YamuxStream, Integer> written = new HashMap<>();
        private final byte[] scratch = new byte[4096];
        YamuxSession session;
        RuntimeException failure;

        Application(SplittableRandom random) {
            this.random = random;
        }

        /** Opens two streams and writes three bytes on the first, before the script arrives. */
        void openFirstStreams() {
            try {
                YamuxStream first = open();
                open();
                write(first, 3);
            } catch (IOException e) {
                throw new AssertionError("a new session failed to open streams", e);
            }
        }

        void act() {
            int calls = random.nextInt(3);
            for (int call = 0; call < calls && failure == null; call++) {
                try {
                    actOnce();
                } catch (IOException e) {
                    // Reset streams and ended sessions fail calls with an IOException.
                } catch (RuntimeException e) {
                    failure = e;
                }
            }
        }

        private void actOnce() throws IOException {
            int choice = random.nextInt(100);
            if (choice < 8) {
                open();
                return;
            }
            if (choice < 16) {
                YamuxStream accepted = session.pollAccepted();
                if (accepted != null) {
                    streams.add(accepted);
                }
                return;
            }
            if (choice == 16) {
                session.goAway();
                return;
            }
            if (choice == 17 && random.nextInt(4) == 0) {
                session.close();
                return;
            }
            if (streams.isEmpty()) {
                return;
            }
            YamuxStream stream = streams.get(random.nextInt(streams.size()));
            if (choice < 45) {
                write(stream, 1 + random.nextInt(2048));
            } else if (choice < 80) {
                int available = stream.inputStream().available();
                if (available > 0) {
                    stream.inputStream().read(scratch, 0,
                            Math.min(scratch.length, 1 + random.nextInt(available)));
                }
            } else if (choice < 88) {
                stream.closeWrite();
            } else if (choice < 94) {
                stream.close();
            } else {
                stream.reset();
            }
        }

        private YamuxStream open() throws IOException {
            YamuxStream stream = session.openStream();
            streams.add(stream);
            return stream;
        }

        /**
         * Writes unless the stream's send window might not hold the bytes, after writing queued
         * frames so that the send buffer has room: an inline session's writes must never wait.
         */
        private void write(YamuxStream stream, int length) throws IOException {
            int total = written.getOrDefault(stream, 0) + length;
            if (total > MAX_WRITTEN_PER_STREAM) {
                return;
            }
            written.put(stream, total);
            session.flushInline();
            stream.outputStream().write(scratch, 0, length);
        }

        /**
         * Checks that each stream's reads end, after any buffered data, with end of stream or an
         * {@link IOException}, and that its writes fail at once with an {@link IOException}.
         */
        void checkStreamsEnded(String where) {
            for (YamuxStream stream : streams) {
                InputStream in = stream.inputStream();
                try {
                    int reads = 0;
                    while (in.read(scratch) >= 0) {
                        if (++reads > 1000) {
                            fail(stream + " still delivers data after the session of " + where);
                        }
                    }
                } catch (IOException e) {
                    // The stream was reset or the session failed.
                }
                try {
                    stream.outputStream().write(1);
                    fail("a write to " + stream + " succeeded after the session of " + where);
                } catch (IOException e) {
                    // The stream is closed for writing, reset, or its session ended.
                }
            }
        }
    }

    /**
     * A channel that serves the script in pieces of random size and then end of stream, letting
     * the application act before each piece. Writes are dropped. Only one thread uses it.
     */
    private static final class ScriptChannel implements ByteChannel {
        private final byte[] script;
        private final SplittableRandom random;
        private final Application application;
        private int position;
        private boolean closed;

        ScriptChannel(byte[] script, SplittableRandom random, Application application) {
            this.script = script;
            this.random = random;
            this.application = application;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            if (!closed) {
                application.act();
            }
            if (closed) {
                throw new ClosedChannelException();
            }
            if (position == script.length) {
                return -1;
            }
            int count = Math.min(Math.min(dst.remaining(), script.length - position),
                    1 + random.nextInt(random.nextBoolean() ? 16 : 4096));
            dst.put(script, position, count);
            position += count;
            return count;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            if (closed) {
                throw new ClosedChannelException();
            }
            int count = src.remaining();
            src.position(src.limit());
            return count;
        }

        @Override
        public boolean isOpen() {
            return !closed;
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
