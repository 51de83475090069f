package io.storagedriver.internal.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SocketPairTest {

    @Test
    void pairCarriesBytesBothWays() throws Exception {
        SocketPair pair = SocketPair.open();
        try {
            TestDrivers.writeFully(pair.parentEnd(), ascii("to child\n"));
            TestDrivers.writeFully(pair.childEnd(), ascii("to parent\n"));

            assertEquals("to child", TestDrivers.readLine(pair.childEnd()));
            assertEquals("to parent", TestDrivers.readLine(pair.parentEnd()));
            assertTrue(pair.parentEnd().isBlocking());
            assertTrue(pair.childEnd().isBlocking());
        } finally {
            pair.parentEnd().close();
            pair.childEnd().close();
        }
    }

    @Test
    void closingEndSendsEndOfFile() throws Exception {
        SocketPair pair = SocketPair.open();
        try {
            pair.parentEnd().close();

            assertEquals(-1, pair.childEnd().read(ByteBuffer.allocate(1)));
        } finally {
            pair.childEnd().close();
        }
    }

    @Test
    void openAndCloseLeakNoDescriptors() throws Exception {
        openAndClose();
        long before = TestDrivers.openDescriptorCount();

        for (int i = 0; i < 100; i++) {
            openAndClose();
        }

        assertEquals(before, TestDrivers.openDescriptorCount());
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static void openAndClose() throws Exception {
        SocketPair pair = SocketPair.open();
        pair.parentEnd().close();
        pair.childEnd().close();
    }
}
