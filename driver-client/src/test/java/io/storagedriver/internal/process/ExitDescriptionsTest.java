package io.storagedriver.internal.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.storagedriver.internal.process.LaunchCommand.SocketPlacement;
import org.junit.jupiter.api.Test;

class ExitDescriptionsTest {
    private static final String EXE = "/opt/registry-storagedriver-s3";

    @Test
    void plainStatus() {
        assertEquals("exited with status 0", describe(0, SocketPlacement.FD3_VIA_SHELL));
        assertEquals("exited with status 3", describe(3, SocketPlacement.FD0));
    }

    @Test
    void shellCodesExplainedOnlyForShellWrapper() {
        String notExecutable = describe(126, SocketPlacement.FD3_VIA_SHELL);
        String notFound = describe(127, SocketPlacement.FD3_VIA_SHELL);

        assertTrue(notExecutable.contains("could not execute " + EXE), notExecutable);
        assertTrue(notFound.contains("did not find " + EXE), notFound);
        assertEquals("exited with status 127", describe(127, SocketPlacement.FD0));
    }

    @Test
    void signalsNamed() {
        assertEquals("exited with status 137: killed by signal 9 (SIGKILL)",
                describe(137, SocketPlacement.FD0));
        assertEquals("exited with status 143: killed by signal 15 (SIGTERM)",
                describe(143, SocketPlacement.FD3_VIA_SHELL));
        assertEquals("exited with status 139: killed by signal 11 (SIGSEGV)",
                describe(139, SocketPlacement.FD0));
    }

    @Test
    void statusAboveSignalRangeIsPlain() {
        assertEquals("exited with status 200", describe(200, SocketPlacement.FD0));
        assertEquals("exited with status 128", describe(128, SocketPlacement.FD0));
    }

    private static String describe(int code, SocketPlacement placement) {
        return ExitDescriptions.describe(code, placement, EXE);
    }
}
