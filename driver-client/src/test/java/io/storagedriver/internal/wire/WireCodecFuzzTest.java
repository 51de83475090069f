package io.storagedriver.internal.wire;

import static org.junit.jupiter.api.Assertions.fail;

import io.storagedriver.FuzzInputs;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes the message and content codec with seeded inputs (see {@link FuzzInputs} for the
 * seed): {@value #MESSAGES} streams of length-prefixed JSON for {@link Messages#read}, and
 * {@value #CONTENTS} chunk sequences for {@link ChunkedInputStream}. Every input must decode,
 * or fail with {@link WireFormatException} or {@link EOFException}; any other exception, such
 * as a parser's runtime exception or a stack overflow on deep nesting, fails the test with the
 * seed and the input.
 */
class WireCodecFuzzTest {
    private static final int MESSAGES = 300_000;
    private static final int CONTENTS = 300_000;

    private static final String[] ATOMS = {"true", "false", "null", "0", "-1", "1e999",
        "123456789012345678901234567890", "1.5", "\"\"", "\"op\"", "\"Stat\"", "\"/a/b\"",
        "\"\\u0000\"", "\"\\ud800\"", "\"caf\u00e9\"", "-0.0e-5"};

    @Test
    @Timeout(60)
    void messageReadHandlesEveryInput() {
        long seed = FuzzInputs.seed();
        Map<String, Integer> outcomes = new TreeMap<>();
        for (int index = 0; index < MESSAGES; index++) {
            SplittableRandom random = FuzzInputs.random(seed, index);
            byte[] input = messageStream(random);
            ByteArrayInputStream in = new ByteArrayInputStream(input);
            try {
                while (Messages.read(in) != null) {
                    outcomes.merge("message", 1, Integer::sum);
                }
                outcomes.merge("end", 1, Integer::sum);
            } catch (WireFormatException | EOFException e) {
                outcomes.merge(e.getClass().getSimpleName(), 1, Integer::sum);
            } catch (IOException | RuntimeException | StackOverflowError e) {
                fail("reading " + FuzzInputs.describe(seed, index, input) + " threw " + e, e);
            }
        }
        System.out.printf("messages: %s (seed %d)%n", outcomes, seed);
    }

    @Test
    @Timeout(60)
    void chunkedReadHandlesEveryInput() {
        long seed = FuzzInputs.seed() + 1;
        Map<String, Integer> outcomes = new TreeMap<>();
        byte[] sink = new byte[1024];
        for (int index = 0; index < CONTENTS; index++) {
            SplittableRandom random = FuzzInputs.random(seed, index);
            byte[] input = chunks(random);
            if (random.nextInt(3) > 0) {
                input = FuzzInputs.mutate(input, random);
            }
            ChunkedInputStream in = new ChunkedInputStream(new ByteArrayInputStream(input));
            try {
                int n;
                while ((n = in.read(sink, 0, 1 + random.nextInt(sink.length))) >= 0) {
                    if (n == 0) {
                        fail("a read of " + FuzzInputs.describe(seed, index, input)
                                + " returned 0 bytes");
                    }
                }
                outcomes.merge("end chunk", 1, Integer::sum);
            } catch (WireFormatException | EOFException e) {
                outcomes.merge(e.getClass().getSimpleName(), 1, Integer::sum);
            } catch (IOException | RuntimeException e) {
                fail("reading " + FuzzInputs.describe(seed, index, input) + " threw " + e, e);
            }
        }
        System.out.printf("contents: %s (seed %d)%n", outcomes, seed);
    }

    /** Returns one to three messages, each well formed or mutated, or random bytes. */
    private static byte[] messageStream(SplittableRandom random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int count = 1 + random.nextInt(3);
        for (int i = 0; i < count; i++) {
            byte[] body = json(random, 0).getBytes(StandardCharsets.UTF_8);
            switch (random.nextInt(8)) {
                case 0, 1 -> body = FuzzInputs.mutate(body, random);
                case 2 -> body = FuzzInputs.randomBytes(random, random.nextInt(40));
                case 3 -> {
                    // Zero bytes first, as when a length prefix is taken for the body, which
                    // a parser that guesses the encoding may read as UTF-16 or UTF-32.
                    byte[] prefixed = new byte[body.length + 4];
                    prefixed[3] = (byte) random.nextInt(256);
                    System.arraycopy(body, 0, prefixed, 4, body.length);
                    body = prefixed;
                }
                default -> {
                    // The well-formed body as it is.
                }
            }
            int length = random.nextInt(8) == 0 ? random.nextInt() : body.length;
            out.writeBytes(new byte[] {(byte) (length >>> 24), (byte) (length >>> 16),
                (byte) (length >>> 8), (byte) length});
            out.writeBytes(body);
        }
        byte[] bytes = out.toByteArray();
        return random.nextInt(4) == 0 ? FuzzInputs.mutate(bytes, random) : bytes;
    }

    /** Returns a JSON value, mostly an object, sometimes nested far past parser limits. */
    private static String json(SplittableRandom random, int depth) {
        if (depth == 0 && random.nextInt(50) == 0) {
            int nesting = 500 + random.nextInt(5000);
            return "{\"a\":".repeat(nesting) + "1" + "}".repeat(nesting);
        }
        int kind = depth > 3 ? 0 : random.nextInt(depth == 0 ? 8 : 4);
        if (kind == 0) {
            return ATOMS[random.nextInt(ATOMS.length)];
        }
        StringBuilder value = new StringBuilder();
        boolean array = kind == 1;
        value.append(array ? '[' : '{');
        int members = random.nextInt(5);
        for (int i = 0; i < members; i++) {
            if (i > 0) {
                value.append(',');
            }
            if (!array) {
                value.append(ATOMS[random.nextInt(ATOMS.length)].startsWith("\"")
                        ? "\"k" + random.nextInt(9) + "\"" : "\"op\"").append(':');
            }
            value.append(json(random, depth + 1));
        }
        return value.append(array ? ']' : '}').toString();
    }

    /** Returns chunks with valid lengths and the end chunk. */
    private static byte[] chunks(SplittableRandom random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int count = random.nextInt(5);
        for (int i = 0; i < count; i++) {
            int length = 1 + random.nextInt(200);
            out.writeBytes(new byte[] {0, 0, (byte) (length >>> 8), (byte) length});
            out.writeBytes(new byte[length]);
        }
        out.writeBytes(new byte[4]);
        return out.toByteArray();
    }
}
