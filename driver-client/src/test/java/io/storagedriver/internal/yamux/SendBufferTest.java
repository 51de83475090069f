package io.storagedriver.internal.yamux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
}
