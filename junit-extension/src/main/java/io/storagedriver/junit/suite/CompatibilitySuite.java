package io.storagedriver.junit.suite;

import java.util.List;

/**
 * The check classes of the compatibility suite, for launchers that select them with {@code
 * DiscoverySelectors.selectClass}.
 *
 * <p>Every class is an ordinary JUnit Jupiter test class that takes its driver from the {@code
 * storagedriver.*} configuration parameters (see {@link
 * io.storagedriver.junit.StorageDriverConfiguration}), and the classes of one launcher run share
 * one driver process. A driver author can instead extend a
 * class and annotate the subclass with {@link io.storagedriver.junit.WithStorageDriver}. Each
 * check has a stable {@link CheckId} at the start of its display name. The tag {@code large}
 * marks checks that move hundreds of MiB, {@code concurrency} the concurrent checks, and {@code
 * benchmark} the benchmarks, which run only when {@code storagedriver.benchmarks} is true.
 * Checks are independent: each works in a directory of its own below {@code
 * storagedriver.rootPrefix} and deletes it afterwards, so they may run in any order and
 * concurrently.
 */
public final class CompatibilitySuite {
    /** The check classes, in a stable order. */
    public static final List<Class<?>> CHECK_CLASSES = List.of(
            PathRulesChecks.class,
            ContentChecks.class,
            StreamChecks.class,
            WriterChecks.class,
            StatChecks.class,
            ListChecks.class,
            MoveChecks.class,
            DeleteChecks.class,
            WalkChecks.class,
            ConcurrencyChecks.class,
            BenchmarkChecks.class);

    private CompatibilitySuite() {}
}
