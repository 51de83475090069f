package io.storagedriver.junit;

import io.storagedriver.client.DriverClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Adds the recent standard error of the drivers in scope to a failure, as a suppressed {@link
 * DriverStderr} and as a report entry.
 *
 * <p>A driver that is alive and wrote nothing adds nothing, so ordinary assertion failures stay
 * short.
 */
final class StderrAttachment {
    private StderrAttachment() {}

    /** The last standard error lines of one driver, attached to a failure; has no stack trace. */
    static final class DriverStderr extends Exception {
        DriverStderr(String message) {
            super(message, null, false, false);
        }
    }

    /** Attaches the tails of every driver owned by {@code context} or one of its ancestors. */
    static void attach(ExtensionContext context, Throwable failure) {
        for (DriverResource driver : driversInScope(context)) {
            DriverClient client = driver.client();
            List<String> tail = client.stderrTail();
            boolean alive = client.isAlive();
            if (tail.isEmpty() && alive) {
                continue;
            }
            String header = "The " + driver.spec().describe() + ", pid " + client.pid() + ", "
                    + (alive ? "is running" : "is no longer running") + "; ";
            String message = tail.isEmpty()
                    ? header + "it wrote nothing to standard error"
                    : header + "the last " + tail.size() + " lines of its standard error:\n    "
                            + String.join("\n    ", tail);
            if (!alreadyAttached(failure, message)) {
                failure.addSuppressed(new DriverStderr(message));
            }
            String key = "storagedriver.stderr"
                    + (driver.spec().id().isEmpty() ? "" : "." + driver.spec().id());
            context.publishReportEntry(key, tail.isEmpty() ? "(empty)" : String.join("\n", tail));
        }
    }

    /** Records that {@code scope} owns {@code driver}. */
    static void register(ExtensionContext scope, DriverResource driver) {
        owned(scope).drivers().add(driver);
    }

    private static List<DriverResource> driversInScope(ExtensionContext context) {
        List<DriverResource> drivers = new ArrayList<>();
        for (ExtensionContext c = context; c != null; c = c.getParent().orElse(null)) {
            OwnedDrivers owned = c.getStore(StorageDriverExtension.NAMESPACE)
                    .get(new OwnedKey(c.getUniqueId()), OwnedDrivers.class);
            if (owned != null) {
                drivers.addAll(owned.drivers());
            }
        }
        return drivers;
    }

    private static OwnedDrivers owned(ExtensionContext scope) {
        return scope.getStore(StorageDriverExtension.NAMESPACE).getOrComputeIfAbsent(
                new OwnedKey(scope.getUniqueId()), key -> new OwnedDrivers(), OwnedDrivers.class);
    }

    private static boolean alreadyAttached(Throwable failure, String message) {
        for (Throwable suppressed : failure.getSuppressed()) {
            if (suppressed instanceof DriverStderr && message.equals(suppressed.getMessage())) {
                return true;
            }
        }
        return false;
    }

    private record OwnedKey(String contextId) {}

    /** The drivers that one context's store owns, in start order. */
    private record OwnedDrivers(List<DriverResource> drivers) {
        OwnedDrivers() {
            this(new CopyOnWriteArrayList<>());
        }
    }
}
