package io.storagedriver.bench;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.storagedriver.junit.StorageDriverConfiguration;
import io.storagedriver.junit.suite.CompatibilitySuite;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TagFilter;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The whole compatibility suite against the {@code inmemory} driver through the JUnit Platform
 * Launcher, without the checks tagged {@code benchmark} and {@code large}: wall time of one run,
 * which starts and stops its own driver.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(1)
@State(Scope.Benchmark)
public class SuiteBenchmark {
    Launcher launcher;
    LauncherDiscoveryRequest request;

    @Setup(Level.Trial)
    public void discover() {
        LauncherDiscoveryRequestBuilder builder = LauncherDiscoveryRequestBuilder.request()
                .configurationParameter(StorageDriverConfiguration.NAME, "inmemory")
                .filters(TagFilter.excludeTags("benchmark", "large"));
        for (Class<?> checkClass : CompatibilitySuite.CHECK_CLASSES) {
            builder.selectors(selectClass(checkClass));
        }
        request = builder.build();
        launcher = LauncherFactory.create();
    }

    @Benchmark
    public long compatibilitySuite() {
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        launcher.execute(request, listener);
        TestExecutionSummary summary = listener.getSummary();
        if (summary.getTotalFailureCount() > 0 || summary.getTestsSucceededCount() == 0) {
            StringWriter failures = new StringWriter();
            summary.printFailuresTo(new PrintWriter(failures), 5);
            throw new IllegalStateException("the compatibility suite did not pass: "
                    + summary.getTestsSucceededCount() + " checks passed, "
                    + summary.getTotalFailureCount() + " failed\n" + failures);
        }
        return summary.getTestsSucceededCount();
    }
}
