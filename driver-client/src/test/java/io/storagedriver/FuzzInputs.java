package io.storagedriver;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.SplittableRandom;

/**
 * Seeded generation of fuzz inputs. Every input has its own generator, derived from the seed
 * and the input's index, so that one failing input can be made again without the ones before
 * it. The seed is {@value #DEFAULT_SEED} unless the system property {@value #SEED_PROPERTY}
 * sets another, as in {@code ./mvnw test -Dfuzz.seed=42}.
 */
public final class FuzzInputs {
    public static final String SEED_PROPERTY = "fuzz.seed";
    public static final long DEFAULT_SEED = 0x5eed_2024L;

    private static final long INDEX_MULTIPLIER = 0x9E37_79B9_7F4A_7C15L;

    private FuzzInputs() {}

    /** Returns the seed of this run. */
    public static long seed() {
        return Long.getLong(SEED_PROPERTY, DEFAULT_SEED);
    }

    /** Returns the generator of input {@code index} of a run with {@code seed}. */
    public static SplittableRandom random(long seed, long index) {
        return new SplittableRandom(seed ^ (index * INDEX_MULTIPLIER));
    }

    /** Describes an input for a failure message: the seed, the index and the first bytes. */
    public static String describe(long seed, long index, byte[] input) {
        byte[] start = Arrays.copyOf(input, Math.min(input.length, 256));
        return "input " + index + " of seed " + seed + " (rerun with -D" + SEED_PROPERTY + "="
                + seed + "), " + input.length + " bytes, starting with "
                + HexFormat.of().formatHex(start);
    }

    /** Returns {@code count} random bytes. */
    public static byte[] randomBytes(SplittableRandom random, int count) {
        byte[] bytes = new byte[count];
        for (int i = 0; i < count; i++) {
            bytes[i] = (byte) random.nextInt(256);
        }
        return bytes;
    }

    /**
     * Returns a copy of {@code valid} with one to four mutations: bytes flipped or set to a
     * boundary value, bytes inserted or removed, the input cut short, or a part repeated.
     */
    public static byte[] mutate(byte[] valid, SplittableRandom random) {
        byte[] input = valid.clone();
        int mutations = 1 + random.nextInt(4);
        for (int m = 0; m < mutations; m++) {
            input = mutateOnce(input, random);
        }
        return input;
    }

    private static byte[] mutateOnce(byte[] input, SplittableRandom random) {
        if (input.length == 0) {
            return randomBytes(random, 1 + random.nextInt(16));
        }
        int at = random.nextInt(input.length);
        switch (random.nextInt(6)) {
            case 0 -> {
                input[at] ^= (byte) (1 << random.nextInt(8));
                return input;
            }
            case 1 -> {
                byte[] boundaries = {0, 1, 0x7f, (byte) 0x80, (byte) 0xfe, (byte) 0xff};
                input[at] = boundaries[random.nextInt(boundaries.length)];
                return input;
            }
            case 2 -> {
                byte[] inserted = randomBytes(random, 1 + random.nextInt(8));
                byte[] result = new byte[input.length + inserted.length];
                System.arraycopy(input, 0, result, 0, at);
                System.arraycopy(inserted, 0, result, at, inserted.length);
                System.arraycopy(input, at, result, at + inserted.length, input.length - at);
                return result;
            }
            case 3 -> {
                int removed = Math.min(input.length - at, 1 + random.nextInt(8));
                byte[] result = new byte[input.length - removed];
                System.arraycopy(input, 0, result, 0, at);
                System.arraycopy(input, at + removed, result, at, input.length - at - removed);
                return result;
            }
            case 4 -> {
                return Arrays.copyOf(input, at);
            }
            default -> {
                int length = Math.min(input.length - at, 1 + random.nextInt(32));
                byte[] result = Arrays.copyOf(input, input.length + length);
                System.arraycopy(input, at, result, input.length, length);
                return result;
            }
        }
    }
}
