package com.example.users;

import io.storagedriver.junit.WithStorageDriver;
import io.storagedriver.junit.suite.ContentChecks;
import io.storagedriver.junit.suite.DeleteChecks;
import org.junit.jupiter.api.Nested;

/** Runs two check classes of the compatibility suite against the bundled in-memory driver. */
@WithStorageDriver(name = "inmemory")
class SuiteChecksTest {
    @Nested
    class Content extends ContentChecks {}

    @Nested
    class Deletes extends DeleteChecks {}
}
