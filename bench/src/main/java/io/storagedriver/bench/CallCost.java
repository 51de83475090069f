package io.storagedriver.bench;

import io.storagedriver.client.DriverClient;
import io.storagedriver.client.DriverOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Counts the context switches and the CPU time of {@code stat} calls to the {@code inmemory}
 * driver, summed over all threads of the host JVM and the driver JVM, and prints them per call
 * with the voluntary switches of each thread. Unlike latency, the voluntary switch counts barely
 * move with the load of a shared machine, so they show whether a change saves thread wakeups.
 *
 * <p>Run after {@code ./bench/run} or {@code ./mvnw package -pl bench -am}:
 *
 * <pre>{@code
 * java -cp bench/target/benchmarks.jar io.storagedriver.bench.CallCost [CALLS]
 * }</pre>
 *
 * <p>CALLS defaults to 40,000. The calls follow 50,000 warm-up calls. It reads {@code /proc}, so
 * it runs on Linux only. CPU time comes in clock ticks, taken as 10 ms each (a USER_HZ of 100,
 * the Linux default). Threads that end during the measurement drop out of the switch counts.
 */
public final class CallCost {
    private static final int WARMUP_CALLS = 50_000;
    private static final String PATH = "/small";
    /** Threads with fewer voluntary switches per call are left out of the listing. */
    private static final double MIN_LISTED_SWITCHES = 0.05;

    private CallCost() {}

    public static void main(String[] args) throws IOException {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 40_000;
        if (calls <= 0) {
            throw new IllegalArgumentException("CALLS must be positive: " + calls);
        }
        try (DriverClient client = DriverClient.start(DriverOptions.name("inmemory").build())) {
            client.putContent(PATH, new byte[1024]);
            for (int i = 0; i < WARMUP_CALLS; i++) {
                client.stat(PATH);
            }
            List<Long> pids = new ArrayList<>();
            pids.add(ProcessHandle.current().pid());
            ProcessHandle.current().children().forEach(child -> pids.add(child.pid()));

            Map<String, long[]> threadsBefore = threadSwitches(pids);
            long ticksBefore = cpuTicks(pids);
            long start = System.nanoTime();
            for (int i = 0; i < calls; i++) {
                client.stat(PATH);
            }
            long elapsed = System.nanoTime() - start;
            long ticksAfter = cpuTicks(pids);
            Map<String, long[]> threadsAfter = threadSwitches(pids);

            print(calls, elapsed, ticksAfter - ticksBefore, threadsBefore, threadsAfter);
        }
    }

    private static void print(int calls, long elapsedNanos, long ticks,
            Map<String, long[]> before, Map<String, long[]> after) {
        long voluntary = 0;
        long involuntary = 0;
        for (Map.Entry<String, long[]> thread : after.entrySet()) {
            long[] start = before.getOrDefault(thread.getKey(), new long[2]);
            long threadVoluntary = thread.getValue()[0] - start[0];
            voluntary += threadVoluntary;
            involuntary += thread.getValue()[1] - start[1];
            double perCall = threadVoluntary / (double) calls;
            if (perCall >= MIN_LISTED_SWITCHES) {
                System.out.printf("  %-45s %5.2f voluntary switches per call%n",
                        thread.getKey(), perCall);
            }
        }
        System.out.printf("%d calls: mean %.1f us, %.2f voluntary and %.2f involuntary"
                + " switches per call, %.1f us of CPU per call%n", calls,
                elapsedNanos / 1e3 / calls, voluntary / (double) calls,
                involuntary / (double) calls, ticks * 10_000.0 / calls);
    }

    /**
     * Returns the voluntary and involuntary context switches of each thread of the processes,
     * keyed by process id, thread name and thread id.
     */
    private static Map<String, long[]> threadSwitches(List<Long> pids) throws IOException {
        Map<String, long[]> switches = new TreeMap<>();
        for (long pid : pids) {
            List<Path> tasks;
            try (Stream<Path> listing = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
                tasks = listing.toList();
            }
            for (Path task : tasks) {
                try {
                    String name = pid + "/" + Files.readString(task.resolve("comm")).trim()
                            + "/" + task.getFileName();
                    long[] counts = new long[2];
                    for (String line : Files.readAllLines(task.resolve("status"))) {
                        if (line.startsWith("voluntary_ctxt_switches:")) {
                            counts[0] = Long.parseLong(line.split("\\s+")[1]);
                        } else if (line.startsWith("nonvoluntary_ctxt_switches:")) {
                            counts[1] = Long.parseLong(line.split("\\s+")[1]);
                        }
                    }
                    switches.put(name, counts);
                } catch (NoSuchFileException e) {
                    // The thread ended after the listing.
                }
            }
        }
        return switches;
    }

    /** Returns the user and system CPU time of the processes in clock ticks. */
    private static long cpuTicks(List<Long> pids) throws IOException {
        long ticks = 0;
        for (long pid : pids) {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // Fields 14 and 15 of proc(5), utime and stime, counted after the command name.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        }
        return ticks;
    }
}
