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
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes a client session with frame sequences from a scripted peer, seeded as {@link
 * FuzzInputs} describes. The session has opened streams 1 and 3 and may be reading stream 1
 * when the script arrives. Every script must end the session cleanly at its end, or with a
 * {@link YamuxException} of kind PROTOCOL_ERROR, or of kind SESSION_CLOSED without a cause when
 * it stops inside a frame or the peer sent GoAway with an error code; a failure that wraps
 * another exception, or a session that does not end, fails the test with the seed and the
 * script. {@value #IN_MEMORY_SCRIPTS} scripts arrive through an in-memory channel and {@value
 * #SOCKET_SCRIPTS} through a real socketpair.
 */
@ExtendWith(QuietStandardError.class)
class SessionFuzzTest {
    private static final int IN_MEMORY_SCRIPTS = 10_000;
    private static final int SOCKET_SCRIPTS = 500;

    /** A guard against a session that never ends, not a measure of how fast it ends. */
    private static final long END_GUARD_SECONDS = 10;

    @Test
    @Timeout(120)
    void inMemoryScriptsEndSessionsCleanly() throws Exception {
        long seed = FuzzInputs.seed();
        Map<String, Integer> endings = new TreeMap<>();
        for (int index = 0; index < IN_MEMORY_SCRIPTS; index++) {
            SplittableRandom random = FuzzInputs.random(seed, index);
            byte[] script = FuzzFrames.sessionInput(random, 24, 8192);
            ScriptChannel channel = new ScriptChannel(script);
            YamuxConfig config = YamuxConfig.defaults().withName("fuzz")
                    .withAcceptBacklog(random.nextInt(4) == 0 ? 0 : 256);
            endings.merge(run(YamuxSession.client(channel, config), channel::release, random,
                    seed, index, script), 1, Integer::sum);
        }
        System.out.printf("in-memory sessions: %s (seed %d)%n", endings, seed);
        assertEquals(List.of(), fuzzThreads(), "session threads alive after the fuzzing");
    }

    @Test
    @Timeout(120)
    void socketScriptsEndSessionsCleanly() throws Exception {
        long seed = FuzzInputs.seed() + 1;
        Map<String, Integer> endings = new TreeMap<>();
        for (int index = 0; index < SOCKET_SCRIPTS; index++) {
            SplittableRandom random = FuzzInputs.random(seed, index);
            byte[] script = FuzzFrames.sessionInput(random, 24, 8192);
            try (MockYamuxPeer peer = new MockYamuxPeer()) {
                YamuxSession session = YamuxSession.client(peer.sessionChannel(),
                        YamuxConfig.defaults().withName("fuzz"));
                Runnable send = () -> {
                    try {
                        peer.sendBytes(script);
                        peer.shutdownOutput();
                    } catch (IOException e) {
                        // The session closed the socket after a protocol error.
                    }
                };
                endings.merge(run(session, send, random, seed, index, script), 1,
                        Integer::sum);
            }
        }
        System.out.printf("socket sessions: %s (seed %d)%n", endings, seed);
        assertEquals(List.of(), fuzzThreads(), "session threads alive after the fuzzing");
    }

    /**
     * Opens streams 1 and 3, maybe starts reading stream 1, lets the script arrive and returns
     * how the session ended.
     */
    private static String run(YamuxSession session, Runnable deliver, SplittableRandom random,
            long seed, int index, byte[] script) throws Exception {
        Thread reader = null;
        try {
            YamuxStream first = session.openStream();
            session.openStream();
            first.outputStream().write(new byte[] {1, 2, 3});
            if (random.nextInt(4) == 0) {
                reader = new Thread(() -> drain(first.inputStream()), "fuzz-stream-reader");
                reader.start();
            }
            deliver.run();
            session.closeFuture().get(END_GUARD_SECONDS, TimeUnit.SECONDS);
            return "clean end";
        } catch (ExecutionException | CompletionException e) {
            return classify(e.getCause(), seed, index, script);
        } catch (TimeoutException e) {
            return fail("the session did not end within " + END_GUARD_SECONDS + " s of "
                    + FuzzInputs.describe(seed, index, script));
        } finally {
            session.close();
            if (reader != null) {
                reader.join(TimeUnit.SECONDS.toMillis(END_GUARD_SECONDS));
                if (reader.isAlive()) {
                    fail("a stream read did not end after the session of "
                            + FuzzInputs.describe(seed, index, script));
                }
            }
        }
    }

    private static String classify(Throwable end, long seed, int index, byte[] script) {
        if (!(end instanceof YamuxException yamux) || yamux.getCause() != null
                || yamux.kind() == YamuxException.Kind.STREAM_RESET) {
            throw new AssertionError("the session of " + FuzzInputs.describe(seed, index, script)
                    + " ended with " + end, end);
        }
        return yamux.kind().name();
    }

    private static void drain(InputStream in) {
        byte[] buffer = new byte[8192];
        try {
            while (in.read(buffer) >= 0) {
                // Only the reading matters.
            }
        } catch (IOException e) {
            // The stream was reset or the session ended.
        }
    }

    private static List<String> fuzzThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name -> name.endsWith("-fuzz") || name.equals("fuzz-stream-reader"))
                .toList();
    }

    /**
     * A channel whose reads block until {@link #release()}, then serve the script and end of
     * stream. Writes are dropped. Closing it wakes a blocked read.
     */
    static final class ScriptChannel implements ByteChannel {
        private final byte[] script;
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private int position;
        private boolean released;
        private boolean closed;

        ScriptChannel(byte[] script) {
            this.script = script;
        }

        void release() {
            lock.lock();
            try {
                released = true;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            lock.lock();
            try {
                while (!released && !closed) {
                    changed.awaitUninterruptibly();
                }
                if (closed) {
                    throw new ClosedChannelException();
                }
                if (position == script.length) {
                    return -1;
                }
                int count = Math.min(dst.remaining(), script.length - position);
                dst.put(script, position, count);
                position += count;
                return count;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            lock.lock();
            try {
                if (closed) {
                    throw new ClosedChannelException();
                }
            } finally {
                lock.unlock();
            }
            int count = src.remaining();
            src.position(src.limit());
            return count;
        }

        @Override
        public boolean isOpen() {
            lock.lock();
            try {
                return !closed;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void close() {
            lock.lock();
            try {
                closed = true;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }
}
