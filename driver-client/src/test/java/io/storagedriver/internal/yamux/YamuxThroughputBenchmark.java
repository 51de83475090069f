package io.storagedriver.internal.yamux;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import org.newsclub.net.unix.AFUNIXSocketChannel;
import org.newsclub.net.unix.AFUNIXSocketPair;

/**
 * Compares one-way throughput of a raw Unix socketpair with one yamux stream over the same kind
 * of socketpair. Not a unit test: run it by hand with the test classpath, for example
 * {@code java -cp ... io.storagedriver.internal.yamux.YamuxThroughputBenchmark [MiB] [rounds]}.
 * Both sides copy through heap byte arrays of {@code CHUNK} bytes, as applications do.
 */
public final class YamuxThroughputBenchmark {
    private static final int CHUNK = 64 * 1024;

    private YamuxThroughputBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        long mebibytes = args.length > 0 ? Long.parseLong(args[0]) : 4096;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        long bytes = mebibytes * 1024 * 1024;
        for (int round = 1; round <= rounds; round++) {
            double raw = rawSocketpair(bytes);
            double yamux = yamuxStream(bytes);
            System.out.printf("round %d: raw %.2f GB/s, yamux %.2f GB/s, ratio %.0f%%%n",
                    round, raw, yamux, 100 * yamux / raw);
        }
    }

    /** Returns GB/s (10^9 bytes per second) of plain channel writes and reads. */
    private static double rawSocketpair(long bytes) throws Exception {
        AFUNIXSocketPair<AFUNIXSocketChannel> pair = AFUNIXSocketPair.open();
        try (AFUNIXSocketChannel writerChannel = pair.getSocket1();
                AFUNIXSocketChannel readerChannel = pair.getSocket2()) {
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    byte[] chunk = new byte[CHUNK];
                    long left = bytes;
                    while (left > 0) {
                        ByteBuffer buffer = ByteBuffer.wrap(chunk, 0, (int) Math.min(CHUNK, left));
                        left -= buffer.remaining();
                        while (buffer.hasRemaining()) {
                            writerChannel.write(buffer);
                        }
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            long start = System.nanoTime();
            byte[] chunk = new byte[CHUNK];
            long received = 0;
            while (received < bytes) {
                int count = readerChannel.read(ByteBuffer.wrap(chunk));
                if (count < 0) {
                    throw new IllegalStateException("unexpected end of stream");
                }
                received += count;
            }
            writer.get();
            return bytes / ((System.nanoTime() - start) / 1e9) / 1e9;
        }
    }

    /** Returns GB/s (10^9 bytes per second) of one yamux stream between two sessions. */
    private static double yamuxStream(long bytes) throws Exception {
        AFUNIXSocketPair<AFUNIXSocketChannel> pair = AFUNIXSocketPair.open();
        try (YamuxSession client = YamuxSession.client(pair.getSocket1(),
                        YamuxConfig.defaults().withName("bench-client"));
                YamuxSession server = YamuxSession.server(pair.getSocket2(),
                        YamuxConfig.defaults().withName("bench-server"))) {
            YamuxStream stream = client.openStream();
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try (OutputStream out = stream.outputStream()) {
                    byte[] chunk = new byte[CHUNK];
                    long left = bytes;
                    while (left > 0) {
                        int count = (int) Math.min(CHUNK, left);
                        out.write(chunk, 0, count);
                        left -= count;
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            long start = System.nanoTime();
            InputStream in = server.acceptStream().inputStream();
            byte[] chunk = new byte[CHUNK];
            long received = 0;
            int count;
            while ((count = in.read(chunk)) >= 0) {
                received += count;
            }
            writer.get();
            if (received != bytes) {
                throw new IllegalStateException("received " + received + " of " + bytes);
            }
            return bytes / ((System.nanoTime() - start) / 1e9) / 1e9;
        }
    }
}
