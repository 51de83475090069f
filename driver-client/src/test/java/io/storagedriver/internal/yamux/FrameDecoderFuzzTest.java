package io.storagedriver.internal.yamux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.storagedriver.FuzzInputs;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes the frame decoder in memory with seeded inputs (see {@link FuzzInputs} for the seed):
 * {@link FrameHeader#decode} with {@value #HEADERS} headers, and {@link FrameReader} with
 * {@value #SEQUENCES} frame sequences, read in pieces of random size by a handler that takes
 * payloads in random ways. Every input must decode, or fail with a {@link YamuxException} of
 * kind PROTOCOL_ERROR, or SESSION_CLOSED when it ends inside a frame; any other exception fails
 * the test with the seed and the input.
 */
class FrameDecoderFuzzTest {
    private static final int HEADERS = 1_000_000;
    private static final int SEQUENCES = 1_000_000;

    @Test
    @Timeout(60)
    void headerDecodingHandlesEveryInput() {
        long seed = FuzzInputs.seed();
        SplittableRandom random = FuzzInputs.random(seed, 0);
        int rejected = 0;
        byte[] bytes = new byte[FrameHeader.SIZE];
        for (int index = 0; index < HEADERS; index++) {
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = (byte) random.nextInt(256);
            }
            if (random.nextBoolean()) {
                bytes[0] = 0;
                bytes[1] = (byte) random.nextInt(5);
            }
            try {
                FrameHeader header = FrameHeader.decode(ByteBuffer.wrap(bytes));
                assertEquals(bytes[1] & 0xff, header.type(),
                        "type of " + FuzzInputs.describe(seed, index, bytes));
                assertEquals(ByteBuffer.wrap(bytes).getInt(8), header.length(),
                        "length of " + FuzzInputs.describe(seed, index, bytes));
            } catch (YamuxException e) {
                if (e.kind() != YamuxException.Kind.PROTOCOL_ERROR) {
                    fail("decoding " + FuzzInputs.describe(seed, index, bytes) + " failed with "
                            + e.kind(), e);
                }
                rejected++;
            } catch (RuntimeException e) {
                fail("decoding " + FuzzInputs.describe(seed, index, bytes) + " threw " + e, e);
            }
        }
        System.out.printf("frame headers: %d decoded, %d rejected (seed %d)%n",
                HEADERS - rejected, rejected, seed);
    }

    @Test
    @Timeout(120)
    void frameReaderHandlesEveryInput() {
        long seed = FuzzInputs.seed();
        Map<YamuxException.Kind, Integer> endings = new EnumMap<>(YamuxException.Kind.class);
        int complete = 0;
        long frames = 0;
        for (int index = 0; index < SEQUENCES; index++) {
            SplittableRandom random = FuzzInputs.random(seed, index);
            byte[] input = FuzzFrames.input(random, 8, 2048);
            PieceChannel channel = new PieceChannel(input, random.split());
            int bufferSize = FrameHeader.SIZE + random.nextInt(500);
            FrameReader reader = new FrameReader(channel, bufferSize, "fuzz");
            TakingHandler handler = new TakingHandler(reader, random.split());
            try {
                while (reader.nextFrame(handler)) {
                    frames++;
                }
                complete++;
            } catch (YamuxException e) {
                if (e.kind() == YamuxException.Kind.STREAM_RESET || e.getCause() != null) {
                    fail("reading " + FuzzInputs.describe(seed, index, input) + " failed with "
                            + e, e);
                }
                endings.merge(e.kind(), 1, Integer::sum);
            } catch (IOException | RuntimeException e) {
                fail("reading " + FuzzInputs.describe(seed, index, input) + " threw " + e, e);
            }
        }
        System.out.printf("frame sequences: %d read to their end, %s ended early, %d frames "
                + "(seed %d)%n", complete, endings, frames, seed);
    }

    /** A channel that serves its bytes in pieces of random size, then end of stream. */
    static final class PieceChannel implements ReadableByteChannel {
        private final byte[] bytes;
        private final SplittableRandom random;
        private int position;

        PieceChannel(byte[] bytes, SplittableRandom random) {
            this.bytes = bytes;
            this.random = random;
        }

        @Override
        public int read(ByteBuffer dst) {
            if (position == bytes.length) {
                return -1;
            }
            int count = Math.min(Math.min(dst.remaining(), bytes.length - position),
                    1 + random.nextInt(64));
            dst.put(bytes, position, count);
            position += count;
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

    /**
     * Takes the payload of each data frame in a random way: not at all, copied in buffered
     * pieces, or partly skipped, leaving the rest to the reader.
     */
    static final class TakingHandler implements FrameReader.Handler {
        private final FrameReader reader;
        private final SplittableRandom random;
        private final byte[] sink = new byte[4096];

        TakingHandler(FrameReader reader, SplittableRandom random) {
            this.reader = reader;
            this.random = random;
        }

        @Override
        public void data(FrameHeader header) throws IOException {
            switch (random.nextInt(3)) {
                case 0 -> {
                    // Leave the payload to the reader, which skips it.
                }
                case 1 -> {
                    while (reader.payloadRemaining() > 0) {
                        int buffered = reader.awaitPayload();
                        int count = Math.min(buffered, 1 + random.nextInt(sink.length));
                        reader.readPayload(sink, 0, count);
                    }
                }
                default -> {
                    long remaining = reader.payloadRemaining();
                    reader.skipPayload(remaining == 0 ? 0 : random.nextLong(remaining + 1));
                }
            }
        }

        @Override
        public void windowUpdate(FrameHeader header) {
        }

        @Override
        public void ping(FrameHeader header) {
        }

        @Override
        public void goAway(FrameHeader header) {
        }
    }
}
