package io.storagedriver.bench.peer;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.util.Map;

/**
 * The child process of the gRPC comparison: serves {@link GrpcBlobService} on the Unix domain
 * socket named by the first argument, with one file {@code /small} of as many bytes as the
 * second argument says. It prints {@code ready} on standard output once it listens, and exits
 * when its standard input reaches end of file, which happens when the host exits or closes it.
 */
public final class GrpcPeer {
    /** The path of the one file that the peer serves. */
    public static final String FILE = "/small";

    /** The line that the peer prints once it accepts connections. */
    public static final String READY = "ready";

    private GrpcPeer() {}

    public static void main(String[] args) throws IOException, InterruptedException {
        String socketPath = args[0];
        byte[] content = new byte[Integer.parseInt(args[1])];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) i;
        }
        EventLoopGroup boss = GrpcBlobService.epollGroup(1);
        EventLoopGroup workers = GrpcBlobService.epollGroup(1);
        Server server = NettyServerBuilder.forAddress(new DomainSocketAddress(socketPath))
                .channelType(EpollServerDomainSocketChannel.class)
                .bossEventLoopGroup(boss)
                .workerEventLoopGroup(workers)
                .addService(GrpcBlobService.definition(Map.of(FILE, content)))
                .build()
                .start();
        System.out.println(READY);
        System.out.flush();
        while (System.in.read() >= 0) {
            // Wait for the host to go away.
        }
        server.shutdownNow().awaitTermination();
        boss.shutdownGracefully();
        workers.shutdownGracefully();
        System.exit(0);
    }
}
