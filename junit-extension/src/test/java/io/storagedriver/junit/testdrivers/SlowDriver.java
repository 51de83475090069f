package io.storagedriver.junit.testdrivers;

import io.storagedriver.StorageDriver;
import io.storagedriver.drivers.InMemoryDriver;
import io.storagedriver.sdk.DriverFactory;
import io.storagedriver.sdk.DriverServer;
import java.util.Map;

/**
 * An in-memory driver that sleeps {@code startdelay} seconds in its handshake and {@code
 * calldelay} seconds in every {@code getContent}, both driver parameters that default to 0.
 */
public final class SlowDriver extends ForwardingDriver {
    private final long callDelayMillis;

    SlowDriver(StorageDriver delegate, long callDelayMillis) {
        super(delegate);
        this.callDelayMillis = callDelayMillis;
    }

    public static void main(String[] args) {
        DriverServer.serve(new DriverFactory() {
            @Override
            public String name() {
                return "slow";
            }

            @Override
            public StorageDriver create(Map<String, String> parameters) {
                sleep(millis(parameters, "startdelay"));
                return new SlowDriver(new InMemoryDriver(), millis(parameters, "calldelay"));
            }
        });
    }

    @Override
    public byte[] getContent(String path) {
        sleep(callDelayMillis);
        return super.getContent(path);
    }

    private static long millis(Map<String, String> parameters, String key) {
        return Long.parseLong(parameters.getOrDefault(key, "0")) * 1000;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
