package com.example.users;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.storagedriver.PathNotFoundException;
import io.storagedriver.client.DriverClient;
import io.storagedriver.junit.StorageDriverClient;
import io.storagedriver.junit.WithStorageDriver;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Gives every test a fresh driver and checks that the driver of the first test was stopped when
 * that test ended, which needs JUnit to close the values of its extension stores.
 */
@WithStorageDriver(name = "inmemory", lifecycle = WithStorageDriver.Lifecycle.PER_METHOD)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PerMethodDriverTest {
    private static long firstPid;

    @StorageDriverClient
    DriverClient driver;

    @Test
    @Order(1)
    void writesToOwnDriver() {
        firstPid = driver.pid();
        driver.putContent("/first", new byte[] {1});
    }

    @Test
    @Order(2)
    void getsFreshDriver() throws Exception {
        assertNotEquals(firstPid, driver.pid());
        assertThrows(PathNotFoundException.class, () -> driver.getContent("/first"));
        Optional<ProcessHandle> first = ProcessHandle.of(firstPid);
        if (first.isPresent()) {
            first.get().onExit().get(10, TimeUnit.SECONDS);
            assertFalse(first.get().isAlive(), "driver " + firstPid + " still running");
        }
        assertTrue(driver.isAlive());
    }
}
