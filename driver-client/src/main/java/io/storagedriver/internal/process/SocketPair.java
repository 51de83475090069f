package io.storagedriver.internal.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.atomic.AtomicLong;
import org.newsclub.net.unix.AFUNIXServerSocketChannel;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.newsclub.net.unix.AFUNIXSocketChannel;

/**
 * Two connected Unix stream sockets, in blocking mode: one for the host and one for a child.
 *
 * <p>NOTE: {@code AFUNIXSocketPair.open()} of junixsocket 2.10.1 leaks two descriptors per
 * call: its channels create sockets before the socketpair() call, which then replaces their
 * descriptors without closing them. So {@link #open()} connects two sockets through a listening
 * socket instead. The listening socket lives for one connection in a directory that only the
 * current user can enter, and its file is removed at once. The accepted connection must come from
 * this process, so another process of the same user that connects first is turned away.
 *
 * @param parentEnd the host's end
 * @param childEnd the end handed to the child process
 */
record SocketPair(AFUNIXSocketChannel parentEnd, AFUNIXSocketChannel childEnd) {
    private static final AtomicLong SOCKET_NUMBER = new AtomicLong();
    private static Path directory;

    /** Opens a connected pair. */
    static SocketPair open() throws IOException {
        Path socketFile = socketDirectory().resolve(Long.toString(SOCKET_NUMBER.incrementAndGet()));
        AFUNIXSocketAddress address = AFUNIXSocketAddress.of(socketFile);
        try (AFUNIXServerSocketChannel server = AFUNIXServerSocketChannel.open()) {
            server.bind(address, 1);
            AFUNIXSocketChannel parentEnd = AFUNIXSocketChannel.open(address);
            try {
                AFUNIXSocketChannel childEnd = server.accept();
                long peerPid = childEnd.getPeerCredentials().getPid();
                if (peerPid != ProcessHandle.current().pid()) {
                    childEnd.close();
                    throw new IOException("socket " + socketFile + " was connected by process "
                            + peerPid + " instead of this one; try again");
                }
                parentEnd.configureBlocking(true);
                childEnd.configureBlocking(true);
                return new SocketPair(parentEnd, childEnd);
            } catch (IOException | RuntimeException e) {
                parentEnd.close();
                throw e;
            }
        } finally {
            Files.deleteIfExists(socketFile);
        }
    }

    /**
     * Returns the private directory for listening sockets, and creates it, readable only by the
     * current user, when it does not exist. A JVM that exits normally deletes it. A directory
     * removed by a temporary file cleaner is created anew.
     */
    private static synchronized Path socketDirectory() throws IOException {
        if (directory == null || !Files.isDirectory(directory)) {
            directory = Files.createTempDirectory("storagedriver-",
                    PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rwx------")));
            directory.toFile().deleteOnExit();
        }
        return directory;
    }
}
