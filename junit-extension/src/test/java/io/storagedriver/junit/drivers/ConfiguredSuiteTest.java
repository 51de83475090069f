package io.storagedriver.junit.drivers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.storagedriver.junit.StorageDriverConfiguration;
import io.storagedriver.junit.suite.BenchmarkChecks;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * Runs the suite classes themselves, which carry no driver, with the driver chosen by
 * configuration parameters, as a launcher such as the Maven goal does.
 */
class ConfiguredSuiteTest {
    private static final Map<String, String> IN_MEMORY = Map.of(
            StorageDriverConfiguration.MAIN_CLASS, "io.storagedriver.drivers.InMemoryDriver",
            StorageDriverConfiguration.ROOT_PREFIX, "/configured-suite");

    @Test
    void suitePassesOnConfiguredInMemory() {
        EngineExecutionResults results = SuiteRuns.run(IN_MEMORY, "large");

        assertEquals("", SuiteRuns.failures(results));
        results.testEvents().assertStatistics(stats -> stats.failed(0).aborted(0));
        assertTrue(results.testEvents().succeeded().count() > 60,
                "checks that passed: " + results.testEvents().succeeded().count());
        assertEquals(1, results.containerEvents().skipped().count(),
                "skipped containers: only the benchmarks");
        assertEquals(1, startedDrivers(results), "drivers started for the ten check classes");
    }

    @Test
    void suitePassesWhenChecksRunConcurrently() {
        Map<String, String> configuration = new HashMap<>(IN_MEMORY);
        configuration.put("junit.jupiter.execution.parallel.enabled", "true");
        configuration.put("junit.jupiter.execution.parallel.mode.default", "concurrent");
        configuration.put("junit.jupiter.execution.parallel.mode.classes.default", "concurrent");
        EngineExecutionResults results = SuiteRuns.runNested(configuration, "large");

        assertEquals("", SuiteRuns.failures(results));
        results.testEvents().assertStatistics(stats -> stats.failed(0).aborted(0));
        assertEquals(1, startedDrivers(results), "drivers started for the nested check classes");
    }

    private static long startedDrivers(EngineExecutionResults results) {
        return results.allEvents().reportingEntryPublished().stream()
                .filter(event -> event.getPayload(ReportEntry.class).orElseThrow()
                        .getKeyValuePairs().containsKey("storagedriver.started"))
                .count();
    }

    @Test
    void enabledBenchmarksPublishFigures() {
        Map<String, String> configuration = new HashMap<>(IN_MEMORY);
        configuration.put(StorageDriverConfiguration.BENCHMARKS, "true");
        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter")
                .configurationParameters(configuration)
                .selectors(selectClass(BenchmarkChecks.class))
                .execute();

        assertEquals("", SuiteRuns.failures(results));
        results.testEvents().assertStatistics(stats -> stats.started(3).succeeded(3));
        Set<String> figures = results.allEvents().reportingEntryPublished().stream()
                .map(event -> event.getPayload(ReportEntry.class).orElseThrow())
                .filter(entry -> entry.getKeyValuePairs().containsKey("median ms"))
                .map(entry -> entry.getKeyValuePairs().get("benchmark"))
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(Set.of("putContent 0 B", "getContent 0 B", "putContent 1024 B",
                "getContent 1024 B", "putContent 1048576 B", "getContent 1048576 B",
                "writeStream 67108864 B", "reader 67108864 B", "list of 5 files",
                "delete of 5 files", "list of 50 files", "delete of 50 files"), figures);
    }
}
