package io.storagedriver.internal.process;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How to start a driver: its argv and where the child finds its end of the socket.
 *
 * <p>{@code command} is the driver's own argv, without any wrapper. {@link DriverProcess} adds
 * the shell wrapper that {@link SocketPlacement#FD3_VIA_SHELL} needs. The arguments may contain
 * secrets (JVM options, for example), so the process layer logs only {@code command.get(0)}.
 *
 * @param driverName the driver's name, used in log lines, thread names and error messages
 * @param command the executable followed by its arguments; not empty
 * @param placement where the child finds the socket
 * @param checkedExecutable the file that {@link DriverProcess#start} checks, before it spawns
 *     anything, for being an existing, executable regular file; empty to skip the check
 */
public record LaunchCommand(
        String driverName,
        List<String> command,
        SocketPlacement placement,
        Optional<Path> checkedExecutable) {

    /** The descriptor on which the child process finds its end of the socket pair. */
    public enum SocketPlacement {
        /**
         * On fd 3, with fd 0 reading {@code /dev/null}, as the wire protocol requires of every
         * driver. The host starts {@code /bin/sh -c 'exec "$0" "$@" 3<&0 0</dev/null'} with the
         * socket as standard input and the driver's argv after the script. The shell moves the
         * socket to fd 3 and then replaces itself with the driver, so the driver has the pid
         * that {@link Process#pid()} returns. The shell looks up a {@code command.get(0)}
         * without a slash on the child's PATH.
         */
        FD3_VIA_SHELL,

        /**
         * On fd 0 (standard input), with no wrapper. Used for Java drivers that the host starts
         * with its own JVM, because {@code System.inheritedChannel()} finds the socket there
         * without a native library.
         */
        FD0
    }

    public LaunchCommand {
        Objects.requireNonNull(driverName, "driverName");
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(placement, "placement");
        Objects.requireNonNull(checkedExecutable, "checkedExecutable");
        if (driverName.isBlank()) {
            throw new IllegalArgumentException("driverName must not be blank");
        }
        command = List.copyOf(command);
        if (command.isEmpty()) {
            throw new IllegalArgumentException("command must contain at least the executable");
        }
        if (command.get(0).isEmpty()) {
            throw new IllegalArgumentException("command.get(0), the executable, must not be empty");
        }
    }

    /** Returns the executable, {@code command.get(0)}. */
    public String executable() {
        return command.get(0);
    }
}
