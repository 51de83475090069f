package io.storagedriver.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Samples the 1-minute load average from {@code /proc/loadavg} every few seconds while the
 * benchmarks run, so the summary can say how busy the machine was. On systems without that file
 * it records nothing.
 */
final class LoadSampler implements AutoCloseable {
    private static final Path LOADAVG = Path.of("/proc/loadavg");
    private static final long PERIOD_SECONDS = 5;

    private final List<Double> samples = new ArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            task -> {
                Thread thread = new Thread(task, "load-sampler");
                thread.setDaemon(true);
                return thread;
            });

    LoadSampler() {
        timer.scheduleAtFixedRate(this::sample, 0, PERIOD_SECONDS, TimeUnit.SECONDS);
    }

    private void sample() {
        try {
            String first = Files.readString(LOADAVG).trim().split("\\s+")[0];
            double load = Double.parseDouble(first);
            synchronized (samples) {
                samples.add(load);
            }
        } catch (IOException | RuntimeException e) {
            // No load average on this system; the summary then reports none.
        }
    }

    /** Returns the samples taken so far, oldest first. */
    List<Double> samples() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
