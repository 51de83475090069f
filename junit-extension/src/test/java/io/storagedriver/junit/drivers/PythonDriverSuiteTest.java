package io.storagedriver.junit.drivers;

import io.storagedriver.junit.WithStorageDriver;
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
import org.junit.jupiter.api.Nested;

/**
 * Runs the compatibility suite against the Python reference driver in a temporary directory,
 * started once as a child process and shared by every check class nested here.
 */
@WithStorageDriver(executable = PythonDriverSuiteTest.LAUNCHER,
        parameters = "rootdirectory=${tempdir}")
class PythonDriverSuiteTest {
    /** The launcher in this repository, relative to the module folder that tests run in. */
    static final String LAUNCHER = "../drivers/python/registry-storagedriver-pyfs";

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
