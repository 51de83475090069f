package io.storagedriver.internal.yamux;

import io.storagedriver.FuzzInputs;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;

/**
 * Generates yamux frame sequences for fuzz tests: frames with plausible fields that a session
 * might receive, mutated copies of them, and plain random bytes.
 */
final class FuzzFrames {
    /** Stream ids that a client session may know: its own odd ids and the peer's even ones. */
    private static final int[] STREAM_IDS = {0, 1, 2, 3, 4, 5, 6, 7, 1001, 0x7fff_ffff, -1};

    private FuzzFrames() {}

    /**
     * Returns an input: valid frames (half), mutated frames (two fifths) or random bytes. Data
     * payloads have at most {@code maxPayload} bytes.
     */
    static byte[] input(SplittableRandom random, int maxFrames, int maxPayload) {
        int kind = random.nextInt(10);
        if (kind < 5) {
            return frames(random, 1 + random.nextInt(maxFrames), maxPayload);
        }
        if (kind < 9) {
            return FuzzInputs.mutate(
                    frames(random, 1 + random.nextInt(maxFrames), maxPayload), random);
        }
        return FuzzInputs.randomBytes(random, random.nextInt(64));
    }

    /**
     * Returns an input for a client session that opened streams 1 and 3: frames on those
     * streams and on peer streams that the script opens, with plausible flags and lengths
     * (three quarters), or any input of {@link #input}.
     */
    static byte[] sessionInput(SplittableRandom random, int maxFrames, int maxPayload) {
        return sessionInput(random, maxFrames, maxPayload, true);
    }

    /**
     * Returns an input as {@link #sessionInput(SplittableRandom, int, int)} does, for a client
     * session that opened streams 1 and 3 or a server session that opened streams 2 and 4.
     */
    static byte[] sessionInput(SplittableRandom random, int maxFrames, int maxPayload,
            boolean client) {
        if (random.nextInt(4) == 0) {
            return input(random, maxFrames, maxPayload);
        }
        byte[] frames = sessionFrames(random, 1 + random.nextInt(maxFrames), maxPayload, client);
        return random.nextInt(3) == 0 ? FuzzInputs.mutate(frames, random) : frames;
    }

    private static byte[] sessionFrames(SplittableRandom random, int count, int maxPayload,
            boolean client) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int firstLocalId = client ? 1 : 2;
        int nextPeerId = client ? 2 : 1;
        int[] singleFlags = {0, 0, 0, FrameHeader.FLAG_ACK, FrameHeader.FLAG_FIN,
            FrameHeader.FLAG_RST};
        for (int i = 0; i < count; i++) {
            int choice = random.nextInt(10);
            int type;
            int flags = singleFlags[random.nextInt(singleFlags.length)];
            int streamId;
            if (choice < 6) {
                type = random.nextInt(2);
                streamId = random.nextBoolean() ? firstLocalId : firstLocalId + 2;
            } else if (choice < 8) {
                type = random.nextInt(2);
                streamId = nextPeerId;
                nextPeerId += 2;
                flags = FrameHeader.FLAG_SYN;
            } else if (choice < 9) {
                type = FrameHeader.TYPE_PING;
                streamId = 0;
                flags = FrameHeader.FLAG_SYN;
            } else {
                type = FrameHeader.TYPE_GO_AWAY;
                streamId = 0;
                flags = 0;
            }
            int length = switch (type) {
                case FrameHeader.TYPE_DATA -> dataLength(random, maxPayload);
                case FrameHeader.TYPE_WINDOW_UPDATE -> random.nextInt(1 << 20);
                case FrameHeader.TYPE_GO_AWAY -> random.nextInt(8) == 0 ? 1 : 0;
                default -> random.nextInt();
            };
            writeFrame(out, random, type, flags, streamId, length);
        }
        return out.toByteArray();
    }

    private static void writeFrame(ByteArrayOutputStream out, SplittableRandom random, int type,
            int flags, int streamId, int length) {
        ByteBuffer header = ByteBuffer.allocate(FrameHeader.SIZE);
        FrameHeader.encode(header, FrameHeader.VERSION, type, flags, streamId, length);
        out.write(header.array(), 0, FrameHeader.SIZE);
        if (type == FrameHeader.TYPE_DATA) {
            out.write(payload(random, length), 0, length);
        }
    }

    /** Returns {@code count} frames whose fields are each valid on their own. */
    static byte[] frames(SplittableRandom random, int count, int maxPayload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < count; i++) {
            int type = random.nextInt(4);
            int flags = random.nextInt(8) == 0 ? random.nextInt(0x10000) : random.nextInt(16);
            int streamId = type >= FrameHeader.TYPE_PING ? 0
                    : STREAM_IDS[random.nextInt(STREAM_IDS.length)];
            int length = switch (type) {
                case FrameHeader.TYPE_DATA -> dataLength(random, maxPayload);
                case FrameHeader.TYPE_WINDOW_UPDATE -> random.nextInt(4) == 0 ? random.nextInt()
                        : random.nextInt(1 << 20);
                case FrameHeader.TYPE_GO_AWAY -> random.nextInt(4);
                default -> random.nextInt();
            };
            writeFrame(out, random, type, flags, streamId, length);
        }
        return out.toByteArray();
    }

    private static int dataLength(SplittableRandom random, int maxPayload) {
        return switch (random.nextInt(8)) {
            case 0 -> 0;
            case 1 -> 1 + random.nextInt(maxPayload);
            default -> 1 + random.nextInt(Math.min(300, maxPayload));
        };
    }

    /** Returns a payload: bytes counting up from a random value, which are cheap to make. */
    private static byte[] payload(SplittableRandom random, int length) {
        byte[] payload = new byte[length];
        int value = random.nextInt(256);
        for (int i = 0; i < length; i++) {
            payload[i] = (byte) (value + i);
        }
        return payload;
    }
}
