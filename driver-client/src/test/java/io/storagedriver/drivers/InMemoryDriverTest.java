package io.storagedriver.drivers;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.storagedriver.StorageDriver;
import io.storagedriver.internal.wire.Versions;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InMemoryDriverTest extends StorageDriverContract {

    @Override
    StorageDriver newDriver() {
        return new InMemoryDriver();
    }

    @Test
    void factoryCreatesNamedDriver() {
        StorageDriver created = InMemoryDriver.factory().create(Map.of("ignored", "x"));
        assertEquals("inmemory", created.name());
        assertEquals("inmemory", InMemoryDriver.factory().name());
        assertEquals(Versions.API, created.apiVersion());
        assertTrue(InMemoryDriver.factory().operations().contains("Walk"));
    }

    @Test
    void modificationTimesFollowChanges() {
        MutableClock clock = new MutableClock(1_000);
        InMemoryDriver timed = new InMemoryDriver(clock);
        clock.millis = 2_000;
        timed.putContent("/a/f", bytes("x"));
        assertEquals(Instant.ofEpochMilli(2_000), timed.stat("/a/f").modificationTime());
        assertEquals(Instant.ofEpochMilli(2_000), timed.stat("/a").modificationTime());
        clock.millis = 3_000;
        timed.putContent("/a/f", bytes("y"));
        assertEquals(Instant.ofEpochMilli(3_000), timed.stat("/a/f").modificationTime());
        assertEquals(Instant.ofEpochMilli(2_000), timed.stat("/a").modificationTime());
        clock.millis = 4_000;
        timed.putContent("/a/g", bytes("z"));
        assertEquals(Instant.ofEpochMilli(4_000), timed.stat("/a").modificationTime());
        assertEquals(Instant.ofEpochMilli(3_000), timed.stat("/a/f").modificationTime());
    }

    @Test
    void readerKeepsContentItOpened() throws IOException {
        driver.putContent("/f", bytes("before"));
        try (InputStream in = driver.reader("/f", 0)) {
            driver.putContent("/f", bytes("after the change"));
            assertEquals("before", new String(in.readAllBytes(), UTF_8));
        }
    }

    /** A clock whose time the test sets. */
    private static final class MutableClock extends Clock {
        long millis;

        MutableClock(long millis) {
            this.millis = millis;
        }

        @Override
        public long millis() {
            return millis;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
