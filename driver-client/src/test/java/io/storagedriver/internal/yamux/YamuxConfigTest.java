package io.storagedriver.internal.yamux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class YamuxConfigTest {
    @Test
    void ackDelayDefaultsToTenMilliseconds() {
        assertEquals(Duration.ofMillis(10), YamuxConfig.defaults().ackDelay());
    }

    @Test
    void ackDelayAcceptsZeroAndTenSeconds() {
        assertEquals(Duration.ZERO,
                YamuxConfig.defaults().withAckDelay(Duration.ZERO).ackDelay());
        assertEquals(Duration.ofSeconds(10),
                YamuxConfig.defaults().withAckDelay(Duration.ofSeconds(10)).ackDelay());
    }

    @Test
    void ackDelayOutsideRangeIsRejected() {
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> YamuxConfig.defaults().withAckDelay(Duration.ofMillis(-1)));
        assertEquals("ackDelay must be between 0 and 10 seconds: PT-0.001S",
                negative.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> YamuxConfig.defaults().withAckDelay(Duration.ofSeconds(11)));
    }

    @Test
    void ackDelayTakesPartInEquality() {
        YamuxConfig zero = YamuxConfig.defaults().withAckDelay(Duration.ZERO);

        assertEquals(zero, YamuxConfig.defaults().withAckDelay(Duration.ZERO));
        assertEquals(false, zero.equals(YamuxConfig.defaults()));
    }
}
