package io.storagedriver.junit.suite;

import io.storagedriver.PathNotFoundException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Checks {@code move}. */
public class MoveChecks extends CheckSupport {

    @Test
    @CheckId("move.content-arrives-source-gone")
    public void contentArrivesAndSourceIsGone() {
        String source = path("source");
        String destination = path("destination");
        byte[] content = Patterns.bytes(seed("content"), 70_000);
        driver.putContent(source, content);
        driver.move(source, destination);
        Patterns.assertBytes("getContent(" + destination + ") after move(" + source + ", "
                + destination + ")", content, driver.getContent(destination));
        Expect.raises(PathNotFoundException.class, "stat(" + source + ") after moving it away",
                () -> driver.stat(source));
    }

    @Test
    @CheckId("move.overwrites-destination")
    public void overwritesDestination() {
        String source = path("source");
        String destination = path("destination");
        byte[] content = Patterns.bytes(seed("source"), 100);
        driver.putContent(source, content);
        driver.putContent(destination, Patterns.bytes(seed("destination"), 5000));
        driver.move(source, destination);
        Patterns.assertBytes("getContent(" + destination + ") after moving 100 bytes over 5000",
                content, driver.getContent(destination));
        Expect.raises(PathNotFoundException.class, "stat(" + source + ") after moving it away",
                () -> driver.stat(source));
    }

    @Test
    @CheckId("move.missing-source-leaves-destination")
    public void missingSourceFailsAndLeavesDestination() {
        String source = path("missing");
        String destination = path("destination");
        byte[] content = Patterns.bytes(seed("destination"), 300);
        driver.putContent(destination, content);
        Expect.raises(PathNotFoundException.class, "move(" + source + ", " + destination
                + ") of a missing source", () -> driver.move(source, destination));
        Patterns.assertBytes("getContent(" + destination + ") after a failed move onto it",
                content, driver.getContent(destination));
    }

    @Test
    @CheckId("move.creates-parents")
    public void createsParentsOfDestination() {
        String source = path("source");
        String destination = path("new/deeper/still/destination");
        byte[] content = Patterns.bytes(seed("content"), 10);
        driver.putContent(source, content);
        driver.move(source, destination);
        Patterns.assertBytes("getContent(" + destination + ") after moving into new directories",
                content, driver.getContent(destination));
        Expect.sameEntries("list(" + path("new/deeper") + ")",
                List.of(path("new/deeper/still")), driver.list(path("new/deeper")));
    }
}
