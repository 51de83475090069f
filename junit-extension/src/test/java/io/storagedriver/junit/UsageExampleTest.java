package io.storagedriver.junit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.storagedriver.StorageDriver;
import io.storagedriver.client.DriverClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The usage example of {@link WithStorageDriver}, run as it is written there. */
@WithStorageDriver(name = "inmemory")
class UsageExampleTest {
    @StorageDriverClient
    static DriverClient shared; // the class's driver, set before the @BeforeAll methods run

    @BeforeAll
    static void seed() {
        shared.putContent("/seed/a", new byte[] {1, 2, 3});
    }

    @Test
    void readsSeededBlob(StorageDriver driver) {
        assertArrayEquals(new byte[] {1, 2, 3}, driver.getContent("/seed/a"));
    }

    @Test
    @WithStorageDriver(id = "disk", name = "filesystem",
            parameters = "rootdirectory=${tempdir}")
    void copiesToDisk(StorageDriver memory, @StorageDriverClient(id = "disk") DriverClient disk) {
        disk.putContent("/copy", memory.getContent("/seed/a"));
        assertEquals(3, disk.stat("/copy").size());
    }
}
