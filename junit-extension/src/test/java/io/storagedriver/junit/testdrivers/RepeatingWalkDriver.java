package io.storagedriver.junit.testdrivers;

import io.storagedriver.FileInfo;
import io.storagedriver.StorageDriver;
import io.storagedriver.WalkVisitor;

/**
 * A faulty driver whose walk of a directory named {@code tree} visits its first entry again
 * {@value #REPEATS} times after the real entries.
 */
public final class RepeatingWalkDriver extends ForwardingDriver {
    static final int REPEATS = 100_000;

    RepeatingWalkDriver(StorageDriver delegate) {
        super(delegate);
    }

    public static void main(String[] args) {
        TestDrivers.serve("repeating-walk", RepeatingWalkDriver::new);
    }

    @Override
    public void walk(String path, WalkVisitor visitor) {
        FileInfo[] first = {null};
        delegate.walk(path, entry -> {
            if (first[0] == null) {
                first[0] = entry;
            }
            return visitor.visit(entry);
        });
        if (!path.endsWith("/tree") || first[0] == null) {
            return;
        }
        for (int i = 0; i < REPEATS; i++) {
            visitor.visit(first[0]);
        }
    }
}
