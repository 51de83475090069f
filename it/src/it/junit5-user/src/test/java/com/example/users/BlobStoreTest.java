package com.example.users;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.storagedriver.StorageDriver;
import io.storagedriver.client.DriverClient;
import io.storagedriver.junit.StorageDriverClient;
import io.storagedriver.junit.WithStorageDriver;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Uses the bundled in-memory driver the way a project's own tests would. */
@WithStorageDriver(name = "inmemory")
class BlobStoreTest {
    private static final byte[] GREETING = "hello".getBytes(StandardCharsets.UTF_8);

    @StorageDriverClient
    static DriverClient shared;

    @BeforeAll
    static void seed() {
        shared.putContent("/seed/greeting", GREETING);
    }

    @Test
    void putThenGet(DriverClient driver) {
        byte[] content = {1, 2, 3};
        driver.putContent("/blobs/a", content);

        assertArrayEquals(content, driver.getContent("/blobs/a"));
    }

    @Test
    void readsSeededBlob(StorageDriver driver) {
        assertArrayEquals(GREETING, driver.getContent("/seed/greeting"));
    }

    @Test
    @WithStorageDriver(id = "disk", name = "filesystem", parameters = "rootdirectory=${tempdir}")
    void copiesToFilesystemDriver(
            DriverClient memory, @StorageDriverClient(id = "disk") DriverClient disk) {
        disk.putContent("/copy", memory.getContent("/seed/greeting"));

        assertEquals(GREETING.length, disk.stat("/copy").size());
        assertNotEquals(memory.pid(), disk.pid());
    }

    @Nested
    class WhenNested {
        @Test
        void usesEnclosingDriver(DriverClient driver) {
            assertEquals(shared.pid(), driver.pid());
            assertArrayEquals(GREETING, driver.getContent("/seed/greeting"));
        }
    }
}
