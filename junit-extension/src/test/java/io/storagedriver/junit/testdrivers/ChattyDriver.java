package io.storagedriver.junit.testdrivers;

import io.storagedriver.StorageDriver;

/**
 * An in-memory driver that reports each stored path on standard error, and halts the process
 * when asked for the content of {@code /crash}.
 */
public final class ChattyDriver extends ForwardingDriver {
    /** The exit status of the halt on {@code /crash}. */
    public static final int CRASH_STATUS = 3;

    ChattyDriver(StorageDriver delegate) {
        super(delegate);
    }

    public static void main(String[] args) {
        System.err.println("chatty driver started");
        TestDrivers.serve("chatty", ChattyDriver::new);
    }

    @Override
    public void putContent(String path, byte[] content) {
        System.err.println("chatty driver stored " + path);
        super.putContent(path, content);
    }

    @Override
    public byte[] getContent(String path) {
        if (path.equals("/crash")) {
            System.err.println("chatty driver crashes on purpose");
            System.err.flush();
            Runtime.getRuntime().halt(CRASH_STATUS);
        }
        return super.getContent(path);
    }
}
