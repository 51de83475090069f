package io.storagedriver.internal.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LogRateLimiterTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private final AtomicLong now = new AtomicLong(1_000 * SECOND);
    private final LogRateLimiter limiter = new LogRateLimiter(200, 1000, SECOND, now::get);

    @Test
    void burstAllowedThenRejected() {
        int allowed = acquire(1500);

        assertEquals(1000, allowed);
        assertEquals(500, limiter.takeReport());
    }

    @Test
    void tokensRefillAtSustainedRate() {
        acquire(1000);
        now.addAndGet(SECOND / 2);

        assertEquals(100, acquire(300));
    }

    @Test
    void refillCappedAtBurst() {
        acquire(1000);
        now.addAndGet(60 * SECOND);

        assertEquals(1000, acquire(2000));
    }

    @Test
    void reportDueOnlyAfterInterval() {
        acquire(1010);
        long early = limiter.takeDueReport();
        now.addAndGet(SECOND);
        long due = limiter.takeDueReport();
        long afterReport = limiter.takeDueReport();

        assertEquals(0, early);
        assertEquals(10, due);
        assertEquals(0, afterReport);
    }

    @Test
    void reportCountsFromFirstUnreportedRejection() {
        acquire(1001);
        now.addAndGet(SECOND);
        assertEquals(1, limiter.takeDueReport());
        assertEquals(200, acquire(201));
        now.addAndGet(SECOND / 2);
        long early = limiter.takeDueReport();
        now.addAndGet(SECOND / 2);
        long due = limiter.takeDueReport();

        assertEquals(0, early);
        assertEquals(1, due);
    }

    @Test
    void takeReportResetsCount() {
        acquire(1003);

        assertEquals(3, limiter.takeReport());
        assertEquals(0, limiter.takeReport());
    }

    private int acquire(int lines) {
        int allowed = 0;
        for (int i = 0; i < lines; i++) {
            if (limiter.tryAcquire()) {
                allowed++;
            }
        }
        return allowed;
    }
}
