package io.storagedriver.internal.yamux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReceiveBufferTest {
    @Test
    void readsBytesInOrderAcrossWrapAndGrowth() {
        ReceiveBuffer buffer = new ReceiveBuffer(100_000);
        Random random = new Random(6);
        byte[] source = new byte[2_000_000];
        random.nextBytes(source);
        byte[] sink = new byte[source.length];
        int written = 0;
        int read = 0;

        while (read < source.length) {
            int writeCount = Math.min(random.nextInt(30_000), source.length - written);
            writeCount = Math.min(writeCount, 100_000 - buffer.size());
            buffer.reserve(writeCount);
            buffer.write(ByteBuffer.wrap(source, written, writeCount), writeCount);
            written += writeCount;

            int readCount = random.nextInt(30_000);
            read += buffer.read(sink, read, Math.min(readCount, sink.length - read));
        }

        assertArrayEquals(source, sink);
        assertEquals(0, buffer.size());
    }

    @Test
    void growsOnlyUpToMaxCapacity() {
        ReceiveBuffer buffer = new ReceiveBuffer(50_000);
        buffer.reserve(50_000);

        assertEquals(50_000, buffer.capacity());
        buffer.write(ByteBuffer.wrap(new byte[50_000]), 50_000);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> buffer.reserve(1));
        assertEquals("cannot buffer 1 more bytes on top of 50000, the maximum is 50000",
                e.getMessage());
    }

    @Test
    void readByteAndDiscardAll() {
        ReceiveBuffer buffer = new ReceiveBuffer(1024);
        byte[] bytes = {(byte) 0xff, 1, 2, 3};
        buffer.reserve(bytes.length);
        buffer.write(ByteBuffer.wrap(bytes), bytes.length);

        assertEquals(0xff, buffer.readByte());
        assertEquals(3, buffer.discardAll());
        assertEquals(0, buffer.size());
        assertEquals(0, buffer.capacity(), "capacity after discardAll");
        byte[] out = new byte[4];
        assertEquals(0, buffer.read(out, 0, 4));
        assertArrayEquals(new byte[4], out);
        assertThrows(IllegalStateException.class, buffer::readByte);
    }
}
