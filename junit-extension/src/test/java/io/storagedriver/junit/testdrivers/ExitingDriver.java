package io.storagedriver.junit.testdrivers;

/** A driver that fails at once, before the handshake, with a message on standard error. */
public final class ExitingDriver {
    /** The exit status. */
    public static final int STATUS = 7;

    private ExitingDriver() {}

    public static void main(String[] args) {
        System.err.println("exiting driver: cannot start, configuration file missing");
        System.exit(STATUS);
    }
}
