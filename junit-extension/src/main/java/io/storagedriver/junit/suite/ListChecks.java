package io.storagedriver.junit.suite;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.storagedriver.PathNotFoundException;
import io.storagedriver.StoragePaths;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Checks {@code list}: direct children as full paths, and no stale entries. */
public class ListChecks extends CheckSupport {

    @Test
    @CheckId("list.direct-children-as-full-paths")
    public void listsDirectChildrenAsFullPaths() {
        for (String file : List.of("dir/a", "dir/.hidden", "dir/b/c", "dir/b/d/e")) {
            driver.putContent(path(file), new byte[1]);
        }
        Expect.sameEntries("list(" + path("dir") + ")",
                List.of(path("dir/a"), path("dir/.hidden"), path("dir/b")),
                driver.list(path("dir")));
        Expect.sameEntries("list(" + path("dir/b") + ")",
                List.of(path("dir/b/c"), path("dir/b/d")), driver.list(path("dir/b")));
    }

    @Test
    @CheckId("list.root-shows-prefix")
    public void rootListsTheSuiteDirectory() {
        driver.putContent(path("file"), new byte[1]);
        String top = "/" + directory.substring(1).split("/")[0];
        List<String> root = driver.list("/");
        assertTrue(root.contains(top), "list(/) returned " + root + ", which lacks " + top
                + " although " + path("file") + " exists");
        String parent = StoragePaths.parent(directory);
        List<String> siblings = driver.list(parent);
        assertTrue(siblings.contains(directory), "list(" + parent + ") returned " + siblings
                + ", which lacks " + directory + " although " + path("file") + " exists");
    }

    @Test
    @CheckId("list.missing-not-found")
    public void missingDirectoryIsNotFound() {
        String missing = path("missing");
        Expect.raises(PathNotFoundException.class, "list(" + missing + ")",
                () -> driver.list(missing));
        String file = path("file");
        driver.putContent(file, new byte[1]);
        Expect.raises(PathNotFoundException.class, "list(" + file + ") of a file",
                () -> driver.list(file));
    }

    @Test
    @CheckId("list.no-phantom-after-delete")
    public void deletedEntriesAreNotListed() {
        for (String file : List.of("dir/a", "dir/b/c", "dir/d")) {
            driver.putContent(path(file), new byte[1]);
        }
        driver.delete(path("dir/b"));
        driver.delete(path("dir/d"));
        Expect.sameEntries("list(" + path("dir") + ") after deleting " + path("dir/b") + " and "
                + path("dir/d"), List.of(path("dir/a")), driver.list(path("dir")));
    }

    @Test
    @CheckId("list.emptied-directory-vanishes")
    public void directoryVanishesWithItsLastChild() {
        driver.putContent(path("dir/keep"), new byte[1]);
        driver.putContent(path("dir/sub/file"), new byte[1]);
        driver.delete(path("dir/sub/file"));
        Expect.sameEntries("list(" + path("dir") + ") after deleting the only file in "
                + path("dir/sub"), List.of(path("dir/keep")), driver.list(path("dir")));
        Expect.raises(PathNotFoundException.class, "stat(" + path("dir/sub")
                + ") after deleting its only file", () -> driver.stat(path("dir/sub")));
    }
}
