package io.storagedriver.internal.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.storagedriver.internal.process.LaunchCommand.SocketPlacement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LaunchCommandTest {

    @Test
    void commandCopiedDefensively() {
        List<String> argv = new ArrayList<>(List.of("/bin/driver", "arg"));
        LaunchCommand command =
                new LaunchCommand("d", argv, SocketPlacement.FD3_VIA_SHELL, Optional.empty());
        argv.add("later");

        assertEquals(List.of("/bin/driver", "arg"), command.command());
        assertEquals("/bin/driver", command.executable());
    }

    @Test
    void emptyCommandRejected() {
        assertThrows(IllegalArgumentException.class, () -> new LaunchCommand(
                "d", List.of(), SocketPlacement.FD0, Optional.empty()));
        assertThrows(IllegalArgumentException.class, () -> new LaunchCommand(
                "d", List.of(""), SocketPlacement.FD0, Optional.empty()));
        assertThrows(IllegalArgumentException.class, () -> new LaunchCommand(
                " ", List.of("/bin/driver"), SocketPlacement.FD0, Optional.empty()));
    }
}
