package io.storagedriver.internal.process;

import io.storagedriver.internal.process.LaunchCommand.SocketPlacement;
import java.util.Locale;
import java.util.Map;

/** Turns a driver's exit code into a sentence for logs and error messages. */
final class ExitDescriptions {
    /** The status a POSIX shell exits with when it finds a command but cannot execute it. */
    static final int SHELL_CANNOT_EXECUTE = 126;

    /** The status a POSIX shell exits with when it does not find a command. */
    static final int SHELL_NOT_FOUND = 127;

    /**
     * The signal numbers that Linux, macOS and the BSDs share. Signals from 1 to 31 that differ
     * between systems are named only on Linux, from {@link #LINUX_SIGNALS}.
     */
    private static final Map<Integer, String> PORTABLE_SIGNALS = Map.ofEntries(
            Map.entry(1, "SIGHUP"), Map.entry(2, "SIGINT"), Map.entry(3, "SIGQUIT"),
            Map.entry(4, "SIGILL"), Map.entry(5, "SIGTRAP"), Map.entry(6, "SIGABRT"),
            Map.entry(8, "SIGFPE"), Map.entry(9, "SIGKILL"), Map.entry(11, "SIGSEGV"),
            Map.entry(13, "SIGPIPE"), Map.entry(14, "SIGALRM"), Map.entry(15, "SIGTERM"));

    /** Linux signal numbers on x86 and ARM, from signal(7). */
    private static final Map<Integer, String> LINUX_SIGNALS = Map.ofEntries(
            Map.entry(7, "SIGBUS"), Map.entry(10, "SIGUSR1"), Map.entry(12, "SIGUSR2"),
            Map.entry(16, "SIGSTKFLT"), Map.entry(17, "SIGCHLD"), Map.entry(18, "SIGCONT"),
            Map.entry(19, "SIGSTOP"), Map.entry(20, "SIGTSTP"), Map.entry(21, "SIGTTIN"),
            Map.entry(22, "SIGTTOU"), Map.entry(23, "SIGURG"), Map.entry(24, "SIGXCPU"),
            Map.entry(25, "SIGXFSZ"), Map.entry(26, "SIGVTALRM"), Map.entry(27, "SIGPROF"),
            Map.entry(28, "SIGWINCH"), Map.entry(29, "SIGIO"), Map.entry(30, "SIGPWR"),
            Map.entry(31, "SIGSYS"));

    private static final boolean LINUX =
            System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux");

    private ExitDescriptions() {}

    /**
     * Describes exit code {@code code} of a driver. The JDK reports a process killed by signal
     * n as 128 + n, so codes from 129 to 192 are described as signals, although a process may
     * also exit with such a status itself. 126 and 127 are described as the wrapper shell's
     * codes for {@link SocketPlacement#FD3_VIA_SHELL}.
     */
    static String describe(int code, SocketPlacement placement, String executable) {
        if (placement == SocketPlacement.FD3_VIA_SHELL && code == SHELL_CANNOT_EXECUTE) {
            return "exited with status 126: the shell could not execute " + executable
                    + " (it is not executable or not a regular file, or its #! interpreter"
                    + " cannot be run)";
        }
        if (placement == SocketPlacement.FD3_VIA_SHELL && code == SHELL_NOT_FOUND) {
            return "exited with status 127: the shell did not find " + executable
                    + " (the file is missing, or the interpreter named on its #! line is)";
        }
        if (code > 128 && code <= 128 + 64) {
            int signal = code - 128;
            return "exited with status " + code + ": killed by signal " + signal
                    + signalName(signal);
        }
        return "exited with status " + code;
    }

    private static String signalName(int signal) {
        String name = PORTABLE_SIGNALS.get(signal);
        if (name == null && LINUX) {
            name = LINUX_SIGNALS.get(signal);
        }
        return name == null ? "" : " (" + name + ")";
    }
}
