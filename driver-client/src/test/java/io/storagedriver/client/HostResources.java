package io.storagedriver.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What a client keeps in the host JVM: its threads, found by the driver's name in their names,
 * the descriptors of this JVM and its child processes. Tests use it to show that a failure
 * leaves nothing behind.
 */
final class HostResources {
    /** How long threads that a close or a failure ended may take to leave their run methods. */
    private static final Duration THREAD_END_GUARD = Duration.ofSeconds(10);

    private HostResources() {}

    /**
     * Returns the live threads of the client of driver {@code driverName}: the yamux reader and
     * writer, the output pumps, and the call timer, each with its stack, for failure messages.
     */
    static List<String> clientThreads(String driverName) {
        List<String> names = List.of("yamux-reader-" + driverName,
                "yamux-writer-" + driverName, "storagedriver-" + driverName + "-stdout",
                "storagedriver-" + driverName + "-stderr",
                "storagedriver-call-timeouts-" + driverName);
        return liveThreads(thread -> names.contains(thread.getName()));
    }

    /** Returns the live start-timeout threads of any client, which carry no driver name. */
    static List<String> startTimeoutThreads() {
        return liveThreads(thread -> thread.getName().equals("storagedriver-start-timeout"));
    }

    /**
     * Waits until no thread of the client of {@code driverName} and no start-timeout thread is
     * alive, and returns those still alive when the guard time ran out, with their stacks.
     */
    static List<String> awaitNoClientThreads(String driverName) throws InterruptedException {
        long deadline = System.nanoTime() + THREAD_END_GUARD.toNanos();
        while (true) {
            List<String> threads = Stream.concat(clientThreads(driverName).stream(),
                    startTimeoutThreads().stream()).toList();
            if (threads.isEmpty() || System.nanoTime() > deadline) {
                return threads;
            }
            Thread.sleep(20);
        }
    }

    /** Returns the number of descriptors that this JVM has open. */
    static int openDescriptors() {
        try (Stream<Path> descriptors = Files.list(Path.of("/proc/self/fd"))) {
            return (int) descriptors.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Returns the targets of this JVM's open descriptors, for failure messages. */
    static String describeDescriptors() {
        try (Stream<Path> descriptors = Files.list(Path.of("/proc/self/fd"))) {
            return descriptors.map(fd -> {
                try {
                    return fd.getFileName() + "->" + Files.readSymbolicLink(fd);
                } catch (IOException e) {
                    return fd.getFileName() + "->?";
                }
            }).sorted().collect(Collectors.joining(", "));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Returns the pids of the live child processes of this JVM. */
    static List<Long> liveChildren() {
        return ProcessHandle.current().children()
                .filter(ProcessHandle::isAlive)
                .map(ProcessHandle::pid)
                .toList();
    }

    /** Returns whether process {@code pid} is alive. */
    static boolean isAlive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /**
     * Returns whether process {@code pid} runs: it exists and is not a zombie. A driver whose
     * host died is reparented, and it stays a zombie where the new parent does not reap it.
     */
    static boolean isRunning(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return false;
        }
    }

    /** Waits up to {@code timeout} for process {@code pid} to end; returns whether it did. */
    static boolean awaitGone(long pid, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (isAlive(pid)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    private static List<String> liveThreads(java.util.function.Predicate<Thread> filter) {
        Map<Thread, StackTraceElement[]> all = Thread.getAllStackTraces();
        return all.entrySet().stream()
                .filter(entry -> entry.getKey().isAlive() && filter.test(entry.getKey()))
                .map(entry -> entry.getKey().getName() + " " + entry.getKey().getState()
                        + " at " + Arrays.stream(entry.getValue()).limit(8)
                                .map(StackTraceElement::toString)
                                .collect(Collectors.joining(" < ")))
                .sorted()
                .toList();
    }
}
