package io.storagedriver.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.storagedriver.FileInfo;
import io.storagedriver.InvalidPathException;
import io.storagedriver.PathNotFoundException;
import io.storagedriver.WalkVisitor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class WalksTest {

    private static List<String> walk(ScriptedDriver driver, String path,
            String skipContentsOf) {
        List<String> visited = new ArrayList<>();
        Walks.walkWithListAndStat(driver, path, entry -> {
            visited.add(entry.path());
            return entry.path().equals(skipContentsOf)
                    ? WalkVisitor.Decision.SKIP_CONTENTS : WalkVisitor.Decision.CONTINUE;
        });
        return visited;
    }

    @Test
    void walkSortsSiblingsByByteOrder() {
        ScriptedDriver driver = new ScriptedDriver() {
            @Override
            public List<String> list(String path) {
                List<String> children = new ArrayList<>(super.list(path));
                Collections.reverse(children);
                return children;
            }
        };
        for (String path : List.of("/z", "/a/b", "/a/B", "/a/_", "/a/-", "/a/.x", "/a/9")) {
            driver.store.putContent(path, new byte[1]);
        }
        assertEquals(List.of("/a", "/a/-", "/a/.x", "/a/9", "/a/B", "/a/_", "/a/b", "/z"),
                walk(driver, "/", null));
    }

    @Test
    void skippedDirectoryIsNotListed() {
        List<String> listed = new ArrayList<>();
        ScriptedDriver driver = new ScriptedDriver() {
            @Override
            public List<String> list(String path) {
                listed.add(path);
                return super.list(path);
            }
        };
        driver.store.putContent("/a/f", new byte[1]);
        driver.store.putContent("/b/g", new byte[1]);
        assertEquals(List.of("/a", "/b", "/b/g"), walk(driver, "/", "/a"));
        assertEquals(List.of("/", "/b"), listed);
    }

    @Test
    void entryGoneBeforeStatIsLeftOut() {
        ScriptedDriver driver = new ScriptedDriver() {
            @Override
            public FileInfo stat(String path) {
                if (path.equals("/gone")) {
                    throw new PathNotFoundException("scripted", path);
                }
                return super.stat(path);
            }
        };
        driver.store.putContent("/gone", new byte[1]);
        driver.store.putContent("/kept", new byte[1]);
        assertEquals(List.of("/kept"), walk(driver, "/", null));
    }

    @Test
    void walkOfMissingOrFileIsPathNotFound() {
        ScriptedDriver driver = new ScriptedDriver();
        driver.store.putContent("/f", new byte[1]);
        assertThrows(PathNotFoundException.class, () -> walk(driver, "/missing", null));
        assertThrows(PathNotFoundException.class, () -> walk(driver, "/f", null));
        assertThrows(InvalidPathException.class, () -> walk(driver, "/f/", null));
    }
}
