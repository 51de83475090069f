package io.storagedriver.junit.drivers;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.storagedriver.junit.WithStorageDriver;
import io.storagedriver.junit.suite.CompatibilitySuite;
import io.storagedriver.junit.suite.ConcurrencyChecks;
import io.storagedriver.junit.suite.ContentChecks;
import io.storagedriver.junit.suite.DeleteChecks;
import io.storagedriver.junit.suite.ListChecks;
import io.storagedriver.junit.suite.MoveChecks;
import io.storagedriver.junit.suite.PathRulesChecks;
import io.storagedriver.junit.suite.StatChecks;
import io.storagedriver.junit.suite.StreamChecks;
import io.storagedriver.junit.suite.WalkChecks;
import io.storagedriver.junit.suite.WriterChecks;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Nested;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TagFilter;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/** Runs the compatibility suite the way a launcher does, and reads the outcome by check id. */
final class SuiteRuns {
    private static final Pattern CHECK_ID = Pattern.compile("^([a-z]+\\.[a-z0-9-]+): ");

    private SuiteRuns() {}

    /**
     * Selects every check class, as a launcher does, configures the driver and leaves out the
     * given tags. The check classes share one driver, which the configuration alone names.
     */
    static EngineExecutionResults run(Map<String, String> configuration, String... excludedTags) {
        EngineTestKit.Builder builder = EngineTestKit.engine("junit-jupiter")
                .configurationParameters(configuration);
        for (Class<?> checks : CompatibilitySuite.CHECK_CLASSES) {
            builder.selectors(selectClass(checks));
        }
        return execute(builder, excludedTags);
    }

    /**
     * Runs every check class nested in {@link AllChecks}, so that one configured driver serves
     * them all, and leaves out the given tags.
     */
    static EngineExecutionResults runNested(
            Map<String, String> configuration, String... excludedTags) {
        EngineTestKit.Builder builder = EngineTestKit.engine("junit-jupiter")
                .configurationParameters(configuration)
                .selectors(selectClass(AllChecks.class));
        return execute(builder, excludedTags);
    }

    private static EngineExecutionResults execute(
            EngineTestKit.Builder builder, String... excludedTags) {
        if (excludedTags.length > 0) {
            builder.filters(TagFilter.excludeTags(excludedTags));
        }
        return builder.execute();
    }

    /** Returns the ids of the checks with at least one failed test or container. */
    static Set<String> failedChecks(EngineExecutionResults results) {
        Set<String> ids = new TreeSet<>();
        results.allEvents().failed().stream()
                .map(event -> checkId(event.getTestDescriptor()))
                .flatMap(Optional::stream)
                .forEach(ids::add);
        return ids;
    }

    /** Returns every failure as "check id: message" lines, for assertion messages. */
    static String failures(EngineExecutionResults results) {
        List<String> lines = new ArrayList<>();
        for (Event event : results.allEvents().failed().list()) {
            String id = checkId(event.getTestDescriptor())
                    .orElse(event.getTestDescriptor().getDisplayName());
            String message = event.getPayload(TestExecutionResult.class)
                    .flatMap(TestExecutionResult::getThrowable)
                    .map(Throwable::toString).orElse("");
            lines.add(id + ": " + message);
        }
        return String.join("\n", lines);
    }

    /** Every check class but the benchmarks, nested so that they share the configured driver. */
    @WithStorageDriver
    static class AllChecks {
        @Nested
        class PathRules extends PathRulesChecks {}

        @Nested
        class Content extends ContentChecks {}

        @Nested
        class Streams extends StreamChecks {}

        @Nested
        class Writers extends WriterChecks {}

        @Nested
        class Stat extends StatChecks {}

        @Nested
        class Listing extends ListChecks {}

        @Nested
        class Moves extends MoveChecks {}

        @Nested
        class Deletes extends DeleteChecks {}

        @Nested
        class Walks extends WalkChecks {}

        @Nested
        class Concurrency extends ConcurrencyChecks {}
    }

    /** Finds the check id in the display name of the descriptor or of one of its parents. */
    static Optional<String> checkId(TestDescriptor descriptor) {
        for (TestDescriptor d = descriptor; d != null; d = d.getParent().orElse(null)) {
            Matcher matcher = CHECK_ID.matcher(d.getDisplayName());
            if (matcher.find()) {
                return Optional.of(matcher.group(1));
            }
        }
        return Optional.empty();
    }
}
