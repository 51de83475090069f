package io.storagedriver.bench.peer;

import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A gRPC service with one unary method, {@code bench.Blobs/GetContent}, defined without protoc:
 * the request is a path in UTF-8 and the response the file's bytes, both passed through a
 * byte-array marshaller.
 */
public final class GrpcBlobService {
    /** The method that returns the content of the path in the request. */
    public static final MethodDescriptor<byte[], byte[]> GET_CONTENT =
            MethodDescriptor.<byte[], byte[]>newBuilder()
                    .setType(MethodDescriptor.MethodType.UNARY)
                    .setFullMethodName(MethodDescriptor.generateFullMethodName(
                            "bench.Blobs", "GetContent"))
                    .setRequestMarshaller(new BytesMarshaller())
                    .setResponseMarshaller(new BytesMarshaller())
                    .build();

    private GrpcBlobService() {}

    /** Returns the service, serving the files in {@code files} by path. */
    public static ServerServiceDefinition definition(Map<String, byte[]> files) {
        return ServerServiceDefinition.builder("bench.Blobs")
                .addMethod(GET_CONTENT, ServerCalls.asyncUnaryCall((request, response) -> {
                    byte[] content = files.get(new String(request, StandardCharsets.UTF_8));
                    if (content == null) {
                        response.onError(io.grpc.Status.NOT_FOUND.asRuntimeException());
                        return;
                    }
                    response.onNext(content);
                    response.onCompleted();
                }))
                .build();
    }

    /** Returns an epoll event loop group with {@code threads} threads. */
    public static EventLoopGroup epollGroup(int threads) {
        return new MultiThreadIoEventLoopGroup(threads, EpollIoHandler.newFactory());
    }

    /** Passes byte arrays through unchanged. */
    private static final class BytesMarshaller implements MethodDescriptor.Marshaller<byte[]> {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
