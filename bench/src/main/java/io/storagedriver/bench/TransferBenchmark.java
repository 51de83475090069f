package io.storagedriver.bench;

import io.storagedriver.FileWriter;
import io.storagedriver.client.DriverClient;
import io.storagedriver.client.DriverOptions;
import io.storagedriver.internal.process.DriverProcess;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Moves one 64 MiB object per operation: over the raw socketpair with no framing (the
 * baseline), and through {@link DriverClient} to the bundled {@code inmemory} driver. The score
 * is milliseconds per object; the summary turns it into MiB/s.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TransferBenchmark {
    /** Bytes moved per operation. */
    static final int OBJECT_BYTES = 64 * 1024 * 1024;

    /** Bytes per read and write call: the payload of one data frame of the client. */
    static final int IO_BYTES = 64 * 1024;

    static final String WRITE_PATH = "/bench/transfer/written";
    static final String READ_PATH = "/bench/transfer/read";

    /** A raw peer that reads {@link #OBJECT_BYTES} and then sends one byte back. */
    @State(Scope.Benchmark)
    public static class RawSink {
        DriverProcess peer;
        ByteChannel channel;
        final ByteBuffer buffer = ByteBuffer.allocateDirect(IO_BYTES);
        final ByteBuffer ack = ByteBuffer.allocateDirect(1);

        @Setup(Level.Trial)
        public void start() {
            peer = Peers.startRawPeer("sink", Integer.toString(OBJECT_BYTES),
                    Integer.toString(IO_BYTES));
            channel = peer.channel();
        }

        @TearDown(Level.Trial)
        public void stop() {
            peer.close();
        }
    }

    /** A raw peer that sends {@link #OBJECT_BYTES} whenever it receives one byte. */
    @State(Scope.Benchmark)
    public static class RawSource {
        DriverProcess peer;
        ByteChannel channel;
        final ByteBuffer buffer = ByteBuffer.allocateDirect(IO_BYTES);
        final ByteBuffer request = ByteBuffer.allocateDirect(1);

        @Setup(Level.Trial)
        public void start() {
            peer = Peers.startRawPeer("source", Integer.toString(OBJECT_BYTES),
                    Integer.toString(IO_BYTES));
            channel = peer.channel();
        }

        @TearDown(Level.Trial)
        public void stop() {
            peer.close();
        }
    }

    /** The inmemory driver, holding a {@link #OBJECT_BYTES} file at {@link #READ_PATH}. */
    @State(Scope.Benchmark)
    public static class Driver {
        DriverClient client;
        final byte[] chunk = new byte[IO_BYTES];

        @Setup(Level.Trial)
        public void start() {
            for (int i = 0; i < chunk.length; i++) {
                chunk[i] = (byte) (i * 31);
            }
            client = DriverClient.start(DriverOptions.name("inmemory").build());
            client.writeStream(READ_PATH, 0, new RepeatingInputStream(chunk, OBJECT_BYTES));
        }

        @TearDown(Level.Trial)
        public void stop() {
            client.close();
        }
    }

    @Benchmark
    public void rawSend(RawSink sink) {
        for (long sent = 0; sent < OBJECT_BYTES; sent += IO_BYTES) {
            sink.buffer.clear();
            Peers.writeFully(sink.channel, sink.buffer);
        }
        sink.ack.clear();
        Peers.readFully(sink.channel, sink.ack);
    }

    @Benchmark
    public long rawReceive(RawSource source) throws IOException {
        source.request.clear();
        Peers.writeFully(source.channel, source.request);
        long received = 0;
        while (received < OBJECT_BYTES) {
            source.buffer.clear();
            int n = source.channel.read(source.buffer);
            if (n < 0) {
                throw new IOException("the raw peer closed the socket after " + received
                        + " bytes");
            }
            received += n;
        }
        return received;
    }

    @Benchmark
    public long clientWriteStream(Driver driver) {
        return driver.client.writeStream(WRITE_PATH, 0,
                new RepeatingInputStream(driver.chunk, OBJECT_BYTES));
    }

    @Benchmark
    public long clientWriter(Driver driver) {
        try (FileWriter writer = driver.client.writer(WRITE_PATH, false)) {
            for (long written = 0; written < OBJECT_BYTES; written += IO_BYTES) {
                writer.write(driver.chunk, 0, IO_BYTES);
            }
            writer.commit();
            return writer.size();
        }
    }

    @Benchmark
    public long clientReader(Driver driver) throws IOException {
        byte[] buffer = new byte[IO_BYTES];
        long received = 0;
        try (InputStream in = driver.client.reader(READ_PATH, 0)) {
            int n;
            while ((n = in.read(buffer, 0, buffer.length)) >= 0) {
                received += n;
            }
        }
        if (received != OBJECT_BYTES) {
            throw new IOException("read " + received + " bytes instead of " + OBJECT_BYTES);
        }
        return received;
    }

    /** Repeats one buffer up to a total length, so the source costs next to nothing. */
    static final class RepeatingInputStream extends InputStream {
        private final byte[] pattern;
        private long remaining;

        RepeatingInputStream(byte[] pattern, long length) {
            this.pattern = pattern;
            this.remaining = length;
        }

        @Override
        public int read() {
            if (remaining == 0) {
                return -1;
            }
            remaining--;
            return 0;
        }

        @Override
        public int read(byte[] target, int offset, int length) {
            if (remaining == 0) {
                return -1;
            }
            int n = (int) Math.min(Math.min(length, pattern.length), remaining);
            System.arraycopy(pattern, 0, target, offset, n);
            remaining -= n;
            return n;
        }
    }
}
