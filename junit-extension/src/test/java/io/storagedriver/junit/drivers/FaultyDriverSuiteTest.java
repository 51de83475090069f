package io.storagedriver.junit.drivers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.storagedriver.junit.StorageDriverConfiguration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * Runs the suite against deliberately broken drivers and checks that exactly the checks that
 * cover the broken behaviour fail, while all others pass.
 */
class FaultyDriverSuiteTest {

    @Test
    void offsetIgnoringReaderFailsOffsetChecks() {
        assertFailedChecks("OffsetIgnoringDriver",
                Set.of("stream.read-from-offsets", "concurrency.parallel-readers"));
    }

    @Test
    void shallowDeleteFailsDeleteChecks() {
        assertFailedChecks("ShallowDeleteDriver",
                Set.of("delete.directory-tree", "delete.exact-subtree-only"));
    }

    @Test
    void listingGrandchildrenFailsListChecks() {
        // The client rejects an entry that is not a direct child, so every check that lists a
        // directory with subdirectories fails, each naming the entry.
        EngineExecutionResults results = assertFailedChecks("GrandchildListingDriver",
                Set.of("list.direct-children-as-full-paths", "list.root-shows-prefix",
                        "move.creates-parents", "path.valid-shapes-round-trip"));

        String failures = SuiteRuns.failures(results);
        assertEquals(4, failures.split(", which is not a direct child of ", -1).length - 1,
                "failures naming the grandchild:\n" + failures);
    }

    @Test
    void repeatingWalkFailsWalkChecksEarly() {
        EngineExecutionResults results = assertFailedChecks("RepeatingWalkDriver",
                Set.of("walk.every-entry-in-order", "walk.entries-carry-metadata",
                        "walk.skip-contents"));

        String failures = SuiteRuns.failures(results);
        assertEquals(3, failures.split("visited more than 1000 entries, many more than the "
                + "tree has", -1).length - 1, "walk checks stopped at 1000 entries:\n" + failures);
    }

    private static EngineExecutionResults assertFailedChecks(String driverClass,
            Set<String> expected) {
        EngineExecutionResults results = SuiteRuns.runNested(Map.of(
                StorageDriverConfiguration.MAIN_CLASS,
                "io.storagedriver.junit.testdrivers." + driverClass), "large");

        assertEquals(new TreeSet<>(expected), SuiteRuns.failedChecks(results),
                "checks failed by " + driverClass + ":\n" + SuiteRuns.failures(results));
        results.testEvents().assertStatistics(stats -> stats.aborted(0));
        return results;
    }
}
