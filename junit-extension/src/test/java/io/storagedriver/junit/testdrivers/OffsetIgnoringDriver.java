package io.storagedriver.junit.testdrivers;

import io.storagedriver.StorageDriver;
import java.io.InputStream;

/** A faulty driver whose reader ignores the offset and always starts at byte 0. */
public final class OffsetIgnoringDriver extends ForwardingDriver {

    OffsetIgnoringDriver(StorageDriver delegate) {
        super(delegate);
    }

    public static void main(String[] args) {
        TestDrivers.serve("offset-ignoring", OffsetIgnoringDriver::new);
    }

    @Override
    public InputStream reader(String path, long offset) {
        return delegate.reader(path, 0);
    }
}
