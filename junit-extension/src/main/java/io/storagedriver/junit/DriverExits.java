package io.storagedriver.junit;

import io.storagedriver.DriverExitedException;
import io.storagedriver.DriverProtocolException;
import io.storagedriver.client.DriverClient;
import io.storagedriver.junit.suite.CheckId;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.TestAbortedException;

/**
 * Reports a driver that exits while tests use it only once, as the failure of the first test that
 * found it no longer running, and aborts the tests that would use it afterwards.
 *
 * <p>A driver shared by many tests, such as the compatibility suite's, would otherwise fail every
 * later test with the same exit. Aborted tests count as skipped, with the reason {@code driver
 * <name> exited (exit code <n>) during <test>; not run}, where the test is named by its {@link
 * CheckId} or else by its class and method.
 */
final class DriverExits {
    /**
     * How long to wait for the process of a driver whose call failed to exit, because the failed
     * call can return before the client notices that the process ended.
     */
    private static final long EXIT_WAIT_MILLIS = 1_000;

    private DriverExits() {}

    /**
     * Aborts the test when one of its drivers exited during an earlier test.
     *
     * @throws TestAbortedException naming the driver, its exit code and that earlier test
     */
    static void abortIfExited(List<DriverResource> drivers) {
        for (DriverResource driver : drivers) {
            Optional<DriverResource.Exit> exit = driver.exit();
            if (exit.isPresent()) {
                throw new TestAbortedException(driver.abortReason(exit.get()));
            }
        }
    }

    /**
     * Fails a test that closed the client of a driver that later tests share, because the
     * extension owns that client, and records the close so that those tests are aborted with a
     * reason that names this test. A driver started for this test alone may be closed.
     *
     * @throws IllegalStateException naming the driver and the test
     */
    static void failIfClosedByTest(ExtensionContext test, List<DriverResource> drivers) {
        for (DriverResource driver : drivers) {
            if (!driver.client().isClosed() || driver.exit().isPresent()
                    || driver.spec().lifecycle() == WithStorageDriver.Lifecycle.PER_METHOD) {
                continue;
            }
            DriverResource.Exit closed = new DriverResource.Exit(test.getUniqueId(), name(test),
                    OptionalInt.empty(), true);
            if (driver.recordExit(closed) == closed) {
                throw new IllegalStateException(name(test) + " closed the client of driver "
                        + driver.client().name() + ", which @WithStorageDriver started for"
                        + " several tests and closes itself; later tests that use it are"
                        + " skipped. Remove the close() call, give the driver the lifecycle"
                        + " PER_METHOD, or start a DriverClient of your own to close.");
            }
        }
    }

    /**
     * Records the drivers of a failed test that are no longer running, and returns what the test
     * throws in place of {@code failure}. That is {@code failure} itself, unless the failure came
     * from a driver whose exit another test, running at the same time, recorded first. Then it
     * is an abort, so the exit is reported once.
     *
     * @param test the extension context of the test method or dynamic test
     * @param drivers the drivers of the test
     */
    static Throwable onFailure(
            ExtensionContext test, List<DriverResource> drivers, Throwable failure) {
        for (DriverResource driver : drivers) {
            if (!stopped(driver.client(), failure)) {
                continue;
            }
            DriverResource.Exit seen = new DriverResource.Exit(test.getUniqueId(), name(test),
                    exitCode(driver.client(), failure), false);
            DriverResource.Exit recorded = driver.recordExit(seen);
            if (!recorded.testId().equals(test.getUniqueId())
                    && find(failure, DriverExitedException.class).isPresent()) {
                return new TestAbortedException(driver.abortReason(recorded));
            }
        }
        return failure;
    }

    /**
     * Returns the name of a test in messages: its check id when it is a check of the
     * compatibility suite, and otherwise its class and method, such as {@code BlobTest.copies()}.
     */
    static String name(ExtensionContext test) {
        // A dynamic test's context has no method of its own, but its test factory's has.
        for (ExtensionContext c = test; c != null; c = c.getParent().orElse(null)) {
            Optional<Method> method = c.getTestMethod();
            if (method.isEmpty()) {
                continue;
            }
            CheckId checkId = method.get().getAnnotation(CheckId.class);
            if (checkId != null) {
                return checkId.value();
            }
            return c.getRequiredTestClass().getSimpleName() + "." + method.get().getName()
                    + "()";
        }
        return test.getDisplayName();
    }

    /**
     * Returns whether the driver is no longer running. After a call that failed because the
     * connection broke, waits a moment for the process to end.
     */
    private static boolean stopped(DriverClient client, Throwable failure) {
        if (!client.isAlive()) {
            return true;
        }
        if (find(failure, DriverExitedException.class).isEmpty()
                && find(failure, DriverProtocolException.class).isEmpty()) {
            return false;
        }
        Optional<ProcessHandle> process = ProcessHandle.of(client.pid());
        if (process.isEmpty()) {
            return true;
        }
        try {
            process.get().onExit().get(EXIT_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !client.isAlive();
        } catch (ExecutionException | TimeoutException e) {
            return !client.isAlive();
        }
    }

    /**
     * Returns the exit code from the failure or, when it carries none, from a call to the stopped
     * driver, because the client gives the exit code only in a {@link DriverExitedException}.
     */
    private static OptionalInt exitCode(DriverClient client, Throwable failure) {
        Optional<DriverExitedException> exited = find(failure, DriverExitedException.class);
        if (exited.isPresent() && exited.get().exitCode().isPresent()) {
            return exited.get().exitCode();
        }
        try {
            client.unchecked().stat("/");
        } catch (DriverExitedException e) {
            return e.exitCode();
        } catch (RuntimeException e) {
            // The call failed another way, so the exit code stays unknown.
        }
        return OptionalInt.empty();
    }

    /** Returns the first exception of {@code type} in the cause chain of {@code failure}. */
    private static <T extends Throwable> Optional<T> find(Throwable failure, Class<T> type) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return Optional.of(type.cast(cause));
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return Optional.empty();
    }
}
