package io.storagedriver.internal.process;

import java.util.ArrayDeque;
import java.util.List;

/** The last lines of an output stream, up to a fixed count; safe for concurrent use. */
final class RecentLines {
    private final int capacity;
    private final ArrayDeque<String> lines;

    RecentLines(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
        }
        this.capacity = capacity;
        this.lines = new ArrayDeque<>(capacity);
    }

    /** Adds a line, dropping the oldest one when the capacity is reached. */
    synchronized void add(String line) {
        if (lines.size() == capacity) {
            lines.removeFirst();
        }
        lines.addLast(line);
    }

    /** Returns a copy of the lines, oldest first. */
    synchronized List<String> snapshot() {
        return List.copyOf(lines);
    }
}
