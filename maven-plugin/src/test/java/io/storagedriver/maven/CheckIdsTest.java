package io.storagedriver.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CheckIdsTest {

    @Test
    void idIsTakenFromDisplayNamePrefix() {
        assertEquals(Optional.of("content.empty-round-trip"),
                CheckIds.fromDisplayName("content.empty-round-trip: stores no bytes"));
        assertEquals(Optional.of("walk.order_1"), CheckIds.fromDisplayName("walk.order_1: x"));
    }

    @Test
    void displayNameWithoutPrefixHasNoId() {
        assertEquals(Optional.empty(), CheckIds.fromDisplayName("ContentChecks"));
        assertEquals(Optional.empty(), CheckIds.fromDisplayName("[1] size=0"));
        assertEquals(Optional.empty(), CheckIds.fromDisplayName("content.x:no space"));
        assertEquals(Optional.empty(), CheckIds.fromDisplayName("two words: x"));
    }

    @Test
    void starMatchesAnyRunIncludingDots() {
        assertTrue(CheckIds.matches("content.*", "content.empty-round-trip"));
        assertTrue(CheckIds.matches("*", "a.b.c"));
        assertTrue(CheckIds.matches("*.large-*", "writer.large-append"));
        assertTrue(CheckIds.matches("content.*", "content."));
        assertFalse(CheckIds.matches("content.*", "contents.x"));
        assertFalse(CheckIds.matches("content.*", "list.content.x"));
    }

    @Test
    void questionMarkMatchesOneCharacter() {
        assertTrue(CheckIds.matches("walk.order-?", "walk.order-1"));
        assertFalse(CheckIds.matches("walk.order-?", "walk.order-12"));
        assertFalse(CheckIds.matches("walk.order-?", "walk.order-"));
    }

    @Test
    void globWithoutWildcardsMatchesExactly() {
        assertTrue(CheckIds.matches("content.move", "content.move"));
        assertFalse(CheckIds.matches("content.move", "content.moves"));
        assertFalse(CheckIds.matches("Content.move", "content.move"));
    }

    @Test
    void matchesAnyNeedsOneMatch() {
        assertTrue(CheckIds.matchesAny(List.of("list.*", "content.*"), "content.x"));
        assertFalse(CheckIds.matchesAny(List.of("list.*", "walk.*"), "content.x"));
        assertFalse(CheckIds.matchesAny(List.of(), "content.x"));
    }
}
