package io.storagedriver.internal.yamux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SendBufferTest {
    /** Channel that accepts at most {@code maxWrite} bytes per call, to force partial writes. */
    private static final class TricklingChannel implements WritableByteChannel {
        final ByteArrayOutputStream written = new ByteArrayOutputStream();
        private final int maxWrite;

        TricklingChannel(int maxWrite) {
            this.maxWrite = maxWrite;
        }

        @Override
        public synchronized int write(ByteBuffer src) {
            int count = Math.min(maxWrite, src.remaining());
            byte[] bytes = new byte[count];
            src.get(bytes);
            written.write(bytes, 0, count);
            return count;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    @Test
    void framesSurviveRingWrapAndPartialWrites() throws Exception {
        int maxDataFrame = 40_000;
        SendBuffer buffer = new SendBuffer(SendBuffer.capacityFor(maxDataFrame));
        FrameWriter writer = new FrameWriter(buffer, maxDataFrame, "test");
        TricklingChannel channel = new TricklingChannel(7_777);
        AtomicReference<Throwable> writerFailure = new AtomicReference<>();
        Thread writerThread = new Thread(() -> {
            try {
                buffer.drainTo(channel);
            } catch (Throwable t) {
                writerFailure.set(t);
            }
        });
        writerThread.start();

        // 200 frames of 0 to 40000 bytes add up to several MiB, so the 1 MiB ring wraps often.
        Random random = new Random(5);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (int i = 0; i < 200; i++) {
            byte[] payload = new byte[random.nextInt(maxDataFrame + 1)];
            random.nextBytes(payload);
            ByteBuffer header = ByteBuffer.allocate(FrameHeader.SIZE);
            FrameHeader.of(FrameHeader.TYPE_DATA, 0, 2 * i + 1, payload.length).encode(header);
            expected.write(header.array());
            expected.write(payload);

            buffer.lock.lock();
            try {
                buffer.awaitRoomForData(FrameHeader.SIZE + payload.length, () -> false);
                writer.data(2 * i + 1, 0, payload, 0, payload.length);
            } finally {
                buffer.lock.unlock();
            }
        }
        buffer.shutdown(new YamuxException(YamuxException.Kind.SESSION_CLOSED, "done"));
        writerThread.join();

        assertEquals(null, writerFailure.get());
        assertArrayEquals(expected.toByteArray(), channel.written.toByteArray());
    }

    @Test
    void shutdownRejectsNewFrames() {
        SendBuffer buffer = new SendBuffer(SendBuffer.capacityFor(1024));
        buffer.shutdown(new YamuxException(YamuxException.Kind.SESSION_CLOSED, "session closed"));

        buffer.lock.lock();
        try {
            YamuxException e = assertThrows(YamuxException.class, buffer::hasRoomForControl);
            assertEquals(YamuxException.Kind.SESSION_CLOSED, e.kind());
            assertEquals("session closed", e.getMessage());
        } finally {
            buffer.lock.unlock();
        }
    }

    @Test
    void dataFramesLeaveControlReserveFree() throws Exception {
        int capacity = SendBuffer.capacityFor(64 * 1024);
        SendBuffer buffer = new SendBuffer(capacity);
        FrameWriter writer = new FrameWriter(buffer, 64 * 1024, "test");
        byte[] payload = new byte[64 * 1024];
        CountDownLatch blocked = new CountDownLatch(1);
        AtomicReference<Throwable> producerFailure = new AtomicReference<>();

        // Without a writer thread the ring fills; the producer then waits until interrupted.
        Thread producer = new Thread(() -> {
            buffer.lock.lock();
            try {
                while (true) {
                    if (buffer.free() - SendBuffer.CONTROL_RESERVE
                            < FrameHeader.SIZE + payload.length) {
                        blocked.countDown();
                    }
                    buffer.awaitRoomForData(FrameHeader.SIZE + payload.length, () -> false);
                    writer.data(1, 0, payload, 0, payload.length);
                }
            } catch (Throwable t) {
                producerFailure.set(t);
            } finally {
                buffer.lock.unlock();
            }
        });
        producer.start();
        blocked.await();
        producer.interrupt();
        producer.join();

        assertTrue(producerFailure.get() instanceof InterruptedIOException,
                String.valueOf(producerFailure.get()));
        buffer.lock.lock();
        try {
            assertTrue(buffer.free() >= SendBuffer.CONTROL_RESERVE);
            assertTrue(buffer.hasRoomForControl());
            writer.windowUpdate(1, FrameHeader.FLAG_FIN, 0);
        } finally {
            buffer.lock.unlock();
        }
    }

    @Test
    void writerRejectsOversizedDataFrame() {
        SendBuffer buffer = new SendBuffer(SendBuffer.capacityFor(1024));
        FrameWriter writer = new FrameWriter(buffer, 1024, "test");

        buffer.lock.lock();
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> writer.data(1, 0, new byte[1025], 0, 1025));
            assertEquals("data frame of 1025 bytes exceeds maxDataFrame 1024", e.getMessage());
        } finally {
            buffer.lock.unlock();
        }
    }

    @Test
    void writerRejectsSessionFrameOnStream() {
        SendBuffer buffer = new SendBuffer(SendBuffer.capacityFor(1024));
        FrameWriter writer = new FrameWriter(buffer, 1024, "test");

        buffer.lock.lock();
        try {
            assertThrows(IllegalArgumentException.class, () -> writer.windowUpdate(0, 0, 1));
        } finally {
            buffer.lock.unlock();
        }
        assertThrows(IllegalStateException.class, () -> writer.ping(FrameHeader.FLAG_SYN, 1));
    }

    @Test
    void deferredFrameWakesIdleWriter() throws Exception {
        SendBuffer buffer = new SendBuffer(SendBuffer.capacityFor(1024));
        FrameWriter writer = new FrameWriter(buffer, 1024, "test");
        TricklingChannel channel = new TricklingChannel(1024);
        long[] deadline = {Long.MAX_VALUE};
        SendBuffer.DeferredFrames deferred = () -> {
            if (deadline[0] == Long.MAX_VALUE) {
                return SendBuffer.DeferredFrames.NONE;
            }
            long remaining = deadline[0] - System.nanoTime();
            if (remaining > 0) {
                return remaining;
            }
            deadline[0] = Long.MAX_VALUE;
            writer.windowUpdate(1, FrameHeader.FLAG_ACK, 7);
            return SendBuffer.DeferredFrames.NONE;
        };
        Thread writerThread = new Thread(() -> {
            try {
                buffer.drainTo(channel, deferred, TimeUnit.MILLISECONDS.toNanos(1));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        writerThread.start();
        // Past the linger time the writer waits without a timeout.
        while (writerThread.getState() != Thread.State.WAITING) {
            Thread.sleep(1);
        }

        buffer.lock.lock();
        try {
            deadline[0] = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
            buffer.deferredFrameAdded();
        } finally {
            buffer.lock.unlock();
        }
        buffer.lock.lock();
        try {
            // Shut down only after the deferred frame was queued, which then still gets written.
            while (deadline[0] != Long.MAX_VALUE) {
                buffer.lock.unlock();
                Thread.sleep(1);
                buffer.lock.lock();
            }
        } finally {
            buffer.lock.unlock();
        }
        buffer.shutdown(new YamuxException(YamuxException.Kind.SESSION_CLOSED, "done"));
        writerThread.join();

        ByteBuffer expected = ByteBuffer.allocate(FrameHeader.SIZE);
        FrameHeader.of(FrameHeader.TYPE_WINDOW_UPDATE, FrameHeader.FLAG_ACK, 1, 7)
                .encode(expected);
        assertArrayEquals(expected.array(), channel.written.toByteArray());
    }

    /** Channel that takes only as many bytes as the test allows, so the test paces the drain. */
    private static final class GatedChannel implements WritableByteChannel {
        private long allowance;

        synchronized void allow(long bytes) {
            allowance += bytes;
            notifyAll();
        }

        @Override
        public synchronized int write(ByteBuffer src) throws IOException {
            while (allowance == 0) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting for allowance");
                }
            }
            int count = (int) Math.min(allowance, src.remaining());
            src.position(src.position() + count);
            allowance -= count;
            return count;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    private static final int FRAME_PAYLOAD = 64 * 1024;
    private static final int FRAME_BYTES = FrameHeader.SIZE + FRAME_PAYLOAD;

    /** Queues data frames of {@link #FRAME_BYTES} until the next one would not fit. */
    private static int fillWithFrames(SendBuffer buffer, FrameWriter writer) {
        byte[] payload = new byte[FRAME_PAYLOAD];
        int frames = 0;
        buffer.lock.lock();
        try {
            while (buffer.free() - SendBuffer.CONTROL_RESERVE >= FRAME_BYTES) {
                writer.data(1, 0, payload, 0, FRAME_PAYLOAD);
                frames++;
            }
        } finally {
            buffer.lock.unlock();
        }
        return frames;
    }

    /**
     * Starts a producer that waits for room for one frame, counting each evaluation of its
     * {@code abandoned} check in {@code checks}, and queues the frame unless {@code abandoned}
     * is set. {@code queued} counts the frames queued.
     */
    private static Thread startProducer(SendBuffer buffer, FrameWriter writer,
            AtomicInteger checks, AtomicBoolean abandoned, AtomicInteger queued) {
        Thread producer = new Thread(() -> {
            buffer.lock.lock();
            try {
                buffer.awaitRoomForData(FRAME_BYTES, () -> {
                    checks.incrementAndGet();
                    return abandoned.get();
                });
                if (!abandoned.get()) {
                    writer.data(3, 0, new byte[FRAME_PAYLOAD], 0, FRAME_PAYLOAD);
                    queued.incrementAndGet();
                }
            } catch (IOException e) {
                throw new AssertionError(e);
            } finally {
                buffer.lock.unlock();
            }
        });
        producer.start();
        return producer;
    }

    private static void awaitWaitingProducers(SendBuffer buffer, int count)
            throws InterruptedException {
        while (true) {
            buffer.lock.lock();
            try {
                if (buffer.waitingProducers() == count) {
                    return;
                }
            } finally {
                buffer.lock.unlock();
            }
            Thread.sleep(1);
        }
    }

    private static Thread startWriter(SendBuffer buffer, WritableByteChannel channel) {
        Thread writerThread = new Thread(() -> {
            try {
                buffer.drainTo(channel);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
        writerThread.start();
        return writerThread;
    }

    @Test
    void drainWakesProducersOneAtATime() throws Exception {
        SendBuffer buffer = new SendBuffer(SendBuffer.capacityFor(FRAME_PAYLOAD));
        FrameWriter writer = new FrameWriter(buffer, FRAME_PAYLOAD, "test");
        int capacity = buffer.free();
        int filled = fillWithFrames(buffer, writer);
        int producers = 12;
        AtomicInteger[] checks = new AtomicInteger[producers];
        AtomicInteger queued = new AtomicInteger();
        for (int i = 0; i < producers; i++) {
            checks[i] = new AtomicInteger();
            startProducer(buffer, writer, checks[i], new AtomicBoolean(), queued);
            // Waiting in turn puts the producers into the wait queue in this order.
            awaitWaitingProducers(buffer, i + 1);
        }
        GatedChannel channel = new GatedChannel();
        Thread writerThread = startWriter(buffer, channel);

        // After two full writes more than half the ring is free, which wakes one producer.
        channel.allow(2L * SendBuffer.MAX_WRITE);
        int room = capacity - (filled * FRAME_BYTES - 2 * SendBuffer.MAX_WRITE)
                - SendBuffer.CONTROL_RESERVE;
        int fitting = room / FRAME_BYTES;
        // The producer after the last one that fits wakes, finds no room and waits again.
        awaitWaitingProducers(buffer, producers - fitting);
        Thread.sleep(100);

        assertEquals(fitting, queued.get());
        for (int i = 0; i <= fitting; i++) {
            assertEquals(2, checks[i].get(), "checks of producer " + i);
        }
        for (int i = fitting + 1; i < producers; i++) {
            assertEquals(1, checks[i].get(), "checks of producer " + i);
        }
        buffer.shutdown(new YamuxException(YamuxException.Kind.SESSION_CLOSED, "done"));
        channel.allow(Long.MAX_VALUE / 2);
        writerThread.join();
    }

    @Test
    void abandonedProducerPassesWakeupOn() throws Exception {
        SendBuffer buffer = new SendBuffer(SendBuffer.capacityFor(FRAME_PAYLOAD));
        FrameWriter writer = new FrameWriter(buffer, FRAME_PAYLOAD, "test");
        fillWithFrames(buffer, writer);
        AtomicBoolean firstAbandoned = new AtomicBoolean();
        AtomicInteger queued = new AtomicInteger();
        Thread first = startProducer(buffer, writer, new AtomicInteger(), firstAbandoned, queued);
        awaitWaitingProducers(buffer, 1);
        Thread second = startProducer(buffer, writer, new AtomicInteger(), new AtomicBoolean(),
                queued);
        awaitWaitingProducers(buffer, 2);
        GatedChannel channel = new GatedChannel();
        Thread writerThread = startWriter(buffer, channel);

        // The reset that abandons the first producer's frame wakes nobody by itself.
        firstAbandoned.set(true);
        channel.allow(2L * SendBuffer.MAX_WRITE);

        first.join();
        second.join(TimeUnit.SECONDS.toMillis(10));
        assertFalse(second.isAlive(), "the second producer still waits for room");
        assertEquals(1, queued.get());
        buffer.shutdown(new YamuxException(YamuxException.Kind.SESSION_CLOSED, "done"));
        channel.allow(Long.MAX_VALUE / 2);
        writerThread.join();
    }

    @Test
    void shutdownWakesAllWaitingProducers() throws Exception {
        SendBuffer buffer = new SendBuffer(SendBuffer.capacityFor(FRAME_PAYLOAD));
        FrameWriter writer = new FrameWriter(buffer, FRAME_PAYLOAD, "test");
        fillWithFrames(buffer, writer);
        int producers = 3;
        Thread[] threads = new Thread[producers];
        AtomicReference<Throwable>[] failures = newFailures(producers);
        for (int i = 0; i < producers; i++) {
            AtomicReference<Throwable> failure = failures[i];
            threads[i] = new Thread(() -> {
                buffer.lock.lock();
                try {
                    buffer.awaitRoomForData(FRAME_BYTES, () -> false);
                } catch (Throwable t) {
                    failure.set(t);
                } finally {
                    buffer.lock.unlock();
                }
            });
            threads[i].start();
        }
        awaitWaitingProducers(buffer, producers);

        buffer.shutdown(new YamuxException(YamuxException.Kind.SESSION_CLOSED, "closed"));

        for (int i = 0; i < producers; i++) {
            threads[i].join();
            YamuxException e = assertInstanceOf(YamuxException.class, failures[i].get());
            assertEquals("closed", e.getMessage());
        }
        buffer.lock.lock();
        try {
            assertEquals(0, buffer.waitingProducers());
        } finally {
            buffer.lock.unlock();
        }
    }

    @SuppressWarnings("unchecked")
    private static AtomicReference<Throwable>[] newFailures(int count) {
        AtomicReference<Throwable>[] failures = new AtomicReference[count];
        for (int i = 0; i < count; i++) {
            failures[i] = new AtomicReference<>();
        }
        return failures;
    }
}
