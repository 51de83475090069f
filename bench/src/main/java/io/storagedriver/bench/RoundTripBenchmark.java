package io.storagedriver.bench;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.stub.ClientCalls;
import io.storagedriver.FileInfo;
import io.storagedriver.bench.peer.GrpcBlobService;
import io.storagedriver.bench.peer.GrpcPeer;
import io.storagedriver.client.DriverClient;
import io.storagedriver.client.DriverOptions;
import io.storagedriver.internal.process.DriverProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One small exchange per operation, in microseconds with percentiles: the raw ping-pong over the
 * socketpair (the baseline), {@code stat} and a 1 KiB {@code getContent} through {@link
 * DriverClient} to the {@code inmemory} driver, and the same 1 KiB get through grpc-java over a
 * Unix domain socket to a child JVM.
 *
 * <p>The warm-up is long because the child JVMs compile their side of the calls only after
 * several thousand of them.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RoundTripBenchmark {
    static final int SMALL_FILE_BYTES = 1024;
    static final String SMALL_PATH = "/bench/roundtrip/small";

    /** A raw peer that echoes messages of {@link #messageBytes}. */
    @State(Scope.Benchmark)
    public static class RawEcho {
        @Param({"1", "1024"})
        int messageBytes;

        DriverProcess peer;
        ByteChannel channel;
        ByteBuffer message;

        @Setup(Level.Trial)
        public void start() {
            peer = Peers.startRawPeer("echo", Integer.toString(messageBytes));
            channel = peer.channel();
            message = ByteBuffer.allocateDirect(messageBytes);
        }

        @TearDown(Level.Trial)
        public void stop() {
            peer.close();
        }
    }

    /** The inmemory driver, holding a 1 KiB file at {@link #SMALL_PATH}. */
    @State(Scope.Benchmark)
    public static class Driver {
        DriverClient client;

        @Setup(Level.Trial)
        public void start() {
            client = DriverClient.start(DriverOptions.name("inmemory").build());
            byte[] content = new byte[SMALL_FILE_BYTES];
            for (int i = 0; i < content.length; i++) {
                content[i] = (byte) i;
            }
            client.putContent(SMALL_PATH, content);
        }

        @TearDown(Level.Trial)
        public void stop() {
            client.close();
        }
    }

    /** A gRPC server in a child JVM and a client channel to it over a Unix domain socket. */
    @State(Scope.Benchmark)
    public static class Grpc {
        Process peer;
        Path directory;
        EventLoopGroup group;
        ManagedChannel channel;
        final byte[] request = GrpcPeer.FILE.getBytes(StandardCharsets.UTF_8);

        @Setup(Level.Trial)
        public void start() throws IOException {
            directory = Files.createTempDirectory("grpc-bench-");
            Path socket = directory.resolve("blobs.sock");
            peer = new ProcessBuilder(List.of(Peers.java().toString(), "-Xshare:auto", "-cp",
                    System.getProperty("java.class.path"), GrpcPeer.class.getName(),
                    socket.toString(), Integer.toString(SMALL_FILE_BYTES)))
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            BufferedReader output = new BufferedReader(
                    new InputStreamReader(peer.getInputStream(), StandardCharsets.UTF_8));
            String line = output.readLine();
            if (!GrpcPeer.READY.equals(line)) {
                peer.destroyForcibly();
                throw new IOException("the gRPC peer did not start; its first line was " + line);
            }
            group = GrpcBlobService.epollGroup(1);
            channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                    .channelType(EpollDomainSocketChannel.class, DomainSocketAddress.class)
                    .eventLoopGroup(group)
                    .usePlaintext()
                    .build();
        }

        @TearDown(Level.Trial)
        public void stop() throws IOException, InterruptedException {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            group.shutdownGracefully().await(5, TimeUnit.SECONDS);
            peer.getOutputStream().close();
            if (!peer.waitFor(5, TimeUnit.SECONDS)) {
                peer.destroyForcibly();
            }
            Files.deleteIfExists(directory.resolve("blobs.sock"));
            Files.deleteIfExists(directory);
        }
    }

    @Benchmark
    public ByteBuffer rawPingPong(RawEcho echo) {
        echo.message.clear();
        Peers.writeFully(echo.channel, echo.message);
        echo.message.clear();
        Peers.readFully(echo.channel, echo.message);
        return echo.message;
    }

    @Benchmark
    public FileInfo stat(Driver driver) {
        return driver.client.stat(SMALL_PATH);
    }

    @Benchmark
    public byte[] getContent(Driver driver) {
        return driver.client.getContent(SMALL_PATH);
    }

    @Benchmark
    public byte[] grpcGetContent(Grpc grpc) {
        return ClientCalls.blockingUnaryCall(
                grpc.channel, GrpcBlobService.GET_CONTENT, CallOptions.DEFAULT, grpc.request);
    }
}
