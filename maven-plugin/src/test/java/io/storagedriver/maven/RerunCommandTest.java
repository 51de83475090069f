package io.storagedriver.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class RerunCommandTest {

    @Test
    void commandLineRunKeepsGoalAndDriverProperties() {
        Properties properties = new Properties();
        properties.setProperty("storagedriver.name", "filesystem");
        properties.setProperty("storagedriver.includes", "content.*");
        properties.setProperty("storagedriver.check", "old.check");
        properties.setProperty("maven.repo.local", "/tmp/repo");

        RerunCommand command = RerunCommand.of("storagedriver:verify", "default-cli", properties,
                true);

        assertEquals("mvn storagedriver:verify -Dstoragedriver.name=filesystem"
                + " -Dstoragedriver.check=content.move", command.apply("content.move"));
    }

    @Test
    void pomExecutionIsNamed() {
        RerunCommand command = RerunCommand.of("storagedriver:verify", "compatibility",
                new Properties(), true);

        assertEquals("mvn storagedriver:verify@compatibility -Dstoragedriver.check=a.b",
                command.apply("a.b"));
    }

    @Test
    void parameterValuesAreNotRepeated() {
        Properties properties = new Properties();
        properties.setProperty("storagedriver.parameters", "token=hunter2");

        RerunCommand command = RerunCommand.of("g:a:1:verify", null, properties, true);

        assertEquals("mvn g:a:1:verify '-Dstoragedriver.parameters=<same as before>'"
                + " -Dstoragedriver.check=a.b", command.apply("a.b"));
    }

    @Test
    void valuesWithSpacesAreQuoted() {
        Properties properties = new Properties();
        properties.setProperty("storagedriver.groups", "!large & !concurrency");

        RerunCommand command = RerunCommand.of("storagedriver:verify", "default-cli",
                properties, true);

        assertEquals("mvn storagedriver:verify '-Dstoragedriver.groups=!large & !concurrency'"
                + " -Dstoragedriver.check=a.b", command.apply("a.b"));
    }

    @Test
    void nonRecursiveRunKeepsN() {
        RerunCommand command = RerunCommand.of("storagedriver:verify", "default-cli",
                new Properties(), false);

        assertEquals("mvn -N storagedriver:verify -Dstoragedriver.check=a.b",
                command.apply("a.b"));
    }
}
