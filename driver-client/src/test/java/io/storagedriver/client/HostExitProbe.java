package io.storagedriver.client;

import java.nio.file.Path;
import java.util.Map;

/**
 * A host for {@link HostExitTest}: starts the fault driver, prints {@value #PID_PREFIX} and the
 * driver's pid on a line, and waits until the JVM is stopped.
 *
 * <p>Usage: {@code HostExitProbe healthy|hanging <directory>}, with the Python interpreter in
 * the system property {@value FaultDriver#PYTHON_PROPERTY}. A {@code hanging} driver never
 * answers a stat that a thread of this JVM has made, keeps running when its socket ends and
 * ignores SIGTERM.
 */
public final class HostExitProbe {
    static final String PID_PREFIX = "driver pid=";

    private HostExitProbe() {}

    public static void main(String[] args) throws Exception {
        Path directory = Path.of(args[1]);
        boolean hanging = args[0].equals("hanging");
        DriverOptions options = hanging
                ? FaultDriver.options(directory, "hang", Map.of("ignore-eof", "true"),
                        "--ignore-sigterm").build()
                : FaultDriver.options(directory, "none", Map.of()).build();
        DriverClient client = DriverClient.start(options);
        if (hanging) {
            Thread caller = new Thread(() -> client.stat("/held"), "held-call");
            caller.setDaemon(true);
            caller.start();
            DriverLogs.awaitLine(client, "holding the call Stat");
        }
        System.out.println(PID_PREFIX + client.pid());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
