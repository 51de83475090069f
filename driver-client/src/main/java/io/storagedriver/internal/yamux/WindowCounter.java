package io.storagedriver.internal.yamux;

/**
 * Flow-control credit of one direction of one stream: the number of data bytes the sender may
 * still send. Always between 0 and {@link #MAX_WINDOW}. Not thread-safe; the owning stream's lock
 * guards it.
 */
final class WindowCounter {
    /** Maximum credit. Go's yamux keeps windows in uint32, but no sane peer grants 2 GiB. */
    static final int MAX_WINDOW = Integer.MAX_VALUE;

    private int available;

    WindowCounter(int initial) {
        if (initial < 0) {
            throw new IllegalArgumentException("initial window must not be negative: " + initial);
        }
        this.available = initial;
    }

    int available() {
        return available;
    }

    /**
     * Removes {@code bytes} of credit.
     *
     * @throws IllegalStateException if {@code bytes} is negative or more than is available
     */
    void consume(int bytes) {
        if (bytes < 0 || bytes > available) {
            throw new IllegalStateException(
                    "cannot consume " + bytes + " bytes from a window of " + available);
        }
        available -= bytes;
    }

    /**
     * Adds {@code delta} bytes of credit. Returns false and leaves the counter unchanged if the
     * result would exceed {@link #MAX_WINDOW}.
     *
     * @throws IllegalArgumentException if {@code delta} is negative
     */
    boolean tryIncrease(long delta) {
        if (delta < 0) {
            throw new IllegalArgumentException("window delta must not be negative: " + delta);
        }
        if (available + delta > MAX_WINDOW) {
            return false;
        }
        available += (int) delta;
        return true;
    }

    @Override
    public String toString() {
        return Integer.toString(available);
    }
}
