package io.storagedriver.internal.yamux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WindowCounterTest {
    @Test
    void consumeAndIncreaseTrackCredit() {
        WindowCounter window = new WindowCounter(256 * 1024);

        window.consume(200 * 1024);
        assertTrue(window.tryIncrease(100 * 1024));

        assertEquals(156 * 1024, window.available());
    }

    @Test
    void consumeBeyondAvailableThrows() {
        WindowCounter window = new WindowCounter(10);

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> window.consume(11));
        assertEquals("cannot consume 11 bytes from a window of 10", e.getMessage());
        assertEquals(10, window.available());
    }

    @Test
    void negativeAmountsAreRejected() {
        WindowCounter window = new WindowCounter(10);

        assertThrows(IllegalStateException.class, () -> window.consume(-1));
        assertThrows(IllegalArgumentException.class, () -> window.tryIncrease(-1));
        assertThrows(IllegalArgumentException.class, () -> new WindowCounter(-1));
    }

    @Test
    void increasePastMaxWindowIsRefused() {
        WindowCounter window = new WindowCounter(WindowCounter.MAX_WINDOW - 5);

        assertFalse(window.tryIncrease(6));
        assertFalse(window.tryIncrease(0xffff_ffffL));
        assertEquals(WindowCounter.MAX_WINDOW - 5, window.available());
        assertTrue(window.tryIncrease(5));
        assertEquals(WindowCounter.MAX_WINDOW, window.available());
    }
}
