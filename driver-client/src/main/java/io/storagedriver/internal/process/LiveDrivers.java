package io.storagedriver.internal.process;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver processes of this JVM that have not exited or been stopped, and the one shutdown
 * hook that stops them when the JVM exits, so that Ctrl-C or {@code System.exit} leaves no
 * driver running. A JVM killed with SIGKILL runs no hooks, so its drivers only see end of file
 * on their sockets. Drivers leave the registry when they exit or are stopped.
 */
final class LiveDrivers {
    /** How long the shutdown hook waits for drivers to exit after closing their sockets. */
    static final Duration SHUTDOWN_GRACE_PERIOD = Duration.ofSeconds(2);

    private static final Logger log = LoggerFactory.getLogger(LiveDrivers.class);
    private static final Set<DriverProcess> LIVE = ConcurrentHashMap.newKeySet();
    private static boolean hookRegistered;

    private LiveDrivers() {}

    /**
     * Registers the shutdown hook unless that is done already.
     *
     * @throws IllegalStateException when the JVM is already shutting down
     */
    static synchronized void ensureShutdownHook() {
        if (hookRegistered) {
            return;
        }
        Thread hook = new Thread(LiveDrivers::stopAll, "storagedriver-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        hookRegistered = true;
    }

    static void register(DriverProcess driver) {
        LIVE.add(driver);
    }

    static void unregister(DriverProcess driver) {
        LIVE.remove(driver);
    }

    /** Returns the drivers registered now. */
    static List<DriverProcess> snapshot() {
        return List.copyOf(LIVE);
    }

    private static void stopAll() {
        List<DriverProcess> drivers = snapshot();
        if (drivers.isEmpty()) {
            return;
        }
        log.info("stopping drivers at JVM exit count={}", drivers.size());
        DriverProcess.stopAll(drivers, SHUTDOWN_GRACE_PERIOD);
    }
}
