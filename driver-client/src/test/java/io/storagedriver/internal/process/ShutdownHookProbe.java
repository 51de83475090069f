package io.storagedriver.internal.process;

import java.nio.file.Path;

/**
 * A program for {@link DriverProcessTest}: starts the driver executable given as its argument,
 * prints {@code pid=<driver pid>} on a line, and sleeps until the JVM is stopped, so that the
 * test can check that the shutdown hook stops the driver.
 */
public final class ShutdownHookProbe {
    private ShutdownHookProbe() {}

    public static void main(String[] args) throws InterruptedException {
        DriverProcess driver = DriverProcess.start(DriverLocator.forExecutable(Path.of(args[0])));
        System.out.println("pid=" + driver.pid());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
