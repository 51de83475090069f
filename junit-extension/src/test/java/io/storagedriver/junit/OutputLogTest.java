package io.storagedriver.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.storagedriver.client.DriverClient;
import io.storagedriver.junit.testdrivers.ChattyDriver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/** Covers {@link StorageDriverConfiguration#OUTPUT_LOG}, the file that keeps the drivers' log. */
class OutputLogTest {
    private static final String CHATTY = ChattyDriver.class.getName();

    @Test
    void everyOutputLineIsAppended(@TempDir Path directory) throws Exception {
        Path log = directory.resolve("reports/driver.log");
        Files.createDirectories(log.getParent());
        Files.writeString(log, "# written before the run\n");
        EngineExecutionResults results = FixtureRuns.run(Map.of(
                StorageDriverConfiguration.MAIN_CLASS, CHATTY,
                StorageDriverConfiguration.OUTPUT_LOG, log.toString()), StoringFixture.class);

        results.testEvents().assertStatistics(stats -> stats.started(1).succeeded(1));
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        String driver = "storage driver (mainClass = \"" + CHATTY + "\")";
        assertEquals("# written before the run", lines.get(0));
        assertEquals("# starting the " + driver + " from the configuration parameter "
                + StorageDriverConfiguration.MAIN_CLASS, lines.get(1));
        assertTrue(lines.contains("[stderr] chatty driver started"), lines.toString());
        for (int i = 0; i < 100; i++) {
            assertTrue(lines.contains("[stderr] chatty driver stored /logged/" + i),
                    "line " + i + " missing from " + lines);
        }
        assertTrue(lines.stream().anyMatch(line -> line.matches(
                "# the \\Q" + driver + "\\E started, pid \\d+")), lines.toString());
        assertTrue(lines.get(lines.size() - 1).matches(
                "# the \\Q" + driver + "\\E, pid \\d+, stopped"), lines.toString());
    }

    @Test
    void exitIsNoted(@TempDir Path directory) throws Exception {
        Path log = directory.resolve("driver.log");
        EngineExecutionResults results = FixtureRuns.run(Map.of(
                StorageDriverConfiguration.MAIN_CLASS, CHATTY,
                StorageDriverConfiguration.OUTPUT_LOG, log.toString()), CrashingFixture.class);

        results.testEvents().assertStatistics(stats -> stats.started(1).failed(1));
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        assertTrue(lines.contains("[stderr] chatty driver crashes on purpose"), lines.toString());
        assertTrue(lines.stream().anyMatch(line -> line.endsWith(", exited (exit code "
                + ChattyDriver.CRASH_STATUS + ") during CrashingFixture.crashes()")),
                lines.toString());
    }

    @Test
    void unwritableLogKeepsTestsRunning(@TempDir Path directory) throws Exception {
        Path notADirectory = directory.resolve("file");
        Files.writeString(notADirectory, "");
        EngineExecutionResults results = FixtureRuns.run(Map.of(
                StorageDriverConfiguration.MAIN_CLASS, CHATTY,
                StorageDriverConfiguration.OUTPUT_LOG, notADirectory.resolve("driver.log")
                        .toString()), StoringFixture.class);

        results.testEvents().assertStatistics(stats -> stats.started(1).succeeded(1));
    }

    @WithStorageDriver
    static class StoringFixture {
        @Test
        void stores(DriverClient driver) throws Exception {
            for (int i = 0; i < 100; i++) {
                driver.putContent("/logged/" + i, new byte[] {1});
            }
            StderrAttachmentTest.awaitStderr(driver, "stored /logged/99");
        }
    }

    @WithStorageDriver
    static class CrashingFixture {
        @Test
        void crashes(DriverClient driver) {
            driver.getContent("/crash");
        }
    }
}
